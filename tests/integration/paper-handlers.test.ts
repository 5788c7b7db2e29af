// The paper calls through the contract's dispatch: defaults from the settings, account, fills and equity
// while running, the stored view of a stopped account, resume on the next start, and the errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/contract';
import type { PaperAccount } from '../../src/shared/contract/paper';
import type { CoreError } from '../../src/shared/errors';
import { domainDispatch } from '../support/domain-dispatch';
import { storeBars } from '../support/synthetic-bars';
import { CoreEvents } from '../../src/main/core/events';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { createPaperHandlers } from '../../src/main/core/trading/handlers';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const MARKET = generateMarket(
  { ...DEFAULT_MARKET_SPEC, symbols: SYMBOLS, followers: [] },
  { seed: 2, interval: '60', startTime: START, bars: 400 },
);

let dir: string;
let db: Db;
let candles: CandlesRepo;
let events: CoreEvents;
let paper: ReturnType<typeof createPaperHandlers>;
let call: <T>(method: string, params: unknown) => Promise<T>;

function feed(from: number, to: number): void {
  storeBars({ candles, events, market: MARKET, symbols: SYMBOLS }, from, to);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-paper-handlers-'));
  db = openDatabase(join(dir, 'crossdesk.db'));
  candles = new CandlesRepo(db);
  events = new CoreEvents();
  paper = createPaperHandlers({
    candles,
    paper: new PaperRepo(db),
    events,
    clock: { now: () => START },
    settings: () => ({ ...DEFAULT_SETTINGS, feed: 'simulator', symbols: SYMBOLS, interval: '60' }),
  });
  const dispatch = domainDispatch(paper.handlers);
  call = <T>(method: string, params: unknown) =>
    dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
});

afterEach(async () => {
  await paper.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('paper handlers', () => {
  it('start with the settings, report the running account, and keep a stopped one readable and resumable', async () => {
    for (const symbol of SYMBOLS) {
      candles.upsert(
        { feed: 'simulator', symbol, interval: '60' },
        MARKET[symbol]!.slice(0, 300).map((c) => ({ ...c, updatedAt: c.openTime })),
      );
    }
    expect(await call('paper.account', {})).toBeNull();
    const started = await call<PaperAccount>('paper.start', { strategy: 'btc-only', initialCapital: 10_000 });
    expect(started).toMatchObject({
      id: 'default',
      running: true,
      feed: 'simulator',
      symbols: SYMBOLS,
      interval: '60',
      strategy: 'btc-only',
      initialCapital: 10_000,
      startTime: START + 300 * HOUR,
    });
    feed(300, 310);
    await paper.trader.schedule();
    const live = (await call<PaperAccount>('paper.account', {}))!;
    expect(live.lastBarTime).toBe(START + 309 * HOUR);
    expect(live.positions[0]!.quantity).toBeGreaterThan(0);
    expect(live.positions.slice(1).every((p) => p.quantity === 0)).toBe(true);
    const fills = await call<Array<{ seq: number; symbol: string; time: number }>>('paper.fills', {});
    expect(fills).toEqual([expect.objectContaining({ seq: 0, symbol: 'BTCUSDT', time: START + 301 * HOUR })]);
    const equity = await call<Array<{ time: number; equity: number }>>('paper.equity', {
      from: START + 305 * HOUR,
    });
    expect(equity.map((e) => e.time)).toEqual([305, 306, 307, 308, 309].map((b) => START + b * HOUR));
    expect(equity.at(-1)!.equity).toBeCloseTo(live.equity, 9);

    const stopped = (await call<PaperAccount>('paper.stop', {}))!;
    expect(stopped.running).toBe(false);
    // Read back from the store alone (a fresh core would do this): the same book.
    const fresh = createPaperHandlers({
      candles,
      paper: new PaperRepo(db),
      events: new CoreEvents(),
      clock: { now: () => START },
      settings: () => ({ ...DEFAULT_SETTINGS, feed: 'simulator', symbols: SYMBOLS, interval: '60' }),
    });
    const stored = (await fresh.handlers['paper.account']({}, { signal: new AbortController().signal }))!;
    expect(stored).toMatchObject({ running: false, lastBarTime: live.lastBarTime, killed: false });
    expect(stored.equity).toBeCloseTo(live.equity, 9);
    expect(stored.totalFees).toBeCloseTo(live.totalFees, 12);
    stored.positions.forEach((p, i) => {
      expect(p.quantity).toBe(live.positions[i]!.quantity);
      expect(p.value).toBeCloseTo(live.positions[i]!.value, 6);
    });

    // Bars arrive while stopped; the next start resumes and applies them.
    for (const symbol of SYMBOLS) {
      candles.upsert(
        { feed: 'simulator', symbol, interval: '60' },
        MARKET[symbol]!.slice(310, 315).map((c) => ({ ...c, updatedAt: c.openTime })),
      );
    }
    const resumed = await call<PaperAccount>('paper.start', { strategy: 'btc-only', initialCapital: 10_000 });
    expect(resumed.lastBarTime).toBe(START + 314 * HOUR);
    expect(await call('paper.fills', {})).toHaveLength(1);
  });

  it('refuses another strategy on an existing account, an unavailable model, and bad params', async () => {
    for (const symbol of SYMBOLS) {
      candles.upsert(
        { feed: 'simulator', symbol, interval: '60' },
        MARKET[symbol]!.slice(0, 300).map((c) => ({ ...c, updatedAt: c.openTime })),
      );
    }
    await call('paper.start', {});
    await call('paper.stop', {});
    const conflict = (await call('paper.start', { strategy: 'btc-only' }).catch(
      (e: unknown) => e,
    )) as CoreError;
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toMatch(/reset/);
    const model = (await call('paper.start', { accountId: 'm', strategy: 'model' }).catch(
      (e: unknown) => e,
    )) as CoreError;
    expect(model.code).toBe('INVALID_PARAMS');
    const bad = (await call('paper.start', { accountId: 'no spaces allowed' }).catch(
      (e: unknown) => e,
    )) as CoreError;
    expect(bad.code).toBe('INVALID_PARAMS');
  });
});
