// The model's cross-asset attention at its latest decision: a heatmap of query asset (rows: the asset
// being predicted) × key asset (columns: the asset it reads from), each row a softmax that sums to 1,
// averaged over layers and heads or one layer / head; and beside it the learned lag profile.
import { useMemo, useState } from 'react';
import type { PaperAttention } from '../../api/paper';
import { formatDateTime, formatNumber } from '../../format';
import { LagProfile } from './LagProfile';

interface Props {
  attention: PaperAttention | null;
  /** What to say while there is nothing to draw. */
  waiting: string;
}

/** Above this many assets the heatmap's cells get dense type. */
const DENSE_FROM = 7;

/** 'mean' or a 0-based index. */
type Pick = 'mean' | number;

export function AttentionPanel({ attention, waiting }: Props) {
  const [layer, setLayer] = useState<Pick>('mean');
  const [head, setHead] = useState<Pick>('mean');
  const heads = attention?.heads;
  const layerCount = heads?.length ?? 0;
  const headCount = heads?.[0]?.length ?? 0;
  // A choice the new payload no longer has falls back to the mean.
  const chosenLayer = typeof layer === 'number' && layer >= layerCount ? 'mean' : layer;
  const chosenHead = typeof head === 'number' && head >= headCount ? 'mean' : head;
  const matrix = useMemo(
    () => (attention ? selectAttention(attention, chosenLayer, chosenHead) : null),
    [attention, chosenLayer, chosenHead],
  );

  return (
    <section className="live-panel attention">
      <header className="live-panel__title">
        <span>Cross-asset attention</span>
        {attention && <span className="live-panel__meta">at {formatDateTime(attention.time)}</span>}
        {headCount > 0 && (
          <span className="attention__pickers">
            {layerCount > 1 && (
              <select
                aria-label="Layer"
                data-testid="attention-layer"
                value={String(chosenLayer)}
                onChange={(e) => setLayer(parsePick(e.target.value))}
              >
                <option value="mean">all layers</option>
                {Array.from({ length: layerCount }, (_, i) => (
                  <option key={i} value={i}>
                    layer {i + 1}
                  </option>
                ))}
              </select>
            )}
            <select
              aria-label="Head"
              data-testid="attention-head"
              value={String(chosenHead)}
              onChange={(e) => setHead(parsePick(e.target.value))}
            >
              <option value="mean">mean of heads</option>
              {Array.from({ length: headCount }, (_, i) => (
                <option key={i} value={i}>
                  head {i + 1}
                </option>
              ))}
            </select>
          </span>
        )}
      </header>
      <div className="attention__body">
        <div className="attention__heatmap" data-testid="attention-heatmap" data-size={matrix?.length ?? 0}>
          {attention && matrix ? (
            <Heatmap symbols={attention.symbols} matrix={matrix} />
          ) : (
            <div className="live-panel__empty">{waiting}</div>
          )}
        </div>
        <LagProfile lagWeights={attention ? attention.lagWeights : null} hasModel={attention !== null} />
      </div>
    </section>
  );
}

function Heatmap({ symbols, matrix }: { symbols: readonly string[]; matrix: number[][] }) {
  const max = Math.max(1e-9, ...matrix.flat());
  const short = (symbol: string) => symbol.replace(/USDT$|USDC$|USD$/, '');
  // Many assets leave narrow cells: smaller type and values without the leading zero ('.25').
  const dense = symbols.length > DENSE_FROM;
  const print = (value: number) =>
    dense ? formatNumber(value, 2).replace(/^0\./, '.') : formatNumber(value, 2);
  return (
    <table className={`heatmap${dense ? ' heatmap--dense' : ''}`}>
      <thead>
        <tr>
          <th className="heatmap__corner" title="rows: query asset · columns: key asset">
            q \ k
          </th>
          {symbols.map((s) => (
            <th key={s} scope="col" title={`key ${s}`}>
              {short(s)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, q) => (
          <tr key={symbols[q] ?? q} data-query={symbols[q]}>
            <th scope="row" title={`query ${symbols[q]}`}>
              {short(symbols[q] ?? '')}
            </th>
            {row.map((value, k) => (
              <td
                key={k}
                className="heatmap__cell"
                data-key={symbols[k]}
                data-value={value}
                title={`${symbols[q]} attends to ${symbols[k]}: ${formatNumber(value, 4)}`}
                style={{ background: cellColour(value / max) }}
              >
                {print(value)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The accent colour mixed into the panel by the value's share of the matrix's largest value. */
function cellColour(share: number): string {
  const percent = Math.round(Math.max(0, Math.min(1, share)) * 80);
  return `color-mix(in srgb, var(--accent) ${percent}%, var(--panel-2))`;
}

function parsePick(value: string): Pick {
  return value === 'mean' ? 'mean' : Number(value);
}

/** The matrix for a choice of layer and head: means over what is not chosen. */
export function selectAttention(attention: PaperAttention, layer: Pick, head: Pick): number[][] {
  const heads = attention.heads;
  if (!heads || heads.length === 0 || (layer === 'mean' && head === 'mean')) return attention.matrix;
  const layers = layer === 'mean' ? heads : [heads[layer]!];
  const maps = layers.flatMap((perHead) => (head === 'mean' ? perHead : [perHead[head]!]));
  const n = attention.matrix.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const map of maps) map.forEach((row, q) => row.forEach((w, k) => (out[q]![k]! += w / maps.length)));
  return out;
}
