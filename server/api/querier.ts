// querier.v1.QuerierService over the profile store.
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import {
  DiffResponseSchema,
  FlameGraphDiffSchema,
  FlameGraphSchema,
  type QuerierService,
  type SelectMergeStacktracesRequest,
} from '../../src/api/gen/querier/v1/querier_pb';
import { TimeSeriesAggregationType, type StackTraceSelector } from '../../src/api/gen/types/v1/types_pb';
import { filterByCallSite } from '../query/call-site';
import { parseProfileTypeId, type ProfileTypeInfo } from '../ingest/pprof';
import { DEFAULT_MAX_NODES, encodeFlameGraph, NameTree, type FlameGraphOut } from '../query/flamegraph';
import { mergeProfiles, type MergedStacks } from '../query/merge';
import { buildPprof } from '../query/pprof-out';
import { parseSelector, SelectorError, type Matcher } from '../query/selector';
import { selectSeries } from '../query/series';
import type { ProfileStore, SeriesRecord } from '../storage/store';
import { tenantFrom } from './tenant';

export const MAX_NODES_LIMIT = 1 << 20;

export interface QueryContext {
  store: ProfileStore;
  /** Profiles older than this are invisible even before the retention job deletes them. */
  oldestVisibleMs: () => number;
}

export function tenantOf(ctx: HandlerContext): string {
  const t = tenantFrom(ctx.requestHeader.get('x-scope-orgid'));
  if ('error' in t) throw new ConnectError(t.error, Code.InvalidArgument);
  return t.tenant;
}

function selector(text: string): Matcher[] {
  try {
    return parseSelector(text.trim() === '' ? '{}' : text);
  } catch (e) {
    if (e instanceof SelectorError) throw new ConnectError(e.message, Code.InvalidArgument);
    throw e;
  }
}

function profileType(id: string): ProfileTypeInfo {
  const t = parseProfileTypeId(id);
  if (!t) throw new ConnectError(`invalid profile type id ${JSON.stringify(id)} (expected <name>:<sample_type>:<sample_unit>:<period_type>:<period_unit>)`, Code.InvalidArgument);
  return t;
}

export function createQuerier(q: QueryContext): ServiceImpl<typeof QuerierService> {
  const { store } = q;

  /** [start, end] in ms; zero/absent end means now, zero start means as old as retention allows. */
  const range = (start: bigint, end: bigint): [number, number] => {
    const e = end === 0n ? Date.now() : Number(end);
    const s = Math.max(Number(start), q.oldestVisibleMs());
    if (Number(start) > e) throw new ConnectError(`start (${start}) is after end (${end})`, Code.InvalidArgument);
    return [s, e];
  };

  /** Series matching any of the selectors (all series when there are none) with profiles in range. */
  const seriesMatching = (tenant: string, selectors: string[], start: bigint, end: bigint): SeriesRecord[] => {
    const [s, e] = range(start, end);
    const sets = selectors.length ? selectors.map(selector) : [[]];
    const found = new Map<number, SeriesRecord>();
    for (const m of sets) for (const rec of store.findSeries(tenant, m)) found.set(rec.id, rec);
    return [...found.values()].filter((rec) => store.hasProfilesInRange(rec.id, s, e));
  };

  const merge = (
    tenant: string,
    typeId: string,
    labelSelector: string,
    start: bigint,
    end: bigint,
    stackSelector?: StackTraceSelector,
  ): { merged: MergedStacks; type: ProfileTypeInfo; range: [number, number] } => {
    const type = profileType(typeId);
    const matchers = selector(labelSelector);
    const r = range(start, end);
    const series = store.findSeries(tenant, matchers, type.id);
    const merged = mergeProfiles(store, store.readProfiles(series, r[0], r[1], true));
    filterByCallSite(store, merged, stackSelector?.callSite.map((l) => l.name) ?? []);
    return { merged, type, range: r };
  };

  const maxNodesOf = (n: bigint | undefined): number => {
    if (n === undefined || n === 0n) return DEFAULT_MAX_NODES;
    if (n < 0n || n > BigInt(MAX_NODES_LIMIT)) throw new ConnectError(`max_nodes must be between 1 and ${MAX_NODES_LIMIT}`, Code.InvalidArgument);
    return Number(n);
  };

  const toLevels = (fg: FlameGraphOut) => fg.levels.map((values) => ({ values: values.map((v) => BigInt(Math.round(v))) }));

  const flamegraphOf = (tenant: string, req: SelectMergeStacktracesRequest, tree: NameTree, side: number) => {
    const { merged } = merge(tenant, req.profileTypeID, req.labelSelector, req.start, req.end, req.stackTraceSelector);
    tree.add(store, merged, side);
  };

  return {
    profileTypes(req, ctx) {
      const tenant = tenantOf(ctx);
      const types = new Map<string, ProfileTypeInfo>();
      for (const rec of seriesMatching(tenant, [], req.start, req.end)) {
        if (!types.has(rec.profileType)) types.set(rec.profileType, parseProfileTypeId(rec.profileType)!);
      }
      const profileTypes = [...types.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((t) => ({ ID: t.id, name: t.name, sampleType: t.sampleType, sampleUnit: t.sampleUnit, periodType: t.periodType, periodUnit: t.periodUnit }));
      return { profileTypes };
    },

    labelNames(req, ctx) {
      const names = new Set<string>();
      for (const rec of seriesMatching(tenantOf(ctx), req.matchers, req.start, req.end)) for (const k of rec.labels.keys()) names.add(k);
      return { names: [...names].sort() };
    },

    labelValues(req, ctx) {
      if (!req.name) throw new ConnectError('name is required', Code.InvalidArgument);
      const values = new Set<string>();
      for (const rec of seriesMatching(tenantOf(ctx), req.matchers, req.start, req.end)) {
        const v = rec.labels.get(req.name);
        if (v !== undefined) values.add(v);
      }
      return { names: [...values].sort() };
    },

    series(req, ctx) {
      const seen = new Map<string, { name: string; value: string }[]>();
      for (const rec of seriesMatching(tenantOf(ctx), req.matchers, req.start, req.end)) {
        const pairs = [...rec.labels]
          .filter(([k]) => req.labelNames.length === 0 || req.labelNames.includes(k))
          .map(([name, value]) => ({ name, value }));
        seen.set(JSON.stringify(pairs), pairs);
      }
      const labelsSet = [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, labels]) => ({ labels }));
      return { labelsSet };
    },

    selectMergeProfile(req, ctx) {
      const { merged, type, range: r } = merge(tenantOf(ctx), req.profileTypeID, req.labelSelector, req.start, req.end, req.stackTraceSelector);
      return buildPprof(store, merged, type, r[0], r[1]);
    },

    selectMergeStacktraces(req, ctx) {
      const tree = new NameTree(1);
      flamegraphOf(tenantOf(ctx), req, tree, 0);
      const fg = encodeFlameGraph(tree, maxNodesOf(req.maxNodes));
      return {
        flamegraph: create(FlameGraphSchema, { names: fg.names, levels: toLevels(fg), total: BigInt(Math.round(fg.total)), maxSelf: BigInt(Math.round(fg.maxSelf)) }),
      };
    },

    diff(req, ctx) {
      const tenant = tenantOf(ctx);
      if (!req.left || !req.right) throw new ConnectError('left and right are required', Code.InvalidArgument);
      if (req.left.profileTypeID !== req.right.profileTypeID) throw new ConnectError('left and right must have the same profile type', Code.InvalidArgument);
      const maxNodes = Math.max(maxNodesOf(req.left.maxNodes), maxNodesOf(req.right.maxNodes));
      const tree = new NameTree(2);
      flamegraphOf(tenant, req.left, tree, 0);
      flamegraphOf(tenant, req.right, tree, 1);
      const fg = encodeFlameGraph(tree, maxNodes);
      return create(DiffResponseSchema, {
        flamegraph: create(FlameGraphDiffSchema, {
          names: fg.names,
          levels: toLevels(fg),
          total: BigInt(Math.round(fg.total)),
          maxSelf: BigInt(Math.round(fg.maxSelf)),
          leftTicks: BigInt(Math.round(fg.leftTicks ?? 0)),
          rightTicks: BigInt(Math.round(fg.rightTicks ?? 0)),
        }),
      });
    },

    selectSeries(req, ctx) {
      const tenant = tenantOf(ctx);
      const type = profileType(req.profileTypeID);
      const matchers = selector(req.labelSelector);
      const [s, e] = range(req.start, req.end);
      const stepMs = req.step > 0 ? req.step * 1000 : 15_000;
      if (stepMs < 1) throw new ConnectError('step must be at least 1 ms', Code.InvalidArgument);
      if ((e - s) / stepMs > 100_000) throw new ConnectError('too many points: increase step', Code.InvalidArgument);
      const series = store.findSeries(tenant, matchers, type.id);
      const out = selectSeries(store, series, s, e, {
        stepMs,
        groupBy: req.groupBy,
        average: req.aggregation === TimeSeriesAggregationType.AVERAGE,
        limit: req.limit === undefined ? undefined : Number(req.limit),
      });
      return {
        series: out.map((x) => ({
          labels: x.labels.map(([name, value]) => ({ name, value })),
          points: x.points.map((p) => ({ value: p.value, timestamp: BigInt(p.timestamp) })),
        })),
      };
    },
  };
}
