// Importing OHLCV candles from a CSV file. The whole file is validated before anything is written,
// and then written in one transaction: a file imports completely or not at all. The text arrives as
// content (uploaded in chunks for large files, see uploads.ts), never as a path; it is parsed line by
// line, in slices when large, and messages quote at most a short excerpt of any cell.
//
// What a file may look like:
// - Separator: comma, semicolon or tab, detected from the first line. With semicolons, a decimal
//   comma is accepted (1,5 = 1.5), as spreadsheets in many locales write it.
// - Header: a first line whose cells are all non-numeric is a header; its columns may come in any
//   order, any case: time (also timestamp, date, datetime, open_time, start), open, high, low,
//   close, volume (also vol), optional turnover (also quote_volume, value); other columns are
//   ignored. Without a header the columns are time, open, high, low, close, volume[, turnover].
// - Times: one format per file, detected from the first data row: integer milliseconds
//   (>= 1e11), integer seconds (< 1e11), or ISO 8601 (2024-01-31, 2024-01-31T13:00,
//   2024-01-31 13:00:00.000Z, with an optional offset; no offset means UTC). Times from the year
//   3000 on are refused (they are a unit mix-up, not market data).
// - Each time is the bar's OPEN time and must be aligned to the interval (13:05 for 5-minute bars,
//   midnight UTC for days, Monday for weeks, the 1st for months). Misaligned times are refused, not
//   rounded: they usually mean close times or the wrong interval, and rounding would silently shift
//   every bar.
// - Rows may come in any order; they are written sorted by time. A time may appear only once.
// Imported candles are confirmed; turnover defaults to volume × close; their updated_at is the
// close of the bar (its open time + the interval).
import { barOpenTime, type Candle, type Interval, type SeriesKey } from '../../../shared/domain';
import { excerpt } from '../../../shared/errors';
import { nextBarOpenTime } from '../store/bar-times';
import type { CandlesRepo } from '../store/candles.repo';
import type { CandleWrite } from '../store/types';
import {
  detectSeparator,
  ErrorList,
  invalidCsv,
  parseAll,
  parseInSlices,
  parseNumber,
  quote,
  splitCells,
  type CsvRowError,
  type LineParser,
  type SliceOptions,
} from './csv-text';

export { MAX_REPORTED_ERRORS, type CsvRowError } from './csv-text';

export type CsvTimeFormat = 'ms' | 's' | 'iso';

export interface CsvImportResult {
  rows: number;
  first: number | null;
  last: number | null;
  timeFormat: CsvTimeFormat;
}

/** Values below this are seconds, above it milliseconds (1e11 ms is March 1973). */
const MS_THRESHOLD = 1e11;
/** The first open time refused: 3000-01-01 UTC. */
export const LATEST_OPEN_TIME = Date.UTC(3000, 0, 1);

type Field = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'turnover';
const REQUIRED: readonly Field[] = ['time', 'open', 'high', 'low', 'close', 'volume'];
const PRICES = ['open', 'high', 'low', 'close'] as const;

// A Map, so that a header cell such as `constructor` never reaches Object.prototype.
const ALIASES = new Map<string, Field>(
  Object.entries({
    time: 'time',
    timestamp: 'time',
    date: 'time',
    datetime: 'time',
    date_time: 'time',
    open_time: 'time',
    opentime: 'time',
    // The header `npm run cli -- candles --format csv` writes, so that an export imports back.
    open_time_ms: 'time',
    start: 'time',
    start_time: 'time',
    starttime: 'time',
    open: 'open',
    o: 'open',
    high: 'high',
    h: 'high',
    low: 'low',
    l: 'low',
    close: 'close',
    c: 'close',
    volume: 'volume',
    vol: 'volume',
    v: 'volume',
    turnover: 'turnover',
    quote_volume: 'turnover',
    quotevolume: 'turnover',
    value: 'turnover',
  } satisfies Record<string, Field>),
);

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

interface Layout {
  /** Cell index of each field; turnover may be absent. */
  columns: Partial<Record<Field, number>>;
  names: Partial<Record<Field, string>>;
  /** Cells a data row needs. */
  needed: number;
}

type Parsed = { candles: Candle[]; timeFormat: CsvTimeFormat };

/** Parses and validates a whole file; throws CoreError('INVALID_CSV') listing row errors. */
export function parseOhlcvCsv(text: string, interval: Interval): Parsed {
  return parseAll(text, new OhlcvParser(interval));
}

/** The same, in slices with progress and cancel (see parseInSlices). */
export function parseOhlcvCsvInSlices(
  text: string,
  interval: Interval,
  options: SliceOptions,
): Promise<Parsed> {
  return parseInSlices(text, new OhlcvParser(interval), options);
}

/** Validates the whole file, then writes all its candles in one transaction (nothing if any row is bad). */
export function importCsv(repo: CandlesRepo, key: SeriesKey, text: string): CsvImportResult {
  return writeCandles(repo, key, parseOhlcvCsv(text, key.interval));
}

/** Writes parsed candles in one transaction and says what was written. */
export function writeCandles(repo: CandlesRepo, key: SeriesKey, parsed: Parsed): CsvImportResult {
  const { candles, timeFormat } = parsed;
  const writes: CandleWrite[] = candles.map((c) => ({
    ...c,
    updatedAt: nextBarOpenTime(c.openTime, key.interval),
  }));
  repo.upsert(key, writes);
  return {
    rows: candles.length,
    first: candles[0]?.openTime ?? null,
    last: candles[candles.length - 1]?.openTime ?? null,
    timeFormat,
  };
}

/**
 * Takes the file line by line. The first non-blank line decides the separator and whether there is
 * a header; the time format comes from the first data row whose time cell parses, so rows before it
 * wait in `pending` (usually none).
 */
class OhlcvParser implements LineParser<Parsed> {
  private separator = ',';
  private layout: Layout | null = null;
  private format: { format: CsvTimeFormat; from: number } | null = null;
  private readonly pending: [number, string][] = [];
  private readonly errors = new ErrorList();
  private readonly seen = new Map<number, number>();
  private readonly candles: Candle[] = [];
  private firstDataRow = 0;

  constructor(private readonly interval: Interval) {}

  line(index: number, line: string): void {
    if (line.trim() === '') return;
    if (!this.layout) {
      this.separator = detectSeparator(line);
      const { layout, isHeader } = readLayout(line, index + 1, this.separator);
      this.layout = layout;
      this.firstDataRow = isHeader ? index + 2 : index + 1;
      if (isHeader) return;
    }
    if (!this.format) {
      const cell = splitCells(line, this.separator)[this.layout.columns.time as number] ?? '';
      if (/^\d+$/.test(cell))
        this.format = { format: Number(cell) >= MS_THRESHOLD ? 'ms' : 's', from: index + 1 };
      else if (parseIso(cell) !== null) this.format = { format: 'iso', from: index + 1 };
      else {
        this.pending.push([index, line]);
        return;
      }
      this.flushPending();
    }
    this.row(index + 1, line);
  }

  finish(): Parsed {
    if (!this.layout)
      throw invalidCsv('The CSV file is empty: expected rows of time, open, high, low, close, volume.', []);
    if (!this.format) {
      this.format = { format: 'iso', from: this.firstDataRow };
      this.flushPending();
    }
    if (this.errors.count > 0) throw this.errors.toError();
    if (this.candles.length === 0) throw invalidCsv('The CSV file has a header but no candle rows.', []);
    this.candles.sort((a, b) => a.openTime - b.openTime);
    return { candles: this.candles, timeFormat: this.format.format };
  }

  private flushPending(): void {
    for (const [index, line] of this.pending.splice(0)) this.row(index + 1, line);
  }

  private row(row: number, line: string): void {
    const layout = this.layout as Layout;
    const format = this.format as { format: CsvTimeFormat; from: number };
    const errors = this.errors;
    const cells = splitCells(line, this.separator);
    if (cells.length < layout.needed) {
      errors.add({ row, message: `expected at least ${layout.needed} columns, found ${cells.length}` });
      return;
    }
    const before = errors.count;
    const openTime = parseTime(
      cells[layout.columns.time as number] as string,
      format.format,
      format.from,
      this.interval,
    );
    if (typeof openTime === 'string') errors.add({ row, column: layout.names.time, message: openTime });

    const values: Partial<Record<Field, number>> = {};
    for (const field of ['open', 'high', 'low', 'close', 'volume', 'turnover'] as const) {
      const column = layout.columns[field];
      if (column === undefined) continue;
      const cell = cells[column] ?? '';
      if (field === 'turnover' && cell === '') continue;
      const value = parseNumber(cell, this.separator);
      if (typeof value === 'string')
        errors.add({ row, column: layout.names[field], message: `${field} ${quote(cell)} ${value}` });
      else values[field] = value;
    }
    if (errors.count > before || typeof openTime === 'string') return;

    const { open, high, low, close, volume } = values as Record<Field, number>;
    for (const field of PRICES) {
      if ((values[field] as number) <= 0) {
        errors.add({
          row,
          column: layout.names[field],
          message: `${field} ${values[field]} must be positive`,
        });
      }
    }
    if (volume < 0)
      errors.add({ row, column: layout.names.volume, message: `volume ${volume} must not be negative` });
    if (values.turnover !== undefined && values.turnover < 0) {
      errors.add({
        row,
        column: layout.names.turnover,
        message: `turnover ${values.turnover} must not be negative`,
      });
    }
    const turnover = values.turnover ?? volume * close;
    if (values.turnover === undefined && !Number.isFinite(turnover)) {
      errors.add({
        row,
        column: layout.names.volume,
        message: `volume ${volume} × close ${close} (the turnover) is too large to store; give a turnover column or smaller units`,
      });
    }
    if (high < Math.max(open, close)) {
      const [which, value] = open > close ? ['open', open] : ['close', close];
      errors.add({ row, column: layout.names.high, message: `high ${high} is below ${which} ${value}` });
    }
    if (low > Math.min(open, close)) {
      const [which, value] = open < close ? ['open', open] : ['close', close];
      errors.add({ row, column: layout.names.low, message: `low ${low} is above ${which} ${value}` });
    }
    const earlier = this.seen.get(openTime);
    if (earlier !== undefined) {
      errors.add({
        row,
        column: layout.names.time,
        message: `duplicate time ${iso(openTime)}, already on line ${earlier}`,
      });
    } else {
      this.seen.set(openTime, row);
    }
    if (errors.count > before) return;
    this.candles.push({ openTime, open, high, low, close, volume, turnover, confirmed: true });
  }
}

function readLayout(line: string, row: number, separator: string): { layout: Layout; isHeader: boolean } {
  const cells = splitCells(line, separator);
  // Column names never parse as numbers or dates; a data row always has numbers.
  const isHeader = cells.every(
    (cell) => typeof parseNumber(cell, separator) === 'string' && parseIso(cell) === null,
  );
  if (!isHeader) {
    if (cells.length !== 6 && cells.length !== 7) {
      throw invalidCsv(
        `Line ${row} has ${cells.length} columns. Without a header line, rows must be time, open, high, low, close, ` +
          'volume and optionally turnover; add a header line naming the columns.',
        [{ row, message: `expected 6 or 7 columns without a header, found ${cells.length}` }],
      );
    }
    const fields: Field[] = [...REQUIRED, 'turnover'];
    const columns: Layout['columns'] = {};
    const names: Layout['names'] = {};
    cells.forEach((_, i) => {
      const field = fields[i] as Field;
      columns[field] = i;
      names[field] = field;
    });
    return { layout: { columns, names, needed: REQUIRED.length }, isHeader };
  }

  const columns: Layout['columns'] = {};
  const names: Layout['names'] = {};
  const errors: CsvRowError[] = [];
  cells.forEach((cell, i) => {
    const field = ALIASES.get(cell.toLowerCase().replace(/[\s-]+/g, '_'));
    if (!field) return;
    const shown = excerpt(cell);
    if (columns[field] !== undefined) {
      errors.push({
        row,
        column: shown,
        message: `columns "${names[field]}" and "${shown}" both give the ${field}`,
      });
      return;
    }
    columns[field] = i;
    names[field] = shown;
  });
  const missing = REQUIRED.filter((field) => columns[field] === undefined);
  if (missing.length > 0) {
    errors.push({ row, message: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` });
  }
  if (errors.length > 0) {
    // The header is quoted as a short excerpt only: the text may be any file's first line.
    throw invalidCsv(
      `The header on line ${row} (${excerpt(cells.join(', '))}) does not name the columns time, open, high, low, close and ` +
        `volume exactly once: ${errors.map((e) => e.message).join('; ')}.`,
      errors,
    );
  }
  const needed = Math.max(...REQUIRED.map((field) => columns[field] as number)) + 1;
  return { layout: { columns, names, needed }, isHeader };
}

const FORMAT_NAMES: Record<CsvTimeFormat, string> = {
  ms: 'milliseconds',
  s: 'seconds',
  iso: 'ISO 8601 dates',
};

/** The open time in ms, or a message saying why the cell is not a valid open time. */
function parseTime(cell: string, format: CsvTimeFormat, from: number, interval: Interval): number | string {
  const context = `the file's times are ${FORMAT_NAMES[format]} (as on line ${from})`;
  let time: number;
  if (cell === '') return 'time is empty';
  if (/^\d+$/.test(cell)) {
    const value = Number(cell);
    const unit: CsvTimeFormat = value >= MS_THRESHOLD ? 'ms' : 's';
    if (format === 'iso') return `time ${quote(cell)} is a number but ${context}`;
    if (unit !== format) return `time ${excerpt(cell)} looks like ${FORMAT_NAMES[unit]} but ${context}`;
    time = format === 's' ? value * 1000 : value;
    if (!Number.isSafeInteger(time) || time >= LATEST_OPEN_TIME)
      return `time ${excerpt(cell)} is after the year 2999: check the unit (${context})`;
  } else {
    const parsed = parseIso(cell);
    if (parsed === null) return `time ${quote(cell)} is not a valid time; ${context}`;
    if (format !== 'iso') return `time ${quote(cell)} is a date but ${context}`;
    time = parsed;
    if (time >= LATEST_OPEN_TIME) return `time ${quote(cell)} is after the year 2999`;
  }
  if (time < 0) return `time ${iso(time)} is before 1970`;
  const open = barOpenTime(time, interval);
  if (open !== time) {
    return (
      `time ${iso(time)} is not the open of a bar of interval ${interval} (bars open at ${iso(open)}, ` +
      `${iso(nextBarOpenTime(open, interval))}, ...); times must be bar open times in UTC`
    );
  }
  return time;
}

/** Epoch ms of an ISO 8601 date or date-time, or null; impossible dates (Feb 30) are null. */
function parseIso(cell: string): number | null {
  const match = ISO.exec(cell);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const ms = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  const local = Date.UTC(year, month, day, Number(h), Number(mi), Number(s), ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  ) {
    return null;
  }
  if (!zone || zone.toUpperCase() === 'Z') return local;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  return local - sign * offset;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}
