// The window's shell: the view tabs, a banner when offline, the current view, the status bar.
import { useState } from 'react';
import { useMarketStatus } from './api/market';
import { ConnectionBanner } from './components/ConnectionBanner';
import { NavBar, type ViewName } from './components/NavBar';
import { StatusBar } from './components/StatusBar';
import { LiveView } from './views/LiveView';
import { PlaceholderView } from './views/PlaceholderView';

const PLANS: Record<Exclude<ViewName, 'Live'>, string> = {
  Models:
    'Train the cross-asset attention model, follow its loss curves, and choose the model for paper trading.',
  Backtests: 'Run walk-forward backtests and review stored runs against the baselines.',
  Data: 'Feeds and symbols with their coverage, backfill with progress, CSV import.',
  Settings: 'Feed, symbols, interval, fees, slippage and risk limits.',
};

export function App() {
  const [view, setView] = useState<ViewName>('Live');
  const status = useMarketStatus();
  return (
    <div className="app">
      <NavBar view={view} onChange={setView} />
      <ConnectionBanner status={status} />
      <main className="app__view">
        {view === 'Live' ? <LiveView status={status} /> : <PlaceholderView name={view} plan={PLANS[view]} />}
      </main>
      <StatusBar status={status} />
    </div>
  );
}
