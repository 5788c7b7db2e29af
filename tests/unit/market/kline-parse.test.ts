import { describe, expect, it } from 'vitest';
import {
  barCloseTime,
  parseKlineFrame,
  parseRestRow,
  parseRestRows,
} from '../../../src/main/core/market/kline-parse';

const T0 = Date.UTC(2026, 0, 5, 0, 0);
const MIN = 60_000;
const row = (t: number, close = '101.5') => [String(t), '100', '102', '99.5', close, '12.5', '1262.5'];

describe('REST kline rows', () => {
  it('parses strings to numbers and stamps the server time', () => {
    const c = parseRestRow(row(T0), '1', T0 + 10 * MIN);
    expect(c).toEqual({
      openTime: T0,
      open: 100,
      high: 102,
      low: 99.5,
      close: 101.5,
      volume: 12.5,
      turnover: 1262.5,
      confirmed: true,
      updatedAt: T0 + 10 * MIN,
    });
  });

  it('marks the bar still forming (open + interval after the server time) unconfirmed', () => {
    expect(parseRestRow(row(T0), '1', T0 + MIN - 1)!.confirmed).toBe(false);
    expect(parseRestRow(row(T0), '1', T0 + MIN)!.confirmed).toBe(true);
  });

  it('rejects rows that are short, not numeric, misaligned or inconsistent', () => {
    expect(parseRestRow(row(T0).slice(0, 6), '1', T0)).toBeNull();
    expect(parseRestRow([String(T0), 'x', '1', '1', '1', '1', '1'], '1', T0)).toBeNull();
    expect(parseRestRow(row(T0 + 1), '1', T0)).toBeNull();
    expect(parseRestRow([String(T0), '1', '1', '2', '1', '1', '1'], '1', T0)).toBeNull();
    expect(parseRestRow([String(T0), '1', '2', '1', '1', '-1', '1'], '1', T0)).toBeNull();
    expect(parseRestRow(null, '1', T0)).toBeNull();
  });

  it('turns a newest-first list into ascending candles inside [from, to], without duplicates', () => {
    const list = [row(T0 + 3 * MIN), row(T0 + 2 * MIN), row(T0 + MIN, '7'), row(T0 + MIN, '8'), row(T0)];
    const candles = parseRestRows(list, '1', T0 + 100 * MIN, T0 + MIN, T0 + 2 * MIN);
    expect(candles.map((c) => c.openTime)).toEqual([T0 + MIN, T0 + 2 * MIN]);
    expect(() => parseRestRows([row(T0), ['bad']], '1', T0)).toThrow(/row 1/);
    expect(() => parseRestRows({}, '1', T0)).toThrow();
  });

  it('closes a monthly bar at the first of the next month', () => {
    expect(barCloseTime(Date.UTC(2026, 1, 1), 'M')).toBe(Date.UTC(2026, 2, 1));
    expect(barCloseTime(T0, '60')).toBe(T0 + 60 * MIN);
  });
});

describe('websocket kline frames', () => {
  const frame = (data: unknown, topic = 'kline.1.BTCUSDT') => ({
    topic,
    data,
    ts: T0 + 30_001,
    type: 'snapshot',
  });
  const item = {
    start: T0,
    end: T0 + MIN - 1,
    interval: '1',
    open: '100',
    close: '101',
    high: '102',
    low: '99',
    volume: '3',
    turnover: '303',
    confirm: false,
    timestamp: T0 + 30_000,
  };

  it('parses every candle of a frame with its exchange time', () => {
    const updates = parseKlineFrame(frame([item, { ...item, confirm: true, timestamp: T0 + MIN }]), 42);
    expect(updates).toHaveLength(2);
    expect(updates![0]).toMatchObject({
      symbol: 'BTCUSDT',
      interval: '1',
      exchangeTime: T0 + 30_000,
      receivedAt: 42,
    });
    expect(updates![0]!.candle).toEqual({
      openTime: T0,
      open: 100,
      high: 102,
      low: 99,
      close: 101,
      volume: 3,
      turnover: 303,
      confirmed: false,
      updatedAt: T0 + 30_000,
    });
    expect(updates![1]!.candle.confirmed).toBe(true);
  });

  it('returns null for malformed kline frames and [] for other topics', () => {
    expect(parseKlineFrame(frame({ confirm: 'maybe' }), 0)).toBeNull();
    expect(parseKlineFrame(frame([{ ...item, confirm: 'yes' }]), 0)).toBeNull();
    expect(parseKlineFrame(frame([{ ...item, open: 'NaN' }]), 0)).toBeNull();
    expect(parseKlineFrame(frame([{ ...item, start: T0 + 5 }]), 0)).toBeNull();
    expect(parseKlineFrame(frame([item], 'kline.7.BTCUSDT'), 0)).toBeNull();
    expect(parseKlineFrame(frame([item], 'kline.1.btcusdt'), 0)).toBeNull();
    expect(parseKlineFrame(frame([null]), 0)).toBeNull();
    expect(parseKlineFrame('text', 0)).toBeNull();
    expect(parseKlineFrame({ topic: 'tickers.BTCUSDT', data: {} }, 0)).toEqual([]);
  });

  it('falls back to the frame ts when a candle has no timestamp', () => {
    const { timestamp: _t, ...noTimestamp } = item;
    expect(parseKlineFrame(frame([noTimestamp]), 0)![0]!.exchangeTime).toBe(T0 + 30_001);
  });
});
