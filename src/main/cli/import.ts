// `import`: one OHLCV CSV file into a feed of the user's. The CLI reads the file and sends its text
// (in chunks when large); the core never opens a path a call names. A bad file is rejected whole,
// with numbered rows.
import { readFile } from 'node:fs/promises';
import { importSource } from '../../shared/upload';
import { requireString, UsageError, writeJson, type Command } from './command';

export const importCommand: Command = {
  name: 'import',
  summary: 'import an OHLCV CSV file into a feed (all rows or nothing)',
  usage: '--feed F --symbol S --interval I FILE',
  options: {
    feed: { type: 'string' },
    symbol: { type: 'string' },
    interval: { type: 'string' },
  },
  positionals: { min: 1, max: 1, name: 'FILE' },
  async run({ values, positionals, json, core, signal, stdout }) {
    const params = {
      feed: requireString(values, 'feed'),
      symbol: requireString(values, 'symbol').toUpperCase(),
      interval: requireString(values, 'interval'),
    };
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
    const result = (await dispatch('market.importCsv', { ...params, ...source }, { signal })) as {
      rows: number;
      first: number | null;
      last: number | null;
      timeFormat: string;
    };
    if (json) {
      writeJson(stdout, { ...result, feed: params.feed, symbol: params.symbol, interval: params.interval });
      return;
    }
    const span =
      result.first === null
        ? ''
        : ` from ${new Date(result.first).toISOString()} to ${new Date(result.last ?? result.first).toISOString()}`;
    stdout.write(
      `Imported ${result.rows} candles into ${params.feed}/${params.symbol}/${params.interval}${span} (times in ${result.timeFormat}).\n`,
    );
  },
};
