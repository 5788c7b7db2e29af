// Live: the trading screen. A strip of every symbol (price, change, sparkline) above the large candle
// chart of the chosen one, the paper account (equity, P&L, positions, fills) below it, and in the right
// column the paper-trading controls, the portfolio weights and the model's cross-asset attention.
import type { MarketStatus } from '../../../shared/domain';
import { useStoredState } from '../api/drafts';
import { useCall } from '../api/hooks';
import { useMarketSymbols } from '../api/market';
import { useSettingsInForce } from '../api/settings';
import {
  usePaperAccount,
  usePaperAttention,
  usePaperControls,
  usePaperEquity,
  usePaperFills,
  usePaperFunding,
  usePaperWeights,
} from '../api/paper';
import { CandleChart } from '../components/CandleChart';
import { AttentionPanel } from '../components/live/AttentionPanel';
import { ChartGrid } from '../components/live/ChartGrid';
import { EquityPanel } from '../components/live/EquityPanel';
import { FillsTable } from '../components/live/FillsTable';
import { PaperControls } from '../components/live/PaperControls';
import { PositionsTable } from '../components/live/PositionsTable';
import { WeightsPanel } from '../components/live/WeightsPanel';
import { StreamHint } from '../components/live/StreamHint';
import { SymbolList } from '../components/SymbolList';
import { formatInterval } from '../format';
import './live.css';

export function LiveView({ status }: { status: MarketStatus | undefined }) {
  const symbols = useMarketSymbols(status);
  // The chosen symbol and the layout survive a reload.
  const [chosen, setChosen] = useStoredState<string | null>('live.symbol', null);
  const [layout, setLayout] = useStoredState<'single' | 'grid'>('live.layout', 'single');
  const paper = usePaperTrading();
  const info = symbols.data;
  if (!info) {
    return (
      <div className="view-message">
        {symbols.error ? `Cannot list symbols: ${symbols.error.message}` : 'Loading symbols…'}
      </div>
    );
  }
  const stored = info.stored.filter((s) => s.interval === info.interval).map((s) => s.symbol);
  const all = [...new Set([...info.configured, ...stored])];
  const symbol = chosen && all.includes(chosen) ? chosen : (all[0] ?? null);
  const account = paper.account;
  const traded = account?.symbols ?? info.configured;
  const actual = account ? Object.fromEntries(account.positions.map((p) => [p.symbol, p.weight])) : null;

  return (
    <div className="live-desk">
      <div className="live-desk__main">
        <SymbolList
          key={`${info.feed}/${info.interval}`}
          feed={info.feed}
          interval={info.interval}
          symbols={all}
          selected={symbol}
          onSelect={setChosen}
        />
        <section className="live-desk__chart">
          <div className="chart-title">
            <span className="chart-title__symbol">
              {layout === 'grid' ? `${all.length} symbols` : (symbol ?? 'No symbol')}
            </span>
            <span className="chart-title__meta">
              {formatInterval(info.interval)} · {info.feed}
            </span>
            <StreamHint status={status} />
            <span className="chart-title__layout" role="group" aria-label="Chart layout">
              <button type="button" aria-pressed={layout === 'single'} onClick={() => setLayout('single')}>
                One chart
              </button>
              <button type="button" aria-pressed={layout === 'grid'} onClick={() => setLayout('grid')}>
                All symbols
              </button>
            </span>
          </div>
          {layout === 'grid' && (
            <ChartGrid
              feed={info.feed}
              interval={info.interval}
              symbols={all}
              onFocus={(focused) => {
                setChosen(focused);
                setLayout('single');
              }}
            />
          )}
          {layout === 'single' && symbol && (
            <CandleChart
              key={`${info.feed}/${symbol}/${info.interval}`}
              feed={info.feed}
              symbol={symbol}
              interval={info.interval}
              fills={paper.fills}
            />
          )}
        </section>
      </div>
      <div className="live-desk__account">
        <EquityPanel account={account} marks={paper.equity} height="fill" />
        <PositionsTable account={account} />
        <FillsTable fills={paper.fills} funding={paper.funding} />
      </div>
      <aside className="live-desk__side">
        <PaperControls
          key={account?.createdAt ?? 'none'}
          account={account}
          settings={paper.settings}
          models={paper.models}
          busy={paper.controls.busy}
          error={paper.controls.error ?? paper.accountError}
          onStart={paper.controls.start}
          onStop={paper.controls.stop}
          onRefreshModels={paper.reloadModels}
        />
        <WeightsPanel symbols={traded} actual={actual} weights={paper.weights} />
        <AttentionPanel
          attention={paper.attention}
          waiting={
            account?.running && account.strategy === 'model'
              ? 'waiting for the model’s next decision…'
              : 'attention appears when paper trading runs a model'
          }
        />
      </aside>
    </div>
  );
}

/** Everything the screen shows of the paper account, kept live from the core's events. */
function usePaperTrading() {
  const accountCall = usePaperAccount();
  const account = accountCall.data ?? null;
  const generation = accountCall.data === undefined ? null : (account?.createdAt ?? 0);
  const equity = usePaperEquity(generation);
  const fills = usePaperFills(generation);
  const funding = usePaperFunding(account);
  const weights = usePaperWeights();
  const attention = usePaperAttention();

  const settings = useSettingsInForce();
  // Models trained elsewhere (the CLI, another client) since this view opened: listed again when the
  // strategy picker is focused and after every start.
  const modelsCall = useCall('model.list', {});
  const { reload: reloadAccount } = accountCall;
  const { reload: reloadModels } = modelsCall;
  const controls = usePaperControls(() => {
    reloadAccount();
    reloadModels();
  });

  return {
    account,
    accountError: accountCall.data === undefined ? accountCall.error : null,
    equity,
    fills,
    funding,
    weights,
    attention,
    settings,
    models: modelsCall.data,
    reloadModels,
    controls,
  };
}
