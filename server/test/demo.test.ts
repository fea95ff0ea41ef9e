// The demo pods profile themselves with @datadog/pprof and push CPU and heap profiles.
import { expect, it } from 'vitest';
import { startDemo } from '../demo/demo';
import { startTestServer } from './helpers';

it('demo pods push CPU and heap profiles with service, pod and namespace labels', async () => {
  const s = await startTestServer();
  const demo = startDemo(`http://127.0.0.1:${s.port}`, () => {}, 1000);
  try {
    const range = () => ({ start: String(Date.now() - 600_000), end: String(Date.now() + 60_000) });
    let pods: string[] = [];
    for (let i = 0; i < 60 && pods.length < 5; i++) {
      await new Promise((r) => setTimeout(r, 500));
      pods =
        (
          await s.rpc('LabelValues', {
            name: 'pod',
            matchers: ['{__profile_type__="process_cpu:cpu:nanoseconds:wall:nanoseconds"}'],
            ...range(),
          })
        ).json.names ?? [];
    }
    expect(pods).toHaveLength(5);
    expect((await s.rpc('LabelValues', { name: 'service_name', ...range() })).json.names).toEqual(['catalog', 'checkout']);
    expect((await s.rpc('LabelValues', { name: 'namespace', ...range() })).json.names).toEqual(['shop']);
    const types = (await s.rpc('ProfileTypes', range())).json.profileTypes!.map((t: { ID: string }) => t.ID);
    expect(types).toEqual(
      expect.arrayContaining(['process_cpu:cpu:nanoseconds:wall:nanoseconds', 'memory:inuse_space:bytes:inuse_space:bytes']),
    );
  } finally {
    await demo.stop();
    await s.stop();
  }
});
