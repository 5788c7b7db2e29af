// Journey: a trader trains a small attention model on the simulator's stored bars, starts paper trading
// it from the Live view, and watches the trading screen move: the weights change from bar to bar, the
// cross-asset attention heatmap shows one softmax row per query asset, the lag profile has its bars,
// fills arrive and the equity curve grows. Stop stops it: the curve gains no more points.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../src/shared/contract';
import type { ModelConfigInput, ModelInfo } from '../../src/shared/contract/model';
import { chromiumUnavailable, openJourneyWithCore, type CoreJourney } from './support/app-page';
import { hoverChart } from './support/chart-legend';
import { chartState, waitForChart } from './support/chart-state';
import type { HostClient } from './support/core-client';

const skipReason = chromiumUnavailable();

/** Bars the embedded simulator backfills are 1,000; training waits for most of them. */
const MIN_STORED_BARS = 900;
const MAX_LAG = 2;
/** Small enough to train in seconds on the wasm backend. */
const TINY_MODEL: ModelConfigInput = {
  lookback: 16,
  patchLength: 4,
  dModel: 16,
  heads: 2,
  layers: 1,
  maxLag: MAX_LAG,
  features: ['logReturn', 'range', 'volumeRatio'],
  training: { epochs: 2, batchSize: 32, maxStepsPerEpoch: 12 },
};

interface WeightRow {
  symbol: string;
  target: number;
  actual: number;
}

describe.skipIf(skipReason !== null)('paper trading a trained model from the Live view', () => {
  let app: CoreJourney | undefined;
  let core: HostClient | undefined;
  let page: Page;
  let symbols: string[] = [];
  let model: ModelInfo;

  beforeAll(async () => {
    app = await openJourneyWithCore({ viewport: { width: 1280, height: 760 } });
    core = app.core;
    page = app.page;
  });

  afterAll(() => app?.close());

  it('shows every symbol as a live tile, and refuses to trade a model before one is trained', async () => {
    const info = await waitForStoredBars(core!);
    symbols = info.configured;
    await waitForChart(page, (state) => state.count > 10, 90_000);
    const tiles = page.locator('[data-testid="symbol-list"] button[data-symbol]');
    expect(await tiles.count()).toBe(symbols.length);
    await expect
      .poll(async () => (await tiles.last().getAttribute('data-last-close')) ?? '', { timeout: 30_000 })
      .toMatch(/^\d/);
    expect(await page.locator('[data-testid="attention-heatmap"]').innerText()).toContain(
      'attention appears when paper trading runs a model',
    );

    await page.locator('[data-testid="paper-strategy"]').selectOption('model');
    expect(await page.locator('.paper-controls__hint').innerText()).toContain('no trained model');
    await page.locator('[data-testid="paper-start"]').click();
    const error = page.locator('[data-testid="paper-error"]');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toMatch(/no trained attention model/i);
    expect(await page.locator('[data-testid="paper-state"]').textContent()).toBe('no account');
  });

  it('names the model it will trade once one is trained', async () => {
    model = await trainTinyModel(core!);
    expect(model.symbols).toEqual(symbols);
    // Focusing the strategy picker lists the models again.
    await page.locator('[data-testid="paper-strategy"]').focus();
    await expect
      .poll(() => page.locator('.paper-controls__hint').innerText(), { timeout: 10_000 })
      .toContain(model.name);
  });

  it('starts paper trading the model and the weights move from bar to bar', async () => {
    await page.locator('[data-testid="paper-start"]').click();
    await expect
      .poll(() => page.locator('[data-testid="paper-state"]').textContent(), { timeout: 60_000 })
      .toBe('running');
    expect(await page.locator('[data-testid="paper-error"]').count()).toBe(0);

    const first = await waitForWeights(page, symbols, null);
    const later = await waitForWeights(page, symbols, first);
    expect(later.time).toBeGreaterThan(first.time);
    const moved = later.rows.some((row, i) => {
      const before = first.rows[i]!;
      return Math.abs(row.target - before.target) > 1e-9 || Math.abs(row.actual - before.actual) > 1e-9;
    });
    expect(moved, JSON.stringify({ first, later })).toBe(true);
    // Weights read as signed percentages on screen.
    const text = await page.locator('[data-testid="weights"] .weights__target').first().innerText();
    expect(text).toMatch(/^[+-]?\d+\.\d\d%$/);
    // The status bar names the model that is trading (it polls the core every few seconds).
    await expect
      .poll(() => page.locator('[data-testid="status-model"]').innerText(), { timeout: 15_000 })
      .toContain(model.id);
  });

  it('shows the cross-asset attention as N×N numbers whose rows sum to 1, with the lag profile beside it', async () => {
    const heatmap = page.locator('[data-testid="attention-heatmap"]');
    await expect
      .poll(() => heatmap.locator('.heatmap__cell').count(), { timeout: 30_000 })
      .toBe(symbols.length ** 2);
    await expectSoftmaxRows(page, symbols.length);
    const cellText = await heatmap.locator('.heatmap__cell').first().innerText();
    expect(cellText).toMatch(/^\d\.\d\d$/);

    // One head instead of the mean of heads: still one softmax per query asset.
    await page.locator('[data-testid="attention-head"]').selectOption({ label: 'head 1' });
    await expectSoftmaxRows(page, symbols.length);
    await page.locator('[data-testid="attention-head"]').selectOption({ label: 'mean of heads' });

    const bars = page.locator('[data-testid="lag-profile"] .lag-profile__bar');
    expect(await bars.count()).toBe(MAX_LAG);
    const lagWeights = await Promise.all(
      (await bars.all()).map(async (bar) => Number(await bar.getAttribute('data-weight'))),
    );
    expect(lagWeights.every((w) => w >= 0 && w <= 1)).toBe(true);
    expect(lagWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 4);
  });

  it('lists fills newest first, positions with quantities, and grows the equity curve', async () => {
    const fills = page.locator('[data-testid="fills"] .fills__row');
    await expect.poll(() => fills.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const times = await Promise.all(
      (await fills.all()).map(async (f) => Number(await f.getAttribute('data-time'))),
    );
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(times.every((t) => t > 0)).toBe(true);

    const held = page.locator('[data-testid="positions"] tr[data-symbol]');
    expect(await held.count()).toBe(symbols.length);
    const quantities = await Promise.all(
      (await held.all()).map(async (row) => Number(await row.getAttribute('data-quantity'))),
    );
    expect(quantities.some((q) => q !== 0)).toBe(true);

    const before = await equityPoints(page);
    await expect.poll(() => equityPoints(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 2);
    const hovered = await hoverChart(page, 'paper-equity', 0.5);
    expect(hovered.entries[0]?.text).toMatch(/^\d{1,3}(,\d{3})*\.\d\d USDT$/);
    expect(await page.locator('[data-testid="pnl-equity"]').innerText()).toMatch(
      /^\d{1,3}(,\d{3})*\.\d\d USDT$/,
    );
    expect(await page.locator('[data-testid="pnl-fees"]').innerText()).not.toBe('0.00 USDT');

    // The candle chart marks the charted symbol's fills: one marker per bar and side.
    const { symbol: charted } = await chartState(page);
    const chartedFills = async () => {
      const rows = page.locator(`[data-testid="fills"] .fills__row[data-symbol="${charted}"]`);
      const keys = await Promise.all(
        (await rows.all()).map(
          async (r) => `${await r.getAttribute('data-time')}|${await r.locator('td').nth(2).innerText()}`,
        ),
      );
      return new Set(keys).size;
    };
    await expect.poll(chartedFills, { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(
        async () =>
          Number(await page.locator('[data-testid="candle-chart"]').getAttribute('data-fill-markers')) ===
          (await chartedFills()),
        { timeout: 10_000 },
      )
      .toBe(true);

    // Let the last bar settle on screen, then keep a picture for a human to look at.
    await page.waitForTimeout(500);
    await app!.screenshot('live-paper');
  });

  it('stops: the account says stopped and the equity curve gains no more points', async () => {
    await page.locator('[data-testid="paper-stop"]').click();
    await expect
      .poll(() => page.locator('[data-testid="paper-state"]').textContent(), { timeout: 30_000 })
      .toBe('stopped');
    const account = await core!.client.call('paper.account', {});
    expect(account?.running).toBe(false);
    expect(account?.strategy).toBe('model');
    expect(account?.modelId).toBe(model.id);

    const stoppedAt = await equityPoints(page);
    const stored = (await core!.client.call('paper.equity', {})).length;
    // Three more bars stream in (one a second); none of them is traded.
    await page.waitForTimeout(3_500);
    expect(await equityPoints(page)).toBe(stoppedAt);
    expect((await core!.client.call('paper.equity', {})).length).toBe(stored);
    expect(await page.locator('[data-testid="paper-start"]').innerText()).toBe('Resume');
  });

  it('raised no page errors, console errors or CSP violations', () => {
    expect(app!.problems).toEqual([]);
  });
});

/** Waits until the simulator's history is stored for every configured symbol. */
async function waitForStoredBars(core: HostClient): Promise<CallResult<'market.symbols'>> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const info = await core.client.call('market.symbols', {});
    const series = coverageOf(info);
    if (series.every((s) => s && s.count >= MIN_STORED_BARS)) return info;
    if (Date.now() > deadline)
      throw new Error(`the simulator's bars were not stored: ${JSON.stringify(info)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function coverageOf(info: CallResult<'market.symbols'>) {
  return info.configured.map((symbol) =>
    info.stored.find((s) => s.symbol === symbol && s.interval === info.interval),
  );
}

/** Trains the tiny model on the stored bars through the contract, as another client of the core would. */
async function trainTinyModel(core: HostClient): Promise<ModelInfo> {
  const info = await waitForStoredBars(core);
  const series = coverageOf(info);
  return core.client.call('model.train', {
    feed: info.feed,
    symbols: info.configured,
    interval: info.interval,
    from: Math.max(...series.map((s) => s!.first!)),
    to: Math.min(...series.map((s) => s!.last!)),
    config: TINY_MODEL,
    seed: 5,
    name: 'tiny e2e model',
  });
}

interface WeightsState {
  time: number;
  rows: WeightRow[];
}

/** Waits for a weights mark with a target for every symbol (newer than `after`, when given). */
async function waitForWeights(
  page: Page,
  symbols: string[],
  after: WeightsState | null,
): Promise<WeightsState> {
  let state: WeightsState = { time: 0, rows: [] };
  await expect
    .poll(
      async () => {
        state = await readWeights(page);
        const complete =
          state.rows.length === symbols.length &&
          state.rows.every((r) => Number.isFinite(r.target) && Number.isFinite(r.actual));
        return complete && state.time > (after?.time ?? 0);
      },
      { timeout: 45_000, interval: 250 },
    )
    .toBe(true);
  expect(state.rows.map((r) => r.symbol)).toEqual(symbols);
  return state;
}

async function readWeights(page: Page): Promise<WeightsState> {
  const panel = page.locator('[data-testid="weights"]');
  const time = Number((await panel.getAttribute('data-time')) || 0);
  const rows = await Promise.all(
    (await panel.locator('tr[data-symbol]').all()).map(async (row) => {
      const [symbol, target, actual] = await Promise.all(
        ['data-symbol', 'data-target', 'data-actual'].map((name) => row.getAttribute(name)),
      );
      return { symbol: symbol ?? '', target: numberOrNaN(target), actual: numberOrNaN(actual) };
    }),
  );
  return { time, rows };
}

/**
 * Every row of the heatmap has N cells in [0, 1] that sum to 1 (a softmax over the key assets). The
 * table is read in one evaluation: it re-renders with every bar, and cells read one call at a time
 * could come from two renders.
 */
async function expectSoftmaxRows(page: Page, n: number): Promise<void> {
  const rows = await page
    .locator('[data-testid="attention-heatmap"] tbody')
    .evaluate((body) =>
      [...body.querySelectorAll('tr')].map((row) =>
        [...row.querySelectorAll('.heatmap__cell')].map((cell) => Number(cell.getAttribute('data-value'))),
      ),
    );
  expect(rows).toHaveLength(n);
  for (const values of rows) {
    expect(values).toHaveLength(n);
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 3);
  }
}

async function equityPoints(page: Page): Promise<number> {
  return Number((await page.locator('[data-testid="paper-equity"]').getAttribute('data-points')) || 0);
}

function numberOrNaN(text: string | null | undefined): number {
  return text === null || text === undefined || text === '' ? Number.NaN : Number(text);
}
