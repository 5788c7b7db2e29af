// The Electron host, kept thin: it owns the window, serves the page from app:// and relays envelopes
// between the page (IPC, through the preload's envelope port) and the core's worker thread, exactly as
// the headless host relays them over its WebSocket. The core never runs on this thread.
import { app, BrowserWindow, ipcMain, protocol, session, shell, type IpcMainEvent } from 'electron';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from './core/config';
import { connectWhenReady, startCoreThread, type CoreThread } from './host/core-thread';
import { relayIpc } from './desktop/ipc-relay';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  isAppUrl,
  rendererProtocolHandler,
} from './desktop/renderer-protocol';
import { denyPermissions, guardWebContents } from './desktop/web-guards';

const preloadFile = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));

let starting: Promise<CoreThread> | null = null;
let mainWindow: BrowserWindow | null = null;

/** `--data-dir DIR` or `--data-dir=DIR` among Electron's own arguments. */
function dataDirFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--data-dir') return argv[i + 1];
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length);
  }
  return undefined;
}

/**
 * The dev server's URL (electron-vite dev sets ELECTRON_RENDERER_URL), honoured only under the
 * explicit development flag CROSSDESK_DEV=1 and never in a packaged app.
 */
function developmentUrl(): string | null {
  const url = process.env['ELECTRON_RENDERER_URL'];
  return !app.isPackaged && process.env['CROSSDESK_DEV'] === '1' && url ? url : null;
}
const devUrl = developmentUrl();
const devOrigin = devUrl ? new URL(devUrl).origin : null;

/** Only our own window's top frame, showing our own page, may talk to the core. */
function trustedSender(event: IpcMainEvent): boolean {
  if (mainWindow === null || event.sender !== mainWindow.webContents) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== mainWindow.webContents.mainFrame) return false;
  return isAppUrl(frame.url, devOrigin);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    backgroundColor: '#0f1115',
    title: 'CrossDesk',
    webPreferences: {
      preload: preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devUrl ?? APP_INDEX_URL);
  return window;
}

// Before the app is ready: app:// is a standard, secure origin, and every web contents gets the guards.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, { shell, devOrigin }));

async function start(): Promise<void> {
  await app.whenReady();
  denyPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, rendererProtocolHandler(rendererDir));

  // The window opens at once; the page's calls wait in the relay while the core opens the database.
  starting = startCoreThread({
    dataDir: resolveDataDir(dataDirFlag(process.argv)),
    // Set by scripts/start.mjs: better-sqlite3 compiled for Electron's ABI, kept apart from Node's.
    sqliteBinding: process.env['CROSSDESK_SQLITE_BINDING'] || undefined,
    resumePaper: true,
  });
  relayIpc(ipcMain, { connect: connectWhenReady(starting) }, trustedSender);
  mainWindow = createWindow();
  mainWindow.on('closed', () => (mainWindow = null));
  let core: CoreThread;
  try {
    core = await starting;
  } catch (err) {
    // The window stays up: every call it makes is answered with this reason (connectWhenReady).
    console.error('CrossDesk: the core could not start:', err);
    return;
  }
  core.onStopped((reason) => console.error(`CrossDesk: ${reason}; every call now fails. Restart the app.`));
  for (const line of await core.feed) console.log(line);
}

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (!starting) return;
  event.preventDefault();
  const closing = starting;
  starting = null;
  void closing
    .then((core) => core.close())
    .catch(() => undefined) // a core that never started has nothing to close
    .finally(() => app.quit());
});

start().catch((err: unknown) => {
  console.error('CrossDesk could not start:', err);
  app.exit(1);
});
