// How the page draws the call graph. pprof's DOT, and the SVG Graphviz makes of it, stay exactly
// what `go tool pprof -dot` gives (they are what the downloads save); only the page's copy of the
// SVG is recolored, with inline styles, where pprof's colors do not work on screen:
// - a diff's nodes: pprof fills them with at most 10% saturation, and scores them by their share
//   of the baseline's total, so at fit size a diff graph is an even grey;
// - the dark theme: pprof draws black lines and text on a white page.
// A light, non-diff graph keeps pprof's own colors.
import { type Hsl, diffHsl, hslText } from '../flame/flame-render';

export interface GraphLook {
  dark: boolean;
  diff: boolean;
  colorBlind: boolean;
  /** What pprof scores nodes by (rpt.total): a node's score is cum / |total|. */
  total: number;
  /** The cum of node i, drawn as N<i+1>. */
  cums: number[];
}

/**
 * pprof's dotColor as a signed strength in −1..1: the score pushed away from 0 (|s|^0.3) and
 * faded to grey below |s| = 0.2, as pprof does, so that the same nodes stand out.
 */
export function pprofStrength(score: number): number {
  const s = Math.max(-1, Math.min(1, score));
  const a = Math.abs(s);
  return Math.sign(s) * Math.min(1, a / 0.2) * a ** 0.3;
}

/**
 * Each node's color strength: pprof's curve over its score, where in a diff the score is the
 * node's change relative to the largest change in the graph, so that the nodes that changed most
 * are in full color whatever share of the baseline that is (the legend says how much it is).
 */
export function nodeStrengths(look: Pick<GraphLook, 'diff' | 'total' | 'cums'>): number[] {
  const scale = look.diff ? Math.max(0, ...look.cums.map(Math.abs)) : Math.abs(look.total);
  return look.cums.map((c) => (scale > 0 ? pprofStrength(c / scale) : 0));
}

/** A node's outline: its fill, darker on a light page and lighter on a dark one. */
function outline(c: Hsl, dark: boolean): Hsl {
  return { ...c, l: dark ? Math.min(85, c.l + 35) : Math.max(15, c.l - 40) };
}

/** A color Graphviz wrote (#rrggbb or a few names) as HSL, or undefined for none. */
export function parseColor(color: string | null): Hsl | undefined {
  const named: Record<string, string> = { black: '#000000', white: '#ffffff' };
  const hex = named[color ?? ''] ?? color ?? '';
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return undefined;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => parseInt(v!, 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let h = 0;
  if (d > 0) h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: Math.round(h * 60), s: s * 100, l: l * 100 };
}

/** An edge's color on a dark page: pprof's hue and saturation, light enough to see. */
function onDark(color: string | null): string | undefined {
  const c = parseColor(color);
  return c && hslText({ ...c, l: Math.max(c.l, 65) });
}

/**
 * Recolors the page's copy of Graphviz's SVG for `look`; it can run again on the same SVG (after
 * a theme change). The dark theme's background, text and pprof's plain boxes (the label nodelets)
 * are in theme.css.
 */
export function recolorGraph(svg: SVGSVGElement, look: GraphLook): void {
  for (const el of Array.from(svg.querySelectorAll<SVGElement>('[style]'))) {
    el.style.removeProperty('fill');
    el.style.removeProperty('stroke');
  }
  if (!look.dark && !look.diff) return;
  const strengths = nodeStrengths(look);
  for (const g of Array.from(svg.querySelectorAll('g.node'))) {
    const m = /^N(\d+)$/.exec(g.querySelector('title')?.textContent ?? '');
    const box = g.querySelector<SVGElement>('polygon, ellipse, path');
    const strength = m && strengths[Number(m[1]) - 1];
    if (!box || strength === null || strength === undefined) continue;
    const fill = diffHsl(strength, look.colorBlind, look.dark);
    box.style.fill = hslText(fill);
    box.style.stroke = hslText(outline(fill, look.dark));
  }
  if (!look.dark) return;
  for (const el of Array.from(svg.querySelectorAll<SVGElement>('g.edge path, g.edge polygon'))) {
    const stroke = onDark(el.getAttribute('stroke'));
    const fill = onDark(el.getAttribute('fill'));
    if (stroke) el.style.stroke = stroke;
    if (fill) el.style.fill = fill;
  }
}
