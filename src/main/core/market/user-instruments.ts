// Rules a user gives for an imported feed (CLI flags, the Data view, market.setInstruments), completed
// with defaults where the user said nothing, and marked source 'user'. The import calls it too.
import type { InstrumentRules, UserInstrumentRules } from '../../../shared/domain';

export function userRules(rules: UserInstrumentRules): InstrumentRules {
  return {
    symbol: rules.symbol,
    status: 'Trading',
    launchTimeMs: rules.launchTimeMs ?? 0,
    tickSize: rules.tickSize,
    qtyStep: rules.qtyStep,
    minOrderQty: rules.minOrderQty,
    maxMarketOrderQty: rules.maxMarketOrderQty ?? Number.MAX_SAFE_INTEGER,
    minNotionalValue: rules.minNotionalValue ?? 0,
    maxLeverage: rules.maxLeverage ?? 1,
    fundingIntervalMinutes: rules.fundingIntervalMinutes ?? 480,
    source: 'user',
    fetchedAtMs: null,
  };
}
