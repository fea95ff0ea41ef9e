import { type Page, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES_DIR } from '../tests/helpers/corpus';

export interface VisibleRow {
  name: string;
  flat: number;
  cum: number;
  /**
   * The texts of the top table's cells in pprof's -top order, whatever the order on screen:
   * flat, flat%, sum%, cum, cum%, name. A column too narrow to be shown reads ''.
   */
  cells: string[];
}

/** The top table's columns in `go tool pprof -top`'s order (the cells' data-col). */
const PPROF_COLUMNS = ['flat', 'flat-pct', 'sum-pct', 'cum', 'cum-pct'];

/** Errors that reached the console or escaped as uncaught exceptions: the tests expect none. */
export function trackConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  return errors;
}

export async function openBytes(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
}

export async function openFixture(page: Page, fixture: string): Promise<void> {
  await openBytes(page, fixture, readFileSync(join(PROFILES_DIR, fixture)));
  await expect(page.getByTestId('profile-name')).toHaveText(fixture);
  await expect(page.getByTestId('top-row').first()).toBeVisible();
}

/** The rows the virtualized table has rendered, in display order. */
export async function visibleRows(page: Page): Promise<VisibleRow[]> {
  return page.getByTestId('top-row').evaluateAll(
    (els, columns) =>
      els
        .map((el) => ({
          top: parseFloat((el as HTMLElement).style.top),
          name: el.getAttribute('data-name') ?? '',
          flat: Number(el.getAttribute('data-flat')),
          cum: Number(el.getAttribute('data-cum')),
          cells: [
            ...columns.map((c) => el.querySelector<HTMLElement>(`[data-col="${c}"]`)?.innerText ?? ''),
            el.querySelector<HTMLElement>('[data-testid="row-name"]')?.innerText ?? '',
          ],
        }))
        .sort((a, b) => a.top - b.top)
        .map(({ name, flat, cum, cells }) => ({ name, flat, cum, cells })),
    PPROF_COLUMNS,
  );
}

/** Drags across the explorer timeline from one instant to another (unix ms), as a person would. */
export async function dragTimeline(page: Page, fromMs: number, toMs: number): Promise<void> {
  const svg = page.getByTestId('timeline');
  const start = Number(await svg.getAttribute('data-start'));
  const end = Number(await svg.getAttribute('data-end'));
  const box = (await svg.boundingBox())!;
  const x = (t: number) => box.x + ((t - start) / (end - start)) * box.width;
  await page.mouse.move(x(fromMs), box.y + 40);
  await page.mouse.down();
  await page.mouse.move(x((fromMs + toMs) / 2), box.y + 40, { steps: 4 });
  await page.mouse.move(x(toMs), box.y + 40, { steps: 4 });
  await page.mouse.up();
}

/**
 * Posts a pprof to the e2e server's /ingest as `name{labels}` at `timeMs`, optionally for a
 * tenant, and expects it stored.
 */
export async function ingestProfile(
  body: Uint8Array,
  o: { name: string; labels: string; timeMs: number; tenant?: string },
): Promise<void> {
  const url = `${process.env.E2E_BASE_URL}/ingest?name=${encodeURIComponent(`${o.name}{${o.labels}}`)}&from=${Math.round(o.timeMs)}&format=pprof`;
  const res = await fetch(url, {
    method: 'POST',
    body: body as BodyInit,
    headers: o.tenant ? { 'X-Scope-OrgID': o.tenant } : {},
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** A corpus profile's bytes. */
export function corpusProfile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(PROFILES_DIR, name)));
}
