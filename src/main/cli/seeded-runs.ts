// Runs one backtest per model seed (backtest --seeds, evaluate) through the contract, with one progress
// bar over all of them, and combines the runs into a mean ± std report.
import { randomUUID } from 'node:crypto';
import type { BacktestSummary } from '../../shared/contract/backtest';
import type { Core } from '../core/core';
import { seedReport, type SeedReport } from '../core/trading/seed-summary';
import { ProgressBar } from './progress';

/** Seeds 1, 1001, 2001, …: each fold trains with seed + fold index, so runs never share a seed. */
export function modelSeeds(count: number, first = 1): number[] {
  return Array.from({ length: count }, (_, k) => first + 1000 * k);
}

export async function runSeeded(options: {
  core: Pick<Core, 'dispatch' | 'events'>;
  params: Record<string, unknown>;
  seeds: readonly number[];
  signal: AbortSignal;
  stderr: NodeJS.WriteStream;
  showProgress: boolean;
  label: string;
}): Promise<{ runs: BacktestSummary[]; report: SeedReport }> {
  const { core, params, seeds, signal } = options;
  const runs: BacktestSummary[] = [];
  const model = (params['model'] ?? {}) as Record<string, unknown>;
  for (const [k, seed] of seeds.entries()) {
    const jobId = `cli-${options.label}-${randomUUID().slice(0, 8)}`;
    const bar = new ProgressBar(
      options.stderr,
      `${options.label} seed ${k + 1}/${seeds.length}`,
      options.showProgress,
    );
    // Off a terminal the bar is not drawn: fold starts go to stderr as lines instead (logs of long runs).
    const lines = options.showProgress && options.stderr.isTTY !== true;
    let lastLine = '';
    const off = core.events.on('job.progress', (p) => {
      if (p.jobId !== jobId) return;
      bar.update(p.done, p.total, p.message);
      if (lines && p.message.startsWith('fold') && p.message !== lastLine) {
        lastLine = p.message;
        options.stderr.write(
          `${options.label} seed ${k + 1}/${seeds.length}: ${p.message} (${new Date().toISOString()})\n`,
        );
      }
    });
    try {
      const run = (await core.dispatch(
        'backtest.run',
        { ...params, ...(params['strategy'] === 'model' ? { model: { ...model, seed } } : {}), jobId },
        { signal },
      )) as BacktestSummary;
      runs.push(run);
    } finally {
      bar.finish();
      off();
    }
  }
  return { runs, report: seedReport(seeds, runs) };
}
