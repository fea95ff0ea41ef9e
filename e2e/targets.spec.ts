import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/app';
import { PROFILES_DIR } from '../tests/helpers/corpus';

/** A Go-style target serving real pprof files, and one that answers garbage. */
function target(garbage: boolean): Promise<Server> {
  const srv = createServer((req, res) => {
    if (garbage) {
      res.writeHead(200);
      res.end('this is not a profile');
      return;
    }
    const file = req.url?.startsWith('/debug/pprof/profile')
      ? 'go-cpu-tiny.pb.gz'
      : req.url?.startsWith('/debug/pprof/heap')
        ? 'go-heap.pb.gz'
        : null;
    if (!file) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(readFileSync(join(PROFILES_DIR, file)));
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}

test('the targets page lists every scrape target with its health and error', async ({ page }) => {
  const good = await target(false);
  const bad = await target(true);
  const port = (s: Server) => (s.address() as AddressInfo).port;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'flamelens-targets-')),
    scrape: {
      scrape_configs: [
        {
          job_name: 'go-apps',
          scrape_interval: '2s',
          profiles: { goroutine: false, mutex: false, block: false },
          static_configs: [
            { targets: [`http://127.0.0.1:${port(good)}`], labels: { service_name: 'good-app' } },
            { targets: [`http://127.0.0.1:${port(bad)}`], labels: { service_name: 'bad-app' } },
          ],
        },
      ],
    },
  });
  try {
    await page.goto(`http://127.0.0.1:${server.port}/?mode=targets`);
    const rows = page.getByTestId('target-row');
    await expect(rows).toHaveCount(4);
    const goodRow = page.locator(`[data-testid="target-row"][data-url*=":${port(good)}/debug/pprof/heap"]`);
    const badRow = page.locator(`[data-testid="target-row"][data-url*=":${port(bad)}/debug/pprof/heap"]`);
    await expect(goodRow).toHaveAttribute('data-health', 'up', { timeout: 20_000 });
    await expect(goodRow).toContainText('service_name=good-app');
    await expect(badRow).toHaveAttribute('data-health', 'down', { timeout: 20_000 });
    await expect(badRow.getByTestId('target-error')).toContainText(/pprof/i);
    // The scraped profiles are queryable like any other.
    await page.goto(
      `http://127.0.0.1:${server.port}/?query=${encodeURIComponent('{service_name="good-app"}')}&type=${encodeURIComponent('memory:inuse_space:bytes:space:bytes')}`,
    );
    await expect(page.getByTestId('top-total')).toBeVisible({ timeout: 20_000 });
  } finally {
    await server.close();
    good.close();
    bad.close();
  }
});

test("a target row links to that target's profiles in Explore", async ({ page }) => {
  const good = await target(false);
  const port = (good.address() as AddressInfo).port;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'flamelens-targets-link-')),
    scrape: {
      scrape_configs: [
        {
          job_name: 'go-apps',
          scrape_interval: '2s',
          profiles: { process_cpu: false, goroutine: false, mutex: false, block: false },
          static_configs: [{ targets: [`http://127.0.0.1:${port}`], labels: { service_name: 'linked-app', namespace: 'shop' } }],
        },
      ],
    },
  });
  try {
    await page.goto(`http://127.0.0.1:${server.port}/?mode=targets`);
    const row = page.getByTestId('target-row');
    await expect(row).toHaveAttribute('data-health', 'up', { timeout: 20_000 });
    await row.getByTestId('target-explore').click();
    await expect(page.getByTestId('mode-explore')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('service')).toHaveValue('linked-app');
    await expect(page.getByTestId('profile-type-select')).toHaveValue('memory:inuse_space:bytes:space:bytes');
    const query = new URL(page.url()).searchParams.get('query');
    expect(query).toBe(`{service_name="linked-app", instance="127.0.0.1:${port}", job="go-apps", namespace="shop"}`);
    await expect(page.getByTestId('top-row').first()).toBeVisible();
  } finally {
    await server.close();
    good.close();
  }
});

test('without a scrape config the targets page says how to add one', async ({ page }) => {
  await page.goto('/?mode=targets');
  await expect(page.getByTestId('no-targets')).toContainText('--config flamelens.yaml');
});
