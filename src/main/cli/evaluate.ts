// `evaluate`: the walk-forward of the attention model and the four baselines on a directory of real
// series, with N model seeds. The CSVs (`SYMBOL_INTERVAL.csv` or `SYMBOL.csv`, the import format) are
// imported into a temporary store under a custom feed, so the user's data directory is never touched;
// the report is a table of mean ± std across seeds (or one JSON object with --json).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSource } from '../../shared/upload';
import { createCore } from '../core/core';
import { readConfig } from './backtest';
import {
  optionalString,
  parseInteger,
  parseSymbols,
  parseTime,
  requireString,
  UsageError,
  writeJson,
  type Command,
} from './command';
import { modelSeeds, runSeeded } from './seeded-runs';
import { seedTable } from './seed-table';

const FEED = 'evaluation';
const DEFAULT_SYMBOLS = 'BTCUSDT,ETHUSDT,SOLUSDT,BNBUSDT,AVAXUSDT';

function seriesFile(dir: string, symbol: string, interval: string): string {
  const candidates = [`${symbol}_${interval}.csv`, `${symbol}.csv`].map((name) => join(dir, name));
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new UsageError(`--data ${dir} has no ${symbol}_${interval}.csv (nor ${symbol}.csv) for ${symbol}.`);
  return found;
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'walk-forward of the attention model and the baselines on a directory of real series, N seeds',
  usage:
    '--data DIR [--symbols A,B,..] [--interval I] [--from T] [--to T] [--seeds N] [--config FILE] ' +
    '(the config: backtest.run settings, e.g. {"model": {"config": {...}}, "risk": {...}})',
  options: {
    data: { type: 'string' },
    symbols: { type: 'string' },
    interval: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    seeds: { type: 'string' },
    config: { type: 'string' },
  },
  async run({ values, json, signal, stdout, stderr }) {
    const dir = requireString(values, 'data');
    const symbols = parseSymbols(optionalString(values, 'symbols') ?? DEFAULT_SYMBOLS);
    const interval = optionalString(values, 'interval') ?? '60';
    const fromText = optionalString(values, 'from');
    const toText = optionalString(values, 'to');
    const seedCount = parseInteger(optionalString(values, 'seeds'), 'seeds', 1, 100) ?? 1;
    const config = await readConfig(optionalString(values, 'config'));
    const files = symbols.map((symbol) => seriesFile(dir, symbol, interval));

    const store = await mkdtemp(join(tmpdir(), 'crossdesk-evaluate-'));
    const core = await createCore({ dataDir: store });
    try {
      const imported: Array<{ symbol: string; rows: number; first: number | null; last: number | null }> = [];
      for (const [i, symbol] of symbols.entries()) {
        const text = await readFile(files[i]!, 'utf8');
        // Sent as the import command sends it: in chunks when large.
        const source = await importSource(
          text,
          (chunk) =>
            core.dispatch('market.upload.chunk', chunk, { signal }) as Promise<{
              uploadId: string;
              chars: number;
            }>,
        );
        const result = (await core.dispatch(
          'market.importCsv',
          { feed: FEED, symbol, interval, ...source },
          { signal },
        )) as { rows: number; first: number | null; last: number | null };
        imported.push({ symbol, ...result });
        if (!json) stderr.write(`imported ${result.rows} ${interval} candles of ${symbol}\n`);
      }
      // Default range: where every series has candles.
      const from = fromText ? parseTime(fromText, 'from') : Math.max(...imported.map((s) => s.first ?? 0));
      const to = toText ? parseTime(toText, 'to') : Math.min(...imported.map((s) => s.last ?? 0));
      const first = ((config['model'] as { seed?: unknown } | undefined)?.seed as number | undefined) ?? 1;
      const seeds = modelSeeds(seedCount, first);
      const params = { ...config, feed: FEED, symbols, interval, from, to, strategy: 'model' };
      const { runs, report } = await runSeeded({
        core,
        params,
        seeds,
        signal,
        stderr,
        showProgress: !json,
        label: 'evaluate',
      });
      if (json) {
        writeJson(stdout, {
          data: { symbols, interval, from, to, imported },
          settings: config,
          ...report,
          runs,
        });
        return;
      }
      const run = runs[0]!;
      stdout.write(
        `evaluation of ${symbols.join(', ')} ${interval}: ${run.bars} out-of-sample bars ` +
          `(${new Date(run.outOfSampleFrom).toISOString()} → ${new Date(run.outOfSampleTo).toISOString()}) in ${run.folds} folds\n`,
      );
      stdout.write(seedTable(report));
    } finally {
      await core.close();
      await rm(store, { recursive: true, force: true });
    }
  },
};
