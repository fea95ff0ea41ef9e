// The embedded backend as `npm run test:sdk` sees it: one server per program (so each program's
// rejects are its own), its log kept, and the questions a user asks it, over HTTP.
import { startTestServer, type TestServer } from '../server/test/helpers';
import type { ServerOptions } from '../server/app';

export interface Backend {
  server: TestServer;
  /** Every line the server logged (rejected ingests, internal errors, scrape problems). */
  log: string[];
  /** When the backend started: queries cover from a minute before to a minute after now. */
  since: number;
}

export async function startBackend(opts: Partial<ServerOptions> = {}): Promise<Backend> {
  const log: string[] = [];
  const since = Date.now();
  const server = await startTestServer({ ...opts, log: (m) => log.push(m) });
  return { server, log, since };
}

/** Log lines that say the server refused or failed something a program sent. */
export const rejects = (b: Backend) => b.log.filter((l) => l.startsWith('rejected') || l.startsWith('error'));

const range = (b: Backend) => ({ start: String(b.since - 60_000), end: String(Date.now() + 60_000) });
const sel = (service: string) => `{service_name="${service}"}`;

/** The profile type ids stored for a service. */
export async function profileTypes(b: Backend, service: string): Promise<string[]> {
  const r = await b.server.rpc('Series', { matchers: [sel(service)], labelNames: ['__profile_type__'], ...range(b) });
  const ids = new Set<string>();
  for (const set of r.json.labelsSet ?? []) for (const l of set.labels) if (l.name === '__profile_type__') ids.add(l.value);
  return [...ids].sort();
}

/** The values of a label within a service's series. */
export async function labelValues(b: Backend, service: string, name: string): Promise<string[]> {
  const r = await b.server.rpc('LabelValues', { name, matchers: [sel(service)], ...range(b) });
  return r.json.names ?? [];
}

export interface Flame {
  total: number;
  /** Function names by self value, largest first (what the Top table lists first). */
  top: { name: string; self: number }[];
}

/** The merged flame graph of one profile type of a service, with its functions' self values. */
export async function flame(b: Backend, service: string, type: string, selector = sel(service)): Promise<Flame> {
  const r = await b.server.rpc('SelectMergeStacktraces', { profileTypeID: type, labelSelector: selector, ...range(b) });
  const fg = r.json.flamegraph;
  if (r.status !== 200 || !fg) return { total: 0, top: [] };
  const self = new Map<string, number>();
  // A level is a run of (x offset, total, self, name index) quadruples.
  for (const level of fg.levels) {
    for (let i = 0; i + 3 < level.values.length; i += 4) {
      const name = fg.names[Number(level.values[i + 3])] ?? '?';
      self.set(name, (self.get(name) ?? 0) + Number(level.values[i + 2]));
    }
  }
  const top = [...self].map(([name, v]) => ({ name, self: v })).sort((a, c) => c.self - a.self);
  return { total: Number(fg.total), top };
}

/** The non-empty points of a type's series, summed per `stepSeconds` (one per upload or scrape at 1 s). */
export async function points(b: Backend, service: string, type: string, stepSeconds = 1): Promise<number[]> {
  const r = await b.server.rpc('SelectSeries', {
    profileTypeID: type,
    labelSelector: sel(service),
    ...range(b),
    step: stepSeconds,
  });
  return (r.json.series ?? []).flatMap((s) => s.points.map((p) => p.value)).filter((v) => v > 0);
}

/**
 * Asks `check` until it returns nothing (all good) or `timeoutMs` passes, then returns its last
 * complaint: programs push and targets are scraped at their own pace, so the suite waits for the
 * data rather than for a fixed time.
 */
export async function eventually(check: () => Promise<string | undefined>, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problem = await check();
    if (problem === undefined || Date.now() > deadline) return problem;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
