import { expect, test } from '@playwright/test';
import { gzipSync } from 'fflate';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { readMalformed } from '../tests/helpers/corpus';
import { openBytes, openFixture, trackConsoleErrors, visibleRows } from './helpers';

// The malformed inputs of the corpus (testdata/malformed, see its README), as a user would pick them.
const malformed = (name: string) => Buffer.from(readMalformed(name));

const cases: { title: string; name: string; bytes: () => Buffer; message: RegExp; query?: string }[] = [
  { title: 'an empty file', name: 'empty.pb.gz', bytes: () => malformed('empty.pb.gz'), message: /empty/i },
  { title: 'a PNG image', name: 'image.pb.gz', bytes: () => malformed('image.pb.gz'), message: /PNG image, not a pprof profile/ },
  { title: 'a text file', name: 'text.pb.gz', bytes: () => malformed('text.pb.gz'), message: /text file, not a pprof profile/ },
  {
    title: 'truncated gzip',
    name: 'truncated.pb.gz',
    bytes: () => malformed('truncated.pb.gz'),
    message: /gzip-compressed but cannot be decompressed.*truncated or corrupt/,
  },
  {
    title: 'a protobuf that pprof rejects',
    name: 'function-id-zero.pb.gz',
    bytes: () => malformed('function-id-zero.pb.gz'),
    message: /invalid: found function with reserved ID=0/,
  },
  {
    title: 'a file that decompresses past the limit',
    name: 'bomb.pb.gz',
    bytes: () => Buffer.from(gzipSync(new Uint8Array(3 * 1024 * 1024))),
    message: /decompresses to more than 1 MiB/,
    query: '?maxmb=1',
  },
];

test.describe('bad input gets a clear error and loses nothing', () => {
  for (const c of cases) {
    test(`${c.title}: a clear message, the open profile stays, the next file opens`, async ({ page }) => {
      const errors = trackConsoleErrors(page);
      await page.goto('/' + (c.query ? c.query + '&mode=file' : '?mode=file'));
      await openFixture(page, 'go-cpu-tiny.pb.gz');
      await openBytes(page, c.name, c.bytes());
      await expect(page.getByTestId('error')).toContainText(c.message);
      await expect(page.getByTestId('error')).toContainText(c.name);
      // The profile that was open is still shown and usable.
      await expect(page.getByTestId('profile-name')).toHaveText('go-cpu-tiny.pb.gz');
      await expect(page.getByTestId('top-row').first()).toBeVisible();
      // The next good file opens normally and clears the error.
      await openFixture(page, 'go-cpu.pb.gz');
      await expect(page.getByTestId('error')).toHaveCount(0);
      expect(errors).toEqual([]);
    });
  }

  test('invalid UTF-8 in a function name opens, with replacement characters', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    await openFixture(page, 'invalid-utf8.pb.gz');
    const rows = await visibleRows(page);
    expect(rows.map((r) => r.name)).toContain('main.good');
    expect(rows.some((r) => r.name.includes('\uFFFD'))).toBe(true);
    expect(errors).toEqual([]);
  });

  test('profile strings with HTML and quotes are shown as text, never as HTML', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?mode=file');
    const evil = [`<img src=x onerror="window.__pwned=1">`, `"quoted" & 'single' </div><script>window.__pwned=2</script>`];
    const st = new StringTable();
    // A system name that differs from the name marks it as already demangled: pprof (and the
    // app) then shows it untouched instead of simplifying C++-looking <…> and (…) groups.
    const fns = evil.map((name, i) => new PFunction({ id: i + 1, name: st.dedup(name), systemName: st.dedup(`evil${i}`) }));
    const locs = evil.map((_, i) => new Location({ id: i + 1, line: [new Line({ functionId: i + 1 })] }));
    const profile = new Profile({
      sampleType: [new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') })],
      sample: [new Sample({ locationId: [1, 2], value: [5] }), new Sample({ locationId: [2], value: [3] })],
      location: locs,
      function: fns,
      stringTable: st,
    });
    await openBytes(page, '<b>evil</b>.pb', Buffer.from(profile.encode()));
    await expect(page.getByTestId('profile-name')).toHaveText('<b>evil</b>.pb');
    const rows = await visibleRows(page);
    expect(rows.map((r) => [r.name, r.flat, r.cum])).toEqual([
      [evil[0], 5, 5],
      [evil[1], 3, 8],
    ]);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#root script, #root b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
