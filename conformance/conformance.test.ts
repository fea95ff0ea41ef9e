// The conformance suite (issue 22): one list of scenarios run against the embedded server (always,
// started here on a free port with a fresh data directory) and against a real Grafana Pyroscope
// named by FLAMELENS_CONFORMANCE_UPSTREAM (when set). Each answer is checked against what the
// corpus says, and the two backends' normalised answers must be equal. See docs/conformance.md.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/test/helpers';
import { Backend } from './backend';
import { ingestCorpus, ITEMS, newRun, type Run } from './corpus';
import type { Scenario } from './scenario';
import { ERROR_AND_TENANT_SCENARIOS } from './scenarios-errors';
import { QUERY_SCENARIOS } from './scenarios-query';

const SCENARIOS: Scenario[] = [...QUERY_SCENARIOS, ...ERROR_AND_TENANT_SCENARIOS];
/** Scenarios whose answers differ on purpose (server/README.md): checked on each backend, not compared. */
const DIFFERS = SCENARIOS.filter((s) => s.differs).length;
const UPSTREAM = process.env.FLAMELENS_CONFORMANCE_UPSTREAM?.trim().replace(/\/+$/, '');
/** Optional: a file to write every scenario's answers to (both backends), for reading differences. */
const REPORT = process.env.FLAMELENS_CONFORMANCE_REPORT?.trim();

let server: TestServer;
let embedded: Backend;
let upstream: Backend | undefined;
let run: Run;
let checked = 0;
let compared = 0;
const report: Record<string, { embedded: unknown; upstream?: unknown; problems: string[] }> = {};

beforeAll(async () => {
  server = await startTestServer();
  embedded = new Backend('embedded', server.url);
  run = newRun();
  await ingestCorpus(embedded, run);
  if (UPSTREAM) {
    upstream = new Backend('upstream', UPSTREAM);
    await ingestCorpus(upstream, run);
  } else {
    console.log('conformance: FLAMELENS_CONFORMANCE_UPSTREAM is not set, so the half against a real Pyroscope was skipped');
  }
}, 300_000);

afterAll(async () => {
  if (REPORT) writeFileSync(REPORT, JSON.stringify({ run, upstream: UPSTREAM ?? null, report }, null, 2));
  await server?.stop();
});

const failure = (who: string, e: unknown) => `${who}: ${(e as Error).message}`;

describe(`conformance (${ITEMS.length} corpus items, ${SCENARIOS.length} scenarios, ${DIFFERS} known to differ)`, () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    const problems: string[] = [];
    const mine = await s.ask(embedded, run);
    try {
      s.check(mine as never, run);
    } catch (e) {
      problems.push(failure('embedded', e));
    }
    let theirs: unknown;
    if (upstream) {
      theirs = await s.ask(upstream, run);
      try {
        s.check(theirs as never, run);
      } catch (e) {
        problems.push(failure('upstream', e));
      }
      if (!s.differs) {
        try {
          expect(mine).toEqual(theirs);
        } catch (e) {
          problems.push(failure('embedded ≠ upstream', e));
        }
        compared++;
      }
    }
    checked++;
    report[s.name] = { embedded: mine, upstream: theirs, problems };
    expect(problems).toEqual([]);
  });

  it('asked every scenario of each backend', () => {
    expect(checked).toBe(SCENARIOS.length);
    expect(compared).toBe(upstream ? SCENARIOS.length - DIFFERS : 0);
  });
});
