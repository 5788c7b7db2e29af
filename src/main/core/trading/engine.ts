// The one bar loop. Backtests (stored candles) and paper trading (the live stream) both call
// `engine.onBar(bars)` once per closed bar; only the feed differs. The engine's clock is the bar stream
// itself: it never reads the wall clock, and it only knows the bars it has been given, so a decision
// cannot see the future.
//
// One step, for the bar with open time t:
//   0. funding: every funding time up to t not yet applied is paid or received on the positions held
//      before the fills at t (the position held since the open of t-1), at the open of t when the
//      funding time is t, else at the close of t-1 (funding.ts);
//   1. the orders decided at the close of t-1 fill at the open of t (broker.ts);
//   2. bar t is appended to the history and the book is marked at its close;
//   3. at the close of t: kill switch, else (on a cadence bar) strategy → target weights → risk overlay
//      → cost-aware rebalancer (rebalancer.ts: changes inside the no-trade band are not traded) →
//      orders, pending until the open of t+1.
import { fillOrders, LotRules, type CostModel, DEFAULT_COSTS } from './broker';
import type { FundingFeed, FundingPayment } from './funding';
import { RollingVolatility, SeriesBuffer } from './history';
import { noTradeHalfWidth, rebalanceTo } from './rebalancer';
import { Portfolio, type PortfolioSnapshot } from './portfolio';
import {
  applyWeightLimits,
  DEFAULT_RISK,
  drawdown,
  isRebalanceBar,
  killSwitchTrips,
  validateRisk,
  type RiskConfig,
} from './risk';
import type {
  BarSet,
  Decision,
  Fill,
  InstrumentSpec,
  Order,
  PortfolioView,
  SeriesView,
  Strategy,
  StrategyContext,
} from './types';

export interface EngineConfig {
  symbols: readonly string[];
  /** Lot rules in symbol order. */
  instruments: readonly InstrumentSpec[];
  /** Quote coin, e.g. 100_000 USDT. */
  initialCapital: number;
  costs?: Partial<CostModel>;
  risk?: Partial<RiskConfig>;
  /**
   * Bars opening before this time only build history (warm-up, training range); the first decision is
   * taken at the close of the first bar at or after it. Default: trade from the first bar.
   */
  tradeFrom?: number;
  /** Bars of history kept per symbol (0 = all). Paper trading bounds memory with it. */
  maxHistory?: number;
  /** Funding rates to apply; without a feed, funding is not modelled. */
  funding?: FundingFeed;
}

/** The account after a step, marked at the close of the bar. Reused between steps: copy what you keep. */
export interface EngineState {
  time: number;
  barIndex: number;
  equity: number;
  cash: number;
  /** sum(|quantity x close|). */
  gross: number;
  /** sum(quantity x close). */
  net: number;
  peakEquity: number;
  /** 1 - equity / peak. */
  drawdown: number;
  killed: boolean;
  totalFees: number;
  /** Funding paid net of funding received, quote coin. */
  totalFunding: number;
  quantities: Float64Array;
  /** quantity x close / equity, in symbol order. */
  weights: Float64Array;
}

/** What one step did. The arrays and objects are reused by the next step: copy what you keep. */
export interface StepResult {
  time: number;
  /** Filled at the open of this bar (decided at the close of the previous one). */
  fills: Fill[];
  /** Funding paid or received at funding times up to this bar's open, before its fills. */
  funding: FundingPayment[];
  /** Decided at the close of this bar, to fill at the open of the next. */
  orders: Order[];
  /** Whether the strategy was asked at this bar. */
  decided: boolean;
  /** The strategy's decision when it gave one (forecast and attention included), else null. */
  decision: Decision | null;
  /** Target weights after the risk overlay when a decision was taken, else null. */
  targetWeights: Float64Array | null;
  state: EngineState;
}

/** Everything needed to resume an engine (paper trading restart); the history is rebuilt by `warm`. */
export interface EngineSnapshot {
  lastTime: number;
  barIndex: number;
  decisionIndex: number;
  peakEquity: number;
  killed: boolean;
  portfolio: PortfolioSnapshot;
  pending: Order[];
  /** Funding times up to it have been applied; absent in snapshots from before funding. */
  fundingThrough?: number;
}

export class TradingEngine {
  readonly symbols: readonly string[];
  readonly costs: CostModel;
  readonly risk: RiskConfig;
  readonly portfolio: Portfolio;
  private strategy: Strategy;
  private readonly lots: LotRules[];
  private readonly history: SeriesBuffer[];
  private readonly volatility: RollingVolatility[] | null;
  private readonly symbolIndex = new Map<string, number>();
  private readonly tradeFrom: number;
  private readonly closes: Float64Array;
  private readonly target: Float64Array;
  private pending: Order[] = [];
  private spare: Order[] = [];
  private readonly fills: Fill[] = [];
  private readonly fundingPayments: FundingPayment[] = [];
  private readonly funding: FundingFeed | null;
  /** Funding times up to it are applied; the next one known is nextFundingAt. Finite: snapshots are JSON. */
  private fundingThrough = -Number.MAX_SAFE_INTEGER;
  private nextFundingAt = Infinity;
  private lastTime = -Infinity;
  private barIndex = -1;
  private decisionIndex = 0;
  private peakEquity: number;
  private killed = false;
  private readonly state: EngineState;
  private readonly result: StepResult;
  private readonly context: StrategyContext;

  constructor(config: EngineConfig, strategy: Strategy) {
    const n = config.symbols.length;
    if (n === 0) throw new Error('engine: at least one symbol is needed');
    if (config.instruments.length !== n) throw new Error('engine: one instrument spec per symbol is needed');
    if (!(config.initialCapital > 0)) throw new Error('engine: initial capital must be positive');
    this.symbols = [...config.symbols];
    this.symbols.forEach((s, i) => this.symbolIndex.set(s, i));
    this.costs = { ...DEFAULT_COSTS, ...config.costs };
    this.risk = { ...DEFAULT_RISK, ...config.risk };
    validateRisk(this.risk);
    this.strategy = strategy;
    this.lots = config.instruments.map((spec) => new LotRules(spec));
    this.history = this.symbols.map(() => new SeriesBuffer(config.maxHistory ?? 0));
    this.volatility =
      this.costs.volatilityMultiplier > 0
        ? this.symbols.map(() => new RollingVolatility(this.costs.volatilityWindow))
        : null;
    this.tradeFrom = config.tradeFrom ?? -Infinity;
    this.funding = config.funding ?? null;
    this.nextFundingAt = this.funding ? this.funding.nextAfter(this.fundingThrough) : Infinity;
    this.portfolio = new Portfolio(config.initialCapital, n);
    this.peakEquity = config.initialCapital;
    this.closes = new Float64Array(n);
    this.target = new Float64Array(n);
    this.state = {
      time: NaN,
      barIndex: -1,
      equity: config.initialCapital,
      cash: config.initialCapital,
      gross: 0,
      net: 0,
      peakEquity: config.initialCapital,
      drawdown: 0,
      killed: false,
      totalFees: 0,
      totalFunding: 0,
      quantities: this.portfolio.quantities,
      weights: new Float64Array(n),
    };
    this.result = {
      time: NaN,
      fills: this.fills,
      funding: this.fundingPayments,
      orders: this.pending,
      decided: false,
      decision: null,
      targetWeights: null,
      state: this.state,
    };
    const state = this.state;
    const portfolioView: PortfolioView = {
      get equity() {
        return state.equity;
      },
      get cash() {
        return state.cash;
      },
      quantities: this.portfolio.quantities,
      weights: state.weights,
    };
    const history = this.history;
    const indexOf = this.symbolIndex;
    const barIndexNow = () => this.barIndex;
    this.context = {
      get time() {
        return state.time;
      },
      get barIndex() {
        return barIndexNow();
      },
      symbols: this.symbols,
      history(symbol: string | number): SeriesView {
        const i = typeof symbol === 'number' ? symbol : indexOf.get(symbol);
        const view = i === undefined ? undefined : history[i];
        if (!view) throw new Error(`engine: unknown symbol ${String(symbol)}`);
        return view;
      },
      portfolio: portfolioView,
    };
  }

  /** Swaps the strategy (walk-forward: a model refitted for the next fold). Pending orders stay. */
  setStrategy(strategy: Strategy): void {
    this.strategy = strategy;
  }

  get strategyName(): string {
    return this.strategy.name;
  }

  /** The account marked at the close of the last stepped bar (the object is reused). */
  get currentState(): Readonly<EngineState> {
    return this.state;
  }

  /** Open time of the last bar given (stepped or warmed), or -Infinity. */
  get lastBarTime(): number {
    return this.lastTime;
  }

  /** Close of the newest bar in the history of symbol i (NaN when empty). */
  lastClose(i: number): number {
    const h = this.history[i];
    return h && h.length > 0 ? h.close[h.length - 1]! : NaN;
  }

  /**
   * Whether stepping a bar at `time` next would ask the strategy (cadence, start, kill switch as they
   * stand before the bar; the kill switch may still trip at its close). Async drivers use it to
   * prepare only the decisions that will be asked for.
   */
  willAskAt(time: number): boolean {
    if (time < this.tradeFrom || this.killed) return false;
    return isRebalanceBar(this.decisionIndex, this.risk);
  }

  /** The strategy being stepped. */
  get currentStrategy(): Strategy {
    return this.strategy;
  }

  /** Orders waiting for the next bar's open. */
  get pendingOrders(): readonly Order[] {
    return this.pending;
  }

  /** The history of a symbol as the strategy sees it. */
  seriesOf(symbol: string | number): SeriesView {
    return this.context.history(symbol);
  }

  /** Appends a bar to the history only: no fills, no decision (rebuilding history after a restart). */
  warm(bars: BarSet): void {
    this.checkTime(bars.time);
    this.lastTime = bars.time;
    this.append(bars);
  }

  /** One closed bar of every symbol. See the file header for the order of events. */
  onBar(bars: BarSet): StepResult {
    this.checkTime(bars.time);
    const t = bars.time;
    this.lastTime = t;
    this.barIndex++;
    const result = this.result;
    result.time = t;
    result.decided = false;
    result.decision = null;
    result.targetWeights = null;

    // 0. Funding up to the open of t, on the positions held before its fills.
    this.fundingPayments.length = 0;
    if (this.funding) {
      // A live feed learns of new rates over time: with none known ahead, ask again each bar.
      if (this.nextFundingAt === Infinity) this.nextFundingAt = this.funding.nextAfter(this.fundingThrough);
      if (t >= this.nextFundingAt) this.applyFunding(t, bars.open);
    }

    // 1. Fill at the open of t what was decided at the close of t-1.
    this.fills.length = 0;
    if (this.pending.length > 0) {
      fillOrders(
        this.pending,
        bars.open,
        t,
        this.portfolio,
        this.lots,
        this.costs,
        this.risk.leverage,
        this.fills,
      );
    }
    const done = this.pending;
    done.length = 0;
    this.pending = this.spare;
    this.spare = done;
    result.orders = this.pending;

    // 2. History and marking at the close of t.
    this.append(bars);
    this.mark(t, bars.close);

    // 3. Decide at the close of t.
    if (t < this.tradeFrom) return result;
    const decisionIndex = this.decisionIndex++;
    if (this.killed || killSwitchTrips(this.state.equity, this.peakEquity, this.risk)) {
      this.killed = true;
      this.state.killed = true;
      this.target.fill(0);
      result.targetWeights = this.target;
      this.buildOrders(t, 'kill');
      return result;
    }
    if (!isRebalanceBar(decisionIndex, this.risk)) return result;
    // History length, not bars stepped: a restarted engine warms its history without stepping.
    if (this.history[0]!.length < (this.strategy.warmupBars ?? 0)) return result;
    result.decided = true;
    const raw = this.strategy.decide(this.context);
    if (raw === null) return result;
    const decision: Decision = isDecision(raw) ? raw : { weights: raw };
    result.decision = decision;
    applyWeightLimits(decision.weights, this.risk, this.target);
    result.targetWeights = this.target;
    this.buildOrders(t, 'rebalance');
    return result;
  }

  snapshot(): EngineSnapshot {
    return {
      lastTime: this.lastTime,
      barIndex: this.barIndex,
      decisionIndex: this.decisionIndex,
      peakEquity: this.peakEquity,
      killed: this.killed,
      portfolio: this.portfolio.snapshot(),
      pending: this.pending.map((o) => ({ ...o })),
      fundingThrough: this.fundingThrough,
    };
  }

  /** Restores a snapshot; call after `warm` has rebuilt the history up to `snapshot.lastTime`. */
  restore(snapshot: EngineSnapshot): void {
    this.lastTime = snapshot.lastTime;
    this.barIndex = snapshot.barIndex;
    this.decisionIndex = snapshot.decisionIndex;
    this.peakEquity = snapshot.peakEquity;
    this.killed = snapshot.killed;
    this.portfolio.restore(snapshot.portfolio);
    // A snapshot from before funding was modelled settles nothing before its last bar.
    this.fundingThrough =
      typeof snapshot.fundingThrough === 'number' ? snapshot.fundingThrough : snapshot.lastTime;
    this.nextFundingAt = this.funding ? this.funding.nextAfter(this.fundingThrough) : Infinity;
    this.pending.length = 0;
    for (const order of snapshot.pending) this.pending.push({ ...order });
    this.result.orders = this.pending;
    const last = this.history[0]!.length > 0 ? this.history.map((h) => h.close[h.length - 1]!) : null;
    if (last) this.mark(snapshot.lastTime, last);
    this.state.killed = this.killed;
  }

  /** Pays or receives funding at every funding time in (fundingThrough, t]. */
  private applyFunding(t: number, open: ArrayLike<number>): void {
    const feed = this.funding!;
    const q = this.portfolio.quantities;
    for (let i = 0; i < this.symbols.length; i++) {
      for (const rate of feed.between(i, this.fundingThrough, t)) {
        const quantity = q[i]!;
        if (quantity === 0) continue;
        const price = rate.fundingTimeMs === t || !(this.closes[i]! > 0) ? open[i]! : this.closes[i]!;
        const positionValue = quantity * price;
        const payment = positionValue * rate.rate;
        this.portfolio.payFunding(i, payment);
        this.fundingPayments.push({
          time: rate.fundingTimeMs,
          symbol: this.symbols[i]!,
          quantity,
          price,
          positionValue,
          rate: rate.rate,
          payment,
        });
      }
    }
    this.fundingThrough = t;
    this.nextFundingAt = feed.nextAfter(t);
  }

  private checkTime(time: number): void {
    if (!(time > this.lastTime)) {
      throw new Error(`engine: bar at ${time} is not after the last bar at ${this.lastTime}`);
    }
  }

  private append(bars: BarSet): void {
    const n = this.symbols.length;
    for (let i = 0; i < n; i++) {
      const close = bars.close[i]!;
      this.history[i]!.push(bars.time, bars.open[i]!, bars.high[i]!, bars.low[i]!, close, bars.volume[i]!);
      if (this.volatility) this.volatility[i]!.push(close);
    }
  }

  private mark(time: number, close: ArrayLike<number>): void {
    const n = this.symbols.length;
    const q = this.portfolio.quantities;
    let net = 0;
    let gross = 0;
    for (let i = 0; i < n; i++) {
      const c = close[i]!;
      this.closes[i] = c;
      const v = q[i]! * c;
      net += v;
      gross += v < 0 ? -v : v;
    }
    const equity = this.portfolio.cash + net;
    if (equity > this.peakEquity) this.peakEquity = equity;
    const s = this.state;
    s.time = time;
    s.barIndex = this.barIndex;
    s.equity = equity;
    s.cash = this.portfolio.cash;
    s.net = net;
    s.gross = gross;
    s.peakEquity = this.peakEquity;
    s.drawdown = drawdown(equity, this.peakEquity);
    s.totalFees = this.portfolio.totalFees();
    s.totalFunding = this.portfolio.totalFunding();
    for (let i = 0; i < n; i++) s.weights[i] = equity > 0 ? (q[i]! * this.closes[i]!) / equity : 0;
  }

  /** Orders that move the book from its current weights to `this.target`, at the close prices. */
  private buildOrders(time: number, reason: Order['reason']): void {
    const n = this.symbols.length;
    const equity = this.state.equity;
    const q = this.portfolio.quantities;
    const risk = this.risk;
    const band = reason === 'kill' ? 0 : noTradeHalfWidth(this.costs, risk);
    for (let i = 0; i < n; i++) {
      const held = q[i]!;
      const price = this.closes[i]!;
      if (!(price > 0)) continue;
      const wanted =
        reason === 'kill'
          ? this.target[i]!
          : rebalanceTo(this.state.weights[i]!, this.target[i]!, band, risk.rebalanceThreshold);
      if (wanted === null) continue;
      const targetWeight = wanted;
      const closing = targetWeight === 0 || equity <= 0;
      if (closing && held === 0) continue;
      const lot = this.lots[i]!;
      const targetQuantity = closing ? 0 : lot.roundDown((targetWeight * equity) / price);
      const quantity = lot.snap(targetQuantity - held);
      if (quantity === 0) continue;
      if (targetQuantity !== 0) {
        if (Math.abs(quantity) < lot.minQty) continue;
        if (Math.abs(quantity) * price < Math.max(risk.minTradeNotional, lot.minNotional)) continue;
      }
      let slippageBps = this.costs.slippageBps;
      if (this.volatility)
        slippageBps += this.costs.volatilityMultiplier * this.volatility[i]!.value() * 10_000;
      this.pending.push({
        symbolIndex: i,
        symbol: this.symbols[i]!,
        quantity,
        decidedAt: time,
        slippageBps,
        reason,
      });
    }
  }
}

function isDecision(value: ArrayLike<number> | Decision): value is Decision {
  return (value as Decision).weights !== undefined && typeof (value as ArrayLike<number>).length !== 'number';
}

/** Fills a reusable BarSet from one candle per symbol (the same open time for all). */
export function createBarSet(size: number): {
  time: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
} {
  return {
    time: NaN,
    open: new Float64Array(size),
    high: new Float64Array(size),
    low: new Float64Array(size),
    close: new Float64Array(size),
    volume: new Float64Array(size),
  };
}
