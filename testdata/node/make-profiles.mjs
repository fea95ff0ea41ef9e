// Writes testdata/profiles/node-wall.pb.gz and node-heap.pb.gz: a small, fixed JavaScript
// workload profiled with @datadog/pprof (the profiler Flamelens's demo pods use), so the corpus
// has what a Node.js agent really sends: V8 function names, `(anonymous:L#…:C#…)` frames, V8
// pseudo-frames (`Garbage Collection`, `(external)`), no addresses, a wall profile with a
// `route` label on each sample, and a heap profile.
// Plain JavaScript on purpose: run without a transpiler, V8 reports the real function names and
// lines. Run from the repository root: node testdata/node/make-profiles.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encode, heap, time } from '@datadog/pprof';
import { StringTable } from 'pprof-format';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const out = (name) => new URL(`../profiles/${name}`, import.meta.url);

// ---- the workload: three "routes" with different costs ------------------------------------

/** A deterministic pseudo-random generator: the same numbers on every run. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Direct recursion: a catalogue tree, three children per item. */
function makeTree(depth, next) {
  const item = { id: Math.floor(next() * 1e6), name: `item-${depth}-${Math.floor(next() * 1000)}`, tags: [], children: [] };
  for (let i = 0; i < 3 && depth > 0; i++) item.children.push(makeTree(depth - 1, next));
  for (let i = 0; i < 4; i++) item.tags.push(`t${Math.floor(next() * 50)}`);
  return item;
}

/** Mutual recursion: rendering an item renders the list of its children, and so on. */
function renderItem(item) {
  return `<li id="${item.id}">${item.name} ${item.tags.join(' ')}${renderList(item.children)}</li>`;
}

function renderList(items) {
  return items.length === 0 ? '' : `<ul>${items.map(renderItem).join('')}</ul>`;
}

function searchRoute(tree, next) {
  let hits = 0;
  const re = new RegExp(`t${Math.floor(next() * 50)}\\b`);
  const walk = (it) => {
    if (re.test(it.tags.join(' '))) hits++;
    it.children.forEach(walk);
  };
  walk(tree);
  return hits;
}

function pageRoute(tree) {
  return renderItem(tree).length;
}

function reportRoute(next) {
  const rows = Array.from({ length: 20000 }, () => ({ k: Math.floor(next() * 1000), v: next() }));
  rows.sort((a, b) => a.k - b.k || a.v - b.v);
  return JSON.parse(JSON.stringify(rows.slice(0, 2000))).length;
}

// [route, requests per round, handler]
const ROUTES = [
  ['/page', 5, (tree) => pageRoute(tree)],
  ['/search', 3, searchRoute],
  ['/report', 2, (_tree, next) => reportRoute(next)],
];

function serve(rounds) {
  const next = lcg(42);
  const tree = makeTree(7, next);
  let acc = 0;
  for (let r = 0; r < rounds; r++) {
    for (const [route, weight, run] of ROUTES) {
      time.setContext({ route });
      for (let w = 0; w < weight; w++) acc += run(tree, next);
    }
  }
  time.setContext(undefined);
  return acc;
}

// ---- profiles -------------------------------------------------------------------------------

// Wall time, one sample every millisecond, the route as a label on each sample.
time.start({ intervalMicros: 1000, withContexts: true });
serve(60);
await write('node-wall.pb.gz', time.stop(false, ({ context }) => context?.context ?? {}));

// Heap: one sample per 32 KiB allocated on average; what is still reachable at the end.
heap.start(32 * 1024, 64);
const next = lcg(7);
const kept = [];
for (let i = 0; i < 30; i++) {
  const tree = makeTree(5, next);
  kept.push(tree, renderItem(tree), new Array(5000).fill(i), Buffer.alloc(64 * 1024, i));
}
const heapProfile = heap.profile();
heap.stop();
await write('node-heap.pb.gz', heapProfile);
console.log(`kept ${kept.length} objects alive`);

/** Replaces the checkout's absolute path in file names by /app/, so the file says nothing about
 * the machine that made it; every string keeps its index. */
function relocate(profile) {
  const table = new StringTable();
  for (const s of profile.stringTable.strings) {
    const i = table.dedup(s.replaceAll(repoRoot, '/app/'));
    if (i !== table.strings.length - 1) throw new Error(`relocating ${s} merged two strings`);
  }
  profile.stringTable = table;
  return profile;
}

async function write(name, profile) {
  const bytes = await encode(relocate(profile)); // gzipped
  writeFileSync(out(name), bytes);
  console.log(`wrote testdata/profiles/${name} (${bytes.length} bytes, ${profile.sample.length} samples)`);
}
