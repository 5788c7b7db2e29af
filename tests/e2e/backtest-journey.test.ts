// Journey: a trader runs a walk-forward backtest from the Backtests form against the demo store, follows
// its progress, finds it in the library with its metrics and opens its page (equity against every
// baseline). Then the host is restarted on the same data directory with the stream off, and the run
// reopens from the library with the same figures: reviewing needs only the database.
import { readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openApp, startAppHost, type AppPage } from './support/app-page';
import { hoverChart, legendState } from './support/chart-legend';
import { connectToHost } from './support/core-client';
import type { RunningHost } from './support/headless-host';

const skipReason = chromiumUnavailable();

const BASELINES = [
  'equal-weight-rebalanced',
  'equal-weight-buy-and-hold',
  'btc-only',
  'cross-sectional-momentum',
];
const RUN_NAME = 'e2e lead-lag';
/** Bars every configured symbol must have stored before the form's range is worth running. */
const ENOUGH_BARS = 700;

describe.skipIf(skipReason !== null)('backtest journey in the browser', () => {
  let host: RunningHost | undefined;
  let reopened: RunningHost | undefined;
  let dataDir: string | undefined;
  let app: AppPage | undefined;
  let page: Page;
  /** What the first host showed, to compare after the restart. */
  let before: { row: string[]; metrics: string; points: string | null } | undefined;

  beforeAll(async () => {
    host = await startAppHost(['--demo', '--no-demo-model'], { keepDataDir: true });
    dataDir = host.dataDir;
    // The first test waits for the demo store before it opens the page.
    app = await openApp(host, {
      viewport: { width: 1360, height: 1000 },
      acceptDownloads: true,
      navigate: false,
    });
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    await host?.stop();
    await reopened?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const row = (name: string) => page.locator('[data-testid="backtest-row"]').filter({ hasText: name });
  const openBacktests = async () => {
    await page.getByRole('button', { name: 'Backtests', exact: true }).click();
    await page.locator('[data-testid="backtest-form"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="backtest-library"]').waitFor({ timeout: 30_000 });
  };
  const runFromForm = async (fields: Record<string, string>, strategy: string) => {
    await page.locator('select[name="strategy"]').selectOption(strategy);
    for (const [name, value] of Object.entries(fields))
      await page.locator(`input[name="${name}"]`).fill(value);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const progress = page.locator('[data-testid="backtest-progress"]');
    await progress.waitFor({ timeout: 10_000 });
    await expect
      .poll(() => progress.getAttribute('data-state'), { timeout: 120_000, interval: 250 })
      .toBe('done');
    return progress;
  };

  it('waits for the demo store, then validates the form at the fields', async () => {
    const core = await connectToHost(host!.url);
    try {
      await expect
        .poll(
          async () => {
            const info = await core.client.call('market.symbols', {});
            const counts = info.configured.map(
              (s) => info.stored.find((c) => c.symbol === s && c.interval === info.interval)?.count ?? 0,
            );
            return Math.min(...counts);
          },
          { timeout: 120_000, interval: 500 },
        )
        .toBeGreaterThanOrEqual(ENOUGH_BARS);
    } finally {
      core.close();
    }
    await page.goto(host!.url);
    await openBacktests();
    await page.getByRole('button', { name: 'Use stored range' }).click();
    expect(await page.locator('[data-testid="backtest-coverage"]').innerText()).toMatch(
      /Stored: [\d,]+ bars/,
    );
    expect(await page.locator('input[name="feed"]').inputValue()).toBe('simulator');
    expect(await page.locator('input[name="symbols"]').inputValue()).toContain('BTCUSDT');

    // Wrong values are named at their field, and nothing is run.
    await page.locator('input[name="trainBars"]').fill('many');
    // The fee is typed in percent of notional, as in Settings.
    expect(await page.locator('input[name="feeRate"]').inputValue()).toBe('0.055');
    await page.locator('input[name="feeRate"]').fill('9');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    expect(await page.locator('[data-testid="field-error-trainBars"]').innerText()).toBe('Enter a number');
    expect(await page.locator('[data-testid="field-error-feeRate"]').innerText()).toMatch(
      /between 0 and 5 %/,
    );
    await page.locator('input[name="trainBars"]').fill('100000');
    await page.locator('input[name="feeRate"]').fill('0.055');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    expect(await page.locator('[data-testid="field-error-trainBars"]').innerText()).toMatch(
      /range holds about/,
    );
    expect(await page.locator('[data-testid="backtest-progress"]').count()).toBe(0);

    // The model's compact configuration is checked against the model's own schema.
    await page.locator('select[name="strategy"]').selectOption('model');
    await page.locator('input[name="dModel"]').fill('2');
    await page.getByRole('button', { name: 'Run backtest' }).click();
    expect(await page.locator('[data-testid="field-error-dModel"]').innerText()).toMatch(/4/);
    await page.locator('input[name="dModel"]').fill('16');
    expect(await page.locator('[data-testid="field-error-dModel"]').count()).toBe(0);
  });

  it('runs a linear lead-lag backtest with visible progress; it lands in the library with metrics', async () => {
    const progress = await runFromForm(
      { name: RUN_NAME, trainBars: '240', testBars: '120', purgeBars: '1' },
      'linear-lead-lag',
    );
    expect(Number(await progress.getAttribute('data-events'))).toBeGreaterThan(0);
    expect(Number(await progress.getAttribute('data-total'))).toBeGreaterThan(ENOUGH_BARS - 50);
    expect(await progress.innerText()).toMatch(/Done[\s\S]*100%[\s\S]*bars out of sample, \d+ folds/);

    const run = row(RUN_NAME);
    await run.waitFor({ timeout: 15_000 });
    expect(await run.locator('[data-metric="totalReturn"]').innerText()).toMatch(/^[+-]?\d+\.\d{2}%$/);
    expect(await run.locator('[data-metric="sharpe"]').innerText()).toMatch(/^-?\d+\.\d{2}$/);
    expect(await run.locator('[data-metric="maxDrawdown"]').innerText()).toMatch(/^\d+\.\d{2}%$/);

    // A second run, a baseline as the strategy, so that the library has something to sort and compare.
    await page.locator('input[name="name"]').fill('e2e momentum');
    await runFromForm({ trainBars: '240', testBars: '120', purgeBars: '0' }, 'cross-sectional-momentum');
    await row('e2e momentum').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="backtest-row"]').count()).toBe(2);
  });

  it('sorts the library by a clicked header and compares two ticked runs', async () => {
    const returns = () =>
      page.locator('[data-testid="backtest-row"] [data-metric="totalReturn"]').allInnerTexts();
    const asNumbers = (texts: string[]) => texts.map((t) => parseFloat(t));
    const header = page.locator('button[data-sort="totalReturn"]');
    await header.click();
    const descending = asNumbers(await returns());
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await header.click();
    const ascending = asNumbers(await returns());
    expect(ascending).toEqual([...descending].reverse());
    expect(await header.locator('xpath=..').getAttribute('aria-sort')).toBe('ascending');

    const ticks = page.locator('[data-testid="backtest-row"] input[type="checkbox"]');
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await page.locator('[data-testid="backtest-compare-button"]').click();
    const compareEquity = page.locator('[data-testid="backtest-compare-equity"]');
    await compareEquity.waitFor({ timeout: 15_000 });
    expect(Number(await compareEquity.getAttribute('data-points'))).toBeGreaterThan(100);
    const metricsHead = await page.locator('[data-testid="backtest-compare-metrics"] thead').innerText();
    expect(metricsHead).toMatch(/A: linear-lead-lag|A: cross-sectional-momentum/);
    expect(metricsHead).toMatch(/B: linear-lead-lag|B: cross-sectional-momentum/);
    await app!.screenshot('backtest-compare');
    await page.getByRole('button', { name: '← Library' }).click();
  });

  it("opens the run's page: equity against every baseline, weights, fills, metrics, CSV export", async () => {
    const texts = await row(RUN_NAME).locator('td').allInnerTexts();
    await row(RUN_NAME).locator('[data-testid="backtest-open"]').click();
    const equity = page.locator('[data-testid="backtest-equity"]');
    await equity.waitFor({ timeout: 15_000 });
    expect(Number(await equity.getAttribute('data-points'))).toBeGreaterThan(5 * 100);
    const legend = await legendState(page, 'backtest-equity');
    expect(legend.entries.map((e) => e.name)).toEqual(['linear-lead-lag', ...BASELINES]);
    // Under the cursor: a time inside the run and every series' value there, in percent.
    const hovered = await hoverChart(page, 'backtest-equity', 0.5);
    expect(hovered.entries.every((e) => e.value !== null && /%$/.test(e.text))).toBe(true);
    expect(hovered.timeText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);

    const metrics = page.locator('[data-testid="backtest-metrics"]');
    for (const name of ['linear-lead-lag', ...BASELINES]) {
      expect(await metrics.locator(`thead th[data-column="${name}"]`).count()).toBe(1);
    }
    expect(await metrics.locator('tr[data-metric="sharpe"] td').count()).toBe(1 + BASELINES.length);
    // Honest figures: the Sharpe with its bootstrap interval, no CAGR/Calmar on a run shorter than a
    // year, and the simulator's runs said to be synthetic.
    expect(await metrics.locator('tr[data-metric="sharpe"] td').first().innerText()).toMatch(
      /^-?\d+\.\d{2} \[-?\d+\.\d{2}, -?\d+\.\d{2}\]$/,
    );
    expect(await metrics.locator('tr[data-metric="cagr"], tr[data-metric="calmar"]').count()).toBe(0);
    expect(await page.locator('[data-testid="backtest-synthetic-banner"]').innerText()).toBe(
      'synthetic market, accelerated clock: figures say nothing about real markets',
    );
    expect(await metrics.innerText()).not.toMatch(/\de[+-]\d/);
    // Funding and lot rules: a row per strategy, where the rules came from, and the funding ledger.
    expect(await metrics.locator('tr[data-metric="fundingPaid"] td').count()).toBe(1 + BASELINES.length);
    expect(await page.locator('[data-testid="backtest-market-rules"]').innerText()).toMatch(
      /Lot rules: .*the simulator's table/,
    );
    await page.locator('[data-testid="backtest-funding"]').waitFor({ timeout: 15_000 });
    expect(
      Number(await page.locator('[data-testid="backtest-weights"]').getAttribute('data-points')),
    ).toBeGreaterThan(10);
    await expect
      .poll(
        async () => Number(await page.locator('[data-testid="backtest-fills"]').getAttribute('data-count')),
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(0);
    expect(await page.locator('[data-testid="backtest-attention-none"]').count()).toBe(1);

    const download = page.waitForEvent('download', { timeout: 15_000 });
    await page.locator('[data-testid="backtest-export"]').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^bt-[\w-]+-metrics\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv).toContain('linear-lead-lag');
    expect(csv.split('\n').length).toBeGreaterThan(2);

    before = {
      row: texts.slice(1),
      metrics: await metrics.innerText(),
      points: await equity.getAttribute('data-points'),
    };
    await page.waitForTimeout(300);
    await app!.screenshot('backtest-run');
  });

  it('cancels a running model backtest from its progress panel', async () => {
    await page.getByRole('button', { name: '← Library' }).click();
    const rows = await page.locator('[data-testid="backtest-row"]').count();
    await page.locator('select[name="strategy"]').selectOption('model');
    for (const [name, value] of Object.entries({ trainBars: '300', testBars: '100', epochs: '200' })) {
      await page.locator(`input[name="${name}"]`).fill(value);
    }
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const progress = page.locator('[data-testid="backtest-progress"]');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    await expect
      .poll(async () => Number(await progress.getAttribute('data-events')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 60_000 }).toBe('cancelled');
    expect(await page.locator('[data-testid="backtest-progress-message"]').innerText()).toMatch(/cancel/i);
    expect(await page.locator('[data-testid="backtest-row"]').count()).toBe(rows);
  });

  it('runs a tiny model backtest and shows its attention over time', async () => {
    await page.locator('input[name="name"]').fill('e2e model');
    const started = Date.now();
    await runFromForm(
      {
        trainBars: '300',
        testBars: '250',
        purgeBars: '1',
        lookback: '16',
        patchLength: '4',
        dModel: '16',
        heads: '2',
        layers: '1',
        epochs: '2',
      },
      'model',
    );
    // One model per fold keeps this journey short: a few seconds on wasm.
    expect(Date.now() - started).toBeLessThan(120_000);
    await row('e2e model').locator('[data-testid="backtest-open"]').click();
    const attention = page.locator('[data-testid="backtest-attention"]');
    await attention.waitFor({ timeout: 15_000 });
    expect(
      Number(await page.locator('[data-testid="backtest-attention-chart"]').getAttribute('data-points')),
    ).toBeGreaterThan(100);
    const cells = await attention.locator('[data-testid="backtest-attention-heatmap"] td').allInnerTexts();
    expect(cells).toHaveLength(25);
    // Each query's attention over the keys is a distribution: its row sums to one.
    const rowSums = [0, 1, 2, 3, 4].map((q) =>
      cells.slice(q * 5, q * 5 + 5).reduce((sum, cell) => sum + Number(cell), 0),
    );
    for (const sum of rowSums) expect(sum).toBeCloseTo(1, 1);
    await attention.scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await app!.screenshot('backtest-model-attention');
  });

  it('keeps the fold models with their backtest: none in the Models list, none chosen for paper trading', async () => {
    // Issue 11 item 1. The run trained one model per fold; they belong to it, not to the Models list.
    const core = await connectToHost(host!.url);
    try {
      const run = (await core.client.call('backtest.list', {})).find((r) => r.name === 'e2e model')!;
      const folds = await core.client.call('model.list', { backtestId: run.id });
      expect(folds.length).toBeGreaterThan(0);
      expect(folds.every((m) => m.backtestId === run.id)).toBe(true);
      await page.getByRole('button', { name: 'Models', exact: true }).click();
      const list = page.locator('[data-testid="model-list"]');
      await list.waitFor({ timeout: 15_000 });
      expect(await list.innerText()).not.toMatch(/walk-forward fold/);
      for (const fold of folds) expect(await list.innerText()).not.toContain(fold.id);
      expect(await list.getAttribute('data-count')).toBe('0');
      expect((await core.client.call('model.list', {})).map((m) => m.id)).toEqual([]);
      // Asked for, they are listed as the run's, and cannot be made the paper-trading model.
      await page.locator('[data-testid="show-fold-models"]').check();
      await expect.poll(() => list.getAttribute('data-count'), { timeout: 10_000 }).toBe(String(folds.length));
      expect(await list.locator('[data-testid="fold-model-badge"]').first().textContent()).toBe(`fold of ${run.id}`);
      await list.locator(`tr[data-model-id="${folds[0]!.id}"]`).click();
      await expect
        .poll(() => page.locator('[data-testid="use-for-paper"]').isDisabled(), { timeout: 10_000 })
        .toBe(true);
      const named = await core.client
        .call('paper.start', { strategy: 'model', accountId: 'folds', modelId: folds[0]!.id })
        .then(
          () => null,
          (err: { message: string }) => err.message,
        );
      expect(named).toMatch(/trained by backtest .* for one of its walk-forward folds/);
      await page.locator('[data-testid="show-fold-models"]').uncheck();
      // Nor does paper trading pick one: the status bar names no model, and a start is refused.
      expect(await page.locator('[data-testid="status-model"]').innerText()).toContain('none');
      const refused = await core.client.call('paper.start', { strategy: 'model', accountId: 'folds' }).then(
        () => null,
        (err: { message: string }) => err.message,
      );
      expect(refused).toMatch(/no trained attention model/i);
    } finally {
      core.close();
    }
    await openBacktests();
  });

  it('raised no page errors, console errors or CSP violations on the first host', () => {
    expect(app!.problems).toEqual([]);
  });

  it('reopens the run from the library after a restart on the same data, without the stream', async () => {
    // Save a feed and no auto-stream, so the next host neither probes Bybit nor streams.
    const core = await connectToHost(host!.url);
    await core.client.call('settings.set', { feed: 'simulator', autoStream: false });
    core.close();
    await page.goto('about:blank');
    await host!.stop();
    host = undefined;

    reopened = await startAppHost([], { dataDir });
    const check = await connectToHost(reopened.url);
    try {
      expect((await check.client.call('market.status', {})).connection).toBe('idle');
    } finally {
      check.close();
    }
    await page.goto(reopened.url);
    await openBacktests();
    const run = row(RUN_NAME);
    await run.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="backtest-row"]').count()).toBe(3);
    expect((await run.locator('td').allInnerTexts()).slice(1)).toEqual(before!.row);
    await page.waitForTimeout(200);
    await app!.screenshot('backtest-library');

    await run.locator('[data-testid="backtest-open"]').click();
    const equity = page.locator('[data-testid="backtest-equity"]');
    await equity.waitFor({ timeout: 15_000 });
    expect(await equity.getAttribute('data-points')).toBe(before!.points);
    expect(await page.locator('[data-testid="backtest-metrics"]').innerText()).toBe(before!.metrics);
  });

  it('deletes a run after confirming, and the library forgets it', async () => {
    await page.getByRole('button', { name: '← Library' }).click();
    await row('e2e momentum').locator('[data-testid="backtest-open"]').click();
    await page.locator('[data-testid="backtest-delete"]').click();
    await page.locator('[data-testid="backtest-delete-confirm"]').click();
    await expect
      .poll(() => page.locator('[data-testid="backtest-row"]').count(), { timeout: 15_000 })
      .toBe(2);
    expect(await row(RUN_NAME).count()).toBe(1);
    expect(await row('e2e momentum').count()).toBe(0);
    expect(app!.problems).toEqual([]);
  });
});
