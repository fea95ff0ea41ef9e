// Real work for the demo services, with different profiles: checkout prices carts, signs orders
// and serialises them; catalog builds a search index and answers fuzzy queries from a cache.
import { createHash } from 'node:crypto';

const WORDS = [
  'red',
  'blue',
  'linen',
  'wool',
  'shirt',
  'jacket',
  'lamp',
  'oak',
  'table',
  'chair',
  'desk',
  'mug',
  'tea',
  'steel',
  'bottle',
  'pack',
  'trail',
  'runner',
  'sock',
  'scarf',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export interface Workload {
  /** Runs one request's worth of work. */
  step(): void;
}

// ---- checkout -------------------------------------------------------------------------------

interface CartLine {
  sku: string;
  qty: number;
  price: number;
}

function applyPromotions(lines: CartLine[]): number {
  let discount = 0;
  const bySku = new Map<string, number>();
  for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.qty);
  for (const [sku, qty] of bySku) if (qty >= 3 && sku.charCodeAt(0) % 2 === 0) discount += 0.1 * qty;
  return discount;
}

function computeTax(subtotal: number, region: string): number {
  let rate = 0.2;
  for (let i = 0; i < 2000; i++) rate = (rate * 31 + region.length + i) % 0.25; // rule table walk
  return subtotal * (0.05 + rate);
}

function priceCart(lines: CartLine[], region: string) {
  const subtotal = lines.reduce((a, l) => a + l.qty * l.price, 0);
  const discount = applyPromotions(lines);
  return { subtotal, discount, tax: computeTax(subtotal - discount, region) };
}

function signOrder(payload: string): string {
  let digest = payload;
  for (let i = 0; i < 40; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest;
}

function serializeOrder(order: object): string {
  const text = JSON.stringify(order);
  return JSON.stringify(JSON.parse(text)); // round trip, as a queue client would
}

export function checkoutWorkload(seed: number): Workload {
  const random = rng(seed);
  const recent: string[] = [];
  return {
    step() {
      const lines: CartLine[] = Array.from({ length: 5 + Math.floor(random() * 40) }, () => ({
        sku: `${WORDS[Math.floor(random() * WORDS.length)]}-${Math.floor(random() * 500)}`,
        qty: 1 + Math.floor(random() * 4),
        price: Math.round(random() * 10000) / 100,
      }));
      const totals = priceCart(lines, random() < 0.5 ? 'eu-west' : 'us-east');
      const order = { id: Math.floor(random() * 1e9), lines, totals };
      const signature = signOrder(serializeOrder(order));
      recent.push(signature);
      if (recent.length > 2000) recent.splice(0, 1000);
    },
  };
}

// ---- catalog --------------------------------------------------------------------------------

interface Product {
  id: number;
  title: string;
  tokens: string[];
}

function buildIndex(products: Product[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (const p of products) {
    for (const t of p.tokens) {
      for (let n = 2; n <= t.length; n++) {
        const prefix = t.slice(0, n);
        let list = index.get(prefix);
        if (!list) index.set(prefix, (list = []));
        list.push(p.id);
      }
    }
  }
  return index;
}

function editDistance(a: string, b: string): number {
  // row has b.length + 1 entries; i and j stay within a and b.
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function fuzzySearch(products: Product[], index: Map<string, number[]>, query: string): Product[] {
  const exact = index.get(query.slice(0, 3));
  const candidates = exact ? exact.map((id) => products[id]!) : products; // the index holds product ids
  return candidates
    .map((p) => ({ p, d: Math.min(...p.tokens.map((t) => editDistance(t, query))) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 10)
    .map((x) => x.p);
}

function renderResults(results: Product[]): string {
  return results.map((p) => `<li data-id="${p.id}">${p.title.replace(/[<>&]/g, '')}</li>`).join('');
}

export function catalogWorkload(seed: number): Workload {
  const random = rng(seed);
  const products: Product[] = Array.from({ length: 3000 }, (_, id) => {
    const tokens = Array.from({ length: 3 }, () => WORDS[Math.floor(random() * WORDS.length)]!);
    return { id, title: tokens.join(' '), tokens };
  });
  let index = buildIndex(products);
  const cache = new Map<string, string>();
  let requests = 0;
  return {
    step() {
      const q = WORDS[Math.floor(random() * WORDS.length)]!.slice(0, 3 + Math.floor(random() * 3));
      const key = `${q}:${Math.floor(random() * 200)}`;
      if (!cache.has(key)) {
        cache.set(key, renderResults(fuzzySearch(products, index, q)));
        if (cache.size > 3000) cache.delete(cache.keys().next().value!);
      }
      if (++requests % 500 === 0) index = buildIndex(products); // periodic reindex
    },
  };
}
