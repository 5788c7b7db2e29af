// Paper trading under concurrent calls and failing writes: start/stop/reset serialised per account
// (two resets never race into a UNIQUE error, a view is always of the account asked for), and a bar
// that cannot be written stops the account with the error in the contract's PaperAccount.error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/shared/contract';
import { PaperAccountSchema, type PaperAccount } from '../../src/shared/contract/paper';
import { CoreEvents } from '../../src/main/core/events';
import { DEFAULT_MARKET_SPEC, generateMarket } from '../../src/main/core/market/simulator/synthetic';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';
import { PaperRepo } from '../../src/main/core/store/paper.repo';
import { createPaperHandlers } from '../../src/main/core/trading/handlers';
import { domainDispatch } from '../support/domain-dispatch';
import { storeBars } from '../support/synthetic-bars';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 0, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];
const MARKET = generateMarket(
  { ...DEFAULT_MARKET_SPEC, symbols: SYMBOLS, followers: [] },
  { seed: 4, interval: '60', startTime: START, bars: 260 },
);

let dir: string;
let db: Db;
let candles: CandlesRepo;
let events: CoreEvents;
let paper: ReturnType<typeof createPaperHandlers>;
let call: <T>(method: string, params: unknown) => Promise<T>;

function store(from: number, to: number, announce: boolean): void {
  storeBars({ candles, events: announce ? events : undefined, market: MARKET, symbols: SYMBOLS }, from, to);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-paper-serial-'));
  db = openDatabase(join(dir, 'crossdesk.db'));
  candles = new CandlesRepo(db);
  events = new CoreEvents();
  paper = createPaperHandlers({
    candles,
    paper: new PaperRepo(db),
    events,
    clock: { now: () => START + 300 * HOUR },
    settings: () => ({ ...DEFAULT_SETTINGS, feed: 'simulator', symbols: SYMBOLS, interval: '60' }),
  });
  const dispatch = domainDispatch(paper.handlers);
  call = <T>(method: string, params: unknown) =>
    dispatch(method, params, { signal: new AbortController().signal }) as Promise<T>;
  store(0, 200, false);
});

afterEach(async () => {
  await paper.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (accountId: string, reset = false) =>
  call<PaperAccount>('paper.start', { accountId, strategy: 'btc-only', trainBars: 50, reset });

describe('paper calls in parallel', () => {
  it('runs concurrent starts with reset on one account without a UNIQUE error', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const results = await Promise.allSettled([start('acc', true), start('acc', true), start('acc', true)]);
      for (const result of results) {
        expect(result.status, result.status === 'rejected' ? String(result.reason) : '').toBe('fulfilled');
      }
    }
    expect(await call<PaperAccount>('paper.account', { accountId: 'acc' })).toMatchObject({ id: 'acc' });
  });

  it('answers a view of account Infinity with that account (or none), never another', async () => {
    const views: Promise<PaperAccount | null>[] = [];
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      work.push(start('123', i % 2 === 0), start('Infinity', i % 3 === 0), call('paper.stop', {}));
      views.push(
        call('paper.account', { accountId: 'Infinity' }),
        call('paper.account', { accountId: '123' }),
      );
    }
    await Promise.allSettled(work);
    const seen = await Promise.all(views);
    seen.forEach((view, i) => {
      if (view !== null) expect(view.id).toBe(i % 2 === 0 ? 'Infinity' : '123');
    });
  });
});

describe('a failing bar', () => {
  it('stops the account and carries the error with what to do', async () => {
    const started = await start('acc');
    expect(started.error ?? null).toBeNull();
    // The store refuses the next writes of equity marks, as a full disk would.
    db.exec(
      `CREATE TRIGGER refuse_marks BEFORE INSERT ON paper_equity BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END;`,
    );
    store(200, 203, true);
    const until = Date.now() + 10_000;
    let account = await call<PaperAccount>('paper.account', { accountId: 'acc' });
    while (account.running && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      account = await call<PaperAccount>('paper.account', { accountId: 'acc' });
    }
    expect(PaperAccountSchema.parse(account)).toBeTruthy();
    expect(account.running).toBe(false);
    expect(account.error).toMatchObject({ message: expect.stringContaining('disk I/O error (test)') });
    expect(account.error?.action).toMatch(/Start/);
    expect(account.error?.barTime).toBe(MARKET.BTCUSDT![200]!.openTime);
    // Fixed and started again, it resumes from that bar and the error is gone.
    db.exec('DROP TRIGGER refuse_marks');
    const resumed = await start('acc');
    expect(resumed.error ?? null).toBeNull();
    expect(resumed.lastBarTime).toBe(MARKET.BTCUSDT![202]!.openTime);
    // paper.equity pages: the newest marks, oldest first.
    const all = await call<{ time: number }[]>('paper.equity', { accountId: 'acc' });
    const page = await call<{ time: number }[]>('paper.equity', { accountId: 'acc', limit: 2 });
    expect(all.length).toBeGreaterThan(2);
    expect(page.map((m) => m.time)).toEqual(all.slice(-2).map((m) => m.time));
  });
});
