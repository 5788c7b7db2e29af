// The simulated broker: fills the orders decided at the close of bar t at the open of bar t+1, moved
// against us by the slippage, charges the taker fee on the filled notional, and never lets a fill take
// gross exposure above the leverage limit. Backtests and paper trading both fill here.
import { DEFAULT_COSTS as CONTRACT_DEFAULT_COSTS } from '../../../shared/contract/backtest';
import type { Portfolio } from './portfolio';
import type { Fill, InstrumentSpec, Order } from './types';

export interface CostModel {
  /** Taker fee as a fraction of filled notional; Bybit linear taker is 0.055% = 0.00055. */
  feeRate: number;
  /** Fixed slippage in basis points of the open price. */
  slippageBps: number;
  /**
   * Extra slippage per unit of recent volatility: bps += volatilityMultiplier x std(log returns over
   * `volatilityWindow` bars) x 10_000. 0 disables it.
   */
  volatilityMultiplier: number;
  volatilityWindow: number;
}

/** The contract's defaults (Bybit's linear taker fee, 2 bps): one definition for settings and engine. */
export const DEFAULT_COSTS: CostModel = CONTRACT_DEFAULT_COSTS;

/** Lot arithmetic of one instrument, precomputed once. */
export class LotRules {
  readonly step: number;
  readonly minQty: number;
  readonly minNotional: number;
  private readonly scale: number;

  constructor(spec: InstrumentSpec) {
    if (!(spec.qtyStep > 0)) throw new Error(`qtyStep of ${spec.symbol} must be positive`);
    this.step = spec.qtyStep;
    this.minQty = Math.max(spec.minOrderQty, 0);
    this.minNotional = Math.max(spec.minNotionalValue, 0);
    this.scale = 10 ** decimalsOf(spec.qtyStep);
  }

  /** Rounds a signed quantity toward zero to a multiple of the step (never trades more than asked). */
  roundDown(quantity: number): number {
    const lots = Math.floor(Math.abs(quantity) / this.step + 1e-9);
    const rounded = Math.round(lots * this.step * this.scale) / this.scale;
    return quantity < 0 ? -rounded : rounded;
  }

  /** Snaps float residue (e.g. 0.30000000000000004) to the step's decimals. */
  snap(quantity: number): number {
    return Math.round(quantity * this.scale) / this.scale;
  }
}

function decimalsOf(step: number): number {
  let decimals = 0;
  while (decimals < 12 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-9)
    decimals++;
  return decimals;
}

/**
 * Fills `orders` at `open` (the open of the bar after the decision). Orders that reduce exposure fill
 * first so that they free room under the leverage limit; an order that would take gross exposure above
 * `leverage` x equity (both at the open, after its own fee and slippage) is cut to the largest lot
 * multiple that fits. Appends to `out` and returns it.
 */
export function fillOrders(
  orders: readonly Order[],
  open: ArrayLike<number>,
  time: number,
  portfolio: Portfolio,
  lots: readonly LotRules[],
  costs: CostModel,
  leverage: number,
  out: Fill[],
): Fill[] {
  // Classified against the book before any fill; then two passes: reducing orders, increasing ones.
  const reducing = orders.map((order) => {
    const held = portfolio.quantities[order.symbolIndex]!;
    return (
      held !== 0 &&
      Math.sign(order.quantity) !== Math.sign(held) &&
      Math.abs(order.quantity) <= Math.abs(held)
    );
  });
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < orders.length; k++) {
      const reduces = reducing[k]!;
      if ((pass === 0) !== reduces) continue;
      const order = orders[k]!;
      const fill = fillOne(order, open, time, portfolio, lots[order.symbolIndex]!, costs, leverage, reduces);
      if (fill) out.push(fill);
    }
  }
  return out;
}

function fillOne(
  order: Order,
  open: ArrayLike<number>,
  time: number,
  portfolio: Portfolio,
  lot: LotRules,
  costs: CostModel,
  leverage: number,
  reduces: boolean,
): Fill | null {
  const i = order.symbolIndex;
  const mark = open[i]!;
  if (!(mark > 0)) return null;
  const slip = order.slippageBps / 10_000;
  const price = order.quantity > 0 ? mark * (1 + slip) : mark * (1 - slip);
  let quantity = order.quantity;

  if (!reduces) {
    // Cap the new position so that gross <= leverage x equity after this fill's costs.
    const held = portfolio.quantities[i]!;
    const equity = portfolio.equity(open);
    const grossOthers = portfolio.grossExposure(open) - Math.abs(held * mark);
    // Equity lost per unit of traded notional (at the mark): slippage plus the fee on the slipped price.
    const cost = slip + costs.feeRate * (1 + slip);
    const flips = held !== 0 && Math.sign(quantity) !== Math.sign(held);
    // |new| x mark x (1 + L c) <= L E - G_others +/- |held| x mark x L c  (traded = |new| -/+ |held|)
    const heldNotional = Math.abs(held) * mark;
    const room = leverage * equity - grossOthers + (flips ? -1 : 1) * heldNotional * leverage * cost;
    const maxNew = Math.max(0, room / (mark * (1 + leverage * cost)));
    const wantedNew = Math.abs(held + quantity);
    if (wantedNew > maxNew) {
      const direction = Math.sign(held + quantity);
      const cappedNew = lot.roundDown(maxNew) * direction;
      quantity = lot.snap(cappedNew - held);
      if (quantity === 0 || Math.sign(quantity) !== Math.sign(order.quantity)) return null;
      if (Math.abs(quantity) < lot.minQty) return null;
    }
  }

  const notional = Math.abs(quantity) * price;
  const fee = notional * costs.feeRate;
  const realisedPnl = portfolio.trade(i, quantity, price, fee);
  return {
    time,
    decidedAt: order.decidedAt,
    symbol: order.symbol,
    side: quantity > 0 ? 'buy' : 'sell',
    quantity: Math.abs(quantity),
    price,
    notional,
    fee,
    slippageBps: order.slippageBps,
    realisedPnl,
    reason: order.reason,
  };
}
