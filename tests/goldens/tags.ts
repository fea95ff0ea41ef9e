// The tag options against `go tool pprof`: for each variant of testdata/tag-variants.txt (flags
// applied to a labelled profile, or a diff), the -tags report, the -top table and the -dot graph
// that scripts/make-expected.sh stored in expected-tags/<name>/. The last test of the block checks
// how many comparisons were made, so a missing or renamed golden fails loudly.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileSource, type ViewFilters } from '../../src/profile/model/filtered-session';
import { numLabelUnits } from '../../src/profile/model/label-table';
import { type Granularity, GRANULARITIES, buildNodeTable } from '../../src/profile/model/nodes';
import { diffOfSessions, openProfile } from '../../src/profile/model/session';
import { buildStackTrie } from '../../src/profile/model/stack-trie';
import { readProfileData } from '../../src/profile/pprof/reader';
import { buildCallGraph } from '../../src/profile/reports/callgraph';
import { sampleTagsOf } from '../../src/profile/reports/callgraph-tags';
import { tagsReport } from '../../src/profile/reports/tags';
import { activeFilterLabels, profileTotal } from '../../src/profile/transforms/filters';
import { refineProfile } from '../../src/profile/transforms/refine';
import { profileDot } from '../oracle/reports';
import { formatTagsText } from '../oracle/tags-text';
import { formatTopText } from '../oracle/text-report';
import { type Corpus, readExpectedText } from '../helpers/corpus';
import { parseExpectedTop } from '../helpers/expected';

export interface TagGoldenCounts {
  variants: number;
  tags: number;
  top: number;
  dot: number;
}

export interface TagVariant {
  name: string;
  profile: string;
  flags: string[];
}

/** The variants of a corpus: tag-variants.txt beside its profiles folder. */
export function tagVariants(corpus: Corpus): TagVariant[] {
  const file = join(corpus.dir, 'tag-variants.txt');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .map((l) => {
      const [name, profile, ...flags] = l.split(/\s+/);
      return { name: name!, profile: profile!, flags };
    });
}

/** What the flags of a variant ask of the model. */
export interface VariantOptions {
  filters: ViewFilters;
  granularity: Granularity;
  sampleType?: string;
  diffBase?: string;
}

const FILTER_FLAGS: Record<string, keyof ViewFilters> = {
  focus: 'focus',
  ignore: 'ignore',
  hide: 'hide',
  show: 'show',
  show_from: 'showFrom',
  tagfocus: 'tagFocus',
  tagignore: 'tagIgnore',
  tagshow: 'tagShow',
  taghide: 'tagHide',
  tagroot: 'tagRoot',
  tagleaf: 'tagLeaf',
};

export function variantOptions(flags: string[]): VariantOptions {
  const out: VariantOptions = { filters: {}, granularity: 'functions' };
  for (const flag of flags) {
    const m = /^-([a-z_]+)(?:=(.*))?$/.exec(flag);
    if (!m) throw new Error(`unknown flag ${flag}`);
    const [, name, value] = m as unknown as [string, string, string | undefined];
    if (GRANULARITIES.includes(name as Granularity)) out.granularity = name as Granularity;
    else if (name === 'sample_index') out.sampleType = value;
    else if (name === 'diff_base') out.diffBase = value;
    else if (name === 'relative_percentages') out.filters.relative = true;
    else if (FILTER_FLAGS[name] && value !== undefined) (out.filters as Record<string, string>)[FILTER_FLAGS[name]] = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  return out;
}

/** -tags text with each run of value lines of the same |weight| sorted (its order is a Go map's in a diff). */
function inRunsOfEqualWeight(text: string): string[] {
  const out: string[] = [];
  let run: string[] = [];
  let runWeight = '';
  const flush = () => {
    out.push(...run.sort());
    run = [];
  };
  for (const line of text.split('\n')) {
    const m = /^\s+-?(\S+) \(.*\): /.exec(line);
    if (m && !/ Total /.test(line)) {
      if (m[1] !== runWeight) flush();
      runWeight = m[1]!;
      run.push(line);
      continue;
    }
    flush();
    runWeight = '';
    out.push(line);
  }
  flush();
  return out;
}

const DOT_DEFAULTS = { nodeCount: 80, nodeFraction: 0.005, edgeFraction: 0.001 };
const graphLines = (t: string) => t.split('\n').filter((l) => /^N\d+/.test(l));

/** Declares the golden tests of the tag options for a corpus. */
export function defineTagGoldens(corpus: Corpus, expected: TagGoldenCounts): void {
  describe(`${corpus.name}: tag options agree with go tool pprof`, () => {
    const dir = join(corpus.dir, 'expected-tags');
    let variants = 0;
    let tags = 0;
    let tops = 0;
    let dots = 0;
    for (const v of tagVariants(corpus)) {
      it(`${v.name}: ${v.flags.join(' ')}`, () => {
        const opts = variantOptions(v.flags);
        const { filters } = opts;
        const next = openProfile(corpus.read(v.profile));
        const base = opts.diffBase ? openProfile(corpus.read(opts.diffBase)) : undefined;
        // What the app does: a ProfileSource over the opened profile (or the diff of two).
        const source = base ? new ProfileSource(diffOfSessions(base, next), { base, next }) : new ProfileSource(next);
        const session = source.session(filters);
        const types = session.data.sampleTypes;
        const si = opts.sampleType ? types.findIndex((t) => t.type === opts.sampleType) : session.data.defaultSampleIndex;
        expect(si, 'sample type').toBeGreaterThanOrEqual(0);
        const unit = types[si]!.unit;
        const file = (f: string) => readExpectedText(join(dir, v.name, f));

        // -tags (in a diff, with the baseline's pprof::base key that pprof prints).
        const report = tagsReport(session.data, si, session.percentTotal(si), {
          units: session.labelUnits!,
          diffBase: session.diff && { samples: session.diff.baseSampleCount, showKey: true },
        });
        const ours = formatTagsText(report);
        if (base) {
          // pprof orders values of equal |weight| but opposite sign (which only diffs have) as a
          // Go map gives them: compare those runs as sets, and check our order is by |weight|.
          expect(inRunsOfEqualWeight(ours), `${v.name} -tags`).toEqual(inRunsOfEqualWeight(file('tags.txt')));
          for (const k of report.keys) {
            const w = k.values.map((x) => Math.abs(x.weight));
            expect(w, k.key).toEqual([...w].sort((a, b) => b - a));
          }
        } else expect(ours, `${v.name} -tags`).toBe(file('tags.txt'));
        tags++;

        // -top -nodefraction=0 (a diff leaves out the functions that net to zero, as pprof).
        const top = session.top(si, opts.granularity);
        const rows = top.names
          .map((name, i) => ({
            node: i,
            name,
            flat: top.flat[i]!,
            cum: top.cum[i]!,
            inline: (['', 'inline', 'partial-inline'] as const)[top.inline[i]!]!,
          }))
          .filter((r) => r.flat !== 0 || r.cum !== 0);
        const exp = parseExpectedTop(file('top.txt'));
        const lines = formatTopText({ total: top.total, rows }, unit);
        expect(lines[0], `${v.name} -top`).toBe(exp.summary);
        expect(lines.slice(2), `${v.name} -top`).toEqual(exp.rows);
        tops++;

        // -dot: the session's graph (what the view lays out), and for a profile the whole DOT
        // with its legend (active filters included) from the refined profile.
        const expDot = file('dot');
        const g = session.graph(si, opts.granularity, DOT_DEFAULTS, activeFilterLabels(filters));
        if (base) {
          // As in the diff goldens: nodes in order, edges and nodelets as sets (pprof orders
          // those of equal |weight| by a Go map), edges to a node pprof never declares left out.
          const theirs = graphLines(expDot).filter((l) => !/ -> N0 \[/.test(l));
          const nodeLines = (l: string[]) => l.filter((x) => /^N\d+ \[/.test(x));
          const rest = (l: string[]) =>
            l
              .filter((x) => !/^N\d+ \[/.test(x))
              .map((x) => x.replace(/N(\d+)_\d+/g, 'N$1_*'))
              .sort();
          expect(nodeLines(graphLines(g.dot)), `${v.name} -dot`).toEqual(nodeLines(theirs));
          expect(rest(graphLines(g.dot)), `${v.name} -dot`).toEqual(rest(theirs));
        } else {
          expect(graphLines(g.dot), `${v.name} -dot (session)`).toEqual(graphLines(expDot));
          const raw = readProfileData(corpus.read(v.profile));
          const r = refineProfile(raw, filters, { units: numLabelUnits(raw.sampleLabels) });
          const trie = buildStackTrie(r.data);
          const graph = buildCallGraph(trie, buildNodeTable(r.data, opts.granularity), si, {
            tags: sampleTagsOf(r.data, trie),
            total: filters.relative ? profileTotal(r.data, si) : profileTotal(raw, si),
          });
          expect(profileDot(graph, r.data, si, { activeFilters: activeFilterLabels(filters) }), `${v.name} -dot`).toBe(expDot);
        }
        dots++;
        variants++;
      });
    }
    it(`compared ${expected.variants} variants`, () => {
      expect(variants).toBe(expected.variants);
      expect(tags).toBe(expected.tags);
      expect(tops).toBe(expected.top);
      expect(dots).toBe(expected.dot);
    });
  });
}
