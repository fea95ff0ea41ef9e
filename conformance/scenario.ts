// The shape of a scenario and the helpers scenarios share: finding a backend's profile type ids by
// sample type (the name part is compared once, by the ProfileTypes scenarios, not by every query)
// and what the corpus says a merge must hold.
import type { Backend } from './backend';
import { item, profileOf, tenantOf, type Run } from './corpus';
import { columnOf, columnTotal, functionTotals, type FunctionTotals } from './normalise';

export interface Scenario {
  name: string;
  /** Asks the backend and reduces its answer to what two backends must agree on (normalise.ts). */
  ask(b: Backend, run: Run): Promise<unknown>;
  /** What the corpus says any conforming backend answers (vitest expectations). */
  check(answer: never, run: Run): void;
  /** A deliberate difference (server/README.md): both answers are checked, not compared. */
  differs?: string;
}

/** A scenario with its answer typed; stored as Scenario. */
export function scenario<T>(
  name: string,
  ask: (b: Backend, run: Run) => Promise<T>,
  check: (answer: T, run: Run) => void,
  differs?: string,
): Scenario {
  return { name, ask, check: check as (answer: never, run: Run) => void, differs };
}

export const range = (run: Run) => ({ start: run.start, end: run.end });

/** The backend's profile type ids whose sample type and unit are these (several when names differ). */
export async function typeIds(
  b: Backend,
  run: Run,
  tenant: 'a' | 'b',
  sampleType: string,
  sampleUnit: string,
): Promise<string[]> {
  const r = await b.rpc('ProfileTypes', range(run), tenantOf(run, tenant));
  const types = (r.json.profileTypes as { ID: string; sampleType: string; sampleUnit: string }[] | undefined) ?? [];
  return types
    .filter((t) => t.sampleType === sampleType && t.sampleUnit === sampleUnit)
    .map((t) => t.ID)
    .sort();
}

export interface MergeAnswer {
  status: number;
  total: number;
  functions: FunctionTotals;
}

/** SelectMergeProfile of every type with this sample type, summed: per-function flat/cum. */
export async function mergeBySampleType(
  b: Backend,
  run: Run,
  tenant: 'a' | 'b',
  sampleType: string,
  sampleUnit: string,
  labelSelector: string,
): Promise<MergeAnswer> {
  const ids = await typeIds(b, run, tenant, sampleType, sampleUnit);
  const functions: FunctionTotals = {};
  let total = 0;
  let status = ids.length ? 200 : 404;
  for (const id of ids) {
    const r = await b.mergeProfile({ profileTypeID: id, labelSelector, ...range(run) }, tenantOf(run, tenant));
    if (r.status !== 200 || !r.profile) {
      status = r.status;
      continue;
    }
    functionTotals([r.profile], () => 0, functions);
    total += columnTotal([r.profile], () => 0);
  }
  return { status, total, functions };
}

/** What merging these corpus items' column must give. */
export function expectedMerge(run: Run, keys: string[], sampleType: string, sampleUnit: string): MergeAnswer {
  const profiles = keys.map((k) => profileOf(item(k), run));
  const col = (p: Parameters<typeof columnOf>[0]) => columnOf(p, sampleType, sampleUnit);
  return { status: 200, total: columnTotal(profiles, col), functions: functionTotals(profiles, col) };
}
