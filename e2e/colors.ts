// Colours as the page computes them: contrast (WCAG) for legibility, ΔE for telling series apart.
import type { Locator } from '@playwright/test';

/** An sRGB color, 0..255 per channel, as getComputedStyle gives it. */
export type Rgb = [number, number, number];

export function parseRgb(css: string): Rgb {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(css);
  if (!m) throw new Error(`not an rgb() color: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** WCAG 2 relative luminance. */
function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio (1 to 21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

/** Hue (degrees) and chroma (0..1, how far from grey) of a color. */
export function hueChroma(c: Rgb): { hue: number; chroma: number } {
  const [r, g, b] = c.map((v) => v / 255) as Rgb;
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  let h = 0;
  if (d > 0) h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { hue: h * 60, chroma: d };
}

export interface TextOn {
  /** The element's test id, else the start of its text. */
  name: string;
  text: string;
  background: string;
}

/**
 * The text color of each visible element and the background it is read on, from computed
 * styles: its own background, else the nearest ancestor's that is not transparent (the page's
 * at the end). SVG text: its fill, read on the fill of the node shape it labels, else on the
 * background of the SVG's container.
 */
export async function textsOn(elements: Locator): Promise<TextOn[]> {
  return elements.evaluateAll((els) => {
    const opaque = (c: string) => c !== '' && c !== 'none' && c !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(c);
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    return els.filter(visible).map((e) => {
      let background = '';
      if (e instanceof SVGElement) {
        const shape = e.closest('g.node') && e.parentElement?.querySelector('polygon, ellipse, path');
        const fill = shape ? getComputedStyle(shape).fill : '';
        if (opaque(fill)) background = fill;
      }
      for (
        let a: Element | null = e instanceof SVGElement ? e.closest('svg')!.parentElement : e;
        !background && a;
        a = a.parentElement
      ) {
        const bg = getComputedStyle(a).backgroundColor;
        if (opaque(bg)) background = bg;
      }
      const style = getComputedStyle(e);
      return {
        name: e.getAttribute('data-testid') ?? (e.textContent ?? '').trim().slice(0, 40),
        text: e instanceof SVGElement ? style.fill : style.color,
        background: background || 'rgb(255, 255, 255)',
      };
    });
  });
}

/** The text color of one element and the background it is read on (see textsOn). */
export async function textAndBackground(el: Locator): Promise<TextOn> {
  const [t] = await textsOn(el.first());
  if (!t) throw new Error('the element is not visible');
  return t;
}

function lab([r, g, b]: Rgb): Rgb {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const x = (R * 0.4124 + G * 0.3576 + B * 0.1805) / 0.95047;
  const y = R * 0.2126 + G * 0.7152 + B * 0.0722;
  const z = (R * 0.0193 + G * 0.1192 + B * 0.9505) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/**
 * How far apart two colours look: CIE76 ΔE in CIELAB (about 2 is just noticeable; above 20 two
 * lines are told apart at a glance).
 */
export function deltaE(a: Rgb, b: Rgb): number {
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}
