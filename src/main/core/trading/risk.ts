// The risk overlay between a strategy's target weights and the orders: caps per asset and on gross
// exposure, a drawdown kill switch, and the rules that decide whether a rebalance is worth trading
// (cadence, minimum trade notional; the cost band is in rebalancer.ts). Pure functions over arrays; the engine holds state.
import { DEFAULT_RISK as CONTRACT_DEFAULT_RISK } from '../../../shared/contract/backtest';

export interface RiskConfig {
  /** |weight| cap per asset, e.g. 0.5. */
  maxWeight: number;
  /** Cap on sum(|weight|); targets above are scaled down proportionally. */
  maxGross: number;
  /** Hard limit enforced by the broker at each fill: gross exposure <= leverage x equity. */
  leverage: number;
  /** Allow negative weights (shorts); when false, negative targets become 0. */
  allowShort: boolean;
  /**
   * Drawdown from the running peak of equity (0.3 = 30%) that flattens the book and stops trading for the
   * rest of the run. 1 (or more) disables it.
   */
  killDrawdown: number;
  /** Orders with |quantity x price| below this (quote coin) are not sent, unless they close a position. */
  minTradeNotional: number;
  /** An asset is traded only if |target - current weight| >= this, unless the target is exactly 0. */
  rebalanceThreshold: number;
  /** No-trade band half-width in round-trip costs (rebalancer.ts); 0 leaves only rebalanceThreshold. */
  noTradeBand: number;
  /** Decide every `cadenceBars` bars (1 = every bar; 24 = daily on hourly bars). */
  cadenceBars: number;
}

/** The contract's defaults: one definition for settings and engine. */
export const DEFAULT_RISK: RiskConfig = CONTRACT_DEFAULT_RISK;

export function validateRisk(risk: RiskConfig): void {
  const problems: string[] = [];
  if (!(risk.maxWeight >= 0)) problems.push('maxWeight must be >= 0');
  if (!(risk.maxGross >= 0)) problems.push('maxGross must be >= 0');
  if (!(risk.leverage > 0)) problems.push('leverage must be > 0');
  if (!(risk.killDrawdown > 0)) problems.push('killDrawdown must be > 0');
  if (!(risk.minTradeNotional >= 0)) problems.push('minTradeNotional must be >= 0');
  if (!(risk.rebalanceThreshold >= 0)) problems.push('rebalanceThreshold must be >= 0');
  if (!(risk.noTradeBand >= 0)) problems.push('noTradeBand must be >= 0');
  if (!(Number.isInteger(risk.cadenceBars) && risk.cadenceBars >= 1))
    problems.push('cadenceBars must be an integer >= 1');
  if (problems.length > 0) throw new Error(`risk config: ${problems.join('; ')}`);
}

/**
 * Clips each weight to [-maxWeight, maxWeight] (0 for shorts when not allowed; non-finite → 0), then
 * scales all down so that sum(|w|) <= min(maxGross, leverage). Writes into `out`; returns the gross.
 */
export function applyWeightLimits(target: ArrayLike<number>, risk: RiskConfig, out: Float64Array): number {
  const cap = risk.maxWeight;
  let gross = 0;
  for (let i = 0; i < out.length; i++) {
    let w = target[i] ?? 0;
    if (!Number.isFinite(w)) w = 0;
    if (w < 0 && !risk.allowShort) w = 0;
    if (w > cap) w = cap;
    else if (w < -cap) w = -cap;
    out[i] = w;
    gross += Math.abs(w);
  }
  const limit = Math.min(risk.maxGross, risk.leverage);
  if (gross > limit && gross > 0) {
    const scale = limit / gross;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
    gross = limit;
  }
  return gross;
}

/** Drawdown of `equity` from `peak`, as a fraction (0 at the peak). */
export function drawdown(equity: number, peak: number): number {
  return peak > 0 ? 1 - equity / peak : 0;
}

/** True when the kill switch trips: drawdown at or beyond the limit, or equity gone. */
export function killSwitchTrips(equity: number, peak: number, risk: RiskConfig): boolean {
  return equity <= 0 || (risk.killDrawdown < 1 && drawdown(equity, peak) >= risk.killDrawdown);
}

/** True when bar `decisionIndex` (counted from the first tradable bar) is a rebalance bar. */
export function isRebalanceBar(decisionIndex: number, risk: RiskConfig): boolean {
  return decisionIndex % risk.cadenceBars === 0;
}
