// CSV import: formats it accepts, every validation rule with its file line number, all-or-nothing writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeriesKey } from '../../src/shared/domain';
import { CoreError } from '../../src/shared/errors';
import {
  importCsv,
  MAX_REPORTED_ERRORS,
  parseOhlcvCsv,
  type CsvRowError,
} from '../../src/main/core/market/csv-import';
import { CandlesRepo } from '../../src/main/core/store/candles.repo';
import { openDatabase, type Db } from '../../src/main/core/store/db';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday, midnight UTC
const KEY: SeriesKey = { feed: 'import', symbol: 'BTCUSDT', interval: '60' };

let dir: string;
let db: Db;
let repo: CandlesRepo;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossdesk-csv-'));
  db = openDatabase(join(dir, 'store.sqlite'));
  repo = new CandlesRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function csvError(
  text: string,
  interval: SeriesKey['interval'] = '60',
): { message: string; errors: CsvRowError[]; errorCount: number } {
  try {
    parseOhlcvCsv(text, interval);
  } catch (err) {
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('INVALID_CSV');
    const details = (err as CoreError).details as { errors: CsvRowError[]; errorCount: number };
    return { message: (err as CoreError).message, ...details };
  }
  throw new Error('expected INVALID_CSV');
}

describe('formats', () => {
  it('reads millisecond times with a header and computes turnover as volume × close', () => {
    const text = `time,open,high,low,close,volume\n${T0},100,110,90,105,2\n${T0 + HOUR},105,106,104,104.5,3\n`;
    const { candles, timeFormat } = parseOhlcvCsv(text, '60');
    expect(timeFormat).toBe('ms');
    expect(candles).toEqual([
      { openTime: T0, open: 100, high: 110, low: 90, close: 105, volume: 2, turnover: 210, confirmed: true },
      {
        openTime: T0 + HOUR,
        open: 105,
        high: 106,
        low: 104,
        close: 104.5,
        volume: 3,
        turnover: 313.5,
        confirmed: true,
      },
    ]);
  });

  it('reads second times without a header, with a turnover column', () => {
    const { candles, timeFormat } = parseOhlcvCsv(`${T0 / 1000},1,2,0.5,1.5,10,14\n`, '60');
    expect(timeFormat).toBe('s');
    expect(candles[0]).toMatchObject({ openTime: T0, volume: 10, turnover: 14 });
  });

  it('reads ISO 8601 times in their variants; no offset means UTC', () => {
    const text = [
      'Date;Open;High;Low;Close;Volume',
      '2024-01-01T00:00:00Z;1;2;0,5;1,5;10',
      '2024-01-01 01:00;1;2;0.5;1.5;10',
      '2024-01-01T04:00:00.000+02:00;1;2;0.5;1.5;10',
      '"2024-01-01T03:00:00-00:00";1;2;0.5;1.5;10',
    ].join('\r\n');
    const { candles, timeFormat } = parseOhlcvCsv(text, '60');
    expect(timeFormat).toBe('iso');
    expect(candles.map((c) => c.openTime)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(candles[0]?.low).toBe(0.5); // decimal comma with ; separators
  });

  it('finds columns by name in any order and case, and ignores unknown ones', () => {
    const text = `\uFEFFVolume\tCLOSE\ttrades\tLow\tHigh\tOpen\tTimestamp\tTurnover\n3\t105\t77\t90\t110\t100\t${T0}\t999\n`;
    expect(parseOhlcvCsv(text, '60').candles).toEqual([
      { openTime: T0, open: 100, high: 110, low: 90, close: 105, volume: 3, turnover: 999, confirmed: true },
    ]);
  });

  it('sorts rows given in any order and skips blank lines', () => {
    const text = `${T0 + 2 * HOUR},1,2,0.5,1,1\n\n${T0},1,2,0.5,1,1\n  \n${T0 + HOUR},1,2,0.5,1,1`;
    expect(parseOhlcvCsv(text, '60').candles.map((c) => c.openTime)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
  });

  it('accepts day, week and month alignment', () => {
    expect(parseOhlcvCsv('2024-01-02,1,1,1,1,0', 'D').candles).toHaveLength(1);
    expect(parseOhlcvCsv('2024-01-08,1,1,1,1,0', 'W').candles).toHaveLength(1); // a Monday
    expect(parseOhlcvCsv('2024-02-01,1,1,1,1,0', 'M').candles).toHaveLength(1);
    expect(csvError('2024-01-03,1,1,1,1,0', 'W').errors[0]?.message).toMatch(/not the open of a bar/);
    expect(csvError('2024-02-02,1,1,1,1,0', 'M').errors[0]?.message).toMatch(/not the open of a bar/);
  });
});

describe('validation, with file line numbers', () => {
  const header = 'time,open,high,low,close,volume';
  const ok = (hour: number) => `${T0 + hour * HOUR},100,110,90,105,1`;

  it.each([
    ['high below close', `${T0 + HOUR},100,104,90,105,1`, 'high', /high 104 is below close 105/],
    ['high below open', `${T0 + HOUR},106,105,90,100,1`, 'high', /high 105 is below open 106/],
    ['low above open', `${T0 + HOUR},100,110,101,105,1`, 'low', /low 101 is above open 100/],
    ['a zero price', `${T0 + HOUR},100,110,0,105,1`, 'low', /low 0 must be positive/],
    ['a negative volume', `${T0 + HOUR},100,110,90,105,-1`, 'volume', /volume -1 must not be negative/],
    ['a non-number', `${T0 + HOUR},abc,110,90,105,1`, 'open', /open "abc" is not a number/],
    ['NaN', `${T0 + HOUR},100,NaN,90,105,1`, 'high', /high "NaN" is not a number/],
    ['Infinity', `${T0 + HOUR},100,1e999,90,105,1`, 'high', /not a finite number/],
    ['an empty cell', `${T0 + HOUR},100,110,,105,1`, 'low', /low "" is empty/],
    [
      'a misaligned time',
      `${T0 + HOUR + 60_000},100,110,90,105,1`,
      'time',
      /2024-01-01T01:01:00.000Z is not the open of a bar/,
    ],
    [
      'seconds in a millisecond file',
      `${(T0 + HOUR) / 1000},100,110,90,105,1`,
      'time',
      /looks like seconds but the file's times are milliseconds \(as on line 2\)/,
    ],
    ['a date in a millisecond file', '2024-01-01T01:00:00Z,100,110,90,105,1', 'time', /is a date but/],
    ['an impossible date', '2024-02-30T00:00:00Z,100,110,90,105,1', 'time', /not a valid time/],
  ])('refuses %s and names the line and column', (_, badRow, column, message) => {
    // Line 1 header, line 2 good, line 3 blank, line 4 the bad row.
    const { errors, errorCount } = csvError(`${header}\n${ok(0)}\n\n${badRow}\n${ok(2)}\n`);
    expect(errorCount).toBe(1);
    expect(errors[0]).toMatchObject({ row: 4, column });
    expect(errors[0]?.message).toMatch(message);
  });

  it('refuses a duplicate time, pointing at both lines', () => {
    const { errors } = csvError(`${header}\n${ok(0)}\n${ok(1)}\n${ok(0)}\n`);
    expect(errors).toEqual([
      { row: 4, column: 'time', message: expect.stringMatching(/duplicate time .* already on line 2/) },
    ]);
  });

  it('refuses short rows, a bad header, and headerless rows of the wrong width', () => {
    expect(csvError(`${header}\n${ok(0)}\n${T0 + HOUR},1,2\n`).errors[0]).toMatchObject({ row: 3 });
    const missing = csvError(`time,open,high,low,volume\n${ok(0)}\n`);
    expect(missing.errors[0]).toMatchObject({ row: 1, message: 'missing column: close' });
    expect(csvError(`time,open,high,low,close,volume,vol\n${ok(0)}\n`).errors[0]?.message).toMatch(
      /both give the volume/,
    );
    expect(csvError(`${T0},1,2,0.5,1,1,7,8,9\n`).message).toMatch(/Without a header line/);
    expect(csvError('').message).toMatch(/empty/);
    expect(csvError(`${header}\n\n`).message).toMatch(/no candle rows/);
  });

  it('caps the listed errors and gives the total', () => {
    const rows = Array.from({ length: 80 }, (_, i) => `${T0 + i * HOUR},100,1,90,105,1`);
    const { errors, errorCount, message } = csvError(`${header}\n${rows.join('\n')}`);
    expect(errorCount).toBe(80);
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(errors[0]?.row).toBe(2);
    expect(message).toMatch(/line 2, column high: high 1 is below close 105 and 79 more errors/);
  });
});

describe('importCsv', () => {
  it('writes confirmed candles closing at open + interval, and reports the range', () => {
    const result = importCsv(repo, KEY, `${T0 + HOUR},1,2,0.5,1.5,10\n${T0},1,2,0.5,1.5,10\n`);
    expect(result).toEqual({ rows: 2, first: T0, last: T0 + HOUR, timeFormat: 'ms' });
    expect(repo.range(KEY).map((c) => c.openTime)).toEqual([T0, T0 + HOUR]);
    expect(repo.get(KEY, T0)).toMatchObject({ confirmed: true, updatedAt: T0 + HOUR, turnover: 15 });
    // Re-importing the same file is harmless.
    expect(importCsv(repo, KEY, `${T0},1,2,0.5,1.5,10\n`).rows).toBe(1);
    expect(repo.coverage(KEY)).toMatchObject({ count: 2, gaps: 0 });
  });

  it('writes nothing when any row is bad, even the last one', () => {
    const good = Array.from({ length: 100 }, (_, i) => `${T0 + i * HOUR},1,2,0.5,1.5,10`);
    const text = [...good, `${T0 + 100 * HOUR},1,2,0.5,1.5,-10`].join('\n');
    expect(() => importCsv(repo, KEY, text)).toThrow(CoreError);
    expect(repo.range(KEY)).toEqual([]);
    expect(repo.listSeries()).toEqual([]);
  });
});

describe('edge cases (issue: hardening)', () => {
  it('refuses a volume whose derived turnover overflows, with its row and INVALID_CSV', () => {
    const { errors } = csvError(
      `time,open,high,low,close,volume\n${T0},1,2,0.5,1.5,10\n${T0 + HOUR},100,200,50,150,1e308\n`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 3, column: 'volume' });
    expect(errors[0]!.message).toMatch(/too large/);
  });

  it('refuses open times in the year 5138 (seconds), and ms or ISO times after 2999', () => {
    const seconds = csvError(`time,open,high,low,close,volume\n99999997200,1,2,0.5,1.5,10\n`);
    expect(seconds.errors[0]).toMatchObject({ row: 2, column: 'time' });
    expect(seconds.errors[0]!.message).toMatch(/after the year 2999/);
    const ms = csvError(`${Date.UTC(3000, 0, 1)},1,2,0.5,1.5,10\n`);
    expect(ms.errors[0]!.message).toMatch(/after the year 2999/);
    const isoTime = csvError(`time,open,high,low,close,volume\n5138-01-01,1,2,0.5,1.5,10\n`, 'D');
    expect(isoTime.errors[0]!.message).toMatch(/after the year 2999/);
  });

  it('quotes a huge cell as a short excerpt', () => {
    const huge = '9'.repeat(100_000) + 'x';
    const { message, errors } = csvError(`time,open,high,low,close,volume\n${T0},${huge},2,0.5,1.5,10\n`);
    expect(message.length).toBeLessThan(400);
    expect(errors[0]!.message.length).toBeLessThan(200);
    expect(errors[0]!.message).toContain('100001 characters');
  });

  it('does not take a header named after an Object.prototype member for a column', () => {
    const { message } = csvError(`constructor,open,high,low,close,volume\n${T0},1,2,0.5,1.5,10\n`);
    expect(message).toMatch(/missing column: time/);
  });
});
