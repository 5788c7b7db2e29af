// Backfill: download a time range of candles for some symbols from the feed's REST endpoint. The job
// reports progress through job.progress and can be cancelled; the result is the candles written.
import { useState, type FormEvent } from 'react';
import type { Interval, JobProgress } from '../../../../shared/domain';
import { useBackfillJob } from '../../api/data';
import { issuesByField } from '../../api/settings';
import { FormField, FormSection } from '../settings/FormField';
import { feedProblem, readSymbolList } from './series-fields';
import { FeedField, IntervalField } from './SeriesFields';
import { formatCount, parseUtcInput, toUtcInput } from '../../format';
import { timingText } from '../progress/eta';
import { useElapsed } from '../progress/use-elapsed';

const DAY_MS = 86_400_000;

function progressText(progress: JobProgress | null): string {
  if (!progress) return 'Starting…';
  if (progress.total === 0) return 'Nothing to download: every bar of the range is already stored.';
  const of = progress.total !== null ? ` / ${formatCount(progress.total)}` : '';
  const state = progress.state === 'running' ? progress.message : progress.state;
  return `${formatCount(progress.done)}${of} bars · ${state}`;
}

export interface BackfillDefaults {
  feed: string;
  symbols: readonly string[];
  interval: Interval;
}

export function BackfillForm({ defaults, onWritten }: { defaults: BackfillDefaults; onWritten: () => void }) {
  const job = useBackfillJob(onWritten);
  const [feed, setFeed] = useState(defaults.feed);
  const [symbols, setSymbols] = useState(defaults.symbols.join(', '));
  const [interval, setBarInterval] = useState<Interval>(defaults.interval);
  const [from, setFrom] = useState(() => toUtcInput(Date.now() - DAY_MS));
  const [to, setTo] = useState(() => toUtcInput(Date.now()));

  const fromMs = parseUtcInput(from) ?? Number.NaN;
  const toMs = parseUtcInput(to) ?? Number.NaN;
  const symbolList = readSymbolList(symbols);
  const errors: Record<string, string | undefined> = {
    ...(job.error ? issuesByField(job.error) : {}),
  };
  const feedError = feedProblem(feed.trim());
  if (feedError) errors.feed = feedError;
  if (symbolList.problem) errors.symbols = symbolList.problem;
  if (Number.isNaN(fromMs)) errors.from = 'Enter the first bar’s date and time (UTC).';
  else if (!Number.isNaN(toMs) && fromMs > toMs) errors.from = '`From` must not be after `to`.';
  if (Number.isNaN(toMs)) errors.to = 'Enter the last bar’s date and time (UTC).';
  const valid =
    !feedError && !symbolList.problem && !Number.isNaN(fromMs) && !Number.isNaN(toMs) && fromMs <= toMs;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid || job.running) return;
    job.start({ feed: feed.trim(), symbols: symbolList.symbols, interval, from: fromMs, to: toMs });
  };

  const progress = job.progress;
  const fraction = progress?.total ? Math.min(1, progress.done / progress.total) : job.result ? 1 : 0;
  const elapsed = useElapsed(job.running);
  const fieldErrorShown = job.error && Object.keys(issuesByField(job.error)).length > 0;

  return (
    <form className="data-form" onSubmit={submit} noValidate data-testid="backfill-form">
      <FormSection title="Backfill from REST">
        <FeedField form="backfill" label="Feed" error={errors.feed} value={feed} onChange={setFeed} />
        <IntervalField form="backfill" error={errors.interval} value={interval} onChange={setBarInterval} />
        <FormField fieldKey="backfill.symbols" label="Symbols (comma-separated)" error={errors.symbols} wide>
          {(control) => (
            <input
              {...control}
              type="text"
              spellCheck={false}
              value={symbols}
              onChange={(event) => setSymbols(event.target.value)}
            />
          )}
        </FormField>
        <FormField fieldKey="backfill.from" label="From (UTC)" error={errors.from}>
          {(control) => (
            <input
              {...control}
              type="text"
              placeholder="YYYY-MM-DD HH:mm"
              spellCheck={false}
              value={from}
              onChange={(event) => setFrom(event.target.value)}
            />
          )}
        </FormField>
        <FormField fieldKey="backfill.to" label="To (UTC)" error={errors.to}>
          {(control) => (
            <input
              {...control}
              type="text"
              placeholder="YYYY-MM-DD HH:mm"
              spellCheck={false}
              value={to}
              onChange={(event) => setTo(event.target.value)}
            />
          )}
        </FormField>
        <div className="form-actions form-field--wide">
          <button
            type="submit"
            className="form-button form-button--primary"
            disabled={!valid || job.running}
            data-testid="backfill-start"
          >
            Backfill
          </button>
          <button
            type="button"
            className="form-button"
            disabled={!job.running}
            onClick={job.cancel}
            data-testid="backfill-cancel"
          >
            Cancel
          </button>
        </div>
        {(job.running || job.result || progress) && (
          <div className="data-progress form-field--wide" data-testid="backfill-progress">
            <div
              className="data-progress__bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={progress?.total ?? undefined}
              aria-valuenow={progress?.done ?? 0}
            >
              <div className="data-progress__fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
            </div>
            <span className="data-progress__text">{progressText(progress)}</span>
            {job.running && (
              <span className="data-progress__text" data-testid="backfill-eta">
                {timingText(elapsed, fraction)}
              </span>
            )}
          </div>
        )}
        {job.result && (
          <div className="data-result form-field--wide" data-testid="backfill-result">
            Written:{' '}
            {Object.entries(job.result.written)
              .map(([symbol, count]) => `${symbol} ${formatCount(count)}`)
              .join(' · ')}{' '}
            candles
          </div>
        )}
        {job.error && !fieldErrorShown && (
          <div className="data-result is-bad form-field--wide" data-testid="backfill-error" role="alert">
            {job.error.code === 'CANCELLED'
              ? 'Cancelled; the candles written so far are kept.'
              : job.error.message}
          </div>
        )}
      </FormSection>
    </form>
  );
}
