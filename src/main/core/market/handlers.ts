// The market domain's handlers for the core's dispatch (see src/shared/contract/market.ts).
import type { Handlers } from '../../../shared/rpc';
import { MarketService, type MarketDeps } from './service';

export type MarketHandlerName =
  | 'market.symbols'
  | 'market.candles'
  | 'market.backfill'
  | 'market.stream.start'
  | 'market.stream.stop'
  | 'market.status'
  | 'market.upload.chunk'
  | 'market.instruments'
  | 'market.setInstruments'
  | 'market.importCsv'
  | 'market.importFundingCsv';

export type { MarketDeps } from './service';

export function createMarketHandlers(deps: MarketDeps): {
  handlers: Pick<Handlers, MarketHandlerName>;
  service: MarketService;
  close(): Promise<void>;
} {
  const service = new MarketService(deps);
  return {
    service,
    handlers: {
      'market.symbols': (params) => service.symbols(params),
      'market.candles': (params) => service.candles(params),
      'market.backfill': (params, context) => service.backfill(params, context.signal),
      'market.stream.start': (params) => service.startStream(params),
      'market.stream.stop': () => service.stopStream(),
      'market.status': () => service.status(),
      'market.upload.chunk': (params) => service.uploadChunk(params),
      'market.instruments': (params) => service.instruments(params.feed),
      'market.setInstruments': (params) => service.setInstruments(params.feed, params.rules),
      'market.importCsv': (params, context) => service.importCsv(params, context.signal),
      'market.importFundingCsv': (params, context) => service.importFundingCsv(params, context.signal),
    },
    close: () => service.close(),
  };
}
