// Lot rules for backtests and paper trading. Bybit's linear perpetuals for the known symbols (the same
// table the simulator serves), else rules derived from the price so that one step is worth a few USDT.
import { instrumentRules } from '../market/simulator/instruments';
import type { InstrumentSpec } from './types';

export function instrumentSpecFor(symbol: string, referencePrice: number): InstrumentSpec {
  const rules = instrumentRules(symbol, referencePrice);
  return {
    symbol,
    qtyStep: 10 ** -rules.qtyDecimals,
    minOrderQty: rules.minOrderQty,
    minNotionalValue: rules.minNotionalValue,
  };
}
