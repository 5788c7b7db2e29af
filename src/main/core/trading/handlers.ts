// The trading domain's handlers for the core's dispatch (see src/shared/contract/backtest.ts).
import type { Settings } from '../../../shared/contract';
import type { PaperAccount } from '../../../shared/contract/paper';
import type { Handlers } from '../../../shared/rpc';
import { BacktestService, type BacktestDeps } from './backtest-service';
import type { EngineSnapshot } from './engine';
import { PaperTrader, type PaperDeps } from './paper';
import { resumeRunningAccount, seriesChangeNotice } from './paper-session';
import { SerialQueue } from '../serial-queue';

export type BacktestHandlerName =
  'backtest.run' | 'backtest.list' | 'backtest.get' | 'backtest.delete' | 'backtest.exportCsv';

export type { BacktestDeps } from './backtest-service';

export function createBacktestHandlers(deps: BacktestDeps): {
  handlers: Pick<Handlers, BacktestHandlerName>;
  service: BacktestService;
} {
  const service = new BacktestService(deps);
  return {
    service,
    handlers: {
      'backtest.run': (params, context) => service.run(params, context.signal),
      'backtest.list': (params) => service.list(params.limit),
      'backtest.get': (params) => service.get(params.id, params.fills ?? false, params.fillsOf),
      'backtest.delete': (params) => ({ deleted: service.delete(params.id) }),
      'backtest.exportCsv': (params) => service.exportCsv(params.id, params.table),
    },
  };
}

export type PaperHandlerName =
  'paper.start' | 'paper.stop' | 'paper.account' | 'paper.fills' | 'paper.funding' | 'paper.equity';

export interface PaperHandlerDeps extends PaperDeps {
  /** The app's settings: default feed, symbols and interval of a new account. */
  settings: () => Pick<Settings, 'feed' | 'symbols' | 'interval' | 'costs' | 'risk' | 'activeModelId'>;
}

const DEFAULT_ACCOUNT = 'default';

/** One paper trader per core; its account persists across restarts. */
export function createPaperHandlers(deps: PaperHandlerDeps): {
  handlers: Pick<Handlers, PaperHandlerName>;
  trader: PaperTrader;
  /** Resumes the account that was running when the app last stopped; a line saying so, or null. */
  resumeSaved(): Promise<string | null>;
  /** Stops the running account, saying why, when new settings leave its series. */
  followSettings(next: Pick<Settings, 'feed' | 'symbols' | 'interval'>): Promise<void>;
  close(): Promise<void>;
} {
  const trader = new PaperTrader(deps);
  // Start, stop and reset run one at a time: two starts with reset on one account would otherwise
  // both delete it and both create it (UNIQUE constraint), and a view read mid-start could see the
  // account being replaced. One trader holds one account, so one queue serialises every account.
  const serial = new SerialQueue();
  const accountOf = (id: string | undefined) => id ?? trader.accountId ?? DEFAULT_ACCOUNT;
  /** The live account when it is the one asked for, else the stored one (not running). */
  const view = (id: string | undefined): PaperAccount | null => {
    const wanted = accountOf(id);
    const live = trader.accountId === wanted ? trader.accountView() : null;
    if (live && live.id === wanted) return live;
    return deps.paper.get(wanted) ? storedAccountView(deps, wanted) : null;
  };
  return {
    trader,
    handlers: {
      'paper.start': (params) =>
        serial.run(async () => {
          const settings = deps.settings();
          const strategy = params.strategy;
          // The model chosen in the Models view, unless the call names one.
          const modelId =
            params.modelId ?? (strategy === 'model' ? (settings.activeModelId ?? undefined) : undefined);
          return trader.start(
            {
              accountId: params.accountId ?? DEFAULT_ACCOUNT,
              feed: params.feed ?? settings.feed,
              symbols: params.symbols ?? settings.symbols,
              interval: params.interval ?? settings.interval,
              strategy,
              initialCapital: params.initialCapital,
              costs: { ...settings.costs, ...params.costs },
              risk: { ...settings.risk, ...params.risk },
              trainBars: params.trainBars,
              ...(modelId === undefined ? {} : { modelId }),
            },
            params.reset ?? false,
          );
        }),
      'paper.stop': (params) =>
        serial.run(async () => {
          if (params.accountId !== undefined && params.accountId !== trader.accountId)
            return view(params.accountId);
          return trader.stop();
        }),
      'paper.account': (params) => view(params.accountId),
      'paper.fills': (params) =>
        deps.paper.fills(accountOf(params.accountId), params.limit, params.beforeSeq),
      'paper.funding': (params) => deps.paper.funding(accountOf(params.accountId), params.limit ?? 100),
      'paper.equity': (params) =>
        deps.paper.equity(accountOf(params.accountId), params.from, { limit: params.limit, to: params.to }),
    },
    resumeSaved: () =>
      serial.run(async () =>
        deps.resume ? resumeRunningAccount(trader, deps.paper, deps.resume, () => deps.clock.now()) : null,
      ),
    followSettings: (next) =>
      serial.run(async () => {
        const account = trader.running ? trader.accountView() : null;
        const notice = account && seriesChangeNotice(account, next, deps.clock.now());
        if (notice) await trader.stop(notice);
      }),
    // The app closing is not the user stopping: the next start resumes a running account.
    close: () =>
      serial.run(async () => {
        await trader.stop(null, true);
      }),
  };
}

/** An account that is not loaded in the trader, from its stored snapshot and last equity mark. */
function storedAccountView(deps: PaperHandlerDeps, id: string): PaperAccount | null {
  const row = deps.paper.get(id);
  if (!row) return null;
  const params = row.params as { initialCapital: number };
  const snapshot = row.snapshot as EngineSnapshot | null;
  const marks = row.lastBarTime === null ? [] : deps.paper.equity(id, row.lastBarTime);
  const mark = marks[marks.length - 1];
  const portfolio = snapshot?.portfolio;
  return {
    id: row.id,
    running: false,
    feed: row.feed,
    symbols: row.symbols,
    interval: row.interval,
    strategy: row.strategy,
    modelId: row.modelId,
    createdAt: row.createdAt,
    startTime: row.startTime,
    lastBarTime: row.lastBarTime,
    initialCapital: params.initialCapital,
    equity: mark?.equity ?? params.initialCapital,
    cash: mark?.cash ?? params.initialCapital,
    gross: mark?.gross ?? 0,
    peakEquity: snapshot?.peakEquity ?? params.initialCapital,
    drawdown: mark?.drawdown ?? 0,
    killed: snapshot?.killed ?? false,
    totalFees: portfolio ? portfolio.fees.reduce((s, x) => s + x, 0) : 0,
    positions: row.symbols.map((symbol, i) => {
      const quantity = portfolio?.quantities[i] ?? 0;
      const weight = mark?.weights[i] ?? 0;
      const value = weight * (mark?.equity ?? 0);
      const price = quantity !== 0 ? value / quantity : 0;
      const averageEntry = portfolio?.averageEntry[i] ?? 0;
      return {
        symbol,
        quantity,
        averageEntry,
        price,
        value,
        weight,
        unrealisedPnl: quantity === 0 ? 0 : (price - averageEntry) * quantity,
        realisedPnl: portfolio?.realised[i] ?? 0,
        fees: portfolio?.fees[i] ?? 0,
      };
    }),
    pendingOrders: (snapshot?.pending ?? []).map((o) => ({
      symbol: o.symbol,
      quantity: o.quantity,
      decidedAt: o.decidedAt,
      reason: o.reason,
    })),
  };
}
