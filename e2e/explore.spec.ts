import { expect, test } from '@playwright/test';
import { gunzipSync } from 'fflate';
import { Profile } from 'pprof-format';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGzip } from '../src/common/gzip';
import { scaledLabel, selectOutputUnit } from '../src/profile/reports/format';
import { startServer } from '../server/app';
import { EXPECTED_DIR, PROFILES_DIR } from '../tests/helpers/corpus';
import { readExpectedTop } from '../tests/helpers/expected';
import { dragTimeline, trackConsoleErrors, visibleRows } from './helpers';
import { waitForDraw } from './flame-helpers';

const BASE = process.env.E2E_BASE_URL!;
const TYPE = 'process_cpu:cpu:nanoseconds:cpu:nanoseconds';
const SERVICE = `shop-${Date.now().toString(36)}`;
const NOW = Date.now();
const T_A = NOW - 50 * 60_000; // pod a: go-cpu.pb.gz, 50 minutes ago
const T_B = NOW - 20 * 60_000; // pod b: go-cpu-tiny.pb.gz, 20 minutes ago

const fixture = (name: string) => readFileSync(join(PROFILES_DIR, name));
function cpuTotal(name: string): number {
  let b = new Uint8Array(fixture(name));
  if (isGzip(b)) b = gunzipSync(b);
  const p = Profile.decode(b);
  const i = p.sampleType.findIndex((t) => p.stringTable.strings[Number(t.type)] === 'cpu');
  return p.sample.reduce((a, s) => a + Number(s.value[i]), 0);
}
/** The table's total as pprof formats a report total. */
const fmtTotal = (v: number) => scaledLabel(v, 'nanoseconds', selectOutputUnit([{ flat: v, cum: v }], v, 'nanoseconds'));

async function ingest(base: string, name: string, labels: string, timeMs: number, tenant?: string) {
  const url = `${base}/ingest?name=${encodeURIComponent(`${name}{${labels}}`)}&from=${timeMs}&format=pprof`;
  const res = await fetch(url, {
    method: 'POST',
    body: fixture(labels.includes('pod=a') ? 'go-cpu.pb.gz' : 'go-cpu-tiny.pb.gz'),
    headers: tenant ? { 'X-Scope-OrgID': tenant } : {},
  });
  expect(res.status).toBe(200);
}

test.beforeAll(async () => {
  await ingest(BASE, SERVICE, 'pod=a,namespace=shop', T_A);
  await ingest(BASE, SERVICE, 'pod=b,namespace=shop', T_B);
});

const exploreUrl = (extra = '') =>
  `/?type=${encodeURIComponent(TYPE)}&query=${encodeURIComponent(`{service_name="${SERVICE}"}`)}&from=now-1h&to=now${extra}`;

test.describe('explorer', () => {
  test('pick a service, filter by pod, and read the totals of the ingested fixtures', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?from=now-1h');
    await page.getByTestId('service').selectOption(SERVICE);
    await expect(page.getByTestId('profile-type-select')).toHaveValue(TYPE);
    const both = cpuTotal('go-cpu.pb.gz') + cpuTotal('go-cpu-tiny.pb.gz');
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(both));
    await expect(page.getByTestId('timeline')).toHaveAttribute('data-points', /[1-9]/);

    // Filter by pod: only go.cpu.labels.pprof remains, and the table is pprof's.
    await page.getByTestId('add-filter').click();
    await page.getByTestId('filter-label').selectOption('pod');
    await page.getByTestId('filter-value').fill('a');
    await page.getByTestId('filter-value').press('Enter');
    const expected = readExpectedTop(join(EXPECTED_DIR, 'go-cpu.pb.gz', '1.cpu.top.txt'));
    await expect(page.getByTestId('top-total')).toHaveText(expected.total);
    await expect(page.getByTestId('top-row').first()).toHaveAttribute('data-name', expected.parsed[0]!.name);
    const rows = await visibleRows(page);
    expect(rows.map((r) => [r.name, r.cells[0], r.cells[3]])).toEqual(
      expected.parsed.slice(0, rows.length).map((r) => [r.name, r.flat, r.cum]),
    );
    // The text mode shows the whole selector.
    await page.getByTestId('selector-mode').click();
    await expect(page.getByTestId('selector-text')).toHaveValue(`{service_name="${SERVICE}", pod="a"}`);
    // `!=` keeps the other pod.
    await page.getByTestId('selector-text').fill(`{service_name="${SERVICE}", pod!="a"}`);
    await page.getByTestId('selector-apply').click();
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal('go-cpu-tiny.pb.gz')));
    expect(errors).toEqual([]);
  });

  test('"+ Filter" asks for a label, pod first, then a value, and filters nothing before', async ({ page }) => {
    await page.goto(exploreUrl());
    const both = fmtTotal(cpuTotal('go-cpu.pb.gz') + cpuTotal('go-cpu-tiny.pb.gz'));
    await expect(page.getByTestId('top-total')).toHaveText(both);
    const before = page.url();
    await page.getByTestId('add-filter').click();
    const picker = page.getByTestId('filter-picker');
    await expect(picker.getByTestId('filter-label')).toHaveValue('pod');
    const offered = await picker.getByTestId('filter-label').locator('option').allTextContents();
    expect(offered[0]).toBe('pod');
    expect(offered).toContain('namespace');
    await expect(picker.locator('datalist option')).toHaveCount(2);
    expect(page.url()).toBe(before);
    await expect(page.getByTestId('label-filter')).toHaveCount(0);
    await expect(page.getByTestId('top-total')).toHaveText(both);

    await picker.getByTestId('filter-value').fill('b');
    await picker.getByTestId('filter-value').press('Enter');
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal('go-cpu-tiny.pb.gz')));
    await expect(page.getByTestId('label-filter')).toHaveCount(1);
    await expect(picker).toHaveCount(0);
    expect(new URL(page.url()).searchParams.get('query')).toBe(`{service_name="${SERVICE}", pod="b"}`);

    // Escape puts the picker away, and nothing changes.
    const filtered = page.url();
    await page.getByTestId('add-filter').click();
    await picker.getByTestId('filter-label').press('Escape');
    await expect(picker).toHaveCount(0);
    expect(page.url()).toBe(filtered);
  });

  test('brushing the timeline shows only the profiles inside the selection', async ({ page }) => {
    await page.goto(exploreUrl());
    const both = cpuTotal('go-cpu.pb.gz') + cpuTotal('go-cpu-tiny.pb.gz');
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(both));
    await dragTimeline(page, T_A - 5 * 60_000, T_A + 5 * 60_000);
    await expect(page.getByTestId('selection')).toBeVisible();
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal('go-cpu.pb.gz')));
    await dragTimeline(page, T_B - 5 * 60_000, T_B + 5 * 60_000);
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal('go-cpu-tiny.pb.gz')));
    await page.getByTestId('clear-selection').click();
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(both));
  });

  test('a copied link opens the same screen in a new page', async ({ page, context }) => {
    await page.goto(exploreUrl());
    await dragTimeline(page, T_A - 5 * 60_000, T_A + 5 * 60_000);
    await expect(page.getByTestId('top-total')).toHaveText(fmtTotal(cpuTotal('go-cpu.pb.gz')));
    await page.getByTestId('view-flame').click();
    await waitForDraw(page);
    await page.getByTestId('flame-search').fill('main.fib');
    await expect(page.getByTestId('search-summary')).toBeVisible();
    const covered = await page.getByTestId('search-summary').getAttribute('data-covered');
    await page.getByTestId('copy-link').click();
    const link = await page.getByTestId('copied-link').inputValue();
    expect(link).toContain('v=1');

    const other = await context.newPage();
    await other.goto(link);
    await waitForDraw(other);
    await expect(other.getByTestId('service')).toHaveValue(SERVICE);
    await expect(other.getByTestId('selection')).toBeVisible();
    await expect(other.getByTestId('flame-search')).toHaveValue('main.fib');
    await expect(other.getByTestId('search-summary')).toHaveAttribute('data-covered', covered!);
    await expect(other.getByTestId('view-flame')).toHaveAttribute('aria-pressed', 'true');

    // "Copy absolute" pins the relative range to the times it means now.
    await page.getByTestId('copy-link-absolute').click();
    await expect(page.getByTestId('copied-link')).toHaveValue(/from=\d{13}/);
    const pinned = new URL(await page.getByTestId('copied-link').inputValue());
    expect(pinned.searchParams.get('from')).toMatch(/^\d{13}$/);
    expect(pinned.searchParams.get('to')).toMatch(/^\d{13}$/);
  });

  test('back and forward step through changes', async ({ page }) => {
    await page.goto(exploreUrl());
    await expect(page.getByTestId('top-total')).toBeVisible();
    await page.getByTestId('view-top').click();
    await page.getByTestId('range-6h').click();
    await expect(page.getByTestId('range-label')).toHaveText('Last 6h');
    await page.goBack();
    await expect(page.getByTestId('range-label')).toHaveText('Last 1h');
    await expect(page.getByTestId('view-top')).toHaveAttribute('aria-pressed', 'true');
    await page.goBack();
    await expect(page.getByTestId('view-both')).toHaveAttribute('aria-pressed', 'true');
    await page.goForward();
    await expect(page.getByTestId('view-top')).toHaveAttribute('aria-pressed', 'true');
  });

  test('a backend error shows the server message', async ({ page }) => {
    await page.goto(`/?type=bogus&query=${encodeURIComponent(`{service_name="${SERVICE}"}`)}`);
    await expect(page.getByTestId('error').first()).toContainText('invalid profile type id "bogus"');
    // The page stays usable: picking a real profile type recovers.
    await page.getByTestId('service').selectOption(SERVICE);
    await expect(page.getByTestId('top-total')).toBeVisible();
  });

  test('proxy mode: a second server forwards to the first with its tenant', async ({ page }) => {
    const tenant = `e2e-${Date.now().toString(36)}`;
    const service = `tenant-only-${tenant}`;
    await ingest(BASE, service, 'pod=a', T_A, tenant);
    const proxy = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'flamelens-proxy-')), // stays empty: data lives upstream
      upstream: { url: BASE, tenant },
    });
    try {
      await page.goto(`${proxy.url.replace('localhost', '127.0.0.1')}/?from=now-1h`);
      // Only the tenant's service exists upstream for this tenant: the explorer starts on it.
      await expect(page.getByTestId('service')).toHaveValue(service);
      await expect(page.getByTestId('top-total')).toHaveText(
        readExpectedTop(join(EXPECTED_DIR, 'go-cpu.pb.gz', '1.cpu.top.txt')).total,
      );
    } finally {
      await proxy.close();
    }
  });
});

test('a multi-tenant backend that answers "no org id" asks for a tenant and keeps it', async ({ page }) => {
  const tenant = `mt-${Date.now().toString(36)}`;
  const service = `mt-service-${tenant}`;
  await ingest(BASE, service, 'pod=a', T_A, tenant);
  // A stand-in for a multi-tenant Pyroscope: without X-Scope-OrgID it answers 401 "no org id",
  // as Pyroscope's tenant interceptor does; with one it forwards to the embedded server.
  const { createServer } = await import('node:http');
  const gate = createServer(async (req, res) => {
    const org = req.headers['x-scope-orgid'];
    if (!org) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'unauthenticated', message: 'no org id' }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const r = await fetch(BASE + req.url, {
      method: req.method,
      headers: { 'content-type': String(req.headers['content-type'] ?? ''), 'x-scope-orgid': String(org) },
      body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => gate.listen(0, '127.0.0.1', () => r()));
  const gatePort = (gate.address() as import('node:net').AddressInfo).port;
  const proxy = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'flamelens-mt-')),
    upstream: { url: `http://127.0.0.1:${gatePort}` }, // no tenant configured: the browser's is passed on
  });
  try {
    const origin = proxy.url.replace('localhost', '127.0.0.1');
    await page.goto(`${origin}/?from=now-1h`);
    await expect(page.getByTestId('tenant-prompt')).toBeVisible();
    await page.getByTestId('tenant-input').fill(tenant);
    await page.getByTestId('tenant-prompt').getByRole('button').click();
    await expect(page.getByTestId('service')).toHaveValue(service);
    expect(new URL(page.url()).searchParams.get('tenant')).toBe(tenant);
    await expect(page.getByTestId('top-total')).toBeVisible();
    // Kept per browser: a link without the tenant still works here.
    await page.goto(`${origin}/?from=now-1h`);
    await expect(page.getByTestId('service')).toHaveValue(service);
  } finally {
    await proxy.close();
    gate.close();
  }
});
