// A model's mean cross-asset attention as a small table: row = the query asset, column = the key asset
// it attends to; each row sums to 1. Shading is relative to the largest weight so the structure shows.
import { baseAsset, formatNumber } from '../../format';

interface Props {
  symbols: readonly string[];
  /** [query asset][key asset]. */
  matrix: readonly (readonly number[])[];
}

export function AttentionTable({ symbols, matrix }: Props) {
  const largest = Math.max(1e-9, ...matrix.flat().filter(Number.isFinite));
  return (
    <table className="attention-table" data-testid="model-attention" aria-label="Mean cross-asset attention">
      <thead>
        <tr>
          <th title="query asset ↓ · key asset →">q \ k</th>
          {symbols.map((symbol) => (
            <th key={symbol} title={symbol}>
              {baseAsset(symbol)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, q) => (
          <tr key={symbols[q] ?? q}>
            <th title={symbols[q]}>{baseAsset(symbols[q] ?? `#${q + 1}`)}</th>
            {row.map((weight, k) => (
              <td
                key={symbols[k] ?? k}
                title={`${symbols[q]} attends to ${symbols[k]}: ${formatNumber(weight, 4)}`}
                style={{
                  background: `color-mix(in srgb, var(--accent) ${Math.round((weight / largest) * 70)}%, transparent)`,
                }}
              >
                {formatNumber(weight, 2)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
