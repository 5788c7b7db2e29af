// Current portfolio weights per symbol: the strategy's target (from `paper.weights`) against the weights
// the account holds (from its positions), as horizontal bars around zero with the numbers beside them.
// Each row carries data-target / data-actual so that tests can read the values without the layout.
import type { PaperWeights } from '../../api/paper';
import { formatDateTime, formatPercent } from '../../format';

interface Props {
  symbols: readonly string[];
  /** Held weight per symbol from the account's positions; null without an account. */
  actual: Record<string, number> | null;
  weights: PaperWeights | null;
}

/** The bars' half-width never stands for less than this weight, so that small books do not look full. */
const MIN_SCALE = 0.25;

export function WeightsPanel({ symbols, actual, weights }: Props) {
  const target = (symbol: string): number | null => {
    if (!weights?.target) return null;
    const i = weights.symbols.indexOf(symbol);
    return i >= 0 ? (weights.target[i] ?? null) : null;
  };
  const held = (symbol: string): number | null => {
    if (actual && symbol in actual) return actual[symbol]!;
    const i = weights ? weights.symbols.indexOf(symbol) : -1;
    return i >= 0 ? (weights!.actual[i] ?? null) : null;
  };
  const values = symbols.flatMap((s) => [target(s), held(s)]).filter((v): v is number => v !== null);
  const scale = Math.max(MIN_SCALE, ...values.map(Math.abs));
  const gross = (pick: (s: string) => number | null) =>
    symbols.reduce((sum, s) => sum + Math.abs(pick(s) ?? 0), 0);

  return (
    <section className="live-panel weights" data-testid="weights" data-time={weights?.time ?? ''}>
      <header className="live-panel__title">
        <span>Weights</span>
        <span className="weights__legend">
          <span className="weights__key weights__key--target" /> target
          <span className="weights__key weights__key--actual" /> held
        </span>
        {weights?.targetTime != null && (
          <span className="live-panel__meta">decided {formatDateTime(weights.targetTime)}</span>
        )}
      </header>
      {symbols.length === 0 ? (
        <div className="live-panel__empty">No symbols.</div>
      ) : (
        <table className="weights__table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th className="weights__axis">
                <span>{formatPercent(-scale)}</span>
                <span>0</span>
                <span>{formatPercent(scale)}</span>
              </th>
              <th className="num">Target</th>
              <th className="num">Held</th>
            </tr>
          </thead>
          <tbody>
            {symbols.map((symbol) => {
              const t = target(symbol);
              const a = held(symbol);
              return (
                <tr
                  key={symbol}
                  className="weights__row"
                  data-symbol={symbol}
                  data-target={t ?? ''}
                  data-actual={a ?? ''}
                >
                  <td className="weights__symbol">{symbol}</td>
                  <td className="weights__bars">
                    <WeightBar value={t} scale={scale} kind="target" />
                    <WeightBar value={a} scale={scale} kind="actual" />
                  </td>
                  <td className="num weights__target">{t === null ? '—' : formatPercent(t)}</td>
                  <td className={`num weights__actual${a !== null && a < 0 ? ' is-down' : ''}`}>
                    {a === null ? '—' : formatPercent(a)}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <td>Gross</td>
              <td />
              <td className="num">{weights?.target ? formatPercent(gross(target), false) : '—'}</td>
              <td className="num">{formatPercent(gross(held), false)}</td>
            </tr>
          </tfoot>
        </table>
      )}
      <p className="weights__rule" data-testid="weights-fill-rule">
        Orders decided at a bar’s close fill at the next bar’s open (paper fills, no real orders): held
        weights reach the target one bar later, then drift with prices until the next rebalance.
      </p>
    </section>
  );
}

/** One bar from the centre line: right for long, left for short. */
function WeightBar({
  value,
  scale,
  kind,
}: {
  value: number | null;
  scale: number;
  kind: 'target' | 'actual';
}) {
  const share = value === null ? 0 : Math.min(Math.abs(value) / scale, 1) * 50;
  const side = value !== null && value < 0 ? 'is-short' : 'is-long';
  return (
    <div className={`weight-bar weight-bar--${kind}`}>
      <div className="weight-bar__zero" />
      {value !== null && (
        <div
          className={`weight-bar__fill ${side}`}
          style={value < 0 ? { right: '50%', width: `${share}%` } : { left: '50%', width: `${share}%` }}
        />
      )}
    </div>
  );
}
