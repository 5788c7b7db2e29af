// Backtest hooks: the stored runs, one run's detail, and a running backtest job (progress from
// job.progress, cancel through job.cancel). Everything but running reads only the database.
import { useCallback, useRef, useState } from 'react';
import type { CallParams, CallResult } from '../../../shared/contract';
import type { BacktestSummary } from '../../../shared/contract/backtest';
import type { JobProgress } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import { useCoreConnection } from './CoreProvider';
import { useCall, useEvent } from './hooks';

export type BacktestRunParams = Omit<CallParams<'backtest.run'>, 'jobId'>;
export type BacktestExportTable = CallParams<'backtest.exportCsv'>['table'];

export function useBacktestList() {
  return useCall('backtest.list', {});
}

export function useBacktestDetail(id: string) {
  return useCall('backtest.get', { id });
}

/** The same run with the fills of one of its strategies (the strategy under test or a baseline). */
export function useBacktestFills(id: string, strategy: string) {
  return useCall('backtest.get', { id, fillsOf: strategy });
}

export type JobPhase = 'running' | 'done' | 'failed' | 'cancelled';

export interface BacktestJob {
  jobId: string;
  phase: JobPhase;
  progress: JobProgress | null;
  /** How many progress events arrived: a quick run may finish between two repaints. */
  events: number;
  result: CallResult<'backtest.run'> | null;
  error: CoreError | null;
}

/** Starts backtests and follows the one started last; the call is not tied to the view's lifetime. */
export function useBacktestJob(onFinished: (result: BacktestSummary) => void) {
  const { client } = useCoreConnection();
  const [job, setJob] = useState<BacktestJob | null>(null);
  const current = useRef<string | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEvent('job.progress', (progress) => {
    if (progress.jobId !== current.current) return;
    setJob((j) => (j && j.jobId === progress.jobId ? { ...j, progress, events: j.events + 1 } : j));
  });

  const start = useCallback(
    (params: BacktestRunParams): Promise<void> => {
      const jobId = `backtest-ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
      current.current = jobId;
      setJob({ jobId, phase: 'running', progress: null, events: 0, result: null, error: null });
      const update = (patch: Partial<BacktestJob>) =>
        setJob((j) => (j && j.jobId === jobId ? { ...j, ...patch } : j));
      return client.call('backtest.run', { ...params, jobId }).then(
        (result) => {
          update({ phase: 'done', result });
          finished.current(result);
        },
        (err: unknown) => {
          const error = err instanceof CoreError ? err : new CoreError('INTERNAL', String(err));
          update({ phase: error.code === 'CANCELLED' ? 'cancelled' : 'failed', error });
          throw error;
        },
      );
    },
    [client],
  );

  const cancel = useCallback(() => {
    const jobId = current.current;
    if (jobId) void client.call('job.cancel', { jobId }).catch(() => undefined);
  }, [client]);

  return { job, start, cancel };
}

/** Asks the core for one CSV table of a run and hands it to the browser as a downloaded file. */
export function useCsvExport() {
  const { client } = useCoreConnection();
  return useCallback(
    async (id: string, table: BacktestExportTable) => {
      const { filename, csv } = await client.call('backtest.exportCsv', { id, table });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = filename;
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      // The download has taken its copy once click() returns; a delay keeps slow browsers safe.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return filename;
    },
    [client],
  );
}

export function useDeleteBacktest() {
  const { client } = useCoreConnection();
  return useCallback((id: string) => client.call('backtest.delete', { id }), [client]);
}

/** Field paths ('costs.feeRate') → message, from an INVALID_PARAMS error's details.issues. */
export function fieldErrorsOf(error: CoreError): Record<string, string> {
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  const out: Record<string, string> = {};
  if (!Array.isArray(issues)) return out;
  for (const issue of issues as { path?: unknown; message?: unknown }[]) {
    if (typeof issue.path === 'string' && typeof issue.message === 'string' && !(issue.path in out)) {
      out[issue.path] = issue.message;
    }
  }
  return out;
}
