// The trained models, newest first, with the validation metrics that tell them apart. The model paper
// trading uses is marked; a click (or Enter) selects a row for its details.
import type { ModelInfo } from '../../../../shared/contract/model';
import {
  baseAsset,
  formatDateTime,
  formatInterval,
  formatLoss,
  formatNumber,
  formatPercent,
} from '../../format';

interface Props {
  models: readonly ModelInfo[];
  activeModelId: string | null;
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function ModelTable({ models, activeModelId, selectedId, onSelect }: Props) {
  if (models.length === 0) {
    return (
      <div className="models-empty" data-testid="model-list" data-count={0}>
        No trained models yet.
      </div>
    );
  }
  return (
    <div className="model-table__scroll">
      <table className="model-table" data-testid="model-list" data-count={models.length}>
        <thead>
          <tr>
            <th>Model</th>
            <th>Symbols</th>
            <th>Int.</th>
            <th>Created (UTC)</th>
            <th>Backend</th>
            <th className="is-number">Epochs</th>
            <th className="is-number" title="Held-out direction accuracy over up and down bars">
              Dir. acc.
            </th>
            <th className="is-number">Train loss</th>
            <th className="is-number">Val. loss</th>
            <th className="is-number" title="Validation Sharpe per bar, net of turnover cost">
              Val. Sharpe
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => {
            const active = model.id === activeModelId;
            const selected = model.id === selectedId;
            return (
              <tr
                key={model.id}
                data-model-id={model.id}
                className={`${selected ? 'is-selected' : ''}${active ? ' is-active' : ''}`}
                aria-selected={selected}
                tabIndex={0}
                onClick={() => onSelect(model.id)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    onSelect(model.id);
                  }
                }}
              >
                <td className="model-table__id">
                  <span className="model-table__name">{model.id}</span>
                  {active && (
                    <span className="badge badge--active" data-testid="active-model-badge">
                      paper
                    </span>
                  )}
                  {model.backtestId && (
                    <span
                      className="badge"
                      data-testid="fold-model-badge"
                      title="Trained by this backtest for one of its folds; deleted with it"
                    >
                      fold of {model.backtestId}
                    </span>
                  )}
                  <span className="model-table__sub" title={model.name}>
                    {model.name}
                  </span>
                </td>
                <td className="model-table__symbols" title={model.symbols.join(', ')}>
                  {model.symbols.map(baseAsset).join(' ')}
                </td>
                <td>{formatInterval(model.interval)}</td>
                <td className="is-mono">{formatDateTime(model.createdAt)}</td>
                <td>{model.backend}</td>
                <td className="is-number">{model.metrics.epochs}</td>
                <td className="is-number" data-metric="directionAccuracy">
                  {formatPercent(model.metrics.directionAccuracy, false)}
                </td>
                <td className="is-number" data-metric="trainLoss">
                  {formatLoss(model.metrics.trainLoss)}
                </td>
                <td className="is-number" data-metric="validationLoss">
                  {formatLoss(model.metrics.validationLoss)}
                </td>
                <td className="is-number">{formatNumber(model.metrics.validationSharpe, 3)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
