// `stream`: the live kline stream into the store until stopped, printing each closed candle and each
// change of connection state. Gaps after reconnects are filled by the core, as in the app.
import type { MarketStatus } from '../../shared/domain';
import { SIMULATOR_FEED } from '../core/embedded-feed';
import {
  isoTime,
  optionalString,
  parseSymbols,
  requireString,
  untilStopped,
  writeJson,
  type Command,
} from './command';

export const streamCommand: Command = {
  name: 'stream',
  summary: 'stream live candles into the store until stopped',
  usage: '--feed F --symbols A,B,.. --interval I [--ws-url URL] [--rest-url URL]',
  options: {
    feed: { type: 'string' },
    symbols: { type: 'string' },
    interval: { type: 'string' },
    'ws-url': { type: 'string' },
    'rest-url': { type: 'string' },
  },
  async run({ values, json, core, signal, stdout, stderr }) {
    const feed = requireString(values, 'feed');
    const symbols = parseSymbols(requireString(values, 'symbols'));
    const interval = requireString(values, 'interval');
    const wsUrl = optionalString(values, 'ws-url');
    const restUrl = optionalString(values, 'rest-url');
    const app = await core();

    let lastState = '';
    const showStatus = (status: MarketStatus) => {
      const state = `${status.connection}|${status.reason ?? ''}`;
      if (state === lastState) return;
      lastState = state;
      if (json) writeJson(stdout, { type: 'status', ...status });
      else stderr.write(`status: ${status.connection}${status.reason ? ` (${status.reason})` : ''}\n`);
    };
    const offStatus = app.events.on('market.status', showStatus);
    const offCandle = app.events.on('market.candle', (event) => {
      if (!event.candle.confirmed) return;
      const c = event.candle;
      if (json)
        writeJson(stdout, {
          type: 'candle',
          feed: event.feed,
          symbol: event.symbol,
          interval: event.interval,
          ...c,
        });
      else
        stdout.write(
          `${isoTime(c.openTime)} ${event.symbol} o=${c.open} h=${c.high} l=${c.low} c=${c.close} v=${c.volume}\n`,
        );
    });
    try {
      if (feed === SIMULATOR_FEED && !wsUrl && !restUrl) {
        // No URLs: stream from the simulator embedded in this process.
        await app.overrideSettings({
          feed,
          symbols,
          interval: interval as never,
          restUrl: null,
          wsUrl: null,
        });
      }
      const params = {
        feed,
        symbols,
        interval,
        ...(wsUrl ? { wsUrl } : {}),
        ...(restUrl ? { restUrl } : {}),
      };
      showStatus((await app.dispatch('market.stream.start', params, { signal })) as MarketStatus);
      if (!json) stderr.write('Streaming; press Ctrl+C to stop.\n');
      await untilStopped(signal);
      showStatus(
        (await app.dispatch(
          'market.stream.stop',
          {},
          { signal: new AbortController().signal },
        )) as MarketStatus,
      );
    } finally {
      offStatus();
      offCandle();
    }
  },
};
