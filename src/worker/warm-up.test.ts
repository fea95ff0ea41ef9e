import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { ProfileSession, openProfile } from '../profile/model/session';
import { TINY_WARM_UP, warmUpProfile } from './warm-up-profile';
import { bytesOfDataUrl, warmUpInSteps } from './warm-up';
import { gunzipNative } from '../common/gzip';
import { readSessionData, sessionOf } from '../profile/model/session';
import inlined from './warm-up.pb.gz?inline';
import inlinedTiny from './warm-up-tiny.pb.gz?inline';

// The worker swallows warm-up errors (a real file reports its own), so a broken warm-up would
// only make the first file slower without anyone noticing: check that it opens and draws.
describe('the warm-up profile', () => {
  it('opens, and its flame graph holds every sample', () => {
    const s = openProfile(warmUpProfile());
    const si = s.summary().defaultSampleIndex;
    expect(s.summary().sampleCount).toBe(1000);
    const total = s.data.values[si]!.reduce((a, b) => a + b, 0);
    const flame = s.flame(si, 'functions', 'comparison', false);
    expect(flame.tree.total[0]).toBe(total);
    expect(flame.tree.size).toBeGreaterThan(1000);
  });

  // What warm-up-profile.ts says the warm-up covers, so that a real file finds those paths warm.
  it('has what real profiles have and a small one might lack', () => {
    const p = Profile.decode(warmUpProfile());
    expect(Number(p.timeNanos)).toBeGreaterThan(2 ** 31);
    expect(Number(p.durationNanos)).toBeGreaterThan(2 ** 31);
    expect(Math.max(...p.sample.map((s) => Number(s.value[1])))).toBeGreaterThan(2 ** 30);
    expect(Math.max(...p.sample.map((s) => s.locationId.length))).toBeGreaterThan(64);
    expect(Math.max(...p.location.map((l) => Number(l.id)))).toBeGreaterThanOrEqual(2 ** 14);
    expect(Math.max(...p.location.map((l) => Number(l.address)))).toBeGreaterThan(2 ** 32);
    expect(p.mapping.every((m) => Number(m.buildId) > 0)).toBe(true);
    expect(p.function.every((f) => Number(f.systemName) > 0 && Number(f.startLine) > 0)).toBe(true);
    expect(p.sample.some((s) => s.label.some((l) => Number(l.num) > 0))).toBe(true);
    const stacks = new Set(p.sample.map((s) => s.locationId.join(',')));
    expect(stacks.size).toBeLessThan(p.sample.length); // a stack repeated under other labels
    const s = openProfile(warmUpProfile());
    const tree = s.flameTree(s.summary().defaultSampleIndex, 'functions');
    let widest = 0;
    for (let f = 0; f < tree.size; f++) {
      let n = 0;
      for (let c = f + 1; c < tree.end[f]!; c = tree.end[c]!) n++;
      widest = Math.max(widest, n);
    }
    expect(widest).toBeGreaterThan(12); // the layout sorts such a frame's callees another way
  });

  it('a fresh session of the opened profile builds the same flame graph (the warm-up does so)', () => {
    const s = openProfile(warmUpProfile());
    const si = s.summary().defaultSampleIndex;
    const again = new ProfileSession(s.data, s.trie).flame(si, 'functions', 'comparison', false).tree;
    const first = s.flame(si, 'functions', 'comparison', false).tree;
    expect(again.size).toBe(first.size);
    expect(Array.from(again.total)).toEqual(Array.from(first.total));
    expect(Array.from(again.node)).toEqual(Array.from(first.node));
  });

  it('is the same every time', () => {
    expect(Buffer.from(warmUpProfile()).equals(Buffer.from(warmUpProfile()))).toBe(true);
  });

  it('is what the worker reads (else: npx tsx scripts/make-warm-up-profile.ts)', () => {
    const file = gunzipSync(readFileSync(new URL('./warm-up.pb.gz', import.meta.url)));
    expect(Buffer.from(file).equals(Buffer.from(warmUpProfile()))).toBe(true);
    const tiny = gunzipSync(readFileSync(new URL('./warm-up-tiny.pb.gz', import.meta.url)));
    expect(Buffer.from(tiny).equals(Buffer.from(warmUpProfile(...TINY_WARM_UP)))).toBe(true);
  });

  it('has a tiny version that opens and draws, with every loop short', () => {
    const s = openProfile(warmUpProfile(...TINY_WARM_UP));
    const si = s.summary().defaultSampleIndex;
    expect(s.summary().sampleCount).toBe(6);
    expect(s.data.locationAddress.length).toBeLessThanOrEqual(400);
    expect(s.trie.size).toBeLessThan(1000); // far below the 10k-iteration loops that get compiled mid-run
    const flame = s.flame(si, 'functions', 'comparison', false);
    expect(flame.tree.total[0]).toBe(s.data.values[si]!.reduce((a, b) => a + b, 0));
  });

  it('runs to its end: the tiny profile twice, then two openings in two steps each and two flame graphs', async () => {
    const calls: string[] = [];
    const result = await new Promise<[number, number]>((resolve) =>
      warmUpInSteps(
        () => false,
        {
          inflate: (gzipped) => gunzipNative(gzipped),
          read: (bytes) => {
            calls.push('read');
            return readSessionData(bytes, {});
          },
          build: (data) => {
            calls.push(`build ${data.sampleCount}`);
            return sessionOf(data);
          },
        },
        (completed, steps) => resolve([completed, steps]),
      ),
    );
    expect(result).toEqual([10, 10]); // a flame step that threw would end it early
    expect(calls).toEqual(['read', 'build 6', 'read', 'build 6', 'read', 'build 1000', 'read', 'build 1000']);
  });

  it('never throws where the worker starts: a failure only skips the warm-up', async () => {
    let completed: number | undefined;
    const fail = () => {
      throw new Error('no');
    };
    expect(() => warmUpInSteps(() => false, { inflate: fail, read: fail, build: fail }, (n) => (completed = n))).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Ended before any step ran, and said so (the worker then tells the page its warm-up is over).
    expect(completed).toBe(0);
  });

  it('reaches the worker whole, inlined in its script as base64', () => {
    expect(inlined.startsWith('data:')).toBe(true);
    const file = readFileSync(new URL('./warm-up.pb.gz', import.meta.url));
    expect(Buffer.from(bytesOfDataUrl(inlined)).equals(file)).toBe(true);
    const tiny = readFileSync(new URL('./warm-up-tiny.pb.gz', import.meta.url));
    expect(Buffer.from(bytesOfDataUrl(inlinedTiny)).equals(tiny)).toBe(true);
  });
});
