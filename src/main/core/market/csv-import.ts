// Importing OHLCV candles from a CSV file. The whole file is validated before anything is written,
// and then written in one transaction: a file imports completely or not at all.
//
// What a file may look like:
// - Separator: comma, semicolon or tab, detected from the first line. With semicolons, a decimal
//   comma is accepted (1,5 = 1.5), as spreadsheets in many locales write it.
// - Header: a first line whose cells are all non-numeric is a header; its columns may come in any
//   order, any case: time (also timestamp, date, datetime, open_time, start), open, high, low,
//   close, volume (also vol), optional turnover (also quote_volume, value); other columns are
//   ignored. Without a header the columns are time, open, high, low, close, volume[, turnover].
// - Times: one format per file, detected from the first data row: integer milliseconds
//   (>= 1e11), integer seconds (< 1e11, i.e. before the year 5138), or ISO 8601 (2024-01-31,
//   2024-01-31T13:00, 2024-01-31 13:00:00.000Z, with an optional offset; no offset means UTC).
// - Each time is the bar's OPEN time and must be aligned to the interval (13:05 for 5-minute bars,
//   midnight UTC for days, Monday for weeks, the 1st for months). Misaligned times are refused, not
//   rounded: they usually mean close times or the wrong interval, and rounding would silently shift
//   every bar.
// - Rows may come in any order; they are written sorted by time. A time may appear only once.
// Imported candles are confirmed; turnover defaults to volume × close; their updated_at is the
// close of the bar (its open time + the interval).
import { barOpenTime, type Candle, type Interval, type SeriesKey } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import { nextBarOpenTime } from '../store/bar-times';
import type { CandlesRepo } from '../store/candles.repo';
import type { CandleWrite } from '../store/types';

export type CsvTimeFormat = 'ms' | 's' | 'iso';

export interface CsvImportResult {
  rows: number;
  first: number | null;
  last: number | null;
  timeFormat: CsvTimeFormat;
}

export interface CsvRowError {
  /** 1-based line number in the file (blank lines count). */
  row: number;
  /** The column as named in the file's header (or the standard name when there is none). */
  column?: string;
  message: string;
}

/** The most row errors reported in one INVALID_CSV error; `errorCount` gives the total. */
export const MAX_REPORTED_ERRORS = 50;

/** Values below this are seconds, above it milliseconds (1e11 ms is March 1973, 1e11 s the year 5138). */
const MS_THRESHOLD = 1e11;

type Field = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'turnover';
const REQUIRED: readonly Field[] = ['time', 'open', 'high', 'low', 'close', 'volume'];
const PRICES = ['open', 'high', 'low', 'close'] as const;

const ALIASES: Record<string, Field> = {
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
};

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

interface Layout {
  /** Cell index of each field; turnover may be absent. */
  columns: Partial<Record<Field, number>>;
  names: Partial<Record<Field, string>>;
  /** Index of the first data line. */
  firstDataLine: number;
}

/** Parses and validates a whole file; throws CoreError('INVALID_CSV') listing row errors. */
export function parseOhlcvCsv(
  text: string,
  interval: Interval,
): { candles: Candle[]; timeFormat: CsvTimeFormat } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const firstLine = lines.findIndex((line) => line.trim() !== '');
  if (firstLine < 0)
    throw invalid('The CSV file is empty: expected rows of time, open, high, low, close, volume.', []);

  const separator = detectSeparator(lines[firstLine] as string);
  const layout = readLayout(lines, firstLine, separator);
  const errors = new ErrorList();
  const timeFormat = detectTimeFormat(lines, layout, separator);
  const seen = new Map<number, number>();
  const candles: Candle[] = [];
  const needed = Math.max(...REQUIRED.map((field) => layout.columns[field] as number)) + 1;

  for (let index = layout.firstDataLine; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const row = index + 1;
    const cells = splitCells(line, separator);
    if (cells.length < needed) {
      errors.add({ row, message: `expected at least ${needed} columns, found ${cells.length}` });
      continue;
    }
    const before = errors.count;
    const openTime = parseTime(
      cells[layout.columns.time as number] as string,
      timeFormat.format,
      timeFormat.from,
      interval,
    );
    if (typeof openTime === 'string') errors.add({ row, column: layout.names.time, message: openTime });

    const values: Partial<Record<Field, number>> = {};
    for (const field of ['open', 'high', 'low', 'close', 'volume', 'turnover'] as const) {
      const column = layout.columns[field];
      if (column === undefined) continue;
      const cell = cells[column] ?? '';
      if (field === 'turnover' && cell === '') continue;
      const value = parseNumber(cell, separator);
      if (typeof value === 'string')
        errors.add({ row, column: layout.names[field], message: `${field} "${cell}" ${value}` });
      else values[field] = value;
    }
    if (errors.count > before || typeof openTime === 'string') continue;

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
    if (high < Math.max(open, close)) {
      const [which, value] = open > close ? ['open', open] : ['close', close];
      errors.add({ row, column: layout.names.high, message: `high ${high} is below ${which} ${value}` });
    }
    if (low > Math.min(open, close)) {
      const [which, value] = open < close ? ['open', open] : ['close', close];
      errors.add({ row, column: layout.names.low, message: `low ${low} is above ${which} ${value}` });
    }
    const earlier = seen.get(openTime);
    if (earlier !== undefined) {
      errors.add({
        row,
        column: layout.names.time,
        message: `duplicate time ${iso(openTime)}, already on line ${earlier}`,
      });
    } else {
      seen.set(openTime, row);
    }
    if (errors.count > before) continue;
    candles.push({
      openTime,
      open,
      high,
      low,
      close,
      volume,
      turnover: values.turnover ?? volume * close,
      confirmed: true,
    });
  }

  if (errors.count > 0) throw errors.toError();
  if (candles.length === 0) throw invalid('The CSV file has a header but no candle rows.', []);
  candles.sort((a, b) => a.openTime - b.openTime);
  return { candles, timeFormat: timeFormat.format };
}

/** Validates the whole file, then writes all its candles in one transaction (nothing if any row is bad). */
export function importCsv(repo: CandlesRepo, key: SeriesKey, text: string): CsvImportResult {
  const { candles, timeFormat } = parseOhlcvCsv(text, key.interval);
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

function detectSeparator(line: string): string {
  if (line.includes(';')) return ';';
  if (line.includes('\t')) return '\t';
  return ',';
}

function splitCells(line: string, separator: string): string[] {
  return line.split(separator).map((cell) => {
    const trimmed = cell.trim();
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
      ? trimmed.slice(1, -1).trim()
      : trimmed;
  });
}

function readLayout(lines: string[], firstLine: number, separator: string): Layout {
  const cells = splitCells(lines[firstLine] as string, separator);
  const row = firstLine + 1;
  // Column names never parse as numbers or dates; a data row always has numbers.
  const isHeader = cells.every(
    (cell) => typeof parseNumber(cell, separator) === 'string' && parseIso(cell) === null,
  );
  if (!isHeader) {
    if (cells.length !== 6 && cells.length !== 7) {
      throw invalid(
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
    return { columns, names, firstDataLine: firstLine };
  }

  const columns: Layout['columns'] = {};
  const names: Layout['names'] = {};
  const errors: CsvRowError[] = [];
  cells.forEach((cell, i) => {
    const field = ALIASES[cell.toLowerCase().replace(/[\s-]+/g, '_')];
    if (!field) return;
    if (columns[field] !== undefined) {
      errors.push({
        row,
        column: cell,
        message: `columns "${names[field]}" and "${cell}" both give the ${field}`,
      });
      return;
    }
    columns[field] = i;
    names[field] = cell;
  });
  const missing = REQUIRED.filter((field) => columns[field] === undefined);
  if (missing.length > 0) {
    errors.push({ row, message: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}` });
  }
  if (errors.length > 0) {
    throw invalid(
      `The header on line ${row} (${cells.join(', ')}) does not name the columns time, open, high, low, close and ` +
        `volume exactly once: ${errors.map((e) => e.message).join('; ')}.`,
      errors,
    );
  }
  return { columns, names, firstDataLine: firstLine + 1 };
}

/** The file's time format, from the first data row whose time cell parses; `from` is that line. */
function detectTimeFormat(
  lines: string[],
  layout: Layout,
  separator: string,
): { format: CsvTimeFormat; from: number } {
  for (let index = layout.firstDataLine; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const cell = splitCells(line, separator)[layout.columns.time as number] ?? '';
    if (/^\d+$/.test(cell)) return { format: Number(cell) >= MS_THRESHOLD ? 'ms' : 's', from: index + 1 };
    if (parseIso(cell) !== null) return { format: 'iso', from: index + 1 };
  }
  return { format: 'iso', from: layout.firstDataLine + 1 };
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
    if (format === 'iso') return `time "${cell}" is a number but ${context}`;
    if (unit !== format) return `time ${cell} looks like ${FORMAT_NAMES[unit]} but ${context}`;
    time = format === 's' ? value * 1000 : value;
    if (!Number.isSafeInteger(time)) return `time ${cell} is too large`;
  } else {
    const parsed = parseIso(cell);
    if (parsed === null) return `time "${cell}" is not a valid time; ${context}`;
    if (format !== 'iso') return `time "${cell}" is a date but ${context}`;
    time = parsed;
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

/** A finite number, or a message. */
function parseNumber(cell: string, separator: string): number | string {
  if (cell === '') return 'is empty';
  const text = separator === ';' && DECIMAL_COMMA.test(cell) ? cell.replace(',', '.') : cell;
  if (!NUMBER.test(text)) return 'is not a number';
  const value = Number(text);
  return Number.isFinite(value) ? value : 'is not a finite number';
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

function invalid(message: string, errors: CsvRowError[], errorCount = errors.length): CoreError {
  return new CoreError('INVALID_CSV', message, { errors, errorCount });
}

class ErrorList {
  count = 0;
  private readonly kept: CsvRowError[] = [];

  add(error: CsvRowError): void {
    this.count++;
    if (this.kept.length < MAX_REPORTED_ERRORS) this.kept.push(error);
  }

  toError(): CoreError {
    const first = this.kept[0] as CsvRowError;
    const where = first.column ? `line ${first.row}, column ${first.column}` : `line ${first.row}`;
    const more = this.count > 1 ? ` and ${this.count - 1} more error${this.count > 2 ? 's' : ''}` : '';
    return invalid(
      `The CSV file has invalid rows, so nothing was imported. First: ${where}: ${first.message}${more}.` +
        (this.count > MAX_REPORTED_ERRORS ? ` The first ${MAX_REPORTED_ERRORS} are listed.` : ''),
      this.kept,
      this.count,
    );
  }
}
