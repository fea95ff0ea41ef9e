// Every limit is documented in server/README.md's table (name, variable, status) and settable
// from the environment; a bad value names its variable.
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMIT_SPECS, limitsFromEnv } from '../limits';

const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');

it.each(LIMIT_SPECS.map((s) => [s.key, s] as const))('%s is in the README table', (_, s) => {
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.key}\` | \`${s.env}\` |`));
  expect(row, s.env).toBeDefined();
  expect(row!.split('|')[4]!.trim()).toBe(String(s.status));
});

it('reads FLAMELENS_* values and refuses bad ones', () => {
  expect(limitsFromEnv({ FLAMELENS_MAX_SAMPLES: '10', FLAMELENS_FUTURE_GRACE: '5m', FLAMELENS_MAX_QUERY_RANGE: '0' })).toEqual({
    maxSamples: 10,
    futureGraceMs: 300_000,
    maxQueryRangeMs: 0,
  });
  expect(() => limitsFromEnv({ FLAMELENS_MAX_SAMPLES: 'lots' })).toThrow(/FLAMELENS_MAX_SAMPLES/);
  expect(() => limitsFromEnv({ FLAMELENS_MAX_SAMPLES: '-1' })).toThrow(/FLAMELENS_MAX_SAMPLES/);
});
