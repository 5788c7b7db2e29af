// The paper account's P&L: equity, return on the initial capital, drawdown from the peak and fees
// paid, above the equity curve (stored marks, then one per applied bar).
import type { PaperAccount } from '../../../../shared/contract/paper';
import type { EquityMark } from '../../api/paper';
import { formatCompact, formatMoney, formatPercent, formatPnl, signClass } from '../../format';
import { TimeSeriesChart } from '../charts/TimeSeriesChart';

interface Props {
  account: PaperAccount | null;
  marks: readonly EquityMark[];
  height: number | 'fill';
}

export function EquityPanel({ account, marks, height }: Props) {
  const pnl = account ? account.equity - account.initialCapital : 0;
  const ret = account ? account.equity / account.initialCapital - 1 : 0;
  const maxDrawdown = marks.reduce((worst, m) => Math.max(worst, m.drawdown), 0);
  return (
    <section className="live-panel equity">
      <header className="live-panel__title">
        <span>Paper account</span>
        {account?.killed && <span className="equity__killed">kill switch hit: flat</span>}
      </header>
      <dl className="equity__figures" data-testid="paper-pnl">
        <Figure label="Equity" value={account ? formatMoney(account.equity) : '—'} testId="pnl-equity" />
        <Figure
          label="P&L"
          value={account ? formatPnl(pnl) : '—'}
          tone={` ${signClass(pnl)}`}
          testId="pnl-profit"
        />
        <Figure
          label="Return"
          value={account ? formatPercent(ret) : '—'}
          tone={` ${signClass(ret)}`}
          testId="pnl-return"
        />
        <Figure
          label="Drawdown"
          value={account ? formatPercent(-account.drawdown, false) : '—'}
          tone={account && account.drawdown > 0 ? ' is-down' : ''}
          title={`max ${formatPercent(-maxDrawdown, false)}`}
          testId="pnl-drawdown"
        />
        <Figure label="Fees" value={account ? formatMoney(account.totalFees) : '—'} testId="pnl-fees" />
        <Figure
          label="Funding"
          value={account ? formatMoney(account.totalFunding) : '—'}
          testId="pnl-funding"
        />
      </dl>
      <TimeSeriesChart
        testId="paper-equity"
        height={height}
        series={[
          {
            name: 'equity',
            color: 'var(--accent)',
            fill: true,
            points: marks.map((m) => ({ x: m.time, y: m.equity })),
          },
        ]}
        formatValue={formatMoney}
        formatAxis={formatCompact}
        emptyText={account ? 'No bars traded yet' : 'Start paper trading to see the equity curve'}
      />
    </section>
  );
}

interface FigureProps {
  label: string;
  value: string;
  tone?: string;
  title?: string;
  testId: string;
}

function Figure({ label, value, tone = '', title, testId }: FigureProps) {
  return (
    <div className="equity__figure" title={title}>
      <dt>{label}</dt>
      <dd className={`num${tone}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
