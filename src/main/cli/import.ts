// `import`: one CSV file into a feed of the user's: OHLCV candles, or with --funding the feed's
// funding history (funding_time_ms,funding_rate). The CLI reads the file and sends its text (in
// chunks when large); the core never opens a path a call names. A bad file is rejected whole, with
// numbered rows; exchange feeds (bybit, bybit-testnet, simulator) are refused.
import { readFile } from 'node:fs/promises';
import { importSource } from '../../shared/upload';
import { requireString, UsageError, writeJson, type Command } from './command';

interface Imported {
  rows: number;
  first: number | null;
  last: number | null;
  timeFormat?: string;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import an OHLCV (or with --funding a funding-rate) CSV file into a feed of your own',
  usage: '--feed F --symbol S (--interval I | --funding) FILE',
  options: {
    feed: { type: 'string' },
    symbol: { type: 'string' },
    interval: { type: 'string' },
    funding: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1, name: 'FILE' },
  async run({ values, positionals, json, core, signal, stdout }) {
    const funding = values.funding === true;
    const feed = requireString(values, 'feed');
    const symbol = requireString(values, 'symbol').toUpperCase();
    const interval = funding ? null : requireString(values, 'interval');
    const file = positionals[0] ?? '';
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(
        err.code === 'ENOENT'
          ? `There is no file ${file}: check the path.`
          : `Cannot read ${file}: ${err.message}`,
      );
    });
    const { dispatch } = await core();
    const source = await importSource(
      text,
      (chunk) =>
        dispatch('market.upload.chunk', chunk, { signal }) as Promise<{ uploadId: string; chars: number }>,
    );
    const result = (
      interval === null
        ? await dispatch('market.importFundingCsv', { feed, symbol, ...source }, { signal })
        : await dispatch('market.importCsv', { feed, symbol, interval, ...source }, { signal })
    ) as Imported;
    if (json) {
      writeJson(stdout, {
        ...result,
        feed,
        symbol,
        ...(interval === null ? { funding: true } : { interval }),
      });
      return;
    }
    const span =
      result.first === null
        ? ''
        : ` from ${new Date(result.first).toISOString()} to ${new Date(result.last ?? result.first).toISOString()}`;
    stdout.write(
      interval === null
        ? `Imported ${result.rows} funding rates into ${feed}/${symbol}${span}.\n`
        : `Imported ${result.rows} candles into ${feed}/${symbol}/${interval}${span} (times in ${result.timeFormat}).\n`,
    );
  },
};
