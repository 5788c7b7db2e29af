// The account's positions: quantity, average entry, last close, value and P&L per symbol (their
// weights are in the Weights panel).
import type { PaperAccount } from '../../../../shared/contract/paper';
import { useChangedAt, useFreshness } from '../../api/freshness';
import { formatBarTime, formatMoney, formatPnl, formatPrice, formatQuantity, signClass } from './figures';
import { LiveTablePanel } from './LiveTablePanel';

export function PositionsTable({ account }: { account: PaperAccount | null }) {
  const positions = account?.positions ?? [];
  // Prices are the last applied bar's closes: live only while the account runs and the core answers.
  const fresh = useFreshness(useChangedAt(account ?? undefined), Number.POSITIVE_INFINITY);
  const stale = account !== null && (fresh.stale || !account.running);
  const asOf =
    account?.lastBarTime != null
      ? stale
        ? `not live · ${formatBarTime(account.lastBarTime)} close`
        : `${formatBarTime(account.lastBarTime)} close · ${fresh.text}`
      : null;
  return (
    <LiveTablePanel
      name={`positions${stale ? ' is-stale-figures' : ''}`}
      testId="positions"
      title="Positions"
      data={{ 'data-stale': String(stale) }}
      meta={
        account && (
          <span className="live-panel__meta" data-testid="positions-age">
            cash {formatMoney(account.cash)}
            {asOf && ` · ${asOf}`}
          </span>
        )
      }
      empty={positions.length === 0}
      emptyText="No account yet."
    >
      <thead>
        <tr>
          <th>Symbol</th>
          <th className="num">Qty</th>
          <th className="num">Entry</th>
          <th className="num">Last</th>
          <th className="num">Value</th>
          <th className="num">uPnL</th>
          <th className="num">rPnL</th>
        </tr>
      </thead>
      <tbody>
        {positions.map((p) => (
          <tr key={p.symbol} data-symbol={p.symbol} data-quantity={p.quantity}>
            <td>{p.symbol}</td>
            <td className={`num${signClass(p.quantity)}`}>{formatQuantity(p.quantity)}</td>
            <td className="num">{p.quantity === 0 ? '—' : formatPrice(p.averageEntry)}</td>
            <td className="num">{p.price > 0 ? formatPrice(p.price) : '—'}</td>
            <td className="num">{formatMoney(p.value)}</td>
            <td className={`num${signClass(p.unrealisedPnl)}`}>{formatPnl(p.unrealisedPnl)}</td>
            <td className={`num${signClass(p.realisedPnl)}`}>{formatPnl(p.realisedPnl)}</td>
          </tr>
        ))}
      </tbody>
    </LiveTablePanel>
  );
}
