// Start and stop paper trading: the strategy (the trained model, the linear lead-lag reference or a
// baseline), which model 'model' will trade, whether the stored account resumes or starts afresh,
// and the core's error when it refuses (no trained model for these symbols, say).
import { useState } from 'react';
import type { Settings } from '../../../../shared/contract';
import { BASELINE_NAMES, type BacktestStrategyName } from '../../../../shared/contract/backtest';
import type { ModelInfo } from '../../../../shared/contract/model';
import type { PaperAccount } from '../../../../shared/contract/paper';
import type { CoreError } from '../../../../shared/errors';
import { useLink } from '../../api/hooks';
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

/** Simulated cash of a new account (USDT), as the core's own default. */
const DEFAULT_CAPITAL = 100_000;

export function PaperControls(props: Props) {
  const { account, settings, models, busy, error, onStart, onStop, onRefreshModels } = props;
  const [strategy, setStrategy] = useState<BacktestStrategyName>(
    (account?.strategy as BacktestStrategyName | undefined) ?? 'model',
  );
  // With the core unreachable the account's last known state is not its state: say so, offer nothing.
  const linkUp = useLink().state === 'connected';
  const running = linkUp && (account?.running ?? false);
  const model = strategy === 'model' ? chosenModel(settings, models) : null;
  const reset = resetReason(account, strategy, model?.id ?? null, settings);
  // A new account starts with this much simulated cash; a resumed one keeps its own.
  const [capital, setCapital] = useState(String(account?.initialCapital ?? DEFAULT_CAPITAL));
  const capitalValue = Number(capital);
  const capitalValid = Number.isFinite(capitalValue) && capitalValue > 0;
  const opensNew = !account || reset !== null;

  const start = () =>
    onStart({
      strategy,
      ...(model ? { modelId: model.id } : {}),
      ...(reset ? { reset: true } : {}),
      ...(opensNew ? { initialCapital: capitalValue } : {}),
    });

  return (
    <section
      className="live-panel paper-controls"
      data-testid="paper-controls"
      data-running={running}
      data-stale={!linkUp}
    >
      <header className="live-panel__title">
        <span>Paper trading</span>
        <span
          className={`paper-controls__state${running ? ' is-running' : ''}`}
          data-testid="paper-state"
          title={
            linkUp
              ? undefined
              : 'The core is unreachable: the account’s state is unknown until it answers again.'
          }
        >
          {!linkUp ? 'unknown' : running ? 'running' : account ? 'stopped' : 'no account'}
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
            disabled={busy !== null || !linkUp || (opensNew && !capitalValid)}
            onClick={start}
          >
            {busy === 'start' ? 'Starting…' : reset ? 'Start afresh' : account ? 'Resume' : 'Start'}
          </button>
        )}
      </div>
      {!running && (
        <label className="paper-controls__capital">
          <span>Starting capital</span>
          <input
            type="number"
            min={1}
            step={1000}
            inputMode="decimal"
            data-testid="paper-capital"
            aria-invalid={!capitalValid}
            value={capital}
            disabled={!opensNew || busy !== null}
            title={
              opensNew ? 'Simulated cash of the new account, in USDT' : 'The stored account keeps its capital'
            }
            onChange={(e) => setCapital(e.target.value)}
          />
          <span className="paper-controls__unit">USDT</span>
          {settings && (
            <span className="paper-controls__kill" data-testid="paper-kill-limit">
              kill switch{' '}
              {settings.risk.killDrawdown >= 1
                ? 'off'
                : `at ${(settings.risk.killDrawdown * 100).toFixed(0)}% drawdown`}
            </span>
          )}
        </label>
      )}
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
      {account?.notice && (
        <div
          className="paper-controls__notice"
          role={account.killed ? 'alert' : 'status'}
          data-testid="paper-notice"
        >
          {account.notice}
        </div>
      )}
      {account?.error && !running && (
        <div className="paper-controls__error" role="alert" data-testid="paper-account-error">
          <strong>Paper trading stopped on an error</strong>
          {account.error.barTime !== null && ` at the bar of ${formatDateTime(account.error.barTime)}`}:{' '}
          {account.error.message} <span className="paper-controls__action">{account.error.action}</span>
        </div>
      )}
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
