// Wire texts of the simulated exchange, built exactly as Bybit's v5 API documents them: REST envelopes with
// the key order retCode, retMsg, result, retExtInfo, time; kline rows of seven strings; compact kline
// push frames with start/end/timestamp as numbers and everything else as strings.
import type { Candle, Interval } from '../../../../shared/domain';
import { barEnd } from './bar-time';

/** A decimal text without exponent (String() would print 1e-7 for tiny values). */
export function decimalText(value: number): string {
  const text = String(value);
  if (!text.includes('e')) return text;
  return value.toFixed(12).replace(/\.?0+$/, '');
}

export function restEnvelope(retCode: number, retMsg: string, result: unknown, time: number): string {
  return JSON.stringify({ retCode, retMsg, result, retExtInfo: {}, time });
}

/** One kline row: [startTime, open, high, low, close, volume, turnover], all strings. */
export function klineRow(c: Candle): string[] {
  return [
    String(c.openTime),
    decimalText(c.open),
    decimalText(c.high),
    decimalText(c.low),
    decimalText(c.close),
    decimalText(c.volume),
    decimalText(c.turnover),
  ];
}

export function klineTopic(interval: Interval, symbol: string): string {
  return `kline.${interval}.${symbol}`;
}

/**
 * One kline push. `timestamp` is the simulated time of the candle's last trade; `ts` the time the
 * frame was generated.
 */
export function klinePushFrame(
  interval: Interval,
  symbol: string,
  c: Candle,
  confirm: boolean,
  timestamp: number,
  ts: number,
): string {
  return JSON.stringify({
    topic: klineTopic(interval, symbol),
    data: [
      {
        start: c.openTime,
        end: barEnd(c.openTime, interval),
        interval,
        open: decimalText(c.open),
        close: decimalText(c.close),
        high: decimalText(c.high),
        low: decimalText(c.low),
        volume: decimalText(c.volume),
        turnover: decimalText(c.turnover),
        confirm,
        timestamp,
      },
    ],
    ts,
    type: 'snapshot',
  });
}
