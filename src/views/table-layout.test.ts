import { describe, expect, it } from 'vitest';
import { COLUMN_GAP, NAME_SHARE, fitColumns, gridTracks } from './table-layout';

const columns = [
  { key: 'flat', width: 84, rank: 1 },
  { key: 'flat-pct', width: 60, rank: 3 },
  { key: 'sum-pct', width: 60, rank: 5 },
  { key: 'cum', width: 84, rank: 2 },
  { key: 'cum-pct', width: 60, rank: 4 },
];
const keys = (w: number, keep?: string) => fitColumns(columns, w, keep).map((c) => c.key);
/** What Name gets: the width less the padding, the scrollbar gutter and the shown columns. */
const nameWidth = (w: number, keep?: string) =>
  w - 40 - fitColumns(columns, w, keep).reduce((s, c) => s + c.width + COLUMN_GAP, 0);

describe('fitColumns', () => {
  it('shows every column when there is room, in display order', () => {
    expect(keys(1600)).toEqual(['flat', 'flat-pct', 'sum-pct', 'cum', 'cum-pct']);
  });

  it('drops the least important columns first, and Name keeps 40%', () => {
    for (const w of [300, 400, 520, 640, 800, 1000]) expect(nameWidth(w), String(w)).toBeGreaterThanOrEqual(NAME_SHARE * w);
    expect(keys(400)).toEqual(['flat', 'cum']);
    expect(keys(640)).toEqual(['flat', 'flat-pct', 'cum', 'cum-pct']);
  });

  it('keeps the sorted column', () => {
    expect(keys(300)).toEqual(['flat']);
    expect(keys(300, 'cum')).toEqual(['cum']);
  });

  it('shows the most important column even when nothing fits', () => {
    expect(keys(0)).toEqual(['flat']);
  });

  it('adds columns of the same rank together or not at all', () => {
    const pair = [
      { key: 'delta', width: 80, rank: 1 },
      { key: 'base', width: 60, rank: 2 },
      { key: 'next', width: 60, rank: 2 },
    ];
    const at = (w: number) => fitColumns(pair, w).map((c) => c.key);
    expect(at(300)).toEqual(['delta']);
    expect(at(450)).toEqual(['delta', 'base', 'next']);
  });

  it('gives Name the first, flexible track', () => {
    expect(gridTracks(fitColumns(columns, 400))).toBe('minmax(0, 1fr) 84px 84px');
  });
});
