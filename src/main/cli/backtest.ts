// `backtest`: a walk-forward backtest over stored candles, with a progress bar; Ctrl+C cancels. Prints
// the run id and the metrics of the strategy and of every baseline (a table, or one JSON object).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BacktestSummary } from '../../shared/contract/backtest';
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
import { ProgressBar } from './progress';
import { modelSeeds, runSeeded } from './seeded-runs';
import { seedTable } from './seed-table';
import { seedReport } from '../core/trading/seed-summary';

/** Settings a --config file may hold: the backtest.run params other than the range and the series. */
export async function readConfig(path: string | undefined): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `--config ${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(
      `--config ${path} is not a JSON object of backtest settings (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'walk-forward backtest of a strategy and the baselines over stored candles',
  usage:
    '--feed F --symbols A,B,.. --interval I --from T --to T [--strategy S] [--train-bars N] [--test-bars N] ' +
    '[--purge-bars N] [--config FILE] [--seeds N]',
  options: {
    feed: { type: 'string' },
    symbols: { type: 'string' },
    interval: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    strategy: { type: 'string' },
    'train-bars': { type: 'string' },
    'test-bars': { type: 'string' },
    'purge-bars': { type: 'string' },
    config: { type: 'string' },
    seeds: { type: 'string' },
  },
  async run({ values, json, core, signal, stdout, stderr }) {
    const config = await readConfig(optionalString(values, 'config'));
    const trainBars = parseInteger(optionalString(values, 'train-bars'), 'train-bars', 1, 1_000_000);
    const testBars = parseInteger(optionalString(values, 'test-bars'), 'test-bars', 1, 1_000_000);
    const purgeBars = parseInteger(optionalString(values, 'purge-bars'), 'purge-bars', 0, 100_000);
    const strategy = optionalString(values, 'strategy');
    const params = {
      ...config,
      feed: requireString(values, 'feed'),
      symbols: parseSymbols(requireString(values, 'symbols')),
      interval: requireString(values, 'interval'),
      from: parseTime(requireString(values, 'from'), 'from'),
      to: parseTime(requireString(values, 'to'), 'to'),
      ...(strategy === undefined ? {} : { strategy }),
      ...(trainBars === undefined ? {} : { trainBars }),
      ...(testBars === undefined ? {} : { testBars }),
      ...(purgeBars === undefined ? {} : { purgeBars }),
      jobId: `cli-backtest-${randomUUID().slice(0, 8)}`,
    };
    const seeds = parseInteger(optionalString(values, 'seeds'), 'seeds', 1, 100) ?? 1;
    if (seeds > 1) {
      if (params.strategy !== 'model') {
        throw new UsageError(
          "--seeds varies the attention model's training seed; use it with --strategy model (the other strategies are deterministic).",
        );
      }
      const first = ((config['model'] as { seed?: unknown } | undefined)?.seed as number | undefined) ?? 1;
      const { report } = await runSeeded({
        core: await core(),
        params,
        seeds: modelSeeds(seeds, first),
        signal,
        stderr,
        showProgress: !json,
        label: 'backtest',
      });
      if (json) writeJson(stdout, report);
      else {
        stdout.write(`backtest runs ${report.runIds.join(', ')}\n`);
        stdout.write(seedTable(report));
      }
      return;
    }
    const { dispatch, events } = await core();
    const bar = new ProgressBar(stderr, 'backtest', !json);
    const off = events.on('job.progress', (progress) => {
      if (progress.jobId === params.jobId) bar.update(progress.done, progress.total, progress.message);
    });
    try {
      const result = (await dispatch('backtest.run', params, { signal })) as BacktestSummary & {
        jobId: string;
      };
      bar.finish();
      if (json) {
        writeJson(stdout, {
          id: result.id,
          strategy: result.strategy,
          outOfSampleFrom: result.outOfSampleFrom,
          outOfSampleTo: result.outOfSampleTo,
          bars: result.bars,
          folds: result.folds,
          ...(result.marketRules
            ? {
                instrumentsSource: result.marketRules.instrumentsSource,
                fundingModelled: result.marketRules.fundingModelled,
                notes: result.marketRules.notes,
              }
            : {}),
          metrics: Object.fromEntries(
            result.metrics.map((m) => [m.strategy, { role: m.role, ...m.metrics }]),
          ),
        });
        return;
      }
      stdout.write(`backtest ${result.id}: ${result.bars} out-of-sample bars in ${result.folds} folds\n`);
      // The same columns as a multi-seed report: the Sharpe's interval, the edge over the best
      // baseline, costs per year as a share of capital, funding only where it was modelled.
      stdout.write(seedTable(seedReport([], [result])));
    } finally {
      bar.finish();
      off();
    }
  },
};
