// A stored run's actions: export one of its tables as a CSV file, delete it (after a confirmation
// in place: a modal dialog would stop the page).
import { useState } from 'react';
import { CoreError } from '../../../../shared/errors';
import { useCsvExport, useDeleteBacktest, type BacktestExportTable } from '../../api/backtests';

const TABLES: BacktestExportTable[] = ['metrics', 'equity', 'weights', 'fills', 'funding', 'folds'];

export function RunActions({ runId, onDeleted }: { runId: string; onDeleted: () => void }) {
  const exportCsv = useCsvExport();
  const deleteRun = useDeleteBacktest();
  const [table, setTable] = useState<BacktestExportTable>('metrics');
  const [note, setNote] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const fail = (err: unknown) => setNote(err instanceof CoreError ? err.message : String(err));

  const onExport = () => {
    setNote(null);
    exportCsv(runId, table).then((filename) => setNote(`Saved ${filename}`), fail);
  };

  const onDelete = () => {
    setBusy(true);
    deleteRun(runId).then(
      () => onDeleted(),
      (err: unknown) => {
        setBusy(false);
        setConfirming(false);
        fail(err);
      },
    );
  };

  return (
    <div className="bt-actions">
      <select
        className="bt-input"
        aria-label="Table to export"
        value={table}
        onChange={(e) => setTable(e.target.value as BacktestExportTable)}
      >
        {TABLES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <button type="button" className="bt-button" data-testid="backtest-export" onClick={onExport}>
        Export CSV
      </button>
      {confirming ? (
        <span className="bt-actions__confirm" role="alertdialog" aria-label="Confirm delete">
          Delete this run for good?
          <button
            type="button"
            className="bt-button bt-button--danger"
            data-testid="backtest-delete-confirm"
            disabled={busy}
            onClick={onDelete}
          >
            Delete
          </button>
          <button type="button" className="bt-button" disabled={busy} onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="bt-button"
          data-testid="backtest-delete"
          onClick={() => setConfirming(true)}
        >
          Delete
        </button>
      )}
      {note && (
        <span className="bt-actions__note" data-testid="backtest-action-note">
          {note}
        </span>
      )}
    </div>
  );
}
