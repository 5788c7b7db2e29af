// Recent fills of the paper account, newest first: filled at the open of `time`, decided at the close
// of `decidedAt`.
import type { PaperFill, PaperFunding } from '../../api/paper';
import { FillCells, FillHeadCells, type FillFormat } from '../fills/FillCells';
import { formatAmount, formatBps, formatDateTime, formatMoney } from '../../format';
import { LiveTablePanel } from './LiveTablePanel';

const LIVE_FILL: FillFormat = { numeric: 'num' };

export function FillsTable({
  fills,
  funding = [],
}: {
  fills: readonly PaperFill[];
  /** Funding payments, newest first: a ledger of their own, summed in the panel's header. */
  funding?: readonly PaperFunding[];
}) {
  const net = funding.reduce((sum, p) => sum + p.payment, 0);
  return (
    <LiveTablePanel
      name="fills"
      testId="fills"
      title="Fills"
      meta={
        <span className="live-panel__meta">
          {fills.length > 0 ? `${fills.length} recent` : ''}
          {funding.length > 0 ? (
            <span
              data-testid="paper-funding"
              data-count={funding.length}
              title={funding
                .slice(0, 12)
                .map(
                  (p) =>
                    `${formatDateTime(p.time)} ${p.symbol}: ${formatMoney(p.positionValue)} × ${(p.rate * 100).toFixed(4)}% = ${formatMoney(p.payment)} paid`,
                )
                .join('\n')}
            >
              {' '}
              · funding {funding.length} payments, {formatMoney(net)} paid
            </span>
          ) : null}
        </span>
      }
      data={{ 'data-count': fills.length }}
      empty={fills.length === 0}
      emptyText="No fills yet."
    >
      <thead>
        <tr>
          <FillHeadCells format={LIVE_FILL} timeLabel="Time" />
          <th className="num">Fee (USDT)</th>
        </tr>
      </thead>
      <tbody>
        {fills.map((f) => (
          <tr
            key={`${f.time}|${f.symbol}|${f.side}|${f.quantity}`}
            className="fills__row"
            data-time={f.time}
            data-symbol={f.symbol}
            title={`decided ${formatDateTime(f.decidedAt)} · notional ${formatMoney(f.notional)} · fee ${formatMoney(f.fee)} · slippage ${formatBps(f.slippageBps)}${f.reason === 'kill' ? ' · kill switch' : ''}`}
          >
            <FillCells fill={f} format={LIVE_FILL} />
            <td className="num">{formatAmount(f.fee)}</td>
          </tr>
        ))}
      </tbody>
    </LiveTablePanel>
  );
}
