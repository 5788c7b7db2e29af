// The text layer shared by the CSV importers (candles, funding): lines read one at a time from one
// string (no split of a 100 MB file into an array), separators, quoted cells, numbers, row errors,
// and a driver that parses in slices so that a large file never holds the event loop for long.
import { CoreError, excerpt } from '../../../shared/errors';

export interface CsvRowError {
  /** 1-based line number in the file (blank lines count). */
  row: number;
  /** The column as named in the file's header (or the standard name when there is none). */
  column?: string;
  message: string;
}

/** The most row errors reported in one INVALID_CSV error; `errorCount` gives the total. */
export const MAX_REPORTED_ERRORS = 50;

/** Longest excerpt of a cell quoted in a message. */
export const CELL_EXCERPT = 40;

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** Each line of `text` with its 0-based index; \r\n, \n and \r all end a line; a BOM is dropped. */
export function* csvLines(text: string): Generator<[index: number, line: string, end: number]> {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let index = 0;
  while (start <= text.length) {
    let end = start;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    if (end === text.length && start === end && index > 0) return;
    yield [index++, text.slice(start, end), end];
    if (end >= text.length) return;
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
}

export function detectSeparator(line: string): string {
  if (line.includes(';')) return ';';
  if (line.includes('\t')) return '\t';
  return ',';
}

export function splitCells(line: string, separator: string): string[] {
  return line.split(separator).map((cell) => {
    const trimmed = cell.trim();
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
      ? trimmed.slice(1, -1).trim()
      : trimmed;
  });
}

/** A finite number, or a message. */
export function parseNumber(cell: string, separator: string): number | string {
  if (cell === '') return 'is empty';
  const text = separator === ';' && DECIMAL_COMMA.test(cell) ? cell.replace(',', '.') : cell;
  if (!NUMBER.test(text)) return 'is not a number';
  const value = Number(text);
  return Number.isFinite(value) ? value : 'is not a finite number';
}

/** A cell as quoted in a message: never more than CELL_EXCERPT characters of it. */
export function quote(cell: string): string {
  return `"${excerpt(cell, CELL_EXCERPT)}"`;
}

export function invalidCsv(message: string, errors: CsvRowError[], errorCount = errors.length): CoreError {
  return new CoreError('INVALID_CSV', message, { errors, errorCount });
}

export class ErrorList {
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
    return invalidCsv(
      `The CSV file has invalid rows, so nothing was imported. First: ${where}: ${first.message}${more}.` +
        (this.count > MAX_REPORTED_ERRORS ? ` The first ${MAX_REPORTED_ERRORS} are listed.` : ''),
      this.kept,
      this.count,
    );
  }
}

/** Something that takes a file one line at a time. */
export interface LineParser<T> {
  line(index: number, text: string): void;
  finish(): T;
}

export interface SliceOptions {
  /** Yields to the event loop between slices (setImmediate in the core). */
  pause: () => Promise<void>;
  /** Characters parsed so far of the total. */
  progress?: (doneChars: number, totalChars: number) => void;
  /** Throws to stop (a cancelled job). */
  throwIfCancelled?: () => void;
  /** Time one slice may take before yielding; default 8 ms. */
  sliceMs?: number;
}

/** Runs `parser` over `text` in one go (small inputs, tests). */
export function parseAll<T>(text: string, parser: LineParser<T>): T {
  for (const [index, line] of csvLines(text)) parser.line(index, line);
  return parser.finish();
}

/** Runs `parser` over `text` in slices of a few milliseconds, with progress and cancel between them. */
export async function parseInSlices<T>(
  text: string,
  parser: LineParser<T>,
  options: SliceOptions,
): Promise<T> {
  const sliceMs = options.sliceMs ?? 8;
  let sliceStart = performance.now();
  let count = 0;
  for (const [index, line, end] of csvLines(text)) {
    parser.line(index, line);
    // Checking the clock every 256 lines keeps its cost out of the loop.
    if (++count % 256 === 0 && performance.now() - sliceStart > sliceMs) {
      options.progress?.(end, text.length);
      await options.pause();
      options.throwIfCancelled?.();
      sliceStart = performance.now();
    }
  }
  options.progress?.(text.length, text.length);
  return parser.finish();
}
