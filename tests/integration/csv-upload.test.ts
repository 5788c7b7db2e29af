// CSV import as a job over the contract: the text goes up in bounded chunks, is parsed in slices with
// progress and cancel, never names a path, never writes into an exchange's feed, and its errors
// quote only short excerpts of the input.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type EventPayload } from '../../src/shared/contract';
import { MAX_UPLOAD_CHUNK_CHARS } from '../../src/shared/contract/market';
import type { CoreError } from '../../src/shared/errors';
import { importSource } from '../../src/shared/upload';
import { systemClock } from '../../src/main/core/clock';
import { CoreEvents } from '../../src/main/core/events';
import { JobRegistry } from '../../src/main/core/jobs';
import { createMarketHandlers } from '../../src/main/core/market/handlers';
import { FundingRepo } from '../../src/main/core/store/funding.repo';
import { domainDispatch } from '../support/domain-dispatch';
import { tempStore, type TempStore } from './market-helpers';

const HOUR = 3_600_000;
const T0 = Date.UTC(2020, 0, 1);
let store: TempStore | null = null;
let close: (() => Promise<void>) | null = null;

afterEach(async () => {
  await close?.();
  store?.dispose();
  store = close = null;
});

function setup() {
  store = tempStore();
  const events = new CoreEvents();
  const jobs = new JobRegistry(events);
  const market = createMarketHandlers({
    candles: store.repo,
    funding: new FundingRepo(store.db),
    settings: () => DEFAULT_SETTINGS,
    events,
    jobs,
    clock: systemClock,
    backend: () => 'cpu',
  });
  close = market.close;
  const dispatch = domainDispatch({
    ...market.handlers,
    'job.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  });
  const call = (method: string, params: unknown, signal = new AbortController().signal) =>
    dispatch(method, params, { signal });
  const fail = (method: string, params: unknown) =>
    call(method, params).then(
      () => {
        throw new Error(`${method} succeeded`);
      },
      (e: unknown) => e as CoreError,
    );
  const sendChunk = (chunk: unknown) =>
    call('market.upload.chunk', chunk) as Promise<{ uploadId: string; chars: number }>;
  return { store, events, call, fail, sendChunk };
}

function hourlyCsv(rows: number): string {
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < rows; i++) lines.push(`${T0 + i * HOUR},100,101,99,100.5,${1 + (i % 7)}`);
  return `${lines.join('\n')}\n`;
}

describe('CSV upload and import', () => {
  it('imports a file sent in chunks, reporting progress as a job', async () => {
    const { store, events, call, sendChunk } = setup();
    const text = hourlyCsv(30_000);
    const progress: EventPayload<'job.progress'>[] = [];
    events.on('job.progress', (event) => progress.push(event));
    const source = await importSource(text, sendChunk, undefined, 64 * 1024);
    expect('uploadId' in source).toBe(true);
    const result = await call('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '60',
      jobId: 'import-1',
      ...source,
    });
    expect(result).toMatchObject({ rows: 30_000, first: T0, last: T0 + 29_999 * HOUR });
    expect(store.repo.coverage({ feed: 'csv', symbol: 'BTCUSDT', interval: '60' }).count).toBe(30_000);
    const mine = progress.filter((p) => p.jobId === 'import-1');
    expect(mine.at(-1)?.state).toBe('done');
    expect(mine.filter((p) => p.state === 'running').length).toBeGreaterThan(1);
    // An upload is taken once.
    const again = await call('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '60',
      ...source,
    }).catch((e: unknown) => e as CoreError);
    expect((again as CoreError).code).toBe('NOT_FOUND');
  });

  it('refuses chunks out of order, chunks above the cap, and a path', async () => {
    const { fail, sendChunk } = setup();
    const first = await sendChunk({ seq: 0, content: 'time,open' });
    expect((await fail('market.upload.chunk', { uploadId: first.uploadId, seq: 2, content: 'x' })).code).toBe(
      'INVALID_PARAMS',
    );
    expect(
      (await fail('market.upload.chunk', { seq: 0, content: 'x'.repeat(MAX_UPLOAD_CHUNK_CHARS + 1) })).code,
    ).toBe('INVALID_PARAMS');
    const withPath = await fail('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '60',
      path: '/etc/passwd',
    });
    expect(withPath.code).toBe('INVALID_PARAMS');
    expect(withPath.message).not.toContain('root');
  });

  it('is cancelled by job.cancel while it parses, writing nothing', async () => {
    const { store, events, call, sendChunk } = setup();
    const source = await importSource(hourlyCsv(200_000), sendChunk);
    events.on('job.progress', (event) => {
      if (event.jobId === 'import-c' && event.state === 'running')
        void call('job.cancel', { jobId: 'import-c' });
    });
    const err = (await call('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '60',
      jobId: 'import-c',
      ...source,
    }).catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('CANCELLED');
    expect(store.repo.coverage({ feed: 'csv', symbol: 'BTCUSDT', interval: '60' }).count).toBe(0);
  });

  it.each(['bybit', 'bybit-testnet', 'simulator'])(
    'never imports into the exchange feed %s',
    async (feed) => {
      const { store, fail } = setup();
      const err = await fail('market.importCsv', {
        feed,
        symbol: 'BTCUSDT',
        interval: '60',
        content: hourlyCsv(2),
      });
      expect(err.code).toBe('INVALID_PARAMS');
      expect(err.message).toMatch(/feed of your own, e\.g\. 'csv'/);
      expect(store.repo.coverage({ feed, symbol: 'BTCUSDT', interval: '60' }).count).toBe(0);
    },
  );

  it('quotes at most a short excerpt of a foreign first line and of a 5 MB cell', async () => {
    const { fail, sendChunk } = setup();
    const secret = `CANARY-SECRET-4242:x:0:0:${'root:'.repeat(100)}`;
    const header = await fail('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '60',
      content: `${secret}\n`,
    });
    expect(header.code).toBe('INVALID_CSV');
    expect(JSON.stringify(header).length).toBeLessThan(1_000);
    expect(header.message).not.toContain(secret);

    const huge = 'x'.repeat(5 * 1024 * 1024);
    const source = await importSource(
      `time,open,high,low,close,volume\n${T0},${huge},2,0.5,1,1\n`,
      sendChunk,
    );
    const cell = await fail('market.importCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      interval: '60',
      ...source,
    });
    expect(cell.code).toBe('INVALID_CSV');
    expect(JSON.stringify(cell).length).toBeLessThan(2_000);
    expect(cell.message).toMatch(/line 2, column open/);
  });
});

describe('funding CSV import', () => {
  it('imports funding_time_ms,funding_rate rows for an imported feed, all or nothing', async () => {
    const { fail, call } = setup();
    const funding = new FundingRepo(store!.db);
    const EIGHT_H = 8 * HOUR;
    const rows = Array.from({ length: 30 }, (_, i) => `${T0 + i * EIGHT_H},${(i % 5) * 0.0001 - 0.0001}`);
    const result = await call('market.importFundingCsv', {
      feed: 'csv',
      symbol: 'BTCUSDT',
      content: `funding_time_ms,funding_rate\n${rows.reverse().join('\n')}\n`,
    });
    expect(result).toEqual({ rows: 30, first: T0, last: T0 + 29 * EIGHT_H });
    const stored = funding.range({ feed: 'csv', symbol: 'BTCUSDT', from: 0, to: Date.UTC(2100, 0, 1) });
    expect(stored).toHaveLength(30);
    expect(stored[1]).toEqual({ symbol: 'BTCUSDT', fundingTimeMs: T0 + EIGHT_H, rate: 0 });
    expect(funding.coverage('csv', 'BTCUSDT')).toMatchObject({
      checkedFrom: T0,
      checkedTo: T0 + 29 * EIGHT_H,
    });

    const bad = await fail('market.importFundingCsv', {
      feed: 'csv2',
      symbol: 'BTCUSDT',
      content: `funding_time_ms,funding_rate\n${T0},0.0001\n${T0 + EIGHT_H},1.5\n${T0 + EIGHT_H},x\n99999,0\n`,
    });
    expect(bad.code).toBe('INVALID_CSV');
    const rowsInError = (bad.details as { errors: { row: number }[] }).errors.map((e) => e.row);
    expect(rowsInError).toEqual([3, 4, 5]);
    expect(funding.coverage('csv2', 'BTCUSDT').count).toBe(0);

    const exchange = await fail('market.importFundingCsv', {
      feed: 'bybit',
      symbol: 'BTCUSDT',
      content: `${T0},0.0001\n`,
    });
    expect(exchange.code).toBe('INVALID_PARAMS');
    expect(exchange.message).toMatch(/feed of your own/);
  });
});
