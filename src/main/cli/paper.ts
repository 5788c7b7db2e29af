// `paper`: paper trading on the live stream until stopped. Starts (or resumes) the account, streams the
// series into the store, and prints every fill and the equity at each closed bar; Ctrl+C stops both and
// leaves the account in the store to resume next time.
import type { PaperAccount } from '../../shared/contract/paper';
import { SIMULATOR_FEED } from '../core/embedded-feed';
import {
  isoTime,
  optionalString,
  parseInteger,
  parseSymbols,
  requireString,
  untilStopped,
  writeJson,
  type Command,
} from './command';

export const paperCommand: Command = {
  name: 'paper',
  summary: 'paper trade on the live stream until stopped (the account resumes next time)',
  usage:
    '--feed F --symbols A,B,.. --interval I [--strategy S] [--account ID] [--capital N] [--cadence N] [--reset] ' +
    '[--ws-url URL] [--rest-url URL]',
  options: {
    feed: { type: 'string' },
    symbols: { type: 'string' },
    interval: { type: 'string' },
    strategy: { type: 'string' },
    account: { type: 'string' },
    capital: { type: 'string' },
    cadence: { type: 'string' },
    reset: { type: 'boolean' },
    'ws-url': { type: 'string' },
    'rest-url': { type: 'string' },
  },
  async run({ values, json, core, signal, stdout, stderr }) {
    const feed = requireString(values, 'feed');
    const symbols = parseSymbols(requireString(values, 'symbols'));
    const interval = requireString(values, 'interval');
    const wsUrl = optionalString(values, 'ws-url');
    const restUrl = optionalString(values, 'rest-url');
    const capital = optionalString(values, 'capital');
    const cadence = parseInteger(optionalString(values, 'cadence'), 'cadence', 1, 100_000);
    const strategy = optionalString(values, 'strategy');
    const app = await core();
    const never = { signal: new AbortController().signal };

    const offFill = app.events.on('paper.fill', ({ accountId, fill }) => {
      if (json) writeJson(stdout, { type: 'fill', accountId, ...fill });
      else {
        stdout.write(
          `${isoTime(fill.time)} ${fill.side.padEnd(4)} ${fill.quantity} ${fill.symbol} @ ${fill.price} ` +
            `fee ${fill.fee.toFixed(4)}${fill.reason === 'kill' ? ' (kill switch)' : ''}\n`,
        );
      }
    });
    const offEquity = app.events.on('paper.equity', (e) => {
      if (json) writeJson(stdout, { type: 'equity', ...e });
      else
        stdout.write(
          `${isoTime(e.time)} equity ${e.equity.toFixed(2)} gross ${e.gross.toFixed(2)} drawdown ${(e.drawdown * 100).toFixed(2)}%\n`,
        );
    });
    try {
      if (feed === SIMULATOR_FEED && !wsUrl && !restUrl) {
        await app.overrideSettings({
          feed,
          symbols,
          interval: interval as never,
          restUrl: null,
          wsUrl: null,
        });
      }
      await app.dispatch(
        'market.stream.start',
        { feed, symbols, interval, ...(wsUrl ? { wsUrl } : {}), ...(restUrl ? { restUrl } : {}) },
        { signal },
      );
      const account = (await app.dispatch(
        'paper.start',
        {
          feed,
          symbols,
          interval,
          ...(strategy === undefined ? {} : { strategy }),
          ...(optionalString(values, 'account') === undefined
            ? {}
            : { accountId: optionalString(values, 'account') }),
          ...(capital === undefined ? {} : { initialCapital: Number(capital) }),
          ...(cadence === undefined ? {} : { risk: { cadenceBars: cadence } }),
          ...(values.reset === true ? { reset: true } : {}),
        },
        { signal },
      )) as PaperAccount;
      if (json) writeJson(stdout, { type: 'account', ...account });
      else {
        stderr.write(
          `Paper account '${account.id}' (${account.strategy}) equity ${account.equity.toFixed(2)}, ` +
            `trading from ${isoTime(account.startTime)}; press Ctrl+C to stop.\n`,
        );
      }
      await untilStopped(signal);
      const stopped = (await app.dispatch('paper.stop', {}, never)) as PaperAccount | null;
      await app.dispatch('market.stream.stop', {}, never);
      if (stopped) {
        if (json) writeJson(stdout, { type: 'account', ...stopped });
        else
          stderr.write(
            `Stopped at equity ${stopped.equity.toFixed(2)} after ${isoTime(stopped.lastBarTime)}.\n`,
          );
      }
    } finally {
      offFill();
      offEquity();
    }
  },
};
