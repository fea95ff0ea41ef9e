// Colours of a split timeline's lines. Hashing label values to hues put two of three demo pods
// on near-identical greens; a palette by position keeps neighbours apart.

/** Tableau 10: ten colours people tell apart, also with the common colour-vision deficiencies. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** The colour of the i-th series (in the backend's order, sorted by labels): the palette, then golden-angle hues. */
export function seriesColor(i: number): string {
  if (i < PALETTE.length) return PALETTE[i]!;
  const hue = Math.round((i * 137.508) % 360);
  return `hsl(${hue}, 55%, ${i % 2 ? 40 : 60}%)`;
}
