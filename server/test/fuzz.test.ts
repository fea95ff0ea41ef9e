// Issue 17: 2,000 mutated real profiles (seeded, fast-check) sent to /ingest and Push. None may
// get a 5xx or stop the server; /ready keeps answering; the data stored before is unchanged.
import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { Label, Profile } from 'pprof-format';
import { gzipSync, gunzipSync } from 'node:zlib';
import { isGzip } from '../../src/common/gzip';
import { readFixture, startTestServer, type TestServer } from './helpers';
import { expectReady, mergedTotal, push, pushBody } from './hostile-helpers';

/** The seeds: small real profiles (one list, so that the fixture names can be repointed). */
export const FUZZ_SEED_PROFILES = [
  'go-cpu-tiny.pb.gz',
  'pyspy.pb.gz',
  'go-goroutine.pb.gz',
  'go-block.pb.gz',
  'go-mutex.pb.gz',
  'no-mappings.pb.gz',
  'sample.cpu',
  'go.nomappings.crash',
  'invalid-utf8.pb.gz',
  'no-addr-no-line.pb.gz',
  'native-kernel.pb.gz',
  'cppbench.cpu_no_samples_type',
];
const RUNS = 2000;
const SEED = 17;
const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';

const seeds = FUZZ_SEED_PROFILES.map((name) => {
  const bytes = readFixture(name);
  return new Uint8Array(isGzip(bytes) ? gunzipSync(bytes) : bytes);
});

type Mutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'varint'; at: number; value: bigint };

const at = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('delete' as const), at, len: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('duplicate' as const), at, len: fc.integer({ min: 1, max: 256 }) }),
  // Extreme numbers where a varint was: ids, indices, lengths, values and times past their ranges.
  fc.record({
    kind: fc.constant('varint' as const),
    at,
    value: fc.constantFrom(0n, 1n, 127n, 2n ** 31n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n),
  }),
);

/** Mutations of a decoded profile's fields, re-encoded: they reach past the wire format into validation and storage. */
type FieldMutation = { field: (typeof FIELDS)[number]; pick: number; value: bigint };
const FIELDS = [
  'value',
  'locationId',
  'functionName',
  'functionId',
  'locationIdOf',
  'labelKey',
  'labelStr',
  'sampleType',
  'period',
  'duration',
  'time',
  'string',
  'label',
] as const;
const EXTREMES = [0n, 1n, 7n, 2n ** 31n - 1n, 2n ** 53n + 1n, 2n ** 62n, 2n ** 63n - 1n, 2n ** 64n - 1n];
const fieldMutation: fc.Arbitrary<FieldMutation> = fc.record({
  field: fc.constantFrom(...FIELDS),
  pick: at,
  value: fc.constantFrom(...EXTREMES),
});

function mutateFields(input: Uint8Array, ms: FieldMutation[]): Uint8Array {
  const p = Profile.decode(input);
  const one = <T>(xs: T[], pick: number): T | undefined => xs[Math.floor(pick * xs.length)];
  for (const m of ms) {
    const sample = one(p.sample, m.pick);
    const strings = p.stringTable.strings;
    switch (m.field) {
      case 'value':
        if (sample && sample.value.length) sample.value[0] = m.value;
        break;
      case 'locationId':
        if (sample && sample.locationId.length) sample.locationId[0] = m.value;
        break;
      case 'functionName': {
        const f = one(p.function, m.pick);
        if (f) f.name = m.value;
        break;
      }
      case 'functionId': {
        const f = one(p.function, m.pick);
        if (f) f.id = m.value % 4n;
        break;
      }
      case 'locationIdOf': {
        const l = one(p.location, m.pick);
        if (l) l.id = m.value % 4n;
        break;
      }
      case 'labelKey': {
        const l = sample && one(sample.label, m.pick);
        if (l) l.key = m.value % BigInt(strings.length + 2);
        break;
      }
      case 'labelStr': {
        const l = sample && one(sample.label, m.pick);
        if (l) l.str = m.value % BigInt(strings.length + 2);
        break;
      }
      case 'sampleType': {
        const t = one(p.sampleType, m.pick);
        if (t) t.type = m.value % BigInt(strings.length + 1);
        break;
      }
      case 'period':
        p.period = m.value;
        break;
      case 'duration':
        p.durationNanos = m.value;
        break;
      case 'time':
        p.timeNanos = m.value % 2n ** 63n;
        break;
      case 'string':
        if (strings.length > 1)
          strings[1 + Math.floor(m.pick * (strings.length - 1))] = ['a:b', 'x'.repeat(3000), '', '\u0000<script>'][
            Number(m.value % 4n)
          ]!;
        break;
      case 'label':
        if (sample)
          sample.label.push(new Label({ key: BigInt(Math.min(1, strings.length - 1)), str: m.value % BigInt(strings.length) }));
        break;
    }
  }
  return p.encode();
}

function varint(v: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

function mutate(input: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Array.from(input);
  for (const m of ms) {
    const i = Math.min(b.length, Math.floor(m.at * b.length));
    if (m.kind === 'set' && i < b.length) b[i] = m.byte;
    else if (m.kind === 'insert') b.splice(i, 0, ...m.bytes);
    else if (m.kind === 'delete') b.splice(i, m.len);
    else if (m.kind === 'truncate') b = b.slice(0, i);
    else if (m.kind === 'duplicate') b.splice(i, 0, ...b.slice(i, i + m.len));
    else if (m.kind === 'varint') {
      let end = i;
      while (end < b.length && b[end]! >= 0x80) end++;
      b.splice(i, end + 1 - i, ...varint(m.value));
    }
  }
  return Uint8Array.from(b);
}

let s: TestServer;
const before = { baseline: 0, kept: 0 };

beforeAll(async () => {
  // Push keeps each profile's own time (some seeds are from long ago): retention reaches back that far.
  s = await startTestServer({ retention: '36500d' });
  const cpu = readFixture('go-cpu-tiny.pb.gz');
  expect((await s.ingest({ name: 'baseline' }, cpu)).status).toBe(200);
  expect((await s.ingest({ name: 'kept' }, cpu, { 'X-Scope-OrgID': 'keep' })).status).toBe(200);
  before.baseline = await mergedTotal(s, CPU, '{service_name="baseline"}');
  before.kept = await mergedTotal(s, CPU, '{service_name="kept"}', { 'X-Scope-OrgID': 'keep' });
});
afterAll(() => s.stop());

async function expectUnchanged(): Promise<void> {
  await expectReady(s);
  expect(await mergedTotal(s, CPU, '{service_name="baseline"}')).toBe(before.baseline);
  expect(await mergedTotal(s, CPU, '{service_name="kept"}', { 'X-Scope-OrgID': 'keep' })).toBe(before.kept);
}

it(`${RUNS} mutated profiles: never a 5xx, the server stays up, earlier data unchanged`, async () => {
  const statuses = new Map<number, number>();
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: seeds.length - 1 }),
      fc.array(fieldMutation, { maxLength: 3 }),
      fc.array(mutation, { maxLength: 3 }),
      fc.boolean(),
      fc.boolean(),
      async (seed, fieldMutations, mutations, gzip, viaPush) => {
        const raw = mutate(mutateFields(seeds[seed]!, fieldMutations), mutations);
        const body = gzip ? gzipSync(raw) : raw;
        const res = viaPush
          ? await push(s, pushBody([{ labels: { service_name: 'fuzz' }, profiles: [body] }]))
          : await s.ingest({ name: 'fuzz' }, body);
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, text).toBeLessThan(500);
        if (++run % 250 === 0) await expectUnchanged();
      },
    ),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  await expectUnchanged();
  // Both outcomes occur: some mutations still make valid profiles, most do not.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
}, 120_000);
