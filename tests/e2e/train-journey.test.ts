// Journey: a trader opens the headless host in a browser (demo mode: the embedded simulator), goes to
// Models, fills in a tiny model, trains it to completion while watching the progress bar and the loss
// curves move, finds the new model in the list with its validation metrics, and makes it the model of
// paper trading, which the status bar then names. A bad value is reported at its field first.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openJourney, type Journey } from './support/app-page';
import { hoverChart } from './support/chart-legend';

const skipReason = chromiumUnavailable();

/** Enough aligned bars for lookback 16 plus the indicators' warm-up, with room for a validation split. */
const MIN_COMMON_BARS = 600;
const EPOCHS = 4;
const TINY_MODEL: Record<string, string> = {
  lookback: '16',
  patchLength: '4',
  horizon: '1',
  dModel: '16',
  heads: '2',
  layers: '1',
  maxLag: '4',
  batchSize: '32',
  seed: '3',
};

/**
 * Runs in the page (as source text: the test's TypeScript has no DOM types): records every distinct
 * state of the progress bar into window.trainStates, so that a fast training cannot slip past polling.
 */
const RECORD_PROGRESS_STATES = `(() => {
  const seen = [];
  window.trainStates = seen;
  const record = () => {
    const bar = document.querySelector('[data-testid="train-progress"]');
    if (!bar) return;
    const state = {
      state: bar.getAttribute('data-state'),
      fraction: Number(bar.getAttribute('data-fraction')),
      text: bar.textContent || '',
      points: Number(document.querySelector('[data-testid="train-loss-chart"]')?.getAttribute('data-points') || 0),
    };
    const last = seen[seen.length - 1];
    if (!last || last.text !== state.text || last.state !== state.state || last.points !== state.points) {
      seen.push(state);
    }
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
})()`;

interface ProgressState {
  state: string | null;
  fraction: number;
  text: string;
  /** Points on the loss chart at that moment. */
  points: number;
}

describe.skipIf(skipReason !== null)('training a model in the browser', () => {
  let app: Journey | undefined;
  let page: Page;
  let modelId = '';

  beforeAll(async () => {
    app = await openJourney({ viewport: { width: 1366, height: 900 } });
    page = app.page;
    await page.locator('nav[aria-label="Views"] button', { hasText: 'Models' }).click();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('prefills the form from the settings and waits for the stored coverage', async () => {
    // The demo host backfills the simulator's history after start-up; the form's range follows it.
    const coverage = page.locator('[data-testid="train-coverage"]');
    await expect
      .poll(async () => Number(await coverage.getAttribute('data-common-bars')), {
        timeout: 90_000,
        interval: 500,
      })
      .toBeGreaterThanOrEqual(MIN_COMMON_BARS);
    expect(await page.inputValue('#train-feed')).toBe('simulator');
    expect(await page.locator('.train-form__symbol input:checked').count()).toBeGreaterThanOrEqual(2);
    expect(await page.inputValue('#train-from')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await page.inputValue('#train-to')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    // The contract's defaults, not blanks.
    expect(Number(await page.inputValue('#train-lookback'))).toBeGreaterThan(16);
  });

  it("puts the core's validation message at the field that caused it", async () => {
    for (const [key, value] of Object.entries(TINY_MODEL)) await page.fill(`#train-${key}`, value);
    await page.fill('#train-epochs', '0');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const epochsError = page.locator('[data-field="epochs"] .train-form__error');
    await epochsError.waitFor({ timeout: 30_000 });
    expect(await epochsError.innerText()).toMatch(/>=\s*1|too small/i);
    expect(await page.locator('[data-testid="train-outcome"]').innerText()).toMatch(/did not start/i);
    await app!.screenshot('models-invalid');
    // Editing the field clears its message.
    await page.fill('#train-epochs', String(EPOCHS));
    expect(await epochsError.count()).toBe(0);
  });

  it('trains to completion with a progress bar that advances and a live loss curve', async () => {
    // Record every state the progress bar passes through, however fast the training runs.
    await page.evaluate(RECORD_PROGRESS_STATES);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.locator('[data-testid="train-progress"][data-state="done"]').waitFor({ timeout: 150_000 });

    const states = (await page.evaluate('window.trainStates')) as ProgressState[];
    const running = states.filter((s) => s.state === 'running');
    const epochTexts = new Set(running.map((s) => /Epoch \d+\/\d+/.exec(s.text)?.[0]).filter(Boolean));
    expect(epochTexts.size).toBeGreaterThan(1);
    expect(epochTexts.has(`Epoch 1/${EPOCHS}`)).toBe(true);
    const fractions = running.map((s) => s.fraction);
    expect(new Set(fractions).size).toBeGreaterThan(1);
    // The bar only moves forward.
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]!);
    expect(running.some((s) => /ETA/.test(s.text))).toBe(true);
    // The curve grows while training runs, not only at the end.
    const livePoints = new Set(running.map((s) => s.points).filter((n) => n > 0));
    expect(livePoints.size).toBeGreaterThan(1);
    expect(states[states.length - 1]!.fraction).toBe(1);

    // Loss curves: train loss during the run, validation loss once per epoch.
    const chart = page.locator('[data-testid="train-loss-chart"]');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(EPOCHS + 2);
    const hovered = await hoverChart(page, 'train-loss-chart', 0.6);
    expect(hovered.entries.map((e) => e.name)).toEqual([
      'train loss',
      'validation loss',
      'this epoch (running mean)',
    ]);
    expect(hovered.timeText).toMatch(/^epoch \d+\.\d\d$/);
    expect(hovered.entries[0]!.value).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="train-samples-per-second"]').innerText()).toMatch(/\d/);

    const outcome = await page.locator('[data-testid="train-outcome"]').innerText();
    modelId = /Trained (model-\S+)/.exec(outcome)?.[1] ?? '';
    expect(modelId).toMatch(/^model-/);
    expect(outcome).toMatch(/direction accuracy \d+\.\d\d%/);
  });

  it('lists the new model with its validation metrics and shows its details', async () => {
    const row = page.locator(`[data-testid="model-list"] tr[data-model-id="${modelId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('[data-metric="directionAccuracy"]').innerText()).toMatch(/^\d+\.\d\d%$/);
    expect(Number(await row.locator('[data-metric="validationLoss"]').innerText())).toBeGreaterThan(0);
    expect(Number(await row.locator('[data-metric="trainLoss"]').innerText())).toBeGreaterThan(0);
    expect(await row.innerText()).toMatch(/simulator|1h/);

    const details = page.locator(`[data-testid="model-details"][data-model-id="${modelId}"]`);
    await details.waitFor({ timeout: 15_000 });
    expect(await details.innerText()).toContain('lookback');
    const symbols = await page.locator('.train-form__symbol input:checked').count();
    expect(await details.locator('[data-testid="model-attention"] tbody td').count()).toBe(symbols * symbols);
  });

  it('makes the model the one paper trading uses, and the status bar names it', async () => {
    expect(await page.locator('[data-testid="status-model"]').innerText()).not.toContain(modelId);
    await page.getByTestId('use-for-paper').click();
    await expect
      .poll(() => page.locator('[data-testid="status-model"]').innerText(), {
        timeout: 20_000,
        interval: 250,
      })
      .toContain(modelId);
    const row = page.locator(`[data-testid="model-list"] tr[data-model-id="${modelId}"]`);
    await row.locator('[data-testid="active-model-badge"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('use-for-paper').isDisabled()).toBe(true);

    await app!.screenshot('models');
  });

  it('cancels a running training on request and saves nothing', async () => {
    const rows = page.locator('[data-testid="model-list"] tbody tr');
    const before = await rows.count();
    await page.fill('#train-epochs', '200');
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const bar = page.locator('[data-testid="train-progress"][data-state="running"]');
    await bar.filter({ hasText: /Epoch \d+\/200/ }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.locator('[data-testid="train-progress"][data-state="cancelled"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="train-outcome"]').innerText()).toMatch(/cancelled/i);
    expect(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled()).toBe(true);
    expect(await rows.count()).toBe(before);
  });

  it('deletes the model after a confirm step, and paper trading stops naming it', async () => {
    await page.locator(`[data-testid="model-list"] tr[data-model-id="${modelId}"]`).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.locator('.model-details__confirm');
    expect(await confirm.innerText()).toContain(modelId);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .locator(`[data-testid="model-list"] tr[data-model-id="${modelId}"]`)
      .waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => page.locator('[data-testid="status-model"]').innerText(), {
        timeout: 20_000,
        interval: 250,
      })
      .not.toContain(modelId);
  });

  it('raised no page errors, console errors or CSP violations', () => {
    expect(app!.problems).toEqual([]);
  });
});
