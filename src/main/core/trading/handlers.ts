// The trading domain's handlers for the core's dispatch (see src/shared/contract/backtest.ts).
import type { Handlers } from '../../../shared/rpc';
import { BacktestService, type BacktestDeps } from './backtest-service';

export type BacktestHandlerName = 'backtest.run' | 'backtest.list' | 'backtest.get' | 'backtest.delete' | 'backtest.exportCsv';

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
