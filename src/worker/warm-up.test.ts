import { readFileSync } from 'node:fs';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openProfile } from '../profile/session';
import { warmUpProfile } from './warm-up-profile';

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

  it('is the same every time', () => {
    expect(Buffer.from(warmUpProfile()).equals(Buffer.from(warmUpProfile()))).toBe(true);
  });

  it('is what the worker reads (else: npx tsx scripts/make-warm-up-profile.ts)', () => {
    const file = gunzipSync(readFileSync(new URL('./warm-up.pb.gz', import.meta.url)));
    expect(Buffer.from(file).equals(Buffer.from(warmUpProfile()))).toBe(true);
  });
});
