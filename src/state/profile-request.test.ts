import { describe, expect, it } from 'vitest';
import { profileRequestOf, requestKey, requestName } from './profile-request';
import { resolveRange } from './time-range';
import { DEFAULT_STATE, type UrlState } from './url-state';

const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const explore = (patch: Partial<UrlState> = {}): UrlState => ({
  ...DEFAULT_STATE,
  type: TYPE,
  query: '{service_name="shop"}',
  ...patch,
});
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const range = resolveRange('now-1h', 'now', NOW);

describe('the profile the URL asks for', () => {
  it('is a query over the resolved range, or its timeline selection', () => {
    const r = profileRequestOf(explore(), range, undefined);
    expect(r).toMatchObject({
      kind: 'query',
      next: { type: TYPE, selector: '{service_name="shop"}', start: NOW - 3600e3, end: NOW },
    });
    expect(r?.base).toBeUndefined();
    const sel = profileRequestOf(explore({ sel: [NOW - 600e3, NOW - 300e3] }), range, undefined);
    expect(sel?.next).toMatchObject({ start: NOW - 600e3, end: NOW - 300e3 });
    expect(requestName(r!)).toBe('shop · CPU');
  });

  it('is keyed by the resolved times: the same relative range an hour later is another request', () => {
    const now = profileRequestOf(explore(), range, undefined)!;
    const later = profileRequestOf(explore(), resolveRange('now-1h', 'now', NOW + 3600e3), undefined)!;
    expect(requestKey(now)).toBe(requestKey(profileRequestOf(explore(), range, undefined)!));
    expect(requestKey(later)).not.toBe(requestKey(now));
  });

  it("in diff mode has a baseline: the same query or its own selector, over the baseline's selection", () => {
    const r = profileRequestOf(explore({ diff: true, bsel: [NOW - 3000e3, NOW - 2400e3] }), range, undefined);
    expect(r?.base).toMatchObject({ selector: '{service_name="shop"}', start: NOW - 3000e3, end: NOW - 2400e3 });
    expect(r?.next).toMatchObject({ start: range.start, end: range.end });
    const pods = profileRequestOf(explore({ diff: true, bquery: '{service_name="shop", pod="a"}' }), range, undefined);
    expect(pods?.base).toMatchObject({ selector: '{service_name="shop", pod="a"}' });
  });

  it('is none without a profile type or with an invalid selector', () => {
    expect(profileRequestOf(explore({ type: '' }), range, undefined)).toBeNull();
    expect(profileRequestOf(explore({ query: '{service_name=' }), range, undefined)).toBeNull();
    expect(profileRequestOf(explore({ diff: true, bquery: '{pod=' }), range, undefined)).toBeNull();
  });

  it('in file mode is the files this page holds under the names the URL gives, or none', () => {
    const next = new File([new Uint8Array(1)], 'cpu.pb.gz');
    const base = new File([new Uint8Array(1)], 'old.pb.gz');
    const file = { ...DEFAULT_STATE, mode: 'file' as const, file: 'cpu.pb.gz' };
    expect(profileRequestOf(file, range, { next })).toEqual({ kind: 'file', next });
    // A link to local files names them; without them there is nothing to load.
    expect(profileRequestOf(file, range, undefined)).toBeNull();
    expect(profileRequestOf({ ...file, file: 'other.pb.gz' }, range, { next })).toBeNull();
    const diff = { ...file, diff: true, bfile: 'old.pb.gz' };
    expect(profileRequestOf(diff, range, { next, base })).toEqual({ kind: 'file', next, base });
    expect(profileRequestOf(diff, range, { next })).toBeNull();
    expect(requestName({ kind: 'file', next, base })).toBe('cpu.pb.gz vs old.pb.gz');
  });

  it('of a file picked again is another request, though its name is the same', () => {
    const a = new File([new Uint8Array(1)], 'cpu.pb.gz');
    const b = new File([new Uint8Array(1)], 'cpu.pb.gz');
    expect(requestKey({ kind: 'file', next: a })).toBe(requestKey({ kind: 'file', next: a }));
    expect(requestKey({ kind: 'file', next: b })).not.toBe(requestKey({ kind: 'file', next: a }));
  });
});
