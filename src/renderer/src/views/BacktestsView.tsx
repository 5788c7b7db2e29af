// Backtests: the new-backtest form and its progress on the left; on the right the library of stored
// runs, one run's page, or two runs compared. Reviewing needs only the database, never the stream.
import { useCallback, useState } from 'react';
import type { BacktestSummary } from '../../../shared/contract/backtest';
import { useBacktestJob, useBacktestList } from '../api/backtests';
import { useCall } from '../api/hooks';
import { BacktestCompare } from '../components/backtests/BacktestCompare';
import { BacktestForm } from '../components/backtests/BacktestForm';
import { BacktestLibrary } from '../components/backtests/BacktestLibrary';
import { BacktestProgress } from '../components/backtests/BacktestProgress';
import { BacktestRunPage } from '../components/backtests/BacktestRunPage';
import './backtests.css';

type Page = { kind: 'library' } | { kind: 'run'; id: string } | { kind: 'compare'; ids: [string, string] };

export function BacktestsView() {
  const settings = useCall('settings.get', {});
  const symbols = useCall('market.symbols', {});
  const library = useBacktestList();
  const [page, setPage] = useState<Page>({ kind: 'library' });
  const [selected, setSelected] = useState<string[]>([]);
  const [highlight, setHighlight] = useState<string | null>(null);

  const reloadLibrary = library.reload;
  const onFinished = useCallback(
    (result: BacktestSummary) => {
      // The library marks the new run; a page being read stays open (Open run is in the progress panel).
      setHighlight(result.id);
      reloadLibrary();
    },
    [reloadLibrary],
  );
  const { job, start, cancel } = useBacktestJob(onFinished);

  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id].slice(-2)));
  const open = (id: string) => setPage({ kind: 'run', id });
  const back = () => setPage({ kind: 'library' });
  const deleted = (id: string) => {
    setSelected((s) => s.filter((x) => x !== id));
    setPage({ kind: 'library' });
    reloadLibrary();
  };

  return (
    <div className="backtests-view">
      <aside className="backtests-view__side">
        {settings.data && symbols.data ? (
          <BacktestForm
            settings={settings.data}
            stored={symbols.data.stored}
            running={job?.phase === 'running'}
            onRun={start}
          />
        ) : (
          <div className="view-message">
            {settings.error || symbols.error
              ? `Cannot load the settings: ${(settings.error ?? symbols.error)!.message}`
              : 'Loading settings…'}
          </div>
        )}
        {job && <BacktestProgress job={job} onCancel={cancel} onOpen={open} />}
      </aside>
      <section className="backtests-view__main">
        {page.kind === 'run' ? (
          <BacktestRunPage key={page.id} runId={page.id} onBack={back} onDeleted={() => deleted(page.id)} />
        ) : page.kind === 'compare' ? (
          <BacktestCompare ids={page.ids} onBack={back} onOpen={open} />
        ) : library.data ? (
          <BacktestLibrary
            runs={library.data}
            selected={selected}
            highlight={highlight}
            onToggle={toggle}
            onOpen={open}
            onCompare={() =>
              selected.length === 2 && setPage({ kind: 'compare', ids: [selected[0]!, selected[1]!] })
            }
          />
        ) : (
          <div className="view-message" data-testid="backtest-library-loading">
            {library.error ? `Cannot list the stored runs: ${library.error.message}` : 'Loading the library…'}
          </div>
        )}
      </section>
    </div>
  );
}
