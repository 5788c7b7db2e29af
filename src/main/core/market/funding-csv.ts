// Importing funding history for an imported feed from a CSV file of `funding_time_ms,funding_rate`
// rows (the header may name them in any order, any case; without a header the columns are time,
// rate). Validated whole before anything is written, then written in one transaction through the
// funding store, which then knows the file's span as complete (a backtest over it models funding).
import type { FundingRate } from '../../../shared/domain';
import { excerpt } from '../../../shared/errors';
import type { FundingRepo } from '../store/funding.repo';
import { LATEST_OPEN_TIME } from './csv-import';
import {
  detectSeparator,
  ErrorList,
  invalidCsv,
  parseAll,
  parseInSlices,
  parseNumber,
  quote,
  splitCells,
  type LineParser,
  type SliceOptions,
} from './csv-text';

export interface FundingImportResult {
  rows: number;
  first: number | null;
  last: number | null;
}

/** A rate beyond ±100% per funding interval is a unit mistake (percent for a fraction), not data. */
const MAX_ABS_RATE = 1;

const TIME_NAMES = new Set(['funding_time_ms', 'funding_time', 'fundingratetimestamp', 'time', 'timestamp']);
const RATE_NAMES = new Set(['funding_rate', 'fundingrate', 'rate']);

export function parseFundingCsv(text: string, symbol: string): FundingRate[] {
  return parseAll(text, new FundingParser(symbol));
}

export function parseFundingCsvInSlices(
  text: string,
  symbol: string,
  options: SliceOptions,
): Promise<FundingRate[]> {
  return parseInSlices(text, new FundingParser(symbol), options);
}

export function writeFunding(
  repo: FundingRepo,
  feed: string,
  symbol: string,
  rates: FundingRate[],
): FundingImportResult {
  repo.upsert(feed, rates);
  const first = rates[0]?.fundingTimeMs ?? null;
  const last = rates[rates.length - 1]?.fundingTimeMs ?? null;
  if (first !== null && last !== null) repo.markChecked(feed, symbol, first, last);
  return { rows: rates.length, first, last };
}

class FundingParser implements LineParser<FundingRate[]> {
  private separator = ',';
  private columns: { time: number; rate: number } | null = null;
  private readonly errors = new ErrorList();
  private readonly seen = new Map<number, number>();
  private readonly rates: FundingRate[] = [];

  constructor(private readonly symbol: string) {}

  line(index: number, line: string): void {
    if (line.trim() === '') return;
    const row = index + 1;
    if (!this.columns) {
      this.separator = detectSeparator(line);
      const cells = splitCells(line, this.separator);
      const isHeader = cells.every((cell) => typeof parseNumber(cell, this.separator) === 'string');
      if (!isHeader) {
        this.columns = { time: 0, rate: 1 };
      } else {
        const names = cells.map((cell) => cell.toLowerCase().replace(/[\s-]+/g, '_'));
        const time = names.findIndex((n) => TIME_NAMES.has(n));
        const rate = names.findIndex((n) => RATE_NAMES.has(n));
        if (time < 0 || rate < 0) {
          throw invalidCsv(
            `The header on line ${row} (${excerpt(cells.join(', '))}) does not name the columns funding_time_ms and funding_rate.`,
            [{ row, message: 'expected the columns funding_time_ms and funding_rate' }],
          );
        }
        this.columns = { time, rate };
        return;
      }
    }
    const cells = splitCells(line, this.separator);
    const timeCell = cells[this.columns.time] ?? '';
    const rateCell = cells[this.columns.rate] ?? '';
    const before = this.errors.count;
    let time = NaN;
    if (!/^\d+$/.test(timeCell)) {
      this.errors.add({
        row,
        column: 'funding_time_ms',
        message: `time ${quote(timeCell)} is not whole milliseconds`,
      });
    } else {
      time = Number(timeCell);
      if (time < 1e11 || time >= LATEST_OPEN_TIME)
        this.errors.add({
          row,
          column: 'funding_time_ms',
          message: `time ${excerpt(timeCell)} is not epoch milliseconds between 1973 and 2999`,
        });
    }
    const rate = parseNumber(rateCell, this.separator);
    if (typeof rate === 'string')
      this.errors.add({ row, column: 'funding_rate', message: `rate ${quote(rateCell)} ${rate}` });
    else if (Math.abs(rate) > MAX_ABS_RATE)
      this.errors.add({
        row,
        column: 'funding_rate',
        message: `rate ${rate} is beyond ±${MAX_ABS_RATE} (rates are fractions: 0.0001 = 0.01%)`,
      });
    if (this.errors.count > before) return;
    const earlier = this.seen.get(time);
    if (earlier !== undefined) {
      this.errors.add({
        row,
        column: 'funding_time_ms',
        message: `duplicate time ${new Date(time).toISOString()}, already on line ${earlier}`,
      });
      return;
    }
    this.seen.set(time, row);
    this.rates.push({ symbol: this.symbol, fundingTimeMs: time, rate: rate as number });
  }

  finish(): FundingRate[] {
    if (this.errors.count > 0) throw this.errors.toError();
    if (this.rates.length === 0)
      throw invalidCsv('The CSV file has no funding rows (funding_time_ms,funding_rate).', []);
    return this.rates.sort((a, b) => a.fundingTimeMs - b.fundingTimeMs);
  }
}
