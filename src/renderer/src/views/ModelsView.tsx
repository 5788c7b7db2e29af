// Models: train a cross-asset attention model (form on the left, live progress and loss curves above),
// review the trained models and their validation metrics, and pick the one paper trading uses.
import { useEffect, useState } from 'react';
import { useStoredState } from '../api/drafts';
import { useCall } from '../api/hooks';
import { useModelList, useTrainingSession } from '../api/models';
import { ModelDetails } from '../components/models/ModelDetails';
import { ModelTable } from '../components/models/ModelTable';
import { TrainForm } from '../components/models/TrainForm';
import { TrainProgress } from '../components/models/TrainProgress';
import './models.css';

export function ModelsView() {
  const settings = useCall('settings.get', {});
  // Fold models belong to their backtests: shown here only when asked for.
  const [showFolds, setShowFolds] = useStoredState('models.showFolds', false);
  const list = useModelList(showFolds);
  const session = useTrainingSession();
  const [selected, setSelected] = useState<string | null>(null);
  const activeModelId = settings.data?.activeModelId ?? null;

  // A finished training adds a model: list it and show it.
  const trainedId = session?.state === 'done' ? (session.model?.id ?? null) : null;
  const reloadList = list.reload;
  useEffect(() => {
    if (trainedId === null) return;
    reloadList();
    setSelected(trainedId);
  }, [trainedId, reloadList]);

  const models = list.models;
  const shown =
    selected !== null && (models === undefined || models.some((m) => m.id === selected)) ? selected : null;

  return (
    <div className="models-view">
      <aside className="models-view__form">
        {settings.data ? (
          <TrainForm settings={settings.data} session={session} />
        ) : (
          <div className="models-empty">
            {settings.error ? `Cannot read the settings: ${settings.error.message}` : 'Loading the settings…'}
          </div>
        )}
      </aside>
      <div className="models-view__main">
        <TrainProgress session={session} onShowModel={setSelected} />
        <section className="models-panel" aria-label="Trained models">
          <div className="panel-title models-panel__title">
            <span>Trained models{models ? ` · ${models.length}` : ''}</span>
            <span className="models-panel__active">
              paper trading uses:{' '}
              <strong data-testid="models-active-id">{activeModelId ?? 'newest matching'}</strong>
            </span>
            <label className="models-panel__folds">
              <input
                type="checkbox"
                data-testid="show-fold-models"
                checked={showFolds}
                onChange={(e) => setShowFolds(e.target.checked)}
              />{' '}
              backtest fold models
            </label>
            <button type="button" className="link-button" onClick={reloadList}>
              refresh
            </button>
          </div>
          {models ? (
            <ModelTable
              models={models}
              activeModelId={activeModelId}
              selectedId={shown}
              onSelect={setSelected}
            />
          ) : (
            <div className="models-empty">
              {list.error ? `Cannot list the models: ${list.error.message}` : 'Loading the models…'}
            </div>
          )}
          {shown ? (
            <ModelDetails
              id={shown}
              activeModelId={activeModelId}
              onChanged={({ deleted }) => {
                settings.reload();
                if (deleted) {
                  setSelected(null);
                  reloadList();
                }
              }}
            />
          ) : (
            models &&
            models.length > 0 && (
              <div className="models-empty">Select a model to see its configuration and attention.</div>
            )
          )}
        </section>
      </div>
    </div>
  );
}
