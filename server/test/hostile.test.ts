// Issue 17: the server survives hostile input. Each numbered case of the issue, against the real
// server over HTTP: the status a client gets, /ready answering within 1 s while a request that
// used to take seconds or minutes is in flight, and earlier data intact afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readFixture, startTestServer, type TestServer } from './helpers';
import { bigProfile, expectReady, makeProfile, mergedTotal, push, pushBody, rawRequest, whileInFlight } from './hostile-helpers';

const CPU = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const CPU_TOTAL = 80_000_000; // Σ cpu of go-cpu-tiny.pb.gz
const cpu = readFixture('go-cpu-tiny.pb.gz');
const TEAM_B = { 'X-Scope-OrgID': 'team-b' };

let s: TestServer;
let dist: string;

/** Earlier data, in two tenants, unchanged by whatever a case sent. */
async function expectIntact(): Promise<void> {
  expect(await mergedTotal(s, CPU, '{service_name="baseline"}')).toBe(CPU_TOTAL);
  expect(await mergedTotal(s, CPU, '{service_name="other"}', TEAM_B)).toBe(CPU_TOTAL);
}

/** Another tenant's query answers (within the test's own timeout) while a heavy request runs. */
const otherTenantAnswers = async () => {
  const r = await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(Date.now() + 60_000) }, TEAM_B);
  expect(r.json.names).toEqual(['other']);
};

/**
 * `pattern` repeated to `size` bytes, gzipped: one member of 32 MiB repeated (a gzip stream may
 * hold several members; they inflate one after the other), so that making it takes little time.
 */
function gzipOf(pattern: number[], size: number): Uint8Array {
  const member = 32 << 20;
  const plain = Buffer.alloc(member);
  for (let i = 0; i < plain.length; i++) plain[i] = pattern[i % pattern.length]!;
  const one = gzipSync(plain, { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(size / member) }, () => one));
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'flamelens-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Flamelens</title>');
  s = await startTestServer({ distDir: dist });
  expect((await s.ingest({ name: 'baseline', format: 'pprof' }, cpu)).status).toBe(200);
  expect((await s.ingest({ name: 'other', format: 'pprof' }, cpu, TEAM_B)).status).toBe(200);
});
afterAll(async () => {
  await s.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('1. a malformed request target is a 4xx or the app, never a crash', () => {
  it.each(['//%', '//a:b', '//[', '//x:99999', '/%%', '/ingest/%zz'])('GET %s', async (target) => {
    const r = await rawRequest(s.url, target);
    expect([200, 400, 404]).toContain(r.status);
    await expectReady(s);
  });

  it('absolute-form and asterisk targets, and a malformed request line', async () => {
    expect((await rawRequest(s.url, 'http://evil.example/ingest', { method: 'POST' })).status).toBe(400);
    expect((await rawRequest(s.url, '*', { method: 'OPTIONS' })).status).toBe(400);
    const { connect } = await import('node:net');
    const u = new URL(s.url);
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(Number(u.port), u.hostname, () => sock.write('GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      sock.on('data', (d) => (text += d));
      sock.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await expectReady(s);
    await expectIntact();
  });
});

describe('2. a small body cannot exhaust memory or block requests', () => {
  it('512 MiB of `12 00` gzipped → 413 naming maxDecompressedBytes', async () => {
    const bomb = gzipOf([0x12, 0x00], 512 << 20);
    expect(bomb.length).toBeLessThan(2 << 20);
    const r = await whileInFlight(s, 'ingest', () => s.ingest({ name: 'bomb' }, bomb), otherTenantAnswers);
    expect(r.status).toBe(413);
    expect((await r.json()).message).toMatch(/maxDecompressedBytes.*FLAMELENS_MAX_DECOMPRESSED/);
    await expectIntact();
  });

  it('within the size limit, 100M empty samples → 413 naming maxSamples, checked before decoding', async () => {
    const many = gzipOf([0x12, 0x00], 200 << 20);
    const r = await whileInFlight(s, 'ingest', () => s.ingest({ name: 'many' }, many), otherTenantAnswers);
    expect(r.status).toBe(413);
    expect((await r.json()).message).toMatch(/the profile has \d{9} samples.*maxSamples.*FLAMELENS_MAX_SAMPLES/);
    await expectIntact();
  });

  it('1 GiB of zeros gzipped → 413, through Push as well', async () => {
    const zeros = gzipOf([0], 1 << 30);
    const r = await whileInFlight(s, 'ingest', () =>
      push(s, pushBody([{ labels: { service_name: 'zeros' }, profiles: [zeros] }])),
    );
    expect(r.status).toBe(413);
    expect((await r.json()).code).toBe('resource_exhausted');
    await expectIntact();
  });

  it('bodies held at once are bounded: past the budget → 429 naming maxInflightBodyBytes', async () => {
    const tight = await startTestServer({ limits: { maxInflightBodyBytes: 4000 } });
    try {
      const big = makeProfile({ samples: Array.from({ length: 300 }, (_, i) => ({ stack: ['main', `f${i}`], values: [1] })) });
      expect(big.length).toBeGreaterThan(4000);
      const r = await tight.ingest({ name: 'held' }, big);
      expect(r.status).toBe(429);
      expect((await r.json()).message).toMatch(/maxInflightBodyBytes.*FLAMELENS_MAX_INFLIGHT_BYTES/);
      expect((await tight.ingest({ name: 'small' }, cpu)).status).toBe(200); // what was taken was given back
      expect((await tight.ingest({ name: 'small' }, cpu)).status).toBe(200);
    } finally {
      await tight.stop();
    }
  });

  it('a profile whose decoding needs more than a worker’s heap → 413; the next ingest is stored', async () => {
    const tight = await startTestServer({ limits: { workerHeapMb: 64 } });
    try {
      const many = bigProfile({ functions: 1000, nameLength: 16, samples: 400_000, depth: 20 });
      const r = await tight.ingest({ name: 'oom' }, many.bytes);
      expect(r.status).toBe(413);
      expect((await r.json()).message).toMatch(/workerHeapMb.*FLAMELENS_WORKER_HEAP_MB/);
      expect((await tight.ingest({ name: 'after' }, cpu)).status).toBe(200);
      expect(await mergedTotal(tight, CPU, '{service_name="after"}')).toBe(CPU_TOTAL);
    } finally {
      await tight.stop();
    }
  });
});

describe('3. regexes run in linear time', () => {
  it('`(a+)+$` against 34 × a + ! answers at once, other tenants too', async () => {
    const victim = 'a'.repeat(34) + '!';
    const fresh = makeProfile({ samples: [{ stack: ['main'], values: [1] }] });
    expect((await push(s, pushBody([{ labels: { service_name: victim }, profiles: [fresh] }]))).status).toBe(200);
    const r = await whileInFlight(
      s,
      'query',
      () =>
        s.rpc('LabelValues', {
          name: 'service_name',
          matchers: ['{service_name=~"(a+)+$"}'],
          start: '1',
          end: String(Date.now() + 60_000),
        }),
      otherTenantAnswers,
    );
    expect(r.status).toBe(200);
    expect(r.json.names ?? []).toEqual([]);
    const all = await s.rpc('LabelValues', {
      name: 'service_name',
      matchers: ['{service_name=~"(a+)+!"}'],
      start: '1',
      end: String(Date.now() + 60_000),
    });
    expect(all.json.names).toEqual([victim]);
    await expectIntact();
  });

  it('RE2 syntax: (?i) works, lookahead is a 400', async () => {
    expect(
      (await s.rpc('LabelValues', { name: 'service_name', matchers: ['{service_name=~"(?i)BASELINE"}'] })).json.names,
    ).toEqual(['baseline']);
    const r = await s.rpc('LabelValues', { name: 'service_name', matchers: ['{service_name=~"(?=b).*"}'] });
    expect(r.status).toBe(400);
  });
});

describe('4. series are bounded', () => {
  it('100k samples with distinct label values → 400 naming maxNewSeriesPerRequest, nothing stored', async () => {
    const samples = Array.from({ length: 100_000 }, (_, i) => ({
      stack: ['main', `f${i % 10}`],
      values: [1],
      labels: { req: `r${i}` },
    }));
    const body = makeProfile({ samples });
    const r = await whileInFlight(s, 'ingest', () => s.ingest({ name: 'explode' }, body), otherTenantAnswers);
    expect(r.status).toBe(400);
    expect((await r.json()).message).toMatch(
      /create 100000 series.*maxNewSeriesPerRequest.*FLAMELENS_MAX_NEW_SERIES_PER_REQUEST/,
    );
    const names = await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(Date.now() + 60_000) });
    expect(names.json.names).not.toContain('explode');
    await expectIntact();
  });

  it('series per tenant and in all → 429 naming the limit; other tenants unaffected', async () => {
    const small = await startTestServer({ limits: { maxSeriesPerTenant: 3, maxSeriesTotal: 5 } });
    try {
      const one = (service: string, headers?: Record<string, string>) => small.ingest({ name: service }, cpu, headers);
      expect((await one('a')).status).toBe(200); // 2 series (cpu and samples)
      const full = await one('b');
      expect(full.status).toBe(429);
      expect((await full.json()).message).toMatch(/maxSeriesPerTenant.*FLAMELENS_MAX_SERIES_PER_TENANT/);
      expect((await one('a')).status).toBe(200); // existing series still take profiles
      expect((await one('c', TEAM_B)).status).toBe(200); // 4 in all
      const total = await one('d', { 'X-Scope-OrgID': 'team-c' });
      expect(total.status).toBe(429);
      expect((await total.json()).message).toMatch(/maxSeriesTotal/);
    } finally {
      await small.stop();
    }
  });
});

describe('5. a colon in a sample type', () => {
  it('is refused with 400; a display-name cannot bring one in; ProfileTypes keeps answering', async () => {
    const wall = makeProfile({ sampleTypes: [['wall:clock', 'nanoseconds']], samples: [{ stack: ['main'], values: [5] }] });
    const r = await s.ingest({ name: 'colon' }, wall);
    expect(r.status).toBe(400);
    expect((await r.json()).message).toMatch(/"wall:clock" contains ":"/);
    const form = new FormData();
    form.append('profile', new Blob([Buffer.from(readFixture('go-block.pb.gz'))]), 'profile.pprof');
    form.append('sample_type_config', new Blob([JSON.stringify({ contentions: { 'display-name': 'a:b' } })]));
    // display-name only picks the profile name (as in Pyroscope), never a part of the id.
    expect((await fetch(`${s.url}/ingest?name=colon2`, { method: 'POST', body: form })).status).toBe(200);
    const types = await s.rpc('ProfileTypes', { start: '1', end: String(Date.now() + 60_000) });
    expect(types.status).toBe(200);
    await expectIntact();
  });

  it('a type stored by an older version is left out of ProfileTypes, not a 500', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamelens-colon-'));
    const a = await startTestServer({ dataDir: dir });
    expect((await a.ingest({ name: 'x' }, cpu)).status).toBe(200);
    await a.stop();
    const db = new Database(join(dir, 'flamelens.sqlite'));
    db.prepare("UPDATE series SET profile_type = 'wall:wall:clock:nanoseconds:wall:nanoseconds'").run();
    db.close();
    const b = await startTestServer({ dataDir: dir });
    try {
      const r = await b.rpc('ProfileTypes', { start: '1', end: String(Date.now() + 60_000) });
      expect(r.status).toBe(200);
    } finally {
      await b.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('6. client mistakes are 4xx, not 500', () => {
  it('period or duration_nanos of -1 → 400', async () => {
    for (const bad of [{ period: -1 }, { durationNanos: -1 }]) {
      const r = await s.ingest({ name: 'negative' }, makeProfile({ ...bad, samples: [{ stack: ['main'], values: [1] }] }));
      expect(r.status).toBe(400);
      expect((await r.json()).message).toMatch(/period|duration_nanos/);
    }
  });

  it('SelectSeries step Infinity, NaN, -1 or 1e308 → 400', async () => {
    for (const step of ['Infinity', 'NaN', -1, 1e308]) {
      const r = await s.rpc('SelectSeries', {
        profileTypeID: CPU,
        labelSelector: '{}',
        start: '1',
        end: String(Date.now()),
        step,
      });
      expect(r.status, String(step)).toBe(400);
    }
    const points = await s.rpc('SelectSeries', {
      profileTypeID: CPU,
      labelSelector: '{}',
      start: '1',
      end: String(Date.now()),
      step: 0.001,
    });
    expect(points.status).toBe(400);
    expect(points.json.message).toMatch(/maxSeriesPoints/);
  });

  it('from=now-99999999999999999y and absurd query times → 400', async () => {
    expect((await s.ingest({ name: 'ancient', from: 'now-99999999999999999y' }, cpu)).status).toBe(400);
    expect((await s.ingest({ name: 'ancient', from: '9'.repeat(40) }, cpu)).status).toBe(400);
    expect((await s.rpc('LabelNames', { start: '-5', end: '10' })).status).toBe(400);
    expect((await s.rpc('LabelNames', { start: '1', end: '9223372036854775807' })).status).toBe(400);
  });

  it('garbage binary proto to every Connect method → 400 invalid_argument', async () => {
    const methods = [
      'ProfileTypes',
      'LabelNames',
      'LabelValues',
      'Series',
      'SelectMergeProfile',
      'SelectMergeStacktraces',
      'SelectSeries',
      'Diff',
    ].map((m) => `/querier.v1.QuerierService/${m}`);
    for (const path of [...methods, '/push.v1.PusherService/Push']) {
      for (const garbage of [
        [0xff, 0xff, 0xff, 0x0a, 0x99],
        [0x0a, 0x05, 1, 2, 3],
      ]) {
        const r = await fetch(s.url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/proto' },
          body: Buffer.from(garbage),
        });
        expect(r.status, path).toBe(400);
        expect(r.headers.get('content-type')).toMatch(/json/);
        expect((await r.json()).code).toBe('invalid_argument');
      }
    }
    await expectIntact();
  });

  it('a 100,000-character selector and a 5,000-character regex → 400 naming the limit', async () => {
    const long = await s.rpc('LabelNames', { matchers: [`{service_name=~"${'a'.repeat(100_000)}"}`] });
    expect(long.status).toBe(400);
    expect(long.json.message).toMatch(/maxSelectorLength.*FLAMELENS_MAX_SELECTOR_LENGTH/);
    const regex = await s.rpc('LabelNames', { matchers: [`{service_name=~"${'(a|b)'.repeat(1000)}"}`] });
    expect(regex.status).toBe(400);
    expect(regex.json.message).toMatch(/maxRegexLength.*FLAMELENS_MAX_REGEX_LENGTH/);
  });

  it('two samples of 2^62 on one stack: stored, and sums saturate at int64 max', async () => {
    const big = makeProfile({
      samples: [
        { stack: ['main'], values: [2n ** 62n] },
        { stack: ['main'], values: [2n ** 62n] },
      ],
    });
    expect((await s.ingest({ name: 'huge' }, big)).status).toBe(200);
    const r = await s.rpc('SelectMergeProfile', {
      profileTypeID: CPU,
      labelSelector: '{service_name="huge"}',
      start: '1',
      end: String(Date.now() + 60_000),
    });
    expect(r.status).toBe(200);
    expect(r.json.sample![0]!.value).toEqual(['9223372036854775807']);
    const fg = await s.rpc('SelectMergeStacktraces', {
      profileTypeID: CPU,
      labelSelector: '{service_name="huge"}',
      start: '1',
      end: String(Date.now() + 60_000),
    });
    expect(fg.status).toBe(200);
    expect(fg.json.flamegraph!.total).toBe('9223372036854775807');
  });
});

describe('7. regex anchors cannot be escaped', () => {
  it('`public)|(.*` is a 400, not a match-all', async () => {
    const r = await s.rpc('LabelValues', { name: 'service_name', matchers: ['{service_name=~"public)|(.*"}'] });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/invalid regular expression/);
  });
});

describe('8. browsers of other origins, headers, listening address, auth', () => {
  it('a cross-origin text/plain POST is refused and not stored; the same origin and SDKs work', async () => {
    const foreign = await fetch(`${s.url}/ingest?name=csrf`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      body: Buffer.from(cpu),
    });
    expect(foreign.status).toBe(403);
    const q = await s.rpc('LabelNames', {}, { origin: 'http://evil.example' });
    expect(q.status).toBe(403);
    expect(
      (await fetch(`${s.url}/ingest?name=same`, { method: 'POST', headers: { origin: s.url }, body: Buffer.from(cpu) })).status,
    ).toBe(200);
    expect((await s.ingest({ name: 'sdk' }, cpu)).status).toBe(200);
    const names = (await s.rpc('LabelValues', { name: 'service_name', start: '1', end: String(Date.now() + 60_000) })).json.names;
    expect(names).toContain('same');
    expect(names).not.toContain('csrf');
  });

  it('a Host that is not this machine (DNS rebinding) is refused on the API', async () => {
    const r = await rawRequest(s.url, '/querier.v1.QuerierService/LabelNames', {
      method: 'POST',
      headers: { host: 'evil.example:4040', 'content-type': 'application/json' },
      body: Buffer.from('{}'),
    });
    expect(r.status).toBe(403);
  });

  it('every response carries nosniff, a CSP and denies framing', async () => {
    const responses = [
      await fetch(`${s.url}/`),
      await fetch(`${s.url}/ready`),
      await fetch(`${s.url}/nope.js`),
      await fetch(`${s.url}/ingest`, { method: 'GET' }),
    ];
    responses.push(
      await fetch(`${s.url}/querier.v1.QuerierService/LabelNames`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    for (const r of responses) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('listens on 127.0.0.1 by default and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flamelens-host-'));
    const { startServer } = await import('../app');
    const d = await startServer({ port: 0, dataDir: dir });
    try {
      expect(d.url).toBe(`http://127.0.0.1:${d.port}`);
    } finally {
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with credentials configured, ingest and queries need them (Bearer or Basic)', async () => {
    const a = await startTestServer({ security: { auth: { token: 'tok', user: 'u', password: 'p' } } });
    try {
      const none = await a.ingest({ name: 'x' }, cpu);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect((await a.ingest({ name: 'x' }, cpu, { authorization: 'Bearer nope' })).status).toBe(401);
      expect((await a.ingest({ name: 'x' }, cpu, { authorization: 'Bearer tok' })).status).toBe(200);
      const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
      expect((await a.rpc('LabelNames', {}, { authorization: basic })).status).toBe(200);
      expect((await a.rpc('LabelNames', {})).status).toBe(401);
      expect((await fetch(`${a.url}/ready`)).status).toBe(200);
    } finally {
      await a.stop();
    }
  });
});

describe('9. times and tenants', () => {
  it('a profile dated more than the grace period ahead → 400 naming futureGraceMs', async () => {
    const r = await s.ingest({ name: 'future', from: '99991231' }, cpu);
    expect(r.status).toBe(400);
    expect((await r.json()).message).toMatch(/futureGraceMs.*FLAMELENS_FUTURE_GRACE/);
    const pushed = await push(
      s,
      pushBody([
        {
          labels: { service_name: 'future' },
          profiles: [
            makeProfile({
              timeNanos: 7258118400n * 1_000_000_000n /* 2200-01-01, as far as int64 ns reach */,
              samples: [{ stack: ['m'], values: [1] }],
            }),
          ],
        },
      ]),
    );
    expect(pushed.status).toBe(400);
    expect((await s.ingest({ name: 'soon', from: String(Date.now() + 60_000) }, cpu)).status).toBe(200);
  });

  it('the tenant header trims ASCII whitespace only', async () => {
    expect((await s.rpc('LabelNames', {}, { 'X-Scope-OrgID': 'team-b\u00a0' })).status).toBe(400);
    const padded = await s.rpc(
      'LabelValues',
      { name: 'service_name', start: '1', end: String(Date.now() + 60_000) },
      { 'X-Scope-OrgID': ' team-b\t' },
    );
    expect(padded.json.names).toEqual(['other']);
  });
});
