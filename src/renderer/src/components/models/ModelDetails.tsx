// One trained model: what it was trained on, its validation metrics, its configuration and the mean
// cross-asset attention it learned; make it the model of paper trading, or delete it (after a confirm).
import { useEffect, useState } from 'react';
import type { ModelInfo } from '../../../../shared/contract/model';
import { CoreError } from '../../../../shared/errors';
import { useCoreConnection } from '../../api/CoreProvider';
import { useCall } from '../../api/hooks';
import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatInterval,
  formatLoss,
  formatNumber,
  formatPercent,
} from '../../format';
import { AttentionTable } from './AttentionTable';

interface Props {
  id: string;
  activeModelId: string | null;
  /** After activation or deletion: the view reloads the settings and the list. */
  onChanged: (change: { deleted?: string }) => void;
}

export function ModelDetails({ id, activeModelId, onChanged }: Props) {
  const { client } = useCoreConnection();
  const model = useCall('model.get', { id });
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  useEffect(() => {
    setConfirming(false);
    setActionError(null);
  }, [id]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await work();
    } catch (err) {
      setActionError(err instanceof CoreError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const activate = () =>
    act(async () => {
      await client.call('settings.set', { activeModelId: id });
      onChanged({});
    });
  const remove = () =>
    act(async () => {
      await client.call('model.delete', { id });
      // Paper trading must not keep pointing at a model that is gone.
      if (activeModelId === id) await client.call('settings.set', { activeModelId: null });
      setConfirming(false);
      onChanged({ deleted: id });
    });

  const info = model.data?.id === id ? model.data : undefined;
  const active = activeModelId === id;
  return (
    <section className="model-details" data-testid="model-details" data-model-id={id}>
      <div className="model-details__head">
        <div>
          <span className="model-details__id">{id}</span>
          {info && <span className="model-details__name">{info.name}</span>}
        </div>
        <div className="model-details__actions">
          <button
            type="button"
            className={`button${active ? '' : ' button--primary'}`}
            disabled={busy || active || !info || info.backtestId !== null}
            title={
              info?.backtestId
                ? `A fold model of backtest ${info.backtestId}: paper trading never uses it`
                : undefined
            }
            onClick={() => void activate()}
            data-testid="use-for-paper"
          >
            {active
              ? 'Used for paper trading'
              : info?.backtestId
                ? 'Fold model of a backtest'
                : 'Use for paper trading'}
          </button>
          {confirming ? (
            <span className="model-details__confirm" role="alert">
              Delete {id} and its weights?
              <button
                type="button"
                className="button button--danger"
                disabled={busy}
                onClick={() => void remove()}
              >
                Delete
              </button>
              <button type="button" className="button" disabled={busy} onClick={() => setConfirming(false)}>
                Keep
              </button>
            </span>
          ) : (
            <button
              type="button"
              className="button"
              disabled={busy || !info}
              onClick={() => setConfirming(true)}
            >
              Delete…
            </button>
          )}
        </div>
      </div>
      {actionError && <div className="train-outcome is-failed">{actionError}</div>}
      {!info ? (
        <div className="models-empty">
          {model.error ? `Cannot read ${id}: ${model.error.message}` : `Loading ${id}…`}
        </div>
      ) : (
        <ModelBody info={info} />
      )}
    </section>
  );
}

function ModelBody({ info }: { info: ModelInfo }) {
  const m = info.metrics;
  return (
    <div className="model-details__body">
      <div className="model-details__column">
        <h3 className="model-details__heading">Training data</h3>
        <KeyValues
          rows={[
            ['feed', info.feed],
            ['symbols', info.symbols.join(', ')],
            ['interval', formatInterval(info.interval)],
            ['from', formatDateTime(info.trainFrom)],
            ['to', formatDateTime(info.trainTo)],
            ['seed', String(info.seed)],
            ['backend', info.backend],
            ['data hash', info.dataHash.slice(0, 16)],
            ['created', formatDateTime(info.createdAt)],
          ]}
        />
        <h3 className="model-details__heading">Validation</h3>
        <KeyValues
          rows={[
            ['epochs (best)', `${m.epochs} (${m.bestEpoch})`],
            ['train loss', formatLoss(m.trainLoss)],
            ['validation loss', formatLoss(m.validationLoss)],
            ['direction, up/down', formatPercent(m.directionAccuracy, false)],
            ['direction, all classes', formatPercent(m.directionAccuracyAll, false)],
            ['Sharpe per bar', formatNumber(m.validationSharpe, 4)],
            ['validation samples', String(m.validationSamples)],
            ['samples/s', formatCount(m.samplesPerSecond)],
            ['duration', formatDuration(m.durationMs)],
          ]}
        />
      </div>
      <div className="model-details__column">
        <h3 className="model-details__heading">Configuration</h3>
        <KeyValues rows={configRows(info.config)} />
      </div>
      <div className="model-details__column">
        <h3 className="model-details__heading">Mean cross-asset attention</h3>
        {m.meanAttention.length > 0 ? (
          <AttentionTable symbols={info.symbols} matrix={m.meanAttention} />
        ) : (
          <div className="models-empty">Not recorded for this model.</div>
        )}
        {m.lagWeights.length > 0 && (
          <>
            <h3 className="model-details__heading">Learned lag weights</h3>
            <KeyValues
              rows={m.lagWeights.map((w, i) => [`lag ${i + 1} bar${i === 0 ? '' : 's'}`, formatNumber(w, 3)])}
            />
          </>
        )}
      </div>
    </div>
  );
}

/** Every setting of the config, nested ones as `training.epochs`, lists joined. */
function configRows(config: object, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(config)) {
    const name = prefix + key;
    if (value === null) rows.push([name, 'none']);
    else if (Array.isArray(value)) rows.push([name, value.join(', ')]);
    else if (typeof value === 'object') rows.push(...configRows(value as object, `${name}.`));
    else rows.push([name, String(value)]);
  }
  return rows;
}

function KeyValues({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="key-values">
      {rows.map(([key, value]) => (
        <div key={key} className="key-values__row">
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
