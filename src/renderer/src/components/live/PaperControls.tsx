// Start and stop paper trading: the strategy (the trained model, the linear lead-lag reference or a
// baseline), which model 'model' will trade, whether the stored account resumes or starts afresh,
// and the core's error when it refuses (no trained model for these symbols, say).
import { useState } from 'react';
import type { Settings } from '../../../../shared/contract';
import { BASELINE_NAMES, type BacktestStrategyName } from '../../../../shared/contract/backtest';
import type { ModelInfo } from '../../../../shared/contract/model';
import type { PaperAccount } from '../../../../shared/contract/paper';
import type { CoreError } from '../../../../shared/errors';
import type { PaperStart } from '../../api/paper';
import { formatDateTime } from '../../format';

const STRATEGIES: { value: BacktestStrategyName; label: string }[] = [
  { value: 'model', label: 'Attention model' },
  { value: 'linear-lead-lag', label: 'Linear lead-lag' },
  ...BASELINE_NAMES.map((name) => ({ value: name, label: `Baseline: ${name}` })),
];

interface Props {
  account: PaperAccount | null;
  settings: Settings | undefined;
  models: readonly ModelInfo[] | undefined;
  busy: 'start' | 'stop' | null;
  error: CoreError | null;
  onStart: (params: PaperStart) => void;
  onStop: () => void;
  onRefreshModels: () => void;
}

/** The model 'model' trades: the one activated in the Models view, else the newest of these series. */
export function chosenModel(settings: Settings | undefined, models: readonly ModelInfo[] | undefined) {
  if (!settings || !models) return null;
  if (settings.activeModelId) return models.find((m) => m.id === settings.activeModelId) ?? null;
  const matching = models.filter(
    (m) =>
      m.feed === settings.feed &&
      m.interval === settings.interval &&
      m.symbols.length === settings.symbols.length &&
      m.symbols.every((s, i) => s === settings.symbols[i]),
  );
  return [...matching].sort((a, b) => b.createdAt - a.createdAt)[0] ?? null;
}

/** Why the stored account cannot simply resume with these choices, or null when it can. */
function resetReason(
  account: PaperAccount | null,
  strategy: BacktestStrategyName,
  modelId: string | null,
  settings: Settings | undefined,
): string | null {
  if (!account || !settings) return null;
  if (account.strategy !== strategy) return `the stored account trades ${account.strategy}`;
  if (strategy === 'model' && modelId && account.modelId !== modelId) return 'it trades another model';
  const sameSeries =
    account.feed === settings.feed &&
    account.interval === settings.interval &&
    account.symbols.join() === settings.symbols.join();
  return sameSeries ? null : 'the settings name other symbols, interval or feed';
}

export function PaperControls(props: Props) {
  const { account, settings, models, busy, error, onStart, onStop, onRefreshModels } = props;
  const [strategy, setStrategy] = useState<BacktestStrategyName>(
    (account?.strategy as BacktestStrategyName | undefined) ?? 'model',
  );
  const running = account?.running ?? false;
  const model = strategy === 'model' ? chosenModel(settings, models) : null;
  const reset = resetReason(account, strategy, model?.id ?? null, settings);

  const start = () =>
    onStart({
      strategy,
      ...(model ? { modelId: model.id } : {}),
      ...(reset ? { reset: true } : {}),
    });

  return (
    <section className="live-panel paper-controls" data-testid="paper-controls" data-running={running}>
      <header className="live-panel__title">
        <span>Paper trading</span>
        <span className={`paper-controls__state${running ? ' is-running' : ''}`} data-testid="paper-state">
          {running ? 'running' : account ? 'stopped' : 'no account'}
        </span>
        {account?.lastBarTime != null && (
          <span className="live-panel__meta">last bar {formatDateTime(account.lastBarTime)}</span>
        )}
      </header>
      <div className="paper-controls__row">
        <select
          aria-label="Strategy"
          data-testid="paper-strategy"
          value={strategy}
          disabled={running || busy !== null}
          onFocus={onRefreshModels}
          onChange={(e) => setStrategy(e.target.value as BacktestStrategyName)}
        >
          {STRATEGIES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        {running ? (
          <button
            type="button"
            className="paper-controls__button is-stop"
            data-testid="paper-stop"
            disabled={busy !== null}
            onClick={onStop}
          >
            {busy === 'stop' ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          <button
            type="button"
            className="paper-controls__button is-start"
            data-testid="paper-start"
            disabled={busy !== null}
            onClick={start}
          >
            {busy === 'start' ? 'Starting…' : reset ? 'Start afresh' : account ? 'Resume' : 'Start'}
          </button>
        )}
      </div>
      <div className="paper-controls__hint">
        {running && account
          ? `${strategyLabel(account.strategy)}${account.modelId ? ` '${modelName(models, account.modelId)}'` : ''} on ${account.symbols.length} symbols`
          : strategy === 'model'
            ? model
              ? `trades '${model.name}'${settings?.activeModelId ? ' (the active model)' : ' (the newest model)'}`
              : 'no trained model for these symbols yet: train one in Models'
            : `${strategyLabel(strategy)} on the settings' symbols`}
        {!running && reset && <span className="paper-controls__reset"> · starts afresh: {reset}</span>}
      </div>
      {error && (
        <div className="paper-controls__error" role="alert" data-testid="paper-error">
          {error.message}
        </div>
      )}
    </section>
  );
}

function strategyLabel(strategy: string): string {
  return STRATEGIES.find((s) => s.value === strategy)?.label ?? strategy;
}

function modelName(models: readonly ModelInfo[] | undefined, id: string): string {
  return models?.find((m) => m.id === id)?.name ?? id;
}
