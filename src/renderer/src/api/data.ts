// Data-view calls: stored-series coverage (polled, since every streamed bar changes a count), a
// backfill job followed through job.progress and cancellable, and CSV import of a picked file
// (uploaded in chunks, parsed as a job).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallParams, CallResult } from '../../../shared/contract';
import type { JobProgress } from '../../../shared/domain';
import { CoreError } from '../../../shared/errors';
import { importSource } from '../../../shared/upload';
import { useCoreConnection } from './CoreProvider';
import { useCall, useEvent } from './hooks';

/** Streamed bars close about once a second in demo mode; a few seconds keeps the counts fresh enough. */
const COVERAGE_POLL_MS = 2_000;

/** Every stored series of every feed, with coverage and gap ranges, refreshed while the view is open. */
export function useCoverage() {
  const state = useCall('market.symbols', { allFeeds: true, gapRanges: true });
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(reload, COVERAGE_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return state;
}

export function toCoreError(error: unknown): CoreError {
  return error instanceof CoreError ? error : new CoreError('INTERNAL', String(error));
}

export type BackfillRequest = Omit<CallParams<'market.backfill'>, 'jobId'>;

export interface BackfillJob {
  jobId: string | null;
  running: boolean;
  progress: JobProgress | null;
  result: CallResult<'market.backfill'> | null;
  error: CoreError | null;
  start(request: BackfillRequest): void;
  cancel(): void;
}

/** One backfill at a time: the job id is chosen here so that progress events can be matched to it. */
export function useBackfillJob(onFinished?: () => void): BackfillJob {
  const { client } = useCoreConnection();
  const [jobId, setJobId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [result, setResult] = useState<CallResult<'market.backfill'> | null>(null);
  const [error, setError] = useState<CoreError | null>(null);
  const current = useRef<string | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEvent('job.progress', (event) => {
    if (event.jobId === current.current) setProgress(event);
  });

  const start = useCallback(
    (request: BackfillRequest) => {
      const id = `backfill-${crypto.randomUUID().slice(0, 8)}`;
      current.current = id;
      setJobId(id);
      setRunning(true);
      setProgress(null);
      setResult(null);
      setError(null);
      client.call('market.backfill', { ...request, jobId: id }).then(
        (answer) => {
          if (current.current !== id) return;
          setResult(answer);
          setRunning(false);
          finished.current?.();
        },
        (failure: unknown) => {
          if (current.current !== id) return;
          setError(toCoreError(failure));
          setRunning(false);
          finished.current?.();
        },
      );
    },
    [client],
  );

  const cancel = useCallback(() => {
    const id = current.current;
    if (id)
      client.call('job.cancel', { jobId: id }).catch((failure: unknown) => setError(toCoreError(failure)));
  }, [client]);

  return { jobId, running, progress, result, error, start, cancel };
}

export type CsvImportRequest = Omit<CallParams<'market.importCsv'>, 'content' | 'uploadId' | 'jobId'>;

export interface CsvImportProgress {
  stage: 'uploading' | 'parsing';
  done: number;
  total: number;
}

/**
 * Imports a picked file: its text goes up in bounded chunks (the core may run on another machine
 * than the picker, and no call carries a path), then the core parses it as a job whose progress is
 * shown and which `cancel` stops.
 */
export function useCsvImport() {
  const { client } = useCoreConnection();
  const [progress, setProgress] = useState<CsvImportProgress | null>(null);
  const current = useRef<{ jobId: string; abort: AbortController } | null>(null);

  useEvent('job.progress', (event) => {
    if (event.jobId === current.current?.jobId && event.state === 'running')
      setProgress({ stage: 'parsing', done: event.done, total: event.total ?? event.done });
  });

  const run = useCallback(
    async (request: CsvImportRequest, file: Blob, contents: 'candles' | 'funding' = 'candles') => {
      const jobId = `import-${crypto.randomUUID().slice(0, 8)}`;
      const abort = new AbortController();
      current.current = { jobId, abort };
      setProgress({ stage: 'uploading', done: 0, total: file.size });
      try {
        const text = await file.text();
        const source = await importSource(
          text,
          (chunk) => client.call('market.upload.chunk', chunk, { signal: abort.signal }),
          (done, total) => setProgress({ stage: 'uploading', done, total }),
        );
        if (contents === 'funding') {
          const { feed, symbol } = request;
          const result = await client.call(
            'market.importFundingCsv',
            { feed, symbol, ...source, jobId },
            { signal: abort.signal },
          );
          // Funding times are always epoch milliseconds.
          return { ...result, timeFormat: 'ms' as const };
        }
        return await client.call(
          'market.importCsv',
          { ...request, ...source, jobId },
          { signal: abort.signal },
        );
      } finally {
        current.current = null;
        setProgress(null);
      }
    },
    [client],
  );

  const cancel = useCallback(() => current.current?.abort.abort(), []);
  return { run, progress, cancel };
}

/** One row error of an INVALID_CSV report (details.errors of the CoreError). */
export interface CsvRowError {
  row: number;
  column?: string;
  message: string;
}

export function csvRowErrors(error: CoreError): { errors: CsvRowError[]; errorCount: number } {
  const details = error.details as { errors?: unknown; errorCount?: unknown } | undefined;
  const errors = Array.isArray(details?.errors)
    ? (details.errors as unknown[]).filter(
        (e): e is CsvRowError =>
          typeof e === 'object' && e !== null && typeof (e as CsvRowError).row === 'number',
      )
    : [];
  const errorCount = typeof details?.errorCount === 'number' ? details.errorCount : errors.length;
  return { errors, errorCount };
}
