// Data: what the store holds (every feed's series with coverage and gaps), a backfill from REST with
// progress, and CSV import with its validation report.
import { useMemo } from 'react';
import { useCoverage } from '../api/data';
import { BackfillForm } from '../components/data/BackfillForm';
import { CoverageTable } from '../components/data/CoverageTable';
import { CsvImportForm } from '../components/data/CsvImportForm';
import { InstrumentRulesForm } from '../components/data/InstrumentRulesForm';
import { formatCount } from '../format';
import './data.css';

const BUILT_IN_FEEDS = ['bybit', 'bybit-testnet', 'simulator'];

export function DataView() {
  const coverage = useCoverage();
  const info = coverage.data;
  const feeds = useMemo(
    () => [...new Set([...BUILT_IN_FEEDS, ...(info?.stored.map((s) => s.feed) ?? [])])],
    [info?.stored],
  );
  const totals = useMemo(() => {
    const stored = info?.stored ?? [];
    return {
      series: stored.length,
      bars: stored.reduce((n, s) => n + s.count, 0),
      gaps: stored.reduce((n, s) => n + s.gaps, 0),
    };
  }, [info?.stored]);

  return (
    <div className="data-view">
      <section className="data-view__coverage">
        <div className="panel-title data-view__title">
          <span>Stored series</span>
          <span className="data-view__totals" data-testid="coverage-totals">
            {totals.series} series · {formatCount(totals.bars)} bars · {formatCount(totals.gaps)} missing
          </span>
          {coverage.error && (
            <span className="data-view__error">Cannot read coverage: {coverage.error.message}</span>
          )}
        </div>
        <CoverageTable
          stored={info?.stored ?? []}
          configuredFeed={info?.feed ?? ''}
          loading={coverage.loading}
        />
      </section>
      {info ? (
        <div className="data-view__forms">
          <BackfillForm
            defaults={{ feed: info.feed, symbols: info.configured, interval: info.interval }}
            onWritten={coverage.reload}
          />
          <CsvImportForm defaultInterval={info.interval} onImported={coverage.reload} />
          <InstrumentRulesForm />
        </div>
      ) : (
        <div className="view-message">{coverage.error ? coverage.error.message : 'Loading…'}</div>
      )}
      <datalist id="data-known-feeds">
        {feeds.map((feed) => (
          <option key={feed} value={feed} />
        ))}
      </datalist>
    </div>
  );
}
