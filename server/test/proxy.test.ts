// Proxy mode: a second server forwards the API to the first (standing in for a real Pyroscope),
// adding the configured tenant and credentials.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFixture, startTestServer, type TestServer } from './helpers';

const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
let upstream: TestServer;
let proxy: TestServer;
const now = Date.now();

beforeAll(async () => {
  upstream = await startTestServer();
  proxy = await startTestServer({ upstream: { url: upstream.url, tenant: 'team-a' } });
  const raw = readFixture('go-cpu.pb.gz');
  const res = await upstream.ingest({ name: 'proxied{pod="p1"}', from: String(now - 60_000), format: 'pprof' }, raw, {
    'X-Scope-OrgID': 'team-a',
  });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});

describe('proxy mode', () => {
  it('answers with the upstream data of the configured tenant', async () => {
    const range = { start: now - 3600_000, end: now + 60_000 };
    const direct = await upstream.rpc('LabelValues', { name: 'service_name', ...range }, { 'X-Scope-OrgID': 'team-a' });
    const viaProxy = await proxy.rpc('LabelValues', { name: 'service_name', ...range });
    expect(direct.json.names).toEqual(['proxied']);
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.json).toEqual(direct.json);
    // The upstream's default tenant has nothing: the proxy really sent team-a.
    const anonymous = await upstream.rpc('LabelValues', { name: 'service_name', ...range });
    expect(anonymous.json.names ?? []).toEqual([]);
  });

  it('forwards binary SelectMergeProfile byte for byte', async () => {
    const body = JSON.stringify({
      profileTypeID: TYPE,
      labelSelector: '{service_name="proxied"}',
      start: now - 3600_000,
      end: now + 60_000,
    });
    const get = (url: string, tenant?: string) =>
      fetch(`${url}/querier.v1.QuerierService/SelectMergeProfile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tenant ? { 'X-Scope-OrgID': tenant } : {}) },
        body,
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const a = await get(upstream.url, 'team-a');
    const b = await get(proxy.url);
    expect(b.status).toBe(200);
    expect(b.text).toBe(a.text);
  });

  it('passes errors through with their status and message', async () => {
    const bad = await proxy.rpc('SelectMergeProfile', { profileTypeID: TYPE, labelSelector: '{service_name=', start: 1, end: 2 });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('invalid_argument');
    const unknown = await proxy.rpc('/querier.v1.QuerierService/Nope', {});
    expect(unknown.status).toBe(404);
  });

  it('adds basic or bearer credentials, and says when the upstream is down', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const recorder = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"names":[]}');
    });
    await new Promise<void>((r) => recorder.listen(0, '127.0.0.1', () => r()));
    const port = (recorder.address() as AddressInfo).port;
    const basic = await startTestServer({ upstream: { url: `http://127.0.0.1:${port}`, user: 'u', password: 'p' } });
    const bearer = await startTestServer({ upstream: { url: `http://127.0.0.1:${port}`, token: 'glsa_x', tenant: 't' } });
    try {
      await basic.rpc('LabelNames', {}, { 'X-Scope-OrgID': 'from-browser' });
      await bearer.rpc('LabelNames', {}, { 'X-Scope-OrgID': 'from-browser' });
      expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
      expect(seen[0]!['x-scope-orgid']).toBe('from-browser');
      expect(seen[1]!.authorization).toBe('Bearer glsa_x');
      expect(seen[1]!['x-scope-orgid']).toBe('t');
    } finally {
      await basic.stop();
      await bearer.stop();
      await new Promise<void>((r) => recorder.close(() => r()));
    }
    const down = await startTestServer({ upstream: { url: `http://127.0.0.1:${port}` } });
    try {
      const r = await down.rpc('LabelNames', {});
      expect(r.status).toBe(503);
      expect(r.json.message).toMatch(/unreachable/);
    } finally {
      await down.stop();
    }
  });
});
