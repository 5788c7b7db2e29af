// Recent fills of the paper account, newest first: filled at the open of `time`, decided at the close
// of `decidedAt`.
import type { PaperFill } from '../../api/paper';
import { formatBarTime, formatMoney, formatPrice, formatQuantity } from './figures';

export function FillsTable({ fills }: { fills: readonly PaperFill[] }) {
  return (
    <section className="live-panel fills" data-testid="fills" data-count={fills.length}>
      <header className="live-panel__title">
        <span>Fills</span>
        <span className="live-panel__meta">{fills.length > 0 ? `${fills.length} recent` : ''}</span>
      </header>
      <div className="live-panel__scroll">
        {fills.length === 0 ? (
          <div className="live-panel__empty">No fills yet.</div>
        ) : (
          <table className="live-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Symbol</th>
                <th>Side</th>
                <th className="num">Qty</th>
                <th className="num">Price</th>
                <th className="num">Fee</th>
              </tr>
            </thead>
            <tbody>
              {fills.map((f) => (
                <tr
                  key={`${f.time}|${f.symbol}|${f.side}|${f.quantity}`}
                  className="fills__row"
                  data-time={f.time}
                  data-symbol={f.symbol}
                  title={`decided ${formatBarTime(f.decidedAt)} · notional ${formatMoney(f.notional)} · slippage ${f.slippageBps.toFixed(1)} bps${f.reason === 'kill' ? ' · kill switch' : ''}`}
                >
                  <td>{formatBarTime(f.time)}</td>
                  <td>{f.symbol}</td>
                  <td className={f.side === 'buy' ? 'is-up' : 'is-down'}>{f.side}</td>
                  <td className="num">{formatQuantity(f.quantity)}</td>
                  <td className="num">{formatPrice(f.price)}</td>
                  <td className="num">{formatMoney(f.fee)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
