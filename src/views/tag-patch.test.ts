import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE } from '../state/url-state';
import { tagPatch } from './tag-patch';

describe('tagPatch: a click on a label value', () => {
  it('sets tagfocus, replacing the one there was', () => {
    const s = { ...DEFAULT_STATE, tagFocus: 'tenant=^acme$' };
    expect(tagPatch(s, 'tagFocus', 'handler=^fib$')).toEqual({ tagFocus: 'handler=^fib$' });
  });

  it('adds a value to a tagignore of the same key, else replaces it', () => {
    const s = { ...DEFAULT_STATE, tagIgnore: 'tenant=^acme$' };
    expect(tagPatch(s, 'tagIgnore', 'tenant=^globex$')).toEqual({ tagIgnore: 'tenant=^acme$,^globex$' });
    expect(tagPatch(s, 'tagIgnore', 'handler=^fib$')).toEqual({ tagIgnore: 'handler=^fib$' });
    // Ranges cannot be joined with a comma: the new one replaces.
    const r = { ...DEFAULT_STATE, tagIgnore: 'bytes=64B' };
    expect(tagPatch(r, 'tagIgnore', 'bytes=128B')).toEqual({ tagIgnore: 'bytes=128B' });
  });
});
