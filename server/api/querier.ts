// querier.v1.QuerierService over the profile store. Every input is checked before the work
// (selector and regex length, time range, step), and the work runs in slices (see slice.ts).
import { create } from '@bufbuild/protobuf';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import {
  DiffResponseSchema,
  FlameGraphDiffSchema,
  FlameGraphSchema,
  type QuerierService,
  type SelectMergeProfileRequest,
  type SelectMergeStacktracesRequest,
} from '../../src/api/gen/querier/v1/querier_pb';
import { TimeSeriesAggregationType, type StackTraceSelector } from '../../src/api/gen/types/v1/types_pb';
import { ClientError } from '../errors';
import { overLimit, type Limits } from '../limits';
import { filterByCallSite } from '../query/call-site';
import { parseProfileTypeId, type ProfileTypeInfo } from '../ingest/pprof';
import { DEFAULT_MAX_NODES, encodeFlameGraph, NameTree, type FlameGraphOut } from '../query/flamegraph';
import { toInt64 } from '../query/int64';
import { mergeProfiles, type MergedStacks } from '../query/merge';
import { buildPprof, encodePprofSliced } from '../query/pprof-out';
import { parseSelector, SelectorError, SelectorLimitError, type Matcher } from '../query/selector';
import { selectSeries } from '../query/series';
import { Slicer } from '../slice';
import type { ProfileStore, SeriesRecord } from '../storage/store';
import { tenantFrom } from './tenant';

export const MAX_NODES_LIMIT = 1 << 20;
/** The latest time a query may name: JavaScript's last representable date. */
const MAX_TIME_MS = 8.64e15;
const DEFAULT_STEP_MS = 15_000;

export interface QueryContext {
  store: ProfileStore;
  /** Profiles older than this are invisible even before the retention job deletes them. */
  oldestVisibleMs: () => number;
  limits: Limits;
}

export function tenantOf(ctx: HandlerContext | Headers): string {
  const t = tenantFrom((ctx instanceof Headers ? ctx : ctx.requestHeader).get('x-scope-orgid'));
  if ('error' in t) throw new ClientError(400, t.error);
  return t.tenant;
}

function profileType(id: string): ProfileTypeInfo {
  const t = parseProfileTypeId(id);
  if (!t)
    throw new ClientError(
      400,
      `invalid profile type id ${JSON.stringify(id.slice(0, 200))} (expected <name>:<sample_type>:<sample_unit>:<period_type>:<period_unit>)`,
    );
  return t;
}

export interface Querier {
  service: ServiceImpl<typeof QuerierService>;
  /** SelectMergeProfile answered with its binary encoding, made in slices (see api/connect.ts RawUnary). */
  selectMergeProfileBytes(req: SelectMergeProfileRequest, header: Headers): Promise<Uint8Array>;
}

export function createQuerier(q: QueryContext): Querier {
  const { store, limits } = q;

  const selector = (text: string): Matcher[] => {
    try {
      return parseSelector(text.trim() === '' ? '{}' : text, limits);
    } catch (e) {
      if (e instanceof SelectorLimitError) throw overLimit(e.limit, limits, e.message);
      if (e instanceof SelectorError) throw new ClientError(400, e.message);
      throw e;
    }
  };

  /** [start, end] in ms; zero/absent end means now, zero start means as old as retention allows. */
  const range = (start: bigint, end: bigint): [number, number] => {
    if (start < 0n || end < 0n || start > BigInt(MAX_TIME_MS) || end > BigInt(MAX_TIME_MS)) {
      throw new ClientError(400, `start and end must be unix milliseconds between 0 and ${MAX_TIME_MS}`);
    }
    const e = end === 0n ? Date.now() : Number(end);
    if (Number(start) > e) throw new ClientError(400, `start (${start}) is after end (${end})`);
    const s = Math.max(Number(start), q.oldestVisibleMs());
    if (limits.maxQueryRangeMs > 0 && e - s > limits.maxQueryRangeMs)
      throw overLimit('maxQueryRangeMs', limits, `the query spans ${e - s} ms`);
    return [s, e];
  };

  /** Series matching any of the selectors (all series when there are none) with profiles in range. */
  const seriesMatching = async (
    tenant: string,
    selectors: string[],
    start: bigint,
    end: bigint,
    slicer: Slicer,
  ): Promise<SeriesRecord[]> => {
    const [s, e] = range(start, end);
    const sets = selectors.length ? selectors.map(selector) : [[]];
    const found = new Map<number, SeriesRecord>();
    for (const m of sets) for (const rec of await store.findSeries(tenant, m, undefined, slicer)) found.set(rec.id, rec);
    const out: SeriesRecord[] = [];
    for (const rec of found.values()) {
      if (store.hasProfilesInRange(rec.id, s, e)) out.push(rec);
      await slicer.tick();
    }
    return out;
  };

  const merge = async (
    tenant: string,
    req: { profileTypeID: string; labelSelector: string; start: bigint; end: bigint; stackTraceSelector?: StackTraceSelector },
    slicer: Slicer,
    labels = false,
  ): Promise<{ merged: MergedStacks; type: ProfileTypeInfo; range: [number, number] }> => {
    const type = profileType(req.profileTypeID);
    const matchers = selector(req.labelSelector);
    const r = range(req.start, req.end);
    const series = await store.findSeries(tenant, matchers, type.id, slicer);
    const merged = await mergeProfiles(store, store.readProfiles(series, r[0], r[1], true, slicer), slicer, { labels });
    await filterByCallSite(store, merged, req.stackTraceSelector?.callSite.map((l) => l.name) ?? [], slicer);
    return { merged, type, range: r };
  };

  const maxNodesOf = (n: bigint | undefined): number => {
    if (n === undefined || n === 0n) return DEFAULT_MAX_NODES;
    if (n < 0n || n > BigInt(MAX_NODES_LIMIT)) throw new ClientError(400, `max_nodes must be between 1 and ${MAX_NODES_LIMIT}`);
    return Number(n);
  };

  const toLevels = (fg: FlameGraphOut) => fg.levels.map((values) => ({ values: values.map(toInt64) }));

  const flamegraphOf = async (
    tenant: string,
    req: SelectMergeStacktracesRequest,
    tree: NameTree,
    side: number,
    slicer: Slicer,
  ) => {
    const { merged } = await merge(tenant, req, slicer);
    await tree.add(store, merged, side, slicer);
  };

  const selectMergeProfile = async (req: SelectMergeProfileRequest, tenant: string, slicer: Slicer) => {
    // Only the pprof carries sample labels (the flame graph RPCs have no place for them).
    const { merged, type, range: r } = await merge(tenant, req, slicer, true);
    return buildPprof(store, merged, type, r[0], r[1], slicer);
  };

  const service: ServiceImpl<typeof QuerierService> = {
    async profileTypes(req, ctx) {
      const tenant = tenantOf(ctx);
      const types = new Map<string, ProfileTypeInfo>();
      for (const rec of await seriesMatching(tenant, [], req.start, req.end, new Slicer())) {
        if (types.has(rec.profileType)) continue;
        // A type stored before ids were checked at ingest may not parse: it is left out, not an error.
        const t = parseProfileTypeId(rec.profileType);
        if (t) types.set(rec.profileType, t);
      }
      const profileTypes = [...types.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((t) => ({
          ID: t.id,
          name: t.name,
          sampleType: t.sampleType,
          sampleUnit: t.sampleUnit,
          periodType: t.periodType,
          periodUnit: t.periodUnit,
        }));
      return { profileTypes };
    },

    async labelNames(req, ctx) {
      const names = new Set<string>();
      for (const rec of await seriesMatching(tenantOf(ctx), req.matchers, req.start, req.end, new Slicer()))
        for (const [k] of rec.entries()) names.add(k);
      return { names: [...names].sort() };
    },

    async labelValues(req, ctx) {
      if (!req.name) throw new ClientError(400, 'name is required');
      const values = new Set<string>();
      for (const rec of await seriesMatching(tenantOf(ctx), req.matchers, req.start, req.end, new Slicer())) {
        const v = rec.label(req.name);
        if (v !== undefined) values.add(v);
      }
      return { names: [...values].sort() };
    },

    async series(req, ctx) {
      const seen = new Map<string, { name: string; value: string }[]>();
      for (const rec of await seriesMatching(tenantOf(ctx), req.matchers, req.start, req.end, new Slicer())) {
        const pairs = [...rec.entries()]
          .filter(([k]) => req.labelNames.length === 0 || req.labelNames.includes(k))
          .map(([name, value]) => ({ name, value }));
        seen.set(JSON.stringify(pairs), pairs);
      }
      const labelsSet = [...seen.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, labels]) => ({ labels }));
      return { labelsSet };
    },

    // Connect's own path (gRPC, gRPC-web); Connect unary requests take selectMergeProfileBytes.
    async selectMergeProfile(req, ctx) {
      return selectMergeProfile(req, tenantOf(ctx), new Slicer());
    },

    async selectMergeStacktraces(req, ctx) {
      const tenant = tenantOf(ctx);
      const maxNodes = maxNodesOf(req.maxNodes);
      const tree = new NameTree(1);
      const slicer = new Slicer();
      await flamegraphOf(tenant, req, tree, 0, slicer);
      const fg = await encodeFlameGraph(tree, maxNodes, slicer);
      return {
        flamegraph: create(FlameGraphSchema, {
          names: fg.names,
          levels: toLevels(fg),
          total: toInt64(fg.total),
          maxSelf: toInt64(fg.maxSelf),
        }),
      };
    },

    async diff(req, ctx) {
      const tenant = tenantOf(ctx);
      if (!req.left || !req.right) throw new ClientError(400, 'left and right are required');
      if (req.left.profileTypeID !== req.right.profileTypeID)
        throw new ClientError(400, 'left and right must have the same profile type');
      const maxNodes = Math.max(maxNodesOf(req.left.maxNodes), maxNodesOf(req.right.maxNodes));
      const tree = new NameTree(2);
      const slicer = new Slicer();
      await flamegraphOf(tenant, req.left, tree, 0, slicer);
      await flamegraphOf(tenant, req.right, tree, 1, slicer);
      const fg = await encodeFlameGraph(tree, maxNodes, slicer);
      return create(DiffResponseSchema, {
        flamegraph: create(FlameGraphDiffSchema, {
          names: fg.names,
          levels: toLevels(fg),
          total: toInt64(fg.total),
          maxSelf: toInt64(fg.maxSelf),
          leftTicks: toInt64(fg.leftTicks ?? 0),
          rightTicks: toInt64(fg.rightTicks ?? 0),
        }),
      });
    },

    async selectSeries(req, ctx) {
      const tenant = tenantOf(ctx);
      const type = profileType(req.profileTypeID);
      const matchers = selector(req.labelSelector);
      const [s, e] = range(req.start, req.end);
      if (!Number.isFinite(req.step) || req.step < 0)
        throw new ClientError(400, `step must be a finite number of seconds ≥ 0 (got ${req.step})`);
      const stepMs = req.step > 0 ? req.step * 1000 : DEFAULT_STEP_MS;
      if (stepMs < 1) throw new ClientError(400, 'step must be at least 1 ms');
      if (stepMs > MAX_TIME_MS) throw new ClientError(400, `step must be at most ${MAX_TIME_MS / 1000} s`);
      const points = Math.ceil((e - s) / stepMs);
      if (points > limits.maxSeriesPoints)
        throw overLimit('maxSeriesPoints', limits, `the query asks for ${points} points per series; increase step`);
      const slicer = new Slicer();
      const series = await store.findSeries(tenant, matchers, type.id, slicer);
      const out = await selectSeries(
        store,
        series,
        s,
        e,
        {
          stepMs,
          groupBy: req.groupBy,
          average: req.aggregation === TimeSeriesAggregationType.AVERAGE,
          limit: req.limit === undefined ? undefined : Number(req.limit),
        },
        slicer,
      );
      return {
        series: out.map((x) => ({
          labels: x.labels.map(([name, value]) => ({ name, value })),
          points: x.points.map((p) => ({ value: p.value, timestamp: toInt64(p.timestamp) })),
        })),
      };
    },
  };

  return {
    service,
    async selectMergeProfileBytes(req, header) {
      const slicer = new Slicer();
      return encodePprofSliced(await selectMergeProfile(req, tenantOf(header), slicer), slicer);
    },
  };
}
