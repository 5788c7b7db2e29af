// The cost-aware rebalancer every strategy trades through (the engine calls it for each rebalance).
// A trade costs its notional times the one-way cost (taker fee + slippage) to open, and as much again
// to undo: the round-trip cost c = 2 x (feeRate + slippageBps / 10^4), 0.0015 at the default costs.
// A change in an asset's weight is only worth trading when what it is expected to earn exceeds what it
// costs; most small changes of a target are noise (a forecast moving by a hair, prices drifting an
// equal-weight book off 1/N), so they are left alone. The rule is a no-trade band around the current
// weights: an asset is traded only when |target - current| exceeds the band's half-width
//   h = noTradeBand x c   (weight units; 20 x 0.0015 = 0.03 by default),
// so the band widens with costs and vanishes when trading is free. Outside the band the asset is
// traded all the way to its target. (Trading only to the band's edge, the optimum of the theory under
// proportional costs, was tried and measured: it cut the model's turnover by a tenth but left an
// equal-weight book of n assets under-invested by n x h, 15% of equity for five assets, which made the
// baselines no longer the standard references they are meant to be.) The kill switch bypasses the band.
import type { CostModel } from './broker';
import type { RiskConfig } from './risk';

/** Fee and base slippage, opening and closing: the cost of a round trip, as a fraction of notional. */
export function roundTripCost(costs: Pick<CostModel, 'feeRate' | 'slippageBps'>): number {
  return 2 * (costs.feeRate + costs.slippageBps / 10_000);
}

/** The band's half-width in weight units: noTradeBand round-trip costs. */
export function noTradeHalfWidth(
  costs: Pick<CostModel, 'feeRate' | 'slippageBps'>,
  risk: Pick<RiskConfig, 'noTradeBand'>,
): number {
  return risk.noTradeBand * roundTripCost(costs);
}

/**
 * The weight to trade one asset to, from `current` toward `target`: null inside the band (or below the
 * plain drift threshold `minChange`), else the target itself.
 */
export function rebalanceTo(
  current: number,
  target: number,
  halfWidth: number,
  minChange = 0,
): number | null {
  const size = Math.abs(target - current);
  if (!(size > halfWidth) || size < minChange) return null;
  return target;
}
