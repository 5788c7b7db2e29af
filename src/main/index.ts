// The Electron host, kept thin: one sandboxed window, the core bound to IPC, nothing else. All
// behaviour lives in the core, which the headless host and the CLI run unchanged under plain Node.
import {
  app,
  BrowserWindow,
  ipcMain,
  session,
  shell,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { fileURLToPath } from 'node:url';
import { toErrorShape } from '../shared/errors';
import { resolveDataDir } from './core/config';
import { createCore, type Core } from './core/core';
import { startFeed } from './host/feed-startup';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const preloadFile = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url));

let core: Core | null = null;
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

/** Only our own window's top frame may call the core. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  return (
    mainWindow !== null &&
    event.sender === mainWindow.webContents &&
    event.senderFrame === mainWindow.webContents.mainFrame
  );
}

function bindCore(target: Core): void {
  ipcMain.handle('core:call', async (event, method: unknown, params: unknown) => {
    if (!trustedSender(event))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Not a CrossDesk window.' } };
    if (typeof method !== 'string')
      return { ok: false, error: { code: 'INVALID_PARAMS', message: 'The method must be a string.' } };
    // The bridge has no cancel message: a caller cancels long jobs with job.cancel.
    const controller = new AbortController();
    try {
      return {
        ok: true,
        result: (await target.dispatch(method, params, { signal: controller.signal })) ?? null,
      };
    } catch (err) {
      return { ok: false, error: toErrorShape(err) };
    }
  });
  target.events.subscribeAll((topic, payload) => forward(mainWindow?.webContents, topic, payload));
}

function forward(contents: WebContents | undefined, topic: string, payload: unknown): void {
  if (contents && !contents.isDestroyed()) contents.send('core:event', topic, payload);
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
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Links open in the user's browser; the app window never navigates away or opens another window.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());

  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devUrl) void window.loadURL(devUrl);
  else void window.loadFile(rendererFile);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  core = await createCore({
    dataDir: resolveDataDir(dataDirFlag(process.argv)),
    // Set by scripts/start.mjs: better-sqlite3 compiled for Electron's ABI, kept apart from Node's.
    sqliteBinding: process.env['CROSSDESK_SQLITE_BINDING'] || undefined,
    resumePaper: true,
  });
  bindCore(core);
  mainWindow = createWindow();
  mainWindow.on('closed', () => (mainWindow = null));
  for (const line of await startFeed(core)) console.log(line);
}

app.on('window-all-closed', () => app.quit());
app.on('before-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const closing = core;
  core = null;
  void closing.close().finally(() => app.quit());
});

start().catch((err: unknown) => {
  console.error('CrossDesk could not start:', err);
  app.exit(1);
});
