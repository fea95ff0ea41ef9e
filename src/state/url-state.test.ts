import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, aggregationOf, parseUrlState, serializeUrlState, viewFiltersOf } from './url-state';

describe('URL state', () => {
  it('round-trips every field', () => {
    const s = {
      ...DEFAULT_STATE,
      mode: 'explore' as const,
      type: 'process_cpu:cpu:nanoseconds:cpu:nanoseconds',
      query: '{service_name="checkout", pod=~"checkout-.*"}',
      from: 'now-6h',
      to: 'now',
      sel: [1700000000000, 1700000060000] as [number, number],
      groupBy: 'pod',
      agg: 'sum' as const,
      breakdown: 'namespace',
      bdSort: 'value' as const,
      bdAsc: true,
      flameBy: 'pod',
      refresh: 30,
      tenant: 'team-a',
      view: 'flame' as const,
      si: 'alloc_space',
      g: 'lines' as const,
      filter: '^runtime\\.',
      sort: 'cum' as const,
      asc: true,
      search: 'a;b&c=d',
      searchRegex: true,
      searchCase: true,
      zoom: ['main.main', 'main.work;x'],
      fn: 'main.work',
      sandwich: 'runtime.mallocgc',
      flip: true,
      color: 'self' as const,
    };
    const qs = serializeUrlState(s);
    expect(qs).toMatch(/^v=1&/);
    expect(parseUrlState('?' + qs)).toEqual(s);
  });

  it('leaves defaults out of the link', () => {
    expect(serializeUrlState(DEFAULT_STATE)).toBe('v=1');
  });

  it('keeps relative ranges relative and rejects bad values one by one', () => {
    const s = parseUrlState('?v=1&from=now-15m&to=now&view=nonsense&g=lines&sel=5-2&refresh=-1');
    expect(s.from).toBe('now-15m');
    expect(s.view).toBe(DEFAULT_STATE.view);
    expect(s.g).toBe('lines');
    expect(s.sel).toBeNull();
    expect(s.refresh).toBe(0);
  });

  it('averages gauge types over time unless the link says agg=sum', () => {
    const inuse = 'memory:inuse_space:bytes:space:bytes';
    expect(aggregationOf(parseUrlState(`?type=${inuse}`))).toBe('average');
    expect(aggregationOf(parseUrlState(`?type=${inuse}&agg=sum`))).toBe('sum');
    expect(aggregationOf(parseUrlState('?type=goroutine:goroutine:count:goroutine:count'))).toBe('average');
    expect(aggregationOf(parseUrlState('?type=memory:alloc_space:bytes:space:bytes'))).toBe('sum');
    expect(aggregationOf(parseUrlState('?type=process_cpu:cpu:nanoseconds:cpu:nanoseconds&agg=bogus'))).toBe('sum');
  });

  it('keeps the Source view and its -list regexp', () => {
    const s = { ...DEFAULT_STATE, mode: 'file' as const, view: 'source' as const, list: '^main\\.(fib|mix)$' };
    const qs = serializeUrlState(s);
    expect(new URLSearchParams(qs).get('list')).toBe('^main\\.(fib|mix)$');
    expect(parseUrlState('?' + qs)).toEqual(s);
  });

  it('names the breakdown and the flame graph grouping in the link (issue 20)', () => {
    const s = parseUrlState('?v=1&breakdown=pod&bdSort=value&bdAsc=1&flameBy=region');
    expect([s.breakdown, s.bdSort, s.bdAsc, s.flameBy]).toEqual(['pod', 'value', true, 'region']);
    expect(serializeUrlState({ ...DEFAULT_STATE, breakdown: 'pod', flameBy: 'region' })).toBe('v=1&breakdown=pod&flameBy=region');
    // Not label names: ignored, so no selector is made of them.
    const bad = parseUrlState('?flameBy=a%22%7D&breakdown=1x');
    expect([bad.flameBy, bad.breakdown]).toEqual(['', '']);
  });

  it("round-trips the six tag options under pprof's names", () => {
    const tags = {
      tagFocus: 'bytes=128kb:512kb',
      tagIgnore: 'tenant=^acme$,^globex$',
      tagShow: 'handler|tenant',
      tagHide: 'span_id',
      tagRoot: 'tenant,handler',
      tagLeaf: 'pool',
      view: 'tags' as const,
    };
    const qs = serializeUrlState({ ...DEFAULT_STATE, ...tags });
    const params = new URLSearchParams(qs);
    expect(params.get('tf')).toBe('bytes=128kb:512kb');
    expect(params.get('ti')).toBe('tenant=^acme$,^globex$');
    expect(params.get('ts')).toBe('handler|tenant');
    expect(params.get('th')).toBe('span_id');
    expect(params.get('tagroot')).toBe('tenant,handler');
    expect(params.get('tagleaf')).toBe('pool');
    expect(parseUrlState('?' + qs)).toEqual({ ...DEFAULT_STATE, ...tags });
    expect(viewFiltersOf(parseUrlState('?' + qs))).toMatchObject({
      tagFocus: 'bytes=128kb:512kb',
      tagRoot: 'tenant,handler',
    });
  });

  it('reads links without a version as version 1', () => {
    expect(parseUrlState('?view=top').view).toBe('top');
  });
});
