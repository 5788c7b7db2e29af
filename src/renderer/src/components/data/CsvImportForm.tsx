// CSV import: a file chosen with the file picker (in the browser and in the desktop app alike) is
// uploaded to the core in chunks, which validates every row before writing anything. The report lists the numbered row errors (and
// nothing was written), or how many candles were imported.
import { useState, type FormEvent } from 'react';
import type { CallResult } from '../../../../shared/contract';
import type { Interval } from '../../../../shared/domain';
import type { CoreError } from '../../../../shared/errors';
import { csvRowErrors, toCoreError, useCsvImport } from '../../api/data';
import { issuesByField } from '../../api/settings';
import { FormField, FormSection } from '../settings/FormField';
import { feedProblem, symbolProblem } from './series-fields';
import { FeedField, IntervalField } from './SeriesFields';
import { formatCount, formatDateTime } from '../../format';

type Report =
  | {
      kind: 'imported';
      file: string;
      contents: 'candles' | 'funding';
      result: CallResult<'market.importCsv'>;
    }
  | { kind: 'rejected'; file: string; error: CoreError };

export function CsvImportForm({
  defaultInterval,
  onImported,
}: {
  defaultInterval: Interval;
  onImported: () => void;
}) {
  const { run: importCsv, progress, cancel } = useCsvImport();
  const [file, setFile] = useState<File | null>(null);
  const [feed, setFeed] = useState('csv');
  const [symbol, setSymbol] = useState('');
  const [interval, setBarInterval] = useState<Interval>(defaultInterval);
  const [busy, setBusy] = useState(false);
  const [contents, setContents] = useState<'candles' | 'funding'>('candles');
  const [report, setReport] = useState<Report | null>(null);

  const cleanSymbol = symbol.trim().toUpperCase();
  const errors: Record<string, string | undefined> = {
    ...(report?.kind === 'rejected' && report.error.code === 'INVALID_PARAMS'
      ? issuesByField(report.error)
      : {}),
  };
  const feedError = feedProblem(feed.trim());
  // An empty symbol is not yet a mistake; the button stays off until there is one.
  const symbolError = cleanSymbol === '' ? null : symbolProblem(cleanSymbol);
  if (feedError) errors.feed = feedError;
  if (symbolError) errors.symbol = symbolError;
  const ready = file !== null && !feedError && cleanSymbol !== '' && !symbolError && !busy;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready || !file) return;
    setBusy(true);
    try {
      const result = await importCsv({ feed: feed.trim(), symbol: cleanSymbol, interval }, file, contents);
      setReport({ kind: 'imported', file: file.name, contents, result });
      onImported();
    } catch (error) {
      setReport({ kind: 'rejected', file: file.name, error: toCoreError(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="data-form" onSubmit={submit} noValidate data-testid="csv-import-form">
      <FormSection title="Import OHLCV CSV">
        <FormField
          fieldKey="csv.file"
          label="File"
          hint="Columns time, open, high, low, close, volume[, turnover]; times in ms, s or ISO (UTC)"
          wide
        >
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".csv,.txt,text/csv"
              data-testid="csv-file"
              className="data-form__file"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setReport(null);
              }}
            />
          )}
        </FormField>
        <FormField
          fieldKey="csv.contents"
          label="Contents"
          hint="Funding rates: funding_time_ms,funding_rate (fractions, 0.0001 = 0.01%)"
        >
          {(control) => (
            <select
              {...control}
              data-testid="csv-contents"
              value={contents}
              onChange={(event) => setContents(event.target.value === 'funding' ? 'funding' : 'candles')}
            >
              <option value="candles">OHLCV candles</option>
              <option value="funding">Funding rates</option>
            </select>
          )}
        </FormField>
        <FeedField
          form="csv"
          label="Store as feed"
          testId="csv-feed"
          error={errors.feed}
          value={feed}
          onChange={setFeed}
        />
        <FormField fieldKey="csv.symbol" label="Symbol" error={errors.symbol}>
          {(control) => (
            <input
              {...control}
              type="text"
              spellCheck={false}
              placeholder="BTCUSDT"
              data-testid="csv-symbol"
              value={symbol}
              onChange={(event) => setSymbol(event.target.value)}
            />
          )}
        </FormField>
        <IntervalField
          form="csv"
          testId="csv-interval"
          error={errors.interval}
          value={interval}
          onChange={setBarInterval}
        />
        <div className="form-actions form-field--wide">
          <button
            type="submit"
            className="form-button form-button--primary"
            disabled={!ready}
            data-testid="csv-import"
          >
            {busy ? 'Importing…' : 'Import'}
          </button>
          {busy && (
            <button type="button" className="form-button" onClick={cancel} data-testid="csv-cancel">
              Cancel
            </button>
          )}
          {progress && (
            <span className="data-form__progress" data-testid="csv-progress">
              {progress.stage === 'uploading' ? 'Uploading' : 'Checking rows'}:{' '}
              {progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0}%
            </span>
          )}
        </div>
        {report && <ImportReport report={report} />}
      </FormSection>
    </form>
  );
}

function ImportReport({ report }: { report: Report }) {
  if (report.kind === 'imported') {
    const { rows, first, last, timeFormat } = report.result;
    return (
      <div className="data-result is-good form-field--wide" data-testid="csv-report" data-outcome="imported">
        Imported <strong data-testid="csv-imported-rows">{formatCount(rows)}</strong>{' '}
        {report.contents === 'funding' ? 'funding rates' : 'candles'} from {report.file}:{' '}
        {formatDateTime(first)} → {formatDateTime(last)} (times read as {timeFormat}).
      </div>
    );
  }
  const { errors, errorCount } = csvRowErrors(report.error);
  return (
    <div
      className="data-result is-bad form-field--wide"
      data-testid="csv-report"
      data-outcome="rejected"
      role="alert"
    >
      <p className="data-result__headline">
        {report.error.code === 'INVALID_CSV'
          ? `${report.file} was not imported: ${invalidRowsText(errors, errorCount)}, nothing was written.`
          : `${report.file} was not imported: ${report.error.message}`}
      </p>
      {errors.length > 0 && (
        <ol className="data-result__rows" data-testid="csv-errors">
          {errors.map((error, i) => (
            <li key={`${error.row}-${error.column ?? ''}-${i}`} data-row={error.row}>
              <span className="data-result__where">
                Line {error.row}
                {error.column ? `, ${error.column}` : ''}
              </span>
              {error.message}
            </li>
          ))}
        </ol>
      )}
      {errors.length === 0 && report.error.code === 'INVALID_CSV' && <p>{report.error.message}</p>}
      {errorCount > errors.length && <p>The first {errors.length} are listed.</p>}
    </div>
  );
}

/**
 * The core counts problems, and one row can have several (a high below the low and a negative
 * volume): count the rows themselves when every problem is listed, else say how many problems.
 */
export function invalidRowsText(errors: readonly { row: number }[], errorCount: number): string {
  const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
  if (errorCount > errors.length) return `${plural(errorCount, 'problem')} in its rows`;
  const rows = new Set(errors.map((e) => e.row)).size;
  const problems = errorCount > rows ? ` (${plural(errorCount, 'problem')})` : '';
  return `${plural(rows, 'invalid row')}${problems}`;
}
