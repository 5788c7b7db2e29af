// Journey (issue 11, items 6, 8, 9 and 12): a trader used to TradingView reads every view at 1600×1000,
// 1366×768 and 1100×700. Every time-series chart answers the cursor with the values under it (checked
// against the stored run), the candle chart changes timeframe without restarting the stream and marks
// the paper fills, figures carry their units in one format, and no text runs into other text or is cut.
// Screenshots of every view at the three sizes are kept in tests/e2e/screenshots/ for a human to look at.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../src/shared/contract';
import type { BacktestDetail } from '../../src/shared/contract/backtest';
import { chromiumUnavailable, openJourneyWithCore, type CoreJourney } from './support/app-page';
import { hoverChart, legendState } from './support/chart-legend';
import { chartState, waitForChart } from './support/chart-state';
import { layoutProblems } from './support/layout-check';

const skipReason = chromiumUnavailable();

const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1366, height: 768 },
  { width: 1100, height: 700 },
] as const;
const ENOUGH_BARS = 700;
const HOUR = 3_600_000;
/** Exponent notation as JavaScript prints it: 4.319e+4, 5.1e+10. */
const EXPONENT = /\d(\.\d+)?e[+-]\d/;

describe.skipIf(skipReason !== null)('a window every figure of which reads and answers the cursor', () => {
  let app: CoreJourney | undefined;
  let page: Page;
  let runs: BacktestDetail[] = [];

  beforeAll(async () => {
    app = await openJourneyWithCore({ viewport: SIZES[0] });
    page = app.page;
    const info = await waitForStoredBars(app);
    const series = info.configured.map((s) =>
      info.stored.find((c) => c.symbol === s && c.interval === info.interval)!,
    );
    const from = Math.max(...series.map((s) => s.first!));
    const to = Math.min(...series.map((s) => s.last!));
    const base = { feed: info.feed, symbols: info.configured, interval: info.interval, to };
    // Two runs over different ranges, named by the core (so the name's interval is the core's).
    const a = await app.core.client.call('backtest.run', {
      ...base,
      from,
      strategy: 'linear-lead-lag',
      trainBars: 240,
      testBars: 120,
    });
    const b = await app.core.client.call('backtest.run', {
      ...base,
      from: from + 200 * HOUR,
      strategy: 'cross-sectional-momentum',
      trainBars: 120,
      testBars: 120,
    });
    runs = await Promise.all([a, b].map((r) => app!.core.client.call('backtest.get', { id: r.id })));
    // Paper trading a fitted baseline trades from its first bar: fills, positions and P&L to read.
    await app.core.client.call('paper.start', { strategy: 'linear-lead-lag', trainBars: 200, reset: true });
    await page.reload();
  });

  afterAll(() => app?.close());

  const openView = async (name: string) => {
    await page.getByRole('button', { name, exact: true }).click();
  };
  const openRun = async (id: string) => {
    await openView('Backtests');
    await page.locator(`[data-testid="backtest-row"][data-id="${id}"] [data-testid="backtest-open"]`).click();
    await page.locator('[data-testid="backtest-equity"]').waitFor({ timeout: 15_000 });
  };

  it('8: the equity, drawdown and weights charts of a run show the stored values under the cursor', async () => {
    const run = runs[0]!;
    await openRun(run.id);
    const strategy = run.series.find((s) => s.role === 'strategy')!;
    const indexAt = (time: number) => run.times.findIndex((t) => Math.floor(t / 1000) * 1000 === time);

    const equity = await hoverChart(page, 'backtest-equity', 0.4);
    const i = indexAt(equity.time!);
    expect(i, `hovered ${equity.time}`).toBeGreaterThan(0);
    const growth = strategy.equity[i]! / strategy.equity[0]! - 1;
    const shown = equity.entries.find((e) => e.name === strategy.strategy)!;
    expect(shown.value).toBeCloseTo(growth, 9);
    expect(shown.text).toMatch(/^[+-]?\d[\d,]*\.\d\d%$/);
    // Every baseline has its value there too, each named once.
    expect(equity.entries).toHaveLength(run.series.length);
    expect(equity.entries.every((e) => e.value !== null)).toBe(true);

    const drawdown = await hoverChart(page, 'backtest-drawdown', 0.6);
    const k = indexAt(drawdown.time!);
    expect(drawdown.entries.find((e) => e.name === strategy.strategy)!.value).toBeCloseTo(
      -strategy.drawdown[k]!,
      9,
    );

    const weights = await hoverChart(page, 'backtest-weights', 0.7);
    const w = indexAt(weights.time!);
    expect(weights.entries.map((e) => e.name)).toEqual(run.symbols);
    weights.entries.forEach((e, a) => expect(e.value).toBeCloseTo(strategy.weights[w]![a]!, 9));

    // Zoom: the wheel over the equity chart narrows the time between two cursor positions.
    const span = async () =>
      (await hoverChart(page, 'backtest-equity', 0.7)).time! -
      (await hoverChart(page, 'backtest-equity', 0.3)).time!;
    const before = await span();
    const box = (await page.locator('[data-testid="backtest-equity"] .ts-chart__plot').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let n = 0; n < 5; n++) await page.mouse.wheel(0, -300);
    await page.waitForTimeout(300);
    expect(await span()).toBeLessThan(before * 0.8);
    // Off the chart, the legend rests on the latest values.
    await page.mouse.move(5, 5);
    await expect.poll(async () => (await legendState(page, 'backtest-equity')).hovered).toBe(false);
  });

  it('8: the candle chart resamples its stored bars to 4h without restarting the stream, with volume in the legend', async () => {
    await openView('Live');
    const before = await waitForChart(page, (s) => s.count > 100, 60_000);
    const chart = page.locator('[data-testid="candle-chart"]');
    await page.locator('[data-testid="candle-timeframe"]').selectOption('240');
    expect(await chart.getAttribute('data-timeframe')).toBe('240');
    const display = Number(await chart.getAttribute('data-display-count'));
    expect(display).toBeGreaterThanOrEqual(Math.floor(before.count / 4));
    expect(display).toBeLessThanOrEqual(Math.ceil(before.count / 4) + 1);
    // The stored series goes on updating live: same chart, same stream.
    await waitForChart(
      page,
      (s) => s.liveUpdates > before.liveUpdates + 2 && s.count >= before.count,
      30_000,
    );
    const legend = chart.locator('[data-testid="chart-legend"]');
    expect(await legend.innerText()).toMatch(/Vol [\d.,]+[kMB]? BTC/);
    expect(Number(await legend.getAttribute('data-time')) % (4 * HOUR)).toBe(0);
    // Every paper fill of the charted symbol is on a 4h bar's marker.
    const { symbol } = await chartState(page);
    await expect
      .poll(async () => page.locator(`[data-testid="fills"] .fills__row[data-symbol="${symbol}"]`).count(), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    await expect.poll(async () => Number(await chart.getAttribute('data-fill-markers'))).toBeGreaterThan(0);
    await page.locator('[data-testid="candle-timeframe"]').selectOption('60');
  });

  it('9: money in USDT, percentages with two decimals, fees in % in every form, 1h, one UTC style, no exponents', async () => {
    await openView('Live');
    await expect
      .poll(() => page.locator('[data-testid="pnl-equity"]').innerText(), { timeout: 30_000 })
      .toMatch(/^\d{1,3}(,\d{3})*\.\d\d USDT$/);
    expect(await page.locator('[data-testid="pnl-fees"]').innerText()).toMatch(/ USDT$/);
    expect(await page.locator('[data-testid="pnl-return"]').innerText()).toMatch(/^[+-]?\d+\.\d\d%$/);
    expect(await page.locator('[data-testid="positions"] thead').innerText()).toMatch(/Value \(USDT\)/);
    expect(await page.locator('[data-testid="fills"] thead').innerText()).toMatch(/Fee \(USDT\)/);

    await openView('Settings');
    const settingsFee = await page.locator('#field-costs-feeRate').inputValue();
    const settingsKill = await page.locator('#field-risk-killDrawdown').inputValue();
    expect(await page.locator('[data-testid="settings-fee-unit"]').inputValue()).toBe('pct');
    await openView('Backtests');
    expect(await page.locator('input[name="feeRate"]').inputValue()).toBe(settingsFee);
    expect(await page.locator('input[name="killDrawdown"]').inputValue()).toBe(settingsKill);
    expect(
      await page
        .locator('label:has(input[name="feeRate"]), .bt-field:has(input[name="feeRate"])')
        .first()
        .innerText(),
    ).toMatch(/%/);
    for (const name of ['from', 'to'])
      expect(await page.locator(`input[name="${name}"]`).inputValue()).toMatch(
        /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
      );

    // The core named the runs with the app's interval names.
    const names = await page.locator('[data-testid="backtest-row"]').allInnerTexts();
    expect(names.join('\n')).toContain(' 1h');
    expect(names.join('\n')).not.toMatch(/ 60\b/);

    // No view, nor a run's page, writes a number in exponent notation.
    for (const view of ['Live', 'Models', 'Backtests', 'Data', 'Settings']) {
      await openView(view);
      await page.waitForTimeout(500);
      expect(await page.locator('#root').innerText(), view).not.toMatch(EXPONENT);
    }
    await openRun(runs[0]!.id);
    await page.locator('[data-testid="backtest-fills"][data-count]').waitFor();
    const text = await page.locator('#root').innerText();
    expect(text).not.toMatch(EXPONENT);
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });

  it('12: the tile’s change names its window; comparing runs over different ranges warns', async () => {
    await openView('Live');
    const change = page.locator('[data-testid="tile-change"]').first();
    await expect.poll(() => change.innerText(), { timeout: 15_000 }).toMatch(/^[+-]?\d+\.\d\d% \d+[mhD]$/);

    await openView('Backtests');
    const ticks = page.locator('[data-testid="backtest-row"] input[type="checkbox"]');
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await page.locator('[data-testid="backtest-compare-button"]').click();
    const warning = page.locator('[data-testid="compare-range-warning"]');
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.innerText()).toMatch(/different out-of-sample ranges/);
    await page.getByRole('button', { name: '← Library' }).click();
  });

  it('12: a backtest says how long it has run and will run; the import report counts rows, not problems', async () => {
    await openView('Backtests');
    await page.getByRole('button', { name: 'Use stored range' }).click();
    await page.locator('select[name="strategy"]').selectOption('linear-lead-lag');
    await page.locator('input[name="trainBars"]').fill('240');
    await page.locator('input[name="testBars"]').fill('24');
    // Every text the timing line shows while the run goes, however short the run.
    await page.evaluate(`(() => {
      const seen = [];
      window.__timing = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="backtest-eta"]')?.textContent;
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    await expect
      .poll(() => page.locator('[data-testid="backtest-progress"]').getAttribute('data-state'), {
        timeout: 60_000,
      })
      .toBe('done');
    const timing = await page.evaluate<string[]>('window.__timing');
    expect(timing.length).toBeGreaterThan(0);
    for (const text of timing) expect(text).toMatch(/^\d+(\.\d)? (ms|s) elapsed · (estimating…|ETA .+)$/);

    await openView('Data');
    const file = join(tmpdir(), `crossdesk-bad-rows-${process.pid}.csv`);
    const t0 = Date.UTC(2024, 0, 1);
    writeFileSync(
      file,
      [
        'time,open,high,low,close,volume',
        `${t0},100,101,99,100.5,10`,
        // Two problems on one row: a high below the open and a negative volume.
        `${t0 + 60_000},101,98,97,99,-1`,
        `${t0 + 120_000},100,102,99,101,10`,
        `${t0 + 180_000},101,100,102,101,10`,
      ].join('\n'),
    );
    await page.locator('[data-testid="csv-file"]').setInputFiles(file);
    await page.locator('[data-testid="csv-symbol"]').fill('BADUSDT');
    await page.locator('[data-testid="csv-interval"]').selectOption('1');
    await page.locator('[data-testid="csv-import"]').click();
    const report = page.locator('[data-testid="csv-report"][data-outcome="rejected"]');
    await report.waitFor({ timeout: 15_000 });
    const errors = await page.locator('[data-testid="csv-errors"] li').count();
    expect(errors).toBeGreaterThan(2);
    expect(await report.innerText()).toMatch(new RegExp(`2 invalid rows \\(${errors} problems\\)`));
  });

  it('6 and 12: at every size no text runs into other text or is cut, also in the All symbols grid', async () => {
    const found: string[] = [];
    const check = async (where: string) => {
      for (const p of await layoutProblems(page)) found.push(`${where}: ${p.kind}: ${p.what}`);
    };
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const at = `${size.width}×${size.height}`;
      await openView('Live');
      await waitForChart(page, (s) => s.count > 10, 30_000);
      await page.locator('[data-testid="fills"] .fills__row').first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(800);
      await check(`Live ${at}`);
      await app!.screenshot(`view-live-${size.width}x${size.height}`);
      await page.getByRole('button', { name: 'All symbols' }).click();
      await page.locator('[data-testid="chart-grid"] [data-testid="candle-chart"]').first().waitFor();
      await page.waitForTimeout(800);
      await check(`Live grid ${at}`);
      await app!.screenshot(`view-live-grid-${size.width}x${size.height}`);
      await page.getByRole('button', { name: 'One chart' }).click();
      for (const view of ['Models', 'Backtests', 'Data', 'Settings']) {
        await openView(view);
        await page.waitForTimeout(800);
        await check(`${view} ${at}`);
        await app!.screenshot(`view-${view.toLowerCase()}-${size.width}x${size.height}`);
      }
      await openRun(runs[0]!.id);
      await page.waitForTimeout(800);
      await check(`Backtest run ${at}`);
      await app!.screenshot(`view-backtest-run-${size.width}x${size.height}`);
      await page.getByRole('button', { name: '← Library' }).click();
    }
    expect(found).toEqual([]);
  });

  it('raised no page errors, console errors or CSP violations', () => {
    expect(app!.problems).toEqual([]);
  });
});

async function waitForStoredBars(app: CoreJourney): Promise<CallResult<'market.symbols'>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const info = await app.core.client.call('market.symbols', {});
    const counts = info.configured.map(
      (s) => info.stored.find((c) => c.symbol === s && c.interval === info.interval)?.count ?? 0,
    );
    if (Math.min(...counts) >= ENOUGH_BARS) return info;
    if (Date.now() > deadline) throw new Error(`the demo store has too few bars: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
