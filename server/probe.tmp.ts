import { startServer } from './app';
import { mkdtempSync } from 'node:fs';
const s = await startServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync('/tmp/probe-'), log: console.log });
for (const m of ['LabelNames', 'SelectMergeProfile']) {
  const r = await fetch(`${s.url}/querier.v1.QuerierService/${m}`, { method: 'POST', headers: { 'content-type': 'application/proto' }, body: Buffer.from([0xff, 0xff, 0xff, 0x0a, 0x99]) });
  console.log(m, r.status, await r.text());
}
const r = await fetch(`${s.url}/push.v1.PusherService/Push`, { method: 'POST', headers: { 'content-type': 'application/proto' }, body: Buffer.from([0x0a, 0x05, 1,2,3]) });
console.log('push', r.status, await r.text());
const r2 = await fetch(`${s.url}/querier.v1.QuerierService/SelectSeries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({profileTypeID:'a:b:c:d:e', labelSelector:'{}', start: 1, end: Date.now(), step: 'Infinity'}) });
console.log('series', r2.status, await r2.text());
await s.close();
