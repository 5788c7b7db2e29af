// The shapes the bar loop trades in. Symbols are addressed by their index in the engine's symbol list;
// weights, prices and quantities are arrays in that order, so the hot path never builds records.
//
// Timing convention, everywhere below: a decision is taken at the CLOSE of bar t (it sees candles with
// openTime <= t only) and its orders fill at the OPEN of bar t+1.
import type { MarketData } from './market-data';

/** Lot rules of one instrument (Bybit `lotSizeFilter`). */
export interface InstrumentSpec {
  symbol: string;
  /** Quantities are multiples of this, e.g. 0.001 BTC. */
  qtyStep: number;
  /** Smaller orders are not sent. */
  minOrderQty: number;
  /** In quote coin; smaller orders are not sent (0 when unknown). */
  minNotionalValue: number;
}

/**
 * One closed bar of every symbol at the same open time, columnar. The engine copies what it keeps, so a
 * feed may reuse one BarSet object for every bar.
 */
export interface BarSet {
  /** Open time of the bar, epoch ms. */
  time: number;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
}

/**
 * The bars of one symbol seen so far (openTime <= now), oldest first. Valid indices are [0, length);
 * the arrays may be longer (spare capacity, zero-filled) and are replaced when they grow, so read them
 * through the view at each decision rather than keeping them.
 */
export interface SeriesView {
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** What a strategy may read of the account, at the close of the decision bar. */
export interface PortfolioView {
  readonly equity: number;
  readonly cash: number;
  /** Signed quantities, in symbol order. */
  readonly quantities: Float64Array;
  /** Current weights (quantity x close / equity), in symbol order. */
  readonly weights: Float64Array;
}

export interface StrategyContext {
  /** Open time of the decision bar t; the decision is taken at its close. */
  readonly time: number;
  /** Bars fed to the engine before this one (0 for the first bar). */
  readonly barIndex: number;
  readonly symbols: readonly string[];
  /** History of a symbol (by name or index) up to and including bar t. */
  history(symbol: string | number): SeriesView;
  readonly portfolio: PortfolioView;
}

/** A model's forecast, kept to score it afterwards (hit rate, information coefficient). */
export interface Forecast {
  /** Predicted log return over the next `horizon` bars, in symbol order. */
  returns: ArrayLike<number>;
  horizon: number;
}

/** Cross-asset attention at a decision: rows are query (target) assets, columns key (source) assets. */
export interface AttentionSnapshot {
  matrix: number[][];
  /** Weight per lag 0..maxLag, when the model has lags. */
  lagWeights?: number[];
  /** Per layer and head, [layer][head][query][key], when the model gives them; `matrix` is their mean. */
  heads?: number[][][][];
}

export interface Decision {
  /** Target weights (signed notional / equity) in symbol order. */
  weights: ArrayLike<number>;
  forecast?: Forecast;
  attention?: AttentionSnapshot;
}

/**
 * A strategy turns the history into target weights. Returning null means "no opinion: hold". It may
 * return the same array object each time (the engine copies it).
 */
export interface Strategy {
  readonly name: string;
  /** Bars of history needed before the first decision; earlier bars get no call. */
  readonly warmupBars?: number;
  decide(ctx: StrategyContext): ArrayLike<number> | Decision | null;
  /**
   * For strategies whose decisions are computed asynchronously (a model's batch inference): the async
   * drivers (backtest per fold, paper per bar) call this before stepping the bars, so that `decide`
   * can stay synchronous. `data` ends at the last of `bars`; the strategy must compute the decision at
   * bar b from bars <= b only (the model's windows are causal).
   */
  prepare?(request: PrepareRequest): Promise<void>;
}

export interface PrepareRequest {
  /** Aligned bars; see market-data.ts. */
  data: MarketData;
  /** Indices into `data` of the bars the engine will ask `decide` about, ascending. */
  bars: number[];
}

export type OrderReason = 'rebalance' | 'kill';

/** An order decided at the close of bar `decidedAt`, to fill at the open of the next bar. */
export interface Order {
  symbolIndex: number;
  symbol: string;
  /** Signed quantity, a multiple of the lot step: > 0 buys, < 0 sells. */
  quantity: number;
  decidedAt: number;
  /** Slippage applied at the fill, in basis points of the open price. */
  slippageBps: number;
  reason: OrderReason;
}

export interface Fill {
  /** Open time of the bar whose open price filled the order (decision bar + 1). */
  time: number;
  decidedAt: number;
  symbol: string;
  side: 'buy' | 'sell';
  /** Positive, a multiple of the lot step. */
  quantity: number;
  /** The open price moved against us by the slippage. */
  price: number;
  /** Quote coin: quantity x price. */
  notional: number;
  fee: number;
  slippageBps: number;
  /** P&L realised by the part of the fill that reduced the position (before fees). */
  realisedPnl: number;
  reason: OrderReason;
}
