import { type Page, expect } from '@playwright/test';

export const ROW = 18;

/** Waits until the canvas has drawn at least `n` times; returns the count. */
export async function waitForDraw(page: Page, testId = 'flamegraph', n = 1): Promise<number> {
  const canvas = page.getByTestId(testId);
  await expect.poll(async () => Number(await canvas.getAttribute('data-draws'))).toBeGreaterThanOrEqual(n);
  return Number(await canvas.getAttribute('data-draws'));
}

export interface FoundFrame {
  x: number;
  y: number;
}

/**
 * Finds where a function's widest frame is drawn, through the app's test hook
 * `window.__flamelens.frames[testId](name)`, then checks it by hovering it and reading the
 * tooltip, as a person would. Returns a point relative to the canvas.
 */
export async function findFrame(page: Page, name: string, testId = 'flamegraph'): Promise<FoundFrame> {
  const frames = await page.evaluate(
    ({ testId, name }) => {
      const w = window as unknown as { __flamelens?: { frames: Record<string, (n: string) => FoundFrame[]> } };
      return w.__flamelens?.frames[testId]?.(name) ?? [];
    },
    { testId, name },
  );
  if (frames.length === 0) throw new Error(`frame ${name} not found in ${testId}`);
  const at = { x: frames[0]!.x, y: frames[0]!.y };
  await hover(page, testId, at);
  await expect(page.getByTestId(testId).locator('..').getByTestId('tooltip-name')).toHaveText(name);
  return at;
}

export async function hover(page: Page, testId: string, at: FoundFrame): Promise<void> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + at.x, box.y + at.y);
}
