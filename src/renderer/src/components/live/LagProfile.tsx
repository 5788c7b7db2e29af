// The learned lag profile of the lagged cross-attention: one bar per lag with its softmax weight.
// Lag l means the key asset's bar l - 1 bars before the decision bar (the model's convention: lag 1
// is the same bar), so a peak at lag 2 says the market leads by one bar. One row per lag (label, bar,
// weight), so the labels stay readable however many lags the model has.
import { formatNumber } from '../../format';

interface Props {
  lagWeights: readonly number[] | null;
  /** Whether a model decision arrived at all (else the heatmap says why there is nothing). */
  hasModel: boolean;
}

export function LagProfile({ lagWeights, hasModel }: Props) {
  const max = lagWeights && lagWeights.length > 0 ? Math.max(1e-9, ...lagWeights) : 1;
  return (
    <div className="lag-profile" data-testid="lag-profile" data-lags={lagWeights?.length ?? 0}>
      <div className="lag-profile__title" title="weight per lag, lag 1 = the same bar">
        Lag profile
      </div>
      {lagWeights && lagWeights.length > 0 ? (
        <div className="lag-profile__bars">
          {lagWeights.map((weight, i) => (
            <div
              key={i}
              className="lag-profile__bar"
              data-lag={i + 1}
              data-weight={weight}
              title={`lag ${i + 1} (${i} bar${i === 1 ? '' : 's'} back): ${formatNumber(weight, 4)}`}
            >
              <span className="lag-profile__label">{i + 1}</span>
              <span className="lag-profile__track">
                <span className="lag-profile__fill" style={{ width: `${(weight / max) * 100}%` }} />
              </span>
              <span className="lag-profile__value">{formatNumber(weight, 2)}</span>
            </div>
          ))}
        </div>
      ) : (
        <div className="lag-profile__empty">{hasModel ? 'this model has no lag module' : '—'}</div>
      )}
    </div>
  );
}
