// Bybit v5 kline payloads → CandleWrite. REST rows are 7 strings, newest first; websocket kline
// frames carry numbers for times and strings for prices. Anything that does not parse is rejected
// here, so nothing malformed ever reaches the store.
import { INTERVALS, barOpenTime, intervalMs, type Interval } from '../../../shared/domain';
import type { CandleWrite } from '../store/types';

/** Close time (exclusive end, epoch ms) of the bar opening at `openTime`. */
export function barCloseTime(openTime: number, interval: Interval): number {
  if (interval === 'M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return openTime + intervalMs(interval);
}

/** Open time of the bar after the one opening at `openTime`. */
export function nextOpenTime(openTime: number, interval: Interval): number {
  return barCloseTime(openTime, interval);
}

function finite(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

interface Ohlcv {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  turnover: number;
}

function validOhlcv(c: Ohlcv, interval: Interval): boolean {
  return (
    Number.isSafeInteger(c.openTime) &&
    c.openTime >= 0 &&
    barOpenTime(c.openTime, interval) === c.openTime &&
    c.volume >= 0 &&
    c.turnover >= 0 &&
    c.high >= c.low
  );
}

/**
 * One REST row `[startTime, open, high, low, close, volume, turnover]` (strings). The candle is
 * confirmed when it closed at or before the server's `serverTime`; `updatedAt` is that server time.
 * Returns null for a row that does not parse.
 */
export function parseRestRow(row: unknown, interval: Interval, serverTime: number): CandleWrite | null {
  if (!Array.isArray(row) || row.length < 7) return null;
  const [t, o, h, l, c, v, q] = row.map(finite);
  if (t == null || o == null || h == null || l == null || c == null || v == null || q == null) return null;
  const candle: Ohlcv = { openTime: t, open: o, high: h, low: l, close: c, volume: v, turnover: q };
  if (!validOhlcv(candle, interval)) return null;
  return { ...candle, confirmed: barCloseTime(t, interval) <= serverTime, updatedAt: serverTime };
}

/**
 * A REST `result.list` → candles ascending by open time, duplicates removed, restricted to
 * [from, to] when given. Throws (with the offending row index) when a row does not parse: a
 * malformed page is an exchange error, not something to store partially.
 */
export function parseRestRows(
  list: unknown,
  interval: Interval,
  serverTime: number,
  from = -Infinity,
  to = Infinity,
): CandleWrite[] {
  if (!Array.isArray(list)) throw new Error('result.list is not an array');
  const byOpen = new Map<number, CandleWrite>();
  list.forEach((row, index) => {
    const candle = parseRestRow(row, interval, serverTime);
    if (!candle) throw new Error(`row ${index} is not a valid kline: ${JSON.stringify(row).slice(0, 200)}`);
    if (candle.openTime >= from && candle.openTime <= to) byOpen.set(candle.openTime, candle);
  });
  return [...byOpen.values()].sort((a, b) => a.openTime - b.openTime);
}

/** One parsed candle from a websocket kline frame. */
export interface KlineUpdate {
  symbol: string;
  interval: Interval;
  candle: CandleWrite;
  /** Exchange time of this update (the frame's `timestamp`, else `ts`). */
  exchangeTime: number;
  /** Local receive time, epoch ms. */
  receivedAt: number;
}

/**
 * A websocket kline frame `{topic:'kline.{interval}.{symbol}', data:[…], ts, type}` → updates, or
 * null when the frame is a kline frame that does not parse. Frames of other topics return [].
 */
export function parseKlineFrame(frame: unknown, receivedAt: number): KlineUpdate[] | null {
  if (typeof frame !== 'object' || frame === null) return null;
  const f = frame as Record<string, unknown>;
  if (typeof f.topic !== 'string' || !f.topic.startsWith('kline.')) return [];
  const parts = f.topic.split('.');
  if (parts.length !== 3 || !Array.isArray(f.data)) return null;
  const interval = parts[1] as Interval;
  const symbol = parts[2]!;
  if (!isInterval(interval) || !/^[A-Z0-9]{2,30}$/.test(symbol)) return null;
  const ts = finite(f.ts);
  const updates: KlineUpdate[] = [];
  for (const item of f.data) {
    if (typeof item !== 'object' || item === null) return null;
    const d = item as Record<string, unknown>;
    const candle: Ohlcv = {
      openTime: finite(d.start) ?? NaN,
      open: finite(d.open) ?? NaN,
      high: finite(d.high) ?? NaN,
      low: finite(d.low) ?? NaN,
      close: finite(d.close) ?? NaN,
      volume: finite(d.volume) ?? NaN,
      turnover: finite(d.turnover) ?? NaN,
    };
    if (Object.values(candle).some((n) => Number.isNaN(n))) return null;
    if (typeof d.confirm !== 'boolean' || !validOhlcv(candle, interval)) return null;
    const exchangeTime = finite(d.timestamp) ?? ts;
    if (exchangeTime == null) return null;
    updates.push({
      symbol,
      interval,
      candle: { ...candle, confirmed: d.confirm, updatedAt: exchangeTime },
      exchangeTime,
      receivedAt,
    });
  }
  return updates;
}

const INTERVAL_SET: ReadonlySet<string> = new Set(INTERVALS);
function isInterval(value: string): value is Interval {
  return INTERVAL_SET.has(value);
}
