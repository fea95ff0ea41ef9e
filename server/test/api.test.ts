// The query and ingest API over HTTP: labels, selectors, series, time buckets, tenants, errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create, toBinary } from '@bufbuild/protobuf';
import { PushRequestSchema } from '../../src/api/gen/push/v1/push_pb';
import { columnSum, decodeFixture, readFixture, startTestServer, type TestServer } from './helpers';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const cpu = readFixture('go-cpu-tiny.pb.gz'); // Σ cpu = 80ms
const CPU_TOTAL = 80_000_000;

let s: TestServer;
const now = Date.now();
const t0 = Math.floor(now / 60_000) * 60_000 - 10 * 60_000; // a minute boundary, 10 min ago
const range = { start: String(t0 - 60_000), end: String(now + 60_000) };

beforeAll(async () => {
  s = await startTestServer();
  // checkout: 2 pods × 4 profiles 15 s apart; catalog: 1 pod; a second tenant.
  for (const pod of ['checkout-a', 'checkout-b']) {
    for (let i = 0; i < 4; i++) {
      const r = await s.ingest(
        {
          name: `checkout{pod=${pod},namespace=shop}`,
          from: String((t0 + i * 15_000) / 1000),
          format: 'pprof',
          spyName: 'gospy',
        },
        cpu,
      );
      expect(r.status).toBe(200);
    }
  }
  expect((await s.ingest({ name: 'catalog{pod=catalog-a,namespace=shop}', from: String(t0), format: 'pprof' }, cpu)).status).toBe(
    200,
  );
  expect(
    (await s.ingest({ name: 'secret{pod=s-1}', from: String(t0), format: 'pprof' }, cpu, { 'X-Scope-OrgID': 'team-b' })).status,
  ).toBe(200);
});
afterAll(() => s.stop());

const merge = (labelSelector: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>) =>
  s.rpc('SelectMergeProfile', { profileTypeID: CPU, labelSelector, ...range, ...extra }, headers);
const mergedTotal = (json: { sample?: { value: string[] }[] }) => (json.sample ?? []).reduce((a, x) => a + Number(x.value[0]), 0);

describe('labels and series', () => {
  it('ProfileTypes lists the ingested types with Pyroscope names', async () => {
    const { status, json } = await s.rpc('ProfileTypes', range);
    expect(status).toBe(200);
    expect(json.profileTypes!.map((t: { ID: string }) => t.ID)).toEqual([CPU, 'process_cpu:samples:count:cpu:nanoseconds']);
    expect(json.profileTypes![0]).toEqual({
      ID: CPU,
      name: 'process_cpu',
      sampleType: 'cpu',
      sampleUnit: 'nanoseconds',
      periodType: 'cpu',
      periodUnit: 'nanoseconds',
    });
  });

  it('LabelNames and LabelValues follow the matchers', async () => {
    const names = await s.rpc('LabelNames', { matchers: ['{service_name="checkout"}'], ...range });
    expect(names.json.names).toEqual(
      expect.arrayContaining(['__name__', '__profile_type__', 'namespace', 'pod', 'pyroscope_spy', 'service_name']),
    );
    const pods = await s.rpc('LabelValues', { name: 'pod', matchers: ['{service_name="checkout"}'], ...range });
    expect(pods.json.names).toEqual(['checkout-a', 'checkout-b']);
    const services = await s.rpc('LabelValues', { name: 'service_name', ...range });
    expect(services.json.names).toEqual(['catalog', 'checkout']);
  });

  it('accepts snake_case keys and numeric int64', async () => {
    const r = await s.rpc('Series', {
      matchers: ['{namespace="shop"}'],
      label_names: ['service_name', '__profile_type__'],
      start: Number(range.start),
      end: Number(range.end),
    });
    expect(r.status).toBe(200);
    expect(r.json.labelsSet).toHaveLength(4);
    expect(r.json.labelsSet![0]!.labels).toEqual([
      { name: '__profile_type__', value: CPU },
      { name: 'service_name', value: 'catalog' },
    ]);
  });

  it('nothing outside the time range', async () => {
    const r = await s.rpc('LabelValues', { name: 'service_name', start: String(now + 120_000), end: String(now + 240_000) });
    expect(r.json).toEqual({});
  });
});

describe('selectors', () => {
  it.each([
    ['{service_name="checkout"}', 8],
    ['{service_name="checkout", pod="checkout-a"}', 4],
    ['{service_name=~"check.*"}', 8],
    ['{service_name!="checkout"}', 1],
    ['{service_name!~"c.*"}', 0],
    ['{namespace="shop", pod=~"checkout-.|catalog-a"}', 9],
    ['{pod=""}', 0],
  ])('%s merges %i profiles', async (sel, n) => {
    const r = await merge(sel);
    expect(r.status).toBe(200);
    expect(mergedTotal(r.json)).toBe(n * CPU_TOTAL);
  });

  it.each(['{service_name="x"', 'service_name="x"}', '{service_name=~"("}', '{1abc="x"}', '{a=x}'])('%s → 400', async (sel) => {
    const r = await merge(sel);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('invalid_argument');
    expect(r.json.message).toMatch(/selector|expression/);
  });

  it('a bad profile type → 400', async () => {
    const r = await s.rpc('SelectMergeProfile', { profileTypeID: 'cpu', labelSelector: '{}', ...range });
    expect(r.status).toBe(400);
  });

  it('the merged profile carries the range and the sample type', async () => {
    const { json } = await merge('{service_name="catalog"}');
    expect(json.timeNanos).toBe(String(BigInt(range.start) * 1_000_000n));
    expect(json.durationNanos).toBe(String((BigInt(range.end) - BigInt(range.start)) * 1_000_000n));
    expect(json.stringTable![Number(json.sampleType![0]!.type)]).toBe('cpu');
    expect(json.period).toBe('10000000');
  });
});

describe('SelectSeries', () => {
  it('buckets by step and the points sum to the merged total', async () => {
    const r = await s.rpc('SelectSeries', {
      profileTypeID: CPU,
      labelSelector: '{service_name="checkout"}',
      ...range,
      step: 30,
      groupBy: ['pod'],
    });
    expect(r.status).toBe(200);
    expect(r.json.series!.map((x: { labels: unknown }) => x.labels)).toEqual([
      [{ name: 'pod', value: 'checkout-a' }],
      [{ name: 'pod', value: 'checkout-b' }],
    ]);
    for (const series of r.json.series!) {
      expect(series.points.map((p: { timestamp: string }) => Number(p.timestamp))).toEqual([t0, t0 + 30_000]);
      expect(series.points.map((p: { value: number }) => p.value)).toEqual([2 * CPU_TOTAL, 2 * CPU_TOTAL]);
    }
    const all = await s.rpc('SelectSeries', { profileTypeID: CPU, labelSelector: '{namespace="shop"}', ...range, step: 15 });
    const sum = all.json.series![0]!.points.reduce((a: number, p: { value: number }) => a + p.value, 0);
    expect(all.json.series).toHaveLength(1);
    expect(sum).toBe(mergedTotal((await merge('{namespace="shop"}')).json));
  });

  it('average and limit', async () => {
    const avg = await s.rpc('SelectSeries', {
      profileTypeID: CPU,
      labelSelector: '{service_name="checkout"}',
      ...range,
      step: 60,
      aggregation: 'TIME_SERIES_AGGREGATION_TYPE_AVERAGE',
    });
    expect(avg.json.series![0]!.points).toEqual([{ value: CPU_TOTAL, timestamp: String(t0) }]);
    const top = await s.rpc('SelectSeries', {
      profileTypeID: CPU,
      labelSelector: '{namespace="shop"}',
      ...range,
      step: 60,
      groupBy: ['service_name'],
      limit: 1,
    });
    expect(top.json.series).toHaveLength(1);
    expect(top.json.series![0]!.labels).toEqual([{ name: 'service_name', value: 'checkout' }]);
  });
});

describe('flame graphs', () => {
  it('SelectMergeStacktraces: root total, maxNodes folds the rest into "other"', async () => {
    const r = await s.rpc('SelectMergeStacktraces', {
      profileTypeID: CPU,
      labelSelector: '{service_name="catalog"}',
      ...range,
      maxNodes: 4,
    });
    expect(r.status).toBe(200);
    const fg = r.json.flamegraph!;
    expect(fg.total).toBe(String(CPU_TOTAL));
    expect(fg.names[0]).toBe('total');
    expect(fg.names).toContain('other');
    expect(fg.levels[0]!.values).toEqual(['0', String(CPU_TOTAL), '0', '0']);
    // Every level's totals add up to at most the root's.
    for (const level of fg.levels) {
      let sum = 0;
      for (let i = 0; i < level.values.length; i += 4) sum += Number(level.values[i + 1]);
      expect(sum).toBeLessThanOrEqual(CPU_TOTAL);
    }
    const full = await s.rpc('SelectMergeStacktraces', {
      profileTypeID: CPU,
      labelSelector: '{service_name="catalog"}',
      ...range,
    });
    expect(full.json.flamegraph!.names).not.toContain('other');
    expect(full.json.flamegraph!.names).toContain('main.checksumHandler');
  });

  it('stack_trace_selector keeps stacks under a call site', async () => {
    const path = ['runtime.main', 'main.main', 'main.writeCPU', 'main.serveAll', 'main.handle', 'main.checksumHandler'];
    const callSite = path.map((name) => ({ name }));
    const body = { profileTypeID: CPU, labelSelector: '{service_name="catalog"}', ...range, stackTraceSelector: { callSite } };
    const fg = await s.rpc('SelectMergeStacktraces', body);
    expect(fg.json.flamegraph!.total).toBe('50000000'); // main.checksumHandler's cum in go tool pprof: 50ms of 80ms
    const pprof = await s.rpc('SelectMergeProfile', body);
    expect(mergedTotal(pprof.json)).toBe(50_000_000);
    // The same names, not from the root: no stack starts there.
    const none = await s.rpc('SelectMergeProfile', { ...body, stackTraceSelector: { callSite: callSite.slice(1) } });
    expect(mergedTotal(none.json)).toBe(0);
  });

  it('Diff has both sides', async () => {
    const left = { profileTypeID: CPU, labelSelector: '{service_name="catalog"}', ...range };
    const right = { ...left, labelSelector: '{service_name="checkout"}' };
    const r = await s.rpc('Diff', { left, right });
    expect(r.status).toBe(200);
    expect(r.json.flamegraph!.leftTicks).toBe(String(CPU_TOTAL));
    expect(r.json.flamegraph!.rightTicks).toBe(String(8 * CPU_TOTAL));
    expect(r.json.flamegraph!.total).toBe(String(9 * CPU_TOTAL));
    expect(r.json.flamegraph!.levels[0]!.values).toEqual(['0', String(CPU_TOTAL), '0', '0', String(8 * CPU_TOTAL), '0', '0']);
  });
});

describe('tenants', () => {
  it('a query never returns another tenant’s data', async () => {
    expect(mergedTotal((await merge('{service_name="secret"}')).json)).toBe(0);
    expect(mergedTotal((await merge('{service_name="secret"}', {}, { 'X-Scope-OrgID': 'team-b' })).json)).toBe(CPU_TOTAL);
    expect(mergedTotal((await merge('{service_name="checkout"}', {}, { 'X-Scope-OrgID': 'team-b' })).json)).toBe(0);
    const names = await s.rpc('LabelValues', { name: 'service_name', ...range }, { 'X-Scope-OrgID': 'team-b' });
    expect(names.json.names).toEqual(['secret']);
    expect((await s.rpc('LabelValues', { name: 'service_name', ...range }, { 'X-Scope-OrgID': 'anonymous' })).json.names).toEqual(
      ['catalog', 'checkout'],
    );
  });

  it('an invalid tenant id → 400', async () => {
    expect((await s.rpc('LabelNames', range, { 'X-Scope-OrgID': 'a/b' })).status).toBe(400);
  });
});

describe('ingest', () => {
  it('multipart form with sample_type_config', async () => {
    const form = new FormData();
    form.append('profile', new Blob([Buffer.from(readFixture('go-block.pb.gz'))]), 'profile.pprof');
    form.append(
      'sample_type_config',
      new Blob([
        JSON.stringify({
          contentions: { units: 'count', 'display-name': 'block_count' },
          delay: { units: 'nanoseconds', 'display-name': 'block_duration' },
        }),
      ]),
    );
    const r = await fetch(`${s.url}/ingest?name=blocky&from=${now}`, { method: 'POST', body: form });
    expect(r.status, await r.text()).toBe(200);
    const types = await s.rpc('Series', { matchers: ['{service_name="blocky"}'], labelNames: ['__profile_type__'], ...range });
    expect(types.json.labelsSet!.map((l: { labels: { value: string }[] }) => l.labels[0]!.value).sort()).toEqual([
      // display-name picks the name only, as in Pyroscope; the sample types keep theirs.
      'block:contentions:count:contentions:count',
      'block:delay:nanoseconds:contentions:count',
    ]);
  });

  it('from in seconds, ms, µs, ns and now-1m', async () => {
    const sec = Math.floor(now / 1000) - 100;
    for (const [i, from] of [String(sec), String(sec * 1000), String(sec * 1_000_000), `${sec}000000000`, 'now-1m'].entries()) {
      expect((await s.ingest({ name: `times${i}`, from, format: 'pprof' }, cpu)).status).toBe(200);
    }
    for (let i = 0; i < 4; i++) {
      const r = await s.rpc('SelectSeries', {
        profileTypeID: CPU,
        labelSelector: `{service_name="times${i}"}`,
        ...range,
        step: 1,
      });
      expect(r.json.series![0]!.points[0]!.timestamp).toBe(String(sec * 1000));
    }
  });

  it('pprof sample labels become series labels, except per-sample ids', async () => {
    const raw = readFixture('go-cpu.pb.gz');
    expect((await s.ingest({ name: 'labelled', from: String(now), format: 'pprof' }, raw)).status).toBe(200);
    const names = await s.rpc('LabelNames', { matchers: ['{service_name="labelled"}'], ...range });
    expect(names.json.names).toEqual(expect.arrayContaining(['handler', 'tenant']));
    const all = mergedTotal((await merge('{service_name="labelled"}')).json);
    expect(all).toBe(columnSum(decodeFixture(raw), 1));
    // span-labels.pb.gz: a span_id per sample (not a series label) and a span_name of 3 values.
    const spans = readFixture('span-labels.pb.gz');
    expect((await s.ingest({ name: 'spans', from: String(now), format: 'pprof' }, spans)).status).toBe(200);
    const spanNames = await s.rpc('LabelNames', { matchers: ['{service_name="spans"}'], ...range });
    expect(spanNames.json.names).toContain('span_name');
    expect(spanNames.json.names).not.toContain('span_id');
  });

  it('malformed pprof → 400 with a message, nothing stored', async () => {
    for (const body of [
      Buffer.from('definitely not a profile'),
      Buffer.from([0x1f, 0x8b, 1, 2, 3]),
      Buffer.from(cpu.subarray(0, 600)),
    ]) {
      const r = await s.ingest({ name: 'broken', from: String(now), format: 'pprof' }, body);
      expect(r.status).toBe(400);
      expect((await r.json()).message).toMatch(/pprof|gzip|profile/);
    }
    expect((await s.rpc('LabelValues', { name: 'service_name', ...range })).json.names).not.toContain('broken');
  });

  it('a Push with one bad profile stores none of its series', async () => {
    const fresh = decodeFixture(cpu);
    fresh.timeNanos = BigInt(now) * 1_000_000n;
    const body = {
      series: [
        {
          labels: [
            { name: '__name__', value: 'process_cpu' },
            { name: 'service_name', value: 'pushy' },
          ],
          samples: [{ rawProfile: Buffer.from(fresh.encode()).toString('base64') }],
        },
        {
          labels: [{ name: 'service_name', value: 'pushy2' }],
          samples: [{ rawProfile: Buffer.from('garbage').toString('base64') }],
        },
      ],
    };
    const r = await s.rpc('push.v1.PusherService/Push', body);
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('invalid_argument');
    const names = (await s.rpc('LabelValues', { name: 'service_name', start: '1', end: range.end })).json.names;
    expect(names).not.toContain('pushy');
    body.series.pop();
    expect((await s.rpc('push.v1.PusherService/Push', body)).status).toBe(200);
    expect((await s.rpc('LabelValues', { name: 'service_name', start: '1', end: range.end })).json.names).toContain('pushy');
  });

  it('missing name → 400; too old for retention → 400', async () => {
    expect((await s.ingest({ format: 'pprof' }, cpu)).status).toBe(400);
    expect((await s.ingest({ name: 'old', from: String(now - 30 * 86_400_000), format: 'pprof' }, cpu)).status).toBe(400);
  });
});

describe('protocol errors', () => {
  it('unknown RPC → 404 Connect error', async () => {
    const r = await s.rpc('NoSuchMethod', {});
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ code: 'not_found', message: expect.stringContaining('NoSuchMethod') });
  });

  it('bad JSON → 400 Connect error', async () => {
    const r = await fetch(`${s.url}/querier.v1.QuerierService/LabelNames`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(r.status).toBe(400);
    expect((await r.json()).code).toBe('invalid_argument');
  });

  it('a gzip-encoded binary Push with its Content-Length is stored (as pyroscope-io sends it)', async () => {
    const fresh = decodeFixture(cpu);
    fresh.timeNanos = BigInt(now) * 1_000_000n;
    const req = create(PushRequestSchema, {
      series: [{ labels: [{ name: 'service_name', value: 'gzipped-push' }], samples: [{ rawProfile: fresh.encode() }] }],
    });
    const body = gzipSync(toBinary(PushRequestSchema, req));
    const r = await fetch(`${s.url}/push.v1.PusherService/Push`, {
      method: 'POST',
      headers: { 'content-type': 'application/proto', 'content-encoding': 'gzip', 'content-length': String(body.length) },
      body,
    });
    expect(r.status).toBe(200);
    const names = (await s.rpc('LabelValues', { name: 'service_name', start: '1', end: range.end })).json.names;
    expect(names).toContain('gzipped-push');
  });

  it('/ready', async () => {
    expect((await fetch(`${s.url}/ready`)).status).toBe(200);
  });
});

describe('limits and static files', () => {
  it('body over the limit → 413 (ingest and Connect)', async () => {
    const small = await startTestServer({ maxBodyBytes: 1000 });
    try {
      const r = await small.ingest({ name: 'big', format: 'pprof' }, new Uint8Array(5000));
      expect(r.status).toBe(413);
      // Without a content-length header (chunked), the limit still holds.
      const chunked = await fetch(`${small.url}/ingest?name=big&format=pprof`, {
        method: 'POST',
        body: new ReadableStream({
          start(c) {
            c.enqueue(new Uint8Array(3000));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      const rpc = await small.rpc('LabelNames', { matchers: ['x'.repeat(2000)] });
      expect(rpc.status).toBe(413);
    } finally {
      await small.stop();
    }
  });

  it('serves dist/ as a single-page app, 503 without it', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'flamelens-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Flamelens</title>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    const app = await startTestServer({ distDir: dist });
    const none = await startTestServer({ distDir: join(dist, 'missing') });
    try {
      expect(await (await fetch(`${app.url}/`)).text()).toContain('Flamelens');
      const js = await fetch(`${app.url}/assets/app.js`);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect(await (await fetch(`${app.url}/explore/some/route?x=1`)).text()).toContain('<title>Flamelens');
      expect((await fetch(`${app.url}/../../etc/passwd`)).status).toBe(200);
      const missing = await fetch(`${none.url}/`);
      expect(missing.status).toBe(503);
      expect(await missing.text()).toMatch(/not built/);
    } finally {
      await app.stop();
      await none.stop();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
