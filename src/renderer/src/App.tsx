// The window's shell: the view tabs, a banner when offline, the current view, the status bar.
import { useStoredState } from './api/drafts';
import { useMarketStatus } from './api/market';
import { useAppliedTheme } from './api/theme';
import { ConnectionBanner } from './components/ConnectionBanner';
import { NavBar, type ViewName } from './components/NavBar';
import { PaperMark } from './components/PaperMark';
import { StatusBar } from './components/StatusBar';
import { BacktestsView } from './views/BacktestsView';
import { DataView } from './views/DataView';
import { LiveView } from './views/LiveView';
import { ModelsView } from './views/ModelsView';
import { SettingsView } from './views/SettingsView';

export function App() {
  // The view survives a reload.
  const [view, setView] = useStoredState<ViewName>('view', 'Live');
  const status = useMarketStatus();
  // Charts take their colours when they are made: a theme change re-creates the view.
  const theme = useAppliedTheme();
  return (
    <div className="app">
      <NavBar view={view} onChange={setView} aside={<PaperMark onOpen={() => setView('Live')} />} />
      <ConnectionBanner status={status} />
      <main className="app__view" key={theme}>
        {view === 'Live' && <LiveView status={status} />}
        {view === 'Models' && <ModelsView />}
        {view === 'Backtests' && <BacktestsView />}
        {view === 'Data' && <DataView />}
        {view === 'Settings' && <SettingsView />}
      </main>
      <StatusBar status={status} />
    </div>
  );
}
