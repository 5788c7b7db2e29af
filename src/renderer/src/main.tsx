// Renderer entry: connect to the core (the preload's envelope port or a WebSocket) and mount the shell.
import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectCore } from './api/connect';
import { CoreProvider } from './api/CoreProvider';
import { App } from './App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <CoreProvider connection={connectCore()}>
      <App />
    </CoreProvider>
  </StrictMode>,
);
