// Shared set-up for the market integration tests: a temp SQLite file and the real simulator.
import type { Candle } from '../../src/shared/domain';

export { tempStore, type TempStore } from '../support/temp-store';

/** Candle values as compared with the simulator's truth. */
export function plain(c: Candle): Candle {
  return {
    openTime: c.openTime,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    turnover: c.turnover,
    confirmed: c.confirmed,
  };
}

/** Fixed start so that every run sees the same market. */
export const SIM_START = Date.UTC(2026, 0, 5, 0, 0, 0);
