// A decoded pprof Profile straight to its top table: the tests' (and the ingest golden loop's)
// short way to `go tool pprof -top`, through the same model steps as the app.
import type { Profile } from 'pprof-format';
import { aggregateGraph } from '../../src/profile/model/aggregate';
import { type Granularity, buildNodeTable } from '../../src/profile/model/nodes';
import { buildStackTrie } from '../../src/profile/model/stack-trie';
import { type TopRow, type TopSort, topRows } from '../../src/profile/reports/top';
import { toProfileData } from './profile-data';

export interface TopTable {
  total: number;
  rows: TopRow[];
}

export interface TopTableOptions {
  sampleIndex?: number;
  granularity?: Granularity;
  sort?: TopSort;
}

/** pprof's top table of one sample type (default: pprof's) at a granularity (default: functions). */
export function buildTopTable(profile: Profile, opts: TopTableOptions = {}): TopTable {
  const data = toProfileData(profile);
  const trie = buildStackTrie(data);
  const nodes = buildNodeTable(data, opts.granularity ?? 'functions');
  const graph = aggregateGraph(trie, nodes, opts.sampleIndex ?? data.defaultSampleIndex);
  return { total: graph.total, rows: topRows(graph, nodes, opts.sort) };
}
