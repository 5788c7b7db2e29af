// Journeys of the Data and Settings views in the browser against the headless host in demo mode:
// the coverage table follows the simulator's stream; a CSV with a bad row is refused with its line
// number and writes nothing, a good one imports and shows up with its gap; an invalid setting gets a
// message at its field and saves nothing, a valid one survives a reload.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumUnavailable, openJourneyWithCore, type CoreJourney } from './support/app-page';
import type { HostClient } from './support/core-client';

const skipReason = chromiumUnavailable();

const IMPORT_FEED = 'e2e-csv';
const IMPORT_SYMBOL = 'TESTUSDT';
const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1, 0, 0);
const HEADER = 'time,open,high,low,close,volume';

function row(minute: number, open: number, high: number, low: number, close: number): string {
  return `${T0 + minute * MINUTE},${open},${high},${low},${close},10`;
}

async function openView(page: Page, name: 'Data' | 'Settings'): Promise<void> {
  await page.locator('nav[aria-label="Views"] button', { hasText: name }).click();
}

async function simulatorCount(page: Page): Promise<number> {
  const cell = page.locator(
    '[data-testid="coverage-row"][data-feed="simulator"] [data-testid="coverage-count"]',
  );
  return Number(await cell.first().getAttribute('data-count'));
}

describe.skipIf(skipReason !== null)('Data and Settings views in the browser', () => {
  let app: CoreJourney | undefined;
  let core: HostClient | undefined;
  let page: Page;
  let files: string;

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'crossdesk-csv-'));
    app = await openJourneyWithCore({ viewport: { width: 1280, height: 800 } });
    core = app.core;
    page = app.page;
  });

  afterAll(async () => {
    await app?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('lists the simulator series, and their bar counts grow as bars stream in', async () => {
    await openView(page, 'Data');
    const rows = page.locator('[data-testid="coverage-row"][data-feed="simulator"]');
    await rows.first().waitFor({ timeout: 60_000 });
    const before = await simulatorCount(page);
    expect(before).toBeGreaterThan(0);
    expect(await rows.first().getAttribute('data-symbol')).toMatch(/^[A-Z0-9]+USDT$/);
    await expect.poll(() => simulatorCount(page), { timeout: 30_000, interval: 500 }).toBeGreaterThan(before);
    // A streamed series has no holes.
    expect(await rows.first().locator('[data-testid="coverage-gaps"]').getAttribute('data-gaps')).toBe('0');
  });

  it('refuses a CSV with a bad row, names its line, and writes nothing', async () => {
    const bad = join(files, 'bad.csv');
    // Line 4 (the third data row) has its high below its low.
    writeFileSync(
      bad,
      [HEADER, row(0, 100, 101, 99, 100.5), row(1, 100.5, 102, 100, 101), row(2, 101, 98, 99, 100), ''].join(
        '\n',
      ),
    );
    await page.locator('[data-testid="csv-file"]').setInputFiles(bad);
    await page.locator('[data-testid="csv-feed"]').fill(IMPORT_FEED);
    await page.locator('[data-testid="csv-symbol"]').fill(IMPORT_SYMBOL.toLowerCase());
    await page.locator('[data-testid="csv-interval"]').selectOption('1');
    await page.locator('[data-testid="csv-import"]').click();

    const report = page.locator('[data-testid="csv-report"][data-outcome="rejected"]');
    await report.waitFor({ timeout: 15_000 });
    expect(await report.innerText()).toContain('nothing was written');
    const errors = page.locator('[data-testid="csv-errors"] li');
    expect(await errors.count()).toBe(1);
    expect(await errors.first().getAttribute('data-row')).toBe('4');
    expect(await errors.first().innerText()).toMatch(/Line 4.*high 98 is below/s);

    const stored = await core!.client.call('market.candles', {
      feed: IMPORT_FEED,
      symbol: IMPORT_SYMBOL,
      interval: '1',
    });
    expect(stored).toEqual([]);
    await page.waitForTimeout(2_500); // one coverage poll
    expect(await page.locator(`[data-testid="coverage-row"][data-feed="${IMPORT_FEED}"]`).count()).toBe(0);
  });

  it('imports a valid CSV: the report counts its rows and the table shows the series with its gap', async () => {
    const good = join(files, 'good.csv');
    // Minute 3 is missing: one gap bar between the first and the last candle.
    writeFileSync(
      good,
      [
        HEADER,
        row(0, 100, 101, 99, 100.5),
        row(1, 100.5, 102, 100, 101),
        row(2, 101, 101.5, 99, 100),
        row(4, 100, 103, 99.5, 102.5),
      ].join('\n'),
    );
    await page.locator('[data-testid="csv-file"]').setInputFiles(good);
    await page.locator('[data-testid="csv-import"]').click();

    const report = page.locator('[data-testid="csv-report"][data-outcome="imported"]');
    await report.waitFor({ timeout: 15_000 });
    expect(await report.locator('[data-testid="csv-imported-rows"]').innerText()).toBe('4');

    const imported = page.locator(
      `[data-testid="coverage-row"][data-feed="${IMPORT_FEED}"][data-symbol="${IMPORT_SYMBOL}"]`,
    );
    await imported.waitFor({ timeout: 10_000 });
    expect(await imported.locator('[data-testid="coverage-count"]').getAttribute('data-count')).toBe('4');
    expect(await imported.locator('[data-testid="coverage-gaps"]').getAttribute('data-gaps')).toBe('1');
    await imported.locator('[data-testid="coverage-gaps"] summary').click();
    expect(await imported.locator('[data-testid="coverage-gap-ranges"]').innerText()).toContain(
      '2024-01-01 00:03',
    );
    expect(await imported.innerText()).toContain('2024-01-01 00:04');

    const stored = await core!.client.call('market.candles', {
      feed: IMPORT_FEED,
      symbol: IMPORT_SYMBOL,
      interval: '1',
    });
    expect(stored.map((candle) => candle.openTime)).toEqual([0, 1, 2, 4].map((m) => T0 + m * MINUTE));
  });

  it("stores an imported feed's lot rules from the form, refusing an exchange's feed", async () => {
    const form = page.locator('[data-testid="instrument-rules-form"]');
    await form.locator('[data-testid="rules-feed"]').fill('simulator');
    await form.locator('[data-testid="rules-symbol"]').fill('btcusdt');
    await form.locator('[data-testid="rules-tickSize"]').fill('0.5');
    await form.locator('[data-testid="rules-qtyStep"]').fill('0.007');
    await form.locator('[data-testid="rules-minOrderQty"]').fill('0.007');
    await form.locator('[data-testid="rules-save"]').click();
    await expect
      .poll(() => form.innerText(), { timeout: 10_000 })
      .toMatch(/exchange's feed|imports never go into/);
    expect(await core!.client.call('market.instruments', { feed: 'simulator' })).not.toContainEqual(
      expect.objectContaining({ source: 'user' }),
    );
    await form.locator('[data-testid="rules-feed"]').fill(IMPORT_FEED);
    await form.locator('[data-testid="rules-save"]').click();
    await form.locator('[data-testid="rules-saved"]').waitFor({ timeout: 10_000 });
    expect(await core!.client.call('market.instruments', { feed: IMPORT_FEED })).toEqual([
      expect.objectContaining({
        symbol: 'BTCUSDT',
        qtyStep: 0.007,
        minOrderQty: 0.007,
        tickSize: 0.5,
        source: 'user',
      }),
    ]);
  });

  it('uploads a large CSV in chunks and imports every row; funding rates too; an exchange feed is refused', async () => {
    // About 1.3 MB: more than two upload chunks of 512 Ki characters.
    const big = join(files, 'big.csv');
    const lines = [HEADER];
    for (let m = 0; m < 30_000; m++) lines.push(row(m, 100, 101, 99, 100.5));
    writeFileSync(big, `${lines.join('\n')}\n`);
    await page.locator('[data-testid="csv-file"]').setInputFiles(big);
    await page.locator('[data-testid="csv-feed"]').fill('e2e-big');
    await page.locator('[data-testid="csv-symbol"]').fill(IMPORT_SYMBOL);
    await page.locator('[data-testid="csv-interval"]').selectOption('1');
    await page.locator('[data-testid="csv-import"]').click();
    const report = page.locator('[data-testid="csv-report"][data-outcome="imported"]');
    await report.waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="csv-imported-rows"]').innerText()).toBe('30,000');

    const funding = join(files, 'funding.csv');
    writeFileSync(funding, `funding_time_ms,funding_rate\n${T0},0.0001\n${T0 + 8 * 60 * MINUTE},-0.0002\n`);
    await page.locator('[data-testid="csv-file"]').setInputFiles(funding);
    await page.locator('[data-testid="csv-contents"]').selectOption('funding');
    await page.locator('[data-testid="csv-import"]').click();
    await page
      .locator('[data-testid="csv-report"][data-outcome="imported"]')
      .filter({ hasText: 'funding rates' })
      .waitFor({ timeout: 15_000 });

    await page.locator('[data-testid="csv-contents"]').selectOption('candles');
    await page.locator('[data-testid="csv-file"]').setInputFiles(big);
    await page.locator('[data-testid="csv-feed"]').fill('simulator');
    await page.locator('[data-testid="csv-import"]').click();
    const refused = page.locator('[data-testid="csv-report"][data-outcome="rejected"]');
    await refused.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="csv-report"]').innerText()).toMatch(/feed of your own/);
    await page.locator('[data-testid="csv-feed"]').fill(IMPORT_FEED);
  });

  it('backfills a coarser interval from the simulator: progress, candles written, a new series in the table', async () => {
    const form = page.locator('[data-testid="backfill-form"]');
    const fourHours = page.locator(
      '[data-testid="coverage-row"][data-feed="simulator"][data-symbol="BTCUSDT"][data-interval="240"]',
    );
    expect(await fourHours.count()).toBe(0);
    await form.locator('#field-backfill-symbols').fill('btcusdt');
    await form.locator('#field-backfill-interval').selectOption('240');
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 16);
    await form.locator('#field-backfill-from').fill(tenDaysAgo);
    await form.locator('[data-testid="backfill-start"]').click();

    const result = form.locator('[data-testid="backfill-result"]');
    await result.waitFor({ timeout: 30_000 });
    const written = Number(/BTCUSDT ([\d,]+)/.exec(await result.innerText())?.[1]?.replace(/,/g, ''));
    expect(written).toBeGreaterThan(50); // 6 bars a day over 10 days
    expect(await form.locator('[data-testid="backfill-progress"]').innerText()).toMatch(
      /[\d,]+ \/ [\d,]+ bars · done/,
    );
    expect(await form.locator('[data-testid="backfill-cancel"]').isDisabled()).toBe(true);
    await fourHours.waitFor({ timeout: 10_000 });
    expect(
      Number(await fourHours.locator('[data-testid="coverage-count"]').getAttribute('data-count')),
    ).toBeGreaterThan(50);

    await app!.screenshot('data');
  });

  it('shows a message at each invalid setting, saves nothing, and keeps the saved settings', async () => {
    const saved = await core!.client.call('settings.get', {});
    await openView(page, 'Settings');
    const symbols = page.locator('#field-symbols');
    await symbols.waitFor({ timeout: 10_000 });
    expect(await symbols.inputValue()).toBe(saved.symbols.join(', '));

    await symbols.fill('btc usdt!');
    const symbolsError = page.locator('[data-testid="field-error-symbols"]');
    await symbolsError.waitFor({ timeout: 5_000 });
    expect(await symbolsError.innerText()).toContain("'BTC USDT!' is not a symbol");
    expect(await symbols.getAttribute('aria-invalid')).toBe('true');

    const fee = page.locator('#field-costs-feeRate');
    await fee.fill('-0.1');
    const feeError = page.locator('[data-testid="field-error-costs.feeRate"]');
    await feeError.waitFor({ timeout: 5_000 });
    expect(await feeError.innerText()).toMatch(/not negative/);
    expect(await fee.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-testid="settings-save"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="settings-status"]').innerText()).toMatch(/2 fields need fixing/);

    await app!.screenshot('settings-invalid');

    // Nothing reached the core, and nothing typed is lost (issue 11 item 7): the draft survives a change
    // of view and a reload, its errors with it, until it is saved or discarded.
    expect(await core!.client.call('settings.get', {})).toEqual(saved);
    await openView(page, 'Data');
    await openView(page, 'Settings');
    await page.locator('#field-symbols').waitFor({ timeout: 30_000 });
    expect(await page.locator('#field-symbols').inputValue()).toBe('btc usdt!');
    await page.reload();
    await page.locator('#field-symbols').waitFor({ timeout: 30_000 }); // the reload stays on Settings
    expect(await page.locator('#field-symbols').inputValue()).toBe('btc usdt!');
    expect(await page.locator('#field-costs-feeRate').inputValue()).toBe('-0.1');
    expect(await page.locator('[data-testid="field-error-symbols"]').count()).toBe(1);

    // Discarding asks first; declining keeps the draft, accepting brings back the settings in force.
    const answers = [false, true];
    const questions: string[] = [];
    const onDialog = (dialog: Dialog) => {
      questions.push(dialog.message());
      void (answers.shift() ? dialog.accept() : dialog.dismiss());
    };
    page.on('dialog', onDialog);
    await page.locator('[data-testid="settings-discard"]').click();
    expect(await page.locator('#field-symbols').inputValue()).toBe('btc usdt!');
    await page.locator('[data-testid="settings-discard"]').click();
    page.off('dialog', onDialog);
    expect(questions).toEqual([
      'Discard your unsaved changes to the settings?',
      'Discard your unsaved changes to the settings?',
    ]);
    expect(await page.locator('#field-symbols').inputValue()).toBe(saved.symbols.join(', '));
    expect(await page.locator('#field-costs-feeRate').inputValue()).toBe('0.055');
    expect(await page.locator('[data-testid="field-error-symbols"]').count()).toBe(0);
    await page.reload();
    await page.locator('#field-symbols').waitFor({ timeout: 30_000 });
    expect(await page.locator('#field-symbols').inputValue()).toBe(saved.symbols.join(', '));
  });

  it('shows the fee in bps too, and a valid change of slippage persists after a reload', async () => {
    await page.locator('[data-testid="settings-fee-unit"]').selectOption('bps');
    expect(await page.locator('#field-costs-feeRate').inputValue()).toBe('5.5');

    await page.locator('#field-costs-slippageBps').fill('3.5');
    await page.locator('[data-testid="settings-save"]').click();
    await page
      .locator('[data-testid="settings-status"]', { hasText: 'Saved (costs)' })
      .waitFor({ timeout: 10_000 });
    const after = await core!.client.call('settings.get', {});
    expect(after.costs).toEqual({ ...after.costs, slippageBps: 3.5, feeRate: 0.00055 });

    await page.reload();
    await openView(page, 'Settings');
    await page.locator('#field-costs-slippageBps').waitFor({ timeout: 30_000 });
    expect(await page.locator('#field-costs-slippageBps').inputValue()).toBe('3.5');
  });

  it('applies a saved theme to the page at once', async () => {
    await page.locator('#field-theme').selectOption('light');
    await page.locator('[data-testid="settings-save"]').click();
    await expect
      .poll(() => page.locator('html').getAttribute('data-theme'), { timeout: 10_000 })
      .toBe('light');
    expect((await core!.client.call('settings.get', {})).theme).toBe('light');
    await page.locator('#field-theme').waitFor({ timeout: 10_000 });
    await app!.screenshot('settings-light');
  });

  it('raised no page errors, console errors or CSP violations', () => {
    expect(app!.problems).toEqual([]);
  });
});
