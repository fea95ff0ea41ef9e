// JFR ingest (format=jfr, the Pyroscope Java agent's upload): the recording in testdata/jfr/ made
// by the agent on testdata/sdk/java/App.java, whose counts the JDK's own `jfr` tool gives
// (`jfr summary`, `jfr print --events jdk.ExecutionSample`); and hostile recordings, which must
// be a 400, never a 500 or a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../errors';
import { jfrToProfile } from '../ingest/jfr';
import { readLabelsSnapshot } from '../ingest/jfr-labels';
import { DEFAULT_LIMITS, type Limits } from '../limits';
import { startTestServer, type TestServer } from './helpers';

// ---- A minimal JFR writer (compressed integers), for recordings with a chosen shape.

interface ClassSpec {
  id: number;
  name: string;
  fields: { name: string; type: number; cp?: boolean; array?: boolean }[];
}
type Val = number | string | Val[];
/** [type id, [key, value][]]: a value is a number (long/int/cp key), a string, or a field list. */
type Pool = [number, [number, Val][]];

const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    out.push((n % 128) | (n >= 128 ? 128 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
};
const str = (t: string) => [3, ...varint(Buffer.byteLength(t)), ...Buffer.from(t)];
/** A Symbol's value: its one String field. */
const sym = ([, t]: [number, string]): Val => [t];
function val(v: Val): number[] {
  if (typeof v === 'number') return varint(v);
  if (typeof v === 'string') return str(v);
  return v.flatMap((x) => (Array.isArray(x) ? [...varint(x.length), ...x.flatMap(val)] : val(x)));
}
/** An event: its size as a padded 4-byte varint, then the body. */
const event = (body: number[]) => {
  const n = body.length + 4;
  return [(n & 127) | 128, ((n >> 7) & 127) | 128, ((n >> 14) & 127) | 128, (n >> 21) & 127, ...body];
};
const u64 = (n: number) => [...Buffer.from(BigInt(n).toString(16).padStart(16, '0'), 'hex')];

function chunk(classes: ClassSpec[], pools: Pool[], events: number[][]): Uint8Array {
  const strings: string[] = [];
  const si = (t: string) => (strings.includes(t) ? strings.indexOf(t) : strings.push(t) - 1);
  const el = (name: string, attrs: Record<string, string>, children: number[][]): number[] => [
    ...varint(si(name)),
    ...varint(Object.keys(attrs).length),
    ...Object.entries(attrs).flatMap(([k, v]) => [...varint(si(k)), ...varint(si(v))]),
    ...varint(children.length),
    ...children.flat(),
  ];
  const classEls = classes.map((c) =>
    el(
      'class',
      { id: String(c.id), name: c.name },
      c.fields.map((f) =>
        el(
          'field',
          {
            name: f.name,
            class: String(f.type),
            ...(f.cp ? { constantPool: 'true' } : {}),
            ...(f.array ? { dimension: '1' } : {}),
          },
          [],
        ),
      ),
    ),
  );
  const root = el('root', {}, [el('metadata', {}, classEls)]);
  const meta = event([0, 0, 0, 0, ...varint(strings.length), ...strings.flatMap(str), ...root]);
  const body = events.flatMap((e) => event(e.flatMap((x) => varint(x))));
  const cp = event([
    1,
    0,
    0,
    0,
    0,
    ...varint(pools.length),
    ...pools.flatMap(([type, entries]) => [
      ...varint(type),
      ...varint(entries.length),
      ...entries.flatMap(([k, v]) => [...varint(k), ...val(v)]),
    ]),
  ]);
  const cpOffset = 68 + body.length;
  const metaOffset = cpOffset + cp.length;
  const size = metaOffset + meta.length;
  const header = [
    0x46,
    0x4c,
    0x52,
    0,
    0,
    2,
    0,
    0,
    ...u64(size),
    ...u64(cpOffset),
    ...u64(metaOffset),
    ...u64(0),
    ...u64(0),
    ...u64(0),
    ...u64(1e9),
    0,
    0,
    0,
    1,
  ];
  return new Uint8Array([...header, ...body, ...cp, ...meta]);
}

/** The JDK's types the converter reads, reduced to the fields it uses. */
const SPEC: ClassSpec[] = [
  { id: 1, name: 'long', fields: [] },
  { id: 2, name: 'java.lang.String', fields: [] },
  { id: 3, name: 'jdk.types.Symbol', fields: [{ name: 'string', type: 2 }] },
  { id: 4, name: 'java.lang.Class', fields: [{ name: 'name', type: 3, cp: true }] },
  {
    id: 5,
    name: 'jdk.types.Method',
    fields: [
      { name: 'type', type: 4, cp: true },
      { name: 'name', type: 3, cp: true },
    ],
  },
  {
    id: 6,
    name: 'jdk.types.StackFrame',
    fields: [
      { name: 'method', type: 5, cp: true },
      { name: 'lineNumber', type: 7 },
    ],
  },
  { id: 7, name: 'int', fields: [] },
  {
    id: 8,
    name: 'jdk.types.StackTrace',
    fields: [
      { name: 'truncated', type: 9 },
      { name: 'frames', type: 6, array: true },
    ],
  },
  { id: 9, name: 'boolean', fields: [] },
  {
    id: 10,
    name: 'jdk.ExecutionSample',
    fields: [
      { name: 'startTime', type: 1 },
      { name: 'stackTrace', type: 8, cp: true },
    ],
  },
];

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../../testdata/jfr', name)));
const gz = fixture('java-cpu.jfr.gz');
const labelsGz = fixture('java-cpu.labels.pb.gz');
const recording = new Uint8Array(gunzipSync(gz));
const contexts = readLabelsSnapshot(new Uint8Array(gunzipSync(labelsGz)));
/**
 * `jfr summary`: jdk.ExecutionSample 154; 145 with contextId 1 (handler=checkout in the labels
 * part), 143 of those with App.flamelensSdkJavaHotLoop on top; 9 with contextId 0 (JVM threads).
 */
const EVENTS = 154;
const CHECKOUT = 145;
const HOT = 143;
const PERIOD = 10_000_000;

function selfOf(name: string, p: ReturnType<typeof jfrToProfile>): number {
  const s = p.stringTable.strings;
  const fn = p.function.find((f) => s[Number(f.name)] === name);
  const locs = new Set(p.location.filter((l) => l.line[0]!.functionId === fn?.id).map((l) => l.id));
  return p.sample.filter((x) => locs.has(x.locationId[0]!)).reduce((a, x) => a + Number(x.value[0]), 0);
}

describe('JFR → pprof', () => {
  it('a recording written here, two stacks: values and frame order as written', () => {
    // Symbols 1-3, classes 1-2, methods 1-3, stack traces 1 (main → work) and 2 (main → idle).
    const pools: Pool[] = [
      [
        3,
        [
          [1, [3, 'com/example/App']],
          [2, [3, 'work']],
          [3, [3, 'main']],
          [4, [3, 'idle']],
        ].map(([k, v]) => [k as number, sym(v as [number, string])]),
      ],
      [4, [[1, [1]]]],
      [
        5,
        [
          [1, [1, 2]],
          [2, [1, 3]],
          [3, [1, 4]],
        ],
      ],
      [
        8,
        [
          [
            1,
            [
              0,
              [
                [1, 42],
                [2, 7],
              ],
            ],
          ],
          [
            2,
            [
              0,
              [
                [3, 0],
                [2, 9],
              ],
            ],
          ],
        ],
      ],
    ];
    const events = [
      [10, 1, 1],
      [10, 2, 1],
      [10, 3, 2],
      [10, 4, 1],
    ];
    const p = jfrToProfile(chunk(SPEC, pools, events), PERIOD);
    const s = p.stringTable.strings;
    const fnName = new Map(p.function.map((f) => [f.id, s[Number(f.name)]]));
    const frame = new Map(p.location.map((l) => [l.id, `${fnName.get(l.line[0]!.functionId)}:${l.line[0]!.line}`]));
    const got = p.sample.map((x) => `${x.locationId.map((id) => frame.get(id)).join(' < ')} = ${x.value[0]}`).sort();
    expect(got).toEqual([
      `com/example/App.idle:0 < com/example/App.main:9 = ${PERIOD}`,
      `com/example/App.work:42 < com/example/App.main:7 = ${3 * PERIOD}`,
    ]);
  });

  it('every execution sample, one period each, on its stack (leaf first)', () => {
    const p = jfrToProfile(recording, PERIOD);
    const s = p.stringTable.strings;
    expect(p.sampleType.map((t) => `${s[Number(t.type)]}/${s[Number(t.unit)]}`)).toEqual(['cpu/nanoseconds']);
    expect(p.sample.reduce((a, x) => a + Number(x.value[0]), 0)).toBe(EVENTS * PERIOD);
    expect(selfOf('App.flamelensSdkJavaHotLoop', p)).toBe(HOT * PERIOD);
    // Its stack as `jfr print` shows it, leaf first, class names with slashes as Pyroscope writes them.
    const name = new Map(p.function.map((f) => [f.id, s[Number(f.name)]]));
    const frame = new Map(p.location.map((l) => [l.id, `${name.get(l.line[0]!.functionId)}:${l.line[0]!.line}`]));
    const hot = p.sample.find((x) => frame.get(x.locationId[0]!)?.startsWith('App.flamelensSdkJavaHotLoop:'))!;
    expect(hot.locationId.map((id) => frame.get(id))).toEqual([
      'App.flamelensSdkJavaHotLoop:19',
      'App.lambda$main$0:32',
      expect.stringMatching(/^App\$\$Lambda\$\d+\.0x[0-9a-f]+\.run:0$/),
      'io/pyroscope/labels/v2/Pyroscope$LabelsWrapper.run:31',
      'App.main:30',
    ]);
  });

  it('the labels part: each context id labels its samples (handler=checkout), the rest unlabelled', () => {
    expect([...contexts]).toEqual([[1, [['handler', 'checkout']]]]);
    const p = jfrToProfile(recording, PERIOD, contexts);
    const s = p.stringTable.strings;
    const labelled = p.sample.filter((x) =>
      x.label.some((l) => s[Number(l.key)] === 'handler' && s[Number(l.str)] === 'checkout'),
    );
    expect(labelled.reduce((a, x) => a + Number(x.value[0]), 0)).toBe(CHECKOUT * PERIOD);
    expect(p.sample.filter((x) => x.label.length === 0).reduce((a, x) => a + Number(x.value[0]), 0)).toBe(
      (EVENTS - CHECKOUT) * PERIOD,
    );
  });

  it("the profile's limits stop the conversion as it builds (samples, their frames, their labels)", () => {
    const refusal = (limits: Partial<Limits>) => {
      try {
        jfrToProfile(recording, PERIOD, contexts, { ...DEFAULT_LIMITS, ...limits });
      } catch (e) {
        return e instanceof ClientError ? `${e.status} ${e.message}` : String(e);
      }
      return 'converted';
    };
    expect(refusal({})).toBe('converted');
    expect(refusal({ maxSamples: 1 })).toMatch(/^413 the recording has more than 1 distinct samples: over the limit maxSamples/);
    expect(refusal({ maxStackFrames: 3 })).toMatch(/^413 .*over the limit maxStackFrames = 3/);
    expect(refusal({ maxSampleLabels: 0 })).toMatch(
      /^400 a context of the recording has 1 labels: over the limit maxSampleLabels/,
    );
  });

  it('a gzipped recording is ingested over HTTP as the agent sends it, a CPU profile of its service', async () => {
    const s: TestServer = await startTestServer();
    try {
      const form = new FormData();
      form.set('jfr', new Blob([gz]), 'jfr');
      form.set('labels', new Blob([labelsGz]), 'labels');
      const r = await fetch(
        `${s.url}/ingest?name=${encodeURIComponent('java-app{region=local}')}&format=jfr&sampleRate=100&spyName=javaspy&from=now`,
        { method: 'POST', body: form },
      );
      expect(r.status).toBe(200);
      const now = Date.now();
      const fg = await s.rpc('SelectMergeStacktraces', {
        profileTypeID: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
        labelSelector: '{service_name="java-app", region="local"}',
        start: String(now - 60_000),
        end: String(now + 60_000),
      });
      expect(fg.json.flamegraph?.total).toBe(String(EVENTS * PERIOD));
      expect(fg.json.flamegraph?.names).toContain('App.flamelensSdkJavaHotLoop');
      const checkout = await s.rpc('SelectMergeStacktraces', {
        profileTypeID: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
        labelSelector: '{service_name="java-app", handler="checkout"}',
        start: String(now - 60_000),
        end: String(now + 60_000),
      });
      expect(checkout.json.flamegraph?.total).toBe(String(CHECKOUT * PERIOD));
    } finally {
      await s.stop();
    }
  });
});

describe('hostile JFR', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.stop());

  const post = (body: Uint8Array, query = 'format=jfr') =>
    fetch(`${s.url}/ingest?name=hostile&${query}`, { method: 'POST', body: Buffer.from(body) });

  it('not JFR, empty, truncated, a bad sampleRate, another format: 400 or 422 with a reason', async () => {
    for (const body of [
      new TextEncoder().encode('not a recording at all, no FLR here'),
      new Uint8Array(0),
      recording.subarray(0, 100),
    ]) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect((await r.json()).message).toMatch(/JFR/);
    }
    expect((await post(recording, 'format=jfr&sampleRate=0')).status).toBe(400);
    const form = new FormData();
    form.set('jfr', new Blob([gz]), 'jfr');
    form.set('labels', new Blob([new Uint8Array([0x0a, 0x7f, 1, 2])]), 'labels');
    const badLabels = await fetch(`${s.url}/ingest?name=hostile&format=jfr`, { method: 'POST', body: form });
    expect(badLabels.status).toBe(400);
    expect((await badLabels.json()).message).toMatch(/malformed JFR labels/);
    const folded = await post(recording, 'format=folded');
    expect(folded.status).toBe(422);
    expect((await folded.json()).message).toMatch(/unsupported format "folded"/);
  });

  it('every cut and 600 seeded byte changes: a profile or a ClientError, never anything else', () => {
    let seed = 22;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const cases: Uint8Array[] = [];
    for (let cut = 0; cut < recording.length; cut += 97) cases.push(recording.subarray(0, cut));
    for (let i = 0; i < 600; i++) {
      const m = recording.slice();
      for (let k = 0; k <= rand(4); k++) m[rand(m.length)] = rand(256);
      cases.push(m);
    }
    let refused = 0;
    for (const c of cases) {
      try {
        jfrToProfile(c, PERIOD);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(ClientError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('types whose values take no bytes, nested 31 deep two by two: refused at once, not read 2^31 times', () => {
    const classes: ClassSpec[] = [{ id: 1, name: 'long', fields: [] }];
    for (let i = 0; i <= 31; i++) {
      const next =
        i < 31
          ? [
              { name: 'x', type: 100 + i + 1 },
              { name: 'y', type: 100 + i + 1 },
            ]
          : [];
      classes.push({ id: 100 + i, name: `Bomb${i}`, fields: next });
    }
    classes.push({ id: 10, name: 'jdk.ExecutionSample', fields: [{ name: 'bomb', type: 100 }] });
    const bomb = chunk(classes, [], [[10]]);
    expect(() => jfrToProfile(bomb, PERIOD)).toThrow(/more values than its size allows/);
  });
});
