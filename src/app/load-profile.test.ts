import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MergeQuery } from '../state/profile-request';
import type { ProfileWorkerClient } from '../worker/client';
import type { OpenResult } from '../worker/protocol';
import { ProfileLoader } from './load-profile';

/** A stand-in for the profile worker: each open is answered when the test says. */
function fakeWorker() {
  const opens: { name: string; source: unknown; settle: (ok: boolean) => void }[] = [];
  let waiting: (() => void)[] = [];
  let id = 0;
  const call = (_kind: string, args: { name: string; source: unknown }) =>
    new Promise<OpenResult>((resolve, reject) => {
      const summary = {} as OpenResult['summary'];
      opens.push({ ...args, settle: (ok) => (ok ? resolve({ id: ++id, name: args.name, summary }) : reject(new Error('bad'))) });
      for (const w of waiting) w();
      waiting = [];
    });
  /** Once `n` opens have been posted. */
  const posted = async (n: number) => {
    while (opens.length < n) await new Promise<void>((r) => waiting.push(r));
  };
  return { opens, posted, worker: { call, openDiff: call } as unknown as ProfileWorkerClient };
}

const file = (name: string) => new File([new Uint8Array(4)], name);
const progress = { onProgress: () => undefined };

describe('loading profiles into the worker', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('does not read again the files the worker holds', async () => {
    const { opens, posted, worker } = fakeWorker();
    const loader = new ProfileLoader(worker);
    const a = { kind: 'file' as const, next: file('a.pb.gz') };
    const first = loader.load(a, progress);
    await posted(1);
    opens[0]!.settle(true);
    const opened = await first;
    expect(await loader.load(a, progress)).toBe(opened);
    expect(opens).toHaveLength(1);
    // The same name picked again is another file.
    void loader.load({ kind: 'file', next: file('a.pb.gz') }, progress);
    await posted(2);
  });

  it('still holds them after another file failed to open, not while another is opening', async () => {
    const { opens, posted, worker } = fakeWorker();
    const loader = new ProfileLoader(worker);
    const a = { kind: 'file' as const, next: file('a.pb.gz') };
    const first = loader.load(a, progress);
    await posted(1);
    opens[0]!.settle(true);
    const opened = await first;

    const bad = loader.load({ kind: 'file', next: file('bad.pb.gz') }, progress);
    await posted(2);
    // While bad.pb.gz opens, the worker may end up holding it: `a` is sent again.
    const reopened = loader.load(a, progress);
    await posted(3);
    expect(opens.map((o) => o.name)).toEqual(['a.pb.gz', 'bad.pb.gz', 'a.pb.gz']);
    opens[1]!.settle(false);
    await expect(bad).rejects.toThrow('bad');
    opens[2]!.settle(true);
    const again = await reopened;
    expect(again).not.toBe(opened);
    // A failed open leaves the worker's profile as it was: it is reused.
    const worse = loader.load({ kind: 'file', next: file('worse.pb.gz') }, progress);
    await posted(4);
    opens[3]!.settle(false);
    await expect(worse).rejects.toThrow('bad');
    expect(await loader.load(a, progress)).toBe(again);
    expect(opens).toHaveLength(4);
  });

  it("fetches a query's profile every time: the backend's answer may have changed", async () => {
    const fetch = vi.fn(async () => new Response(new Uint8Array([1, 2, 3])));
    vi.stubGlobal('fetch', fetch);
    const { opens, posted, worker } = fakeWorker();
    const loader = new ProfileLoader(worker);
    const q: MergeQuery = {
      backend: { baseUrl: '' },
      type: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      selector: '{service_name="a"}',
      start: 1,
      end: 2,
      average: false,
    };
    for (let i = 0; i < 2; i++) {
      const loaded = loader.load({ kind: 'query', next: q }, progress);
      await posted(i + 1);
      opens[i]!.settle(true);
      await loaded;
    }
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(opens.map((o) => [o.name, o.source instanceof ArrayBuffer])).toEqual([
      ['a · CPU', true],
      ['a · CPU', true],
    ]);
  });
});
