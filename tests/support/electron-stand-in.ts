// A stand-in for the `electron` module, as thin as the parts of it the app uses, for loading the real
// main process (src/main/index.ts) and the real preload (src/preload/index.ts) under Node, where
// Electron's binary cannot run. IPC is one page (the newest window's) talking to ipcMain: every message
// is structured-cloned and delivered on a later turn, as between two processes. The test reads what
// the app did from `electronState`. Use with vi.mock('electron', () => import('…/electron-stand-in')).
import { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => void;

class FakeEvent {
  defaultPrevented = false;
  constructor(fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

class FakeWebContents extends EventEmitter {
  readonly mainFrame = { url: '' };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    electronState.frames.push({ from: 'main', channel, args });
    const copied = structuredClone(args);
    setImmediate(() => ipcRendererEmitter.emit(channel, new FakeEvent(), ...copied));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  /** What Electron does when the page tries to navigate: emits the event, reports whether it was refused. */
  tryNavigate(
    event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect',
    url: string,
    isMainFrame = true,
  ) {
    const fake = new FakeEvent({ url, isMainFrame });
    this.emit(event, fake);
    return fake.defaultPrevented;
  }
}

class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  constructor(readonly options: Record<string, unknown>) {
    super();
    electronState.windows.push(this);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    electronState.loaded.push(url);
    return Promise.resolve();
  }
  loadFile(file: string): Promise<void> {
    return this.loadURL(`file://${file}`);
  }
  show(): void {}
}

const ipcRendererEmitter = new EventEmitter();
const ipcMainEmitter = new EventEmitter();

export const electronState = {
  windows: [] as FakeBrowserWindow[],
  loaded: [] as string[],
  privilegedSchemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
  /** What the preload put on the page's `window` through contextBridge. */
  mainWorld: {} as Record<string, unknown>,
  openedExternally: [] as string[],
  permissionRequestHandler: null as null | ((...args: unknown[]) => void),
  permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
  /** Every frame the page sent and every frame the main process sent it, in order. */
  frames: [] as { from: 'page' | 'main'; channel: string; args: unknown[] }[],
  quitted: null as Promise<void> | null,
};

let markQuitted: () => void = () => {};
electronState.quitted = new Promise((resolve) => (markQuitted = resolve));

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  whenReady: () => Promise.resolve(),
  quit(): void {
    const event = new FakeEvent();
    app.emit('before-quit', event);
    if (!event.defaultPrevented) markQuitted();
  },
  exit(code: number): void {
    throw new Error(`app.exit(${code}) was called`);
  },
});

export const BrowserWindow = FakeBrowserWindow;

export const ipcMain = {
  on(channel: string, listener: Listener) {
    ipcMainEmitter.on(channel, listener);
    return ipcMain;
  },
};

export const ipcRenderer = {
  send(channel: string, ...args: unknown[]): void {
    const page = electronState.windows.at(-1)?.webContents;
    if (!page) throw new Error('ipcRenderer.send before any window exists');
    electronState.frames.push({ from: 'page', channel, args });
    const copied = structuredClone(args);
    const event = { sender: page, senderFrame: page.mainFrame };
    setImmediate(() => ipcMainEmitter.emit(channel, event, ...copied));
  },
  on(channel: string, listener: Listener) {
    ipcRendererEmitter.on(channel, listener);
    return ipcRenderer;
  },
  removeListener(channel: string, listener: Listener) {
    ipcRendererEmitter.removeListener(channel, listener);
    return ipcRenderer;
  },
};

/** A frame from some other sender (another window, a subframe): the app must ignore it. */
export function emitFromSender(
  sender: object & { mainFrame: { url: string } },
  channel: string,
  ...args: unknown[]
) {
  setImmediate(() => ipcMainEmitter.emit(channel, { sender, senderFrame: sender.mainFrame }, ...args));
}

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown): void {
    electronState.mainWorld[key] = api;
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    electronState.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
    electronState.protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      electronState.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      electronState.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler() {},
  },
};

export const shell = {
  openExternal(url: string): Promise<void> {
    electronState.openedExternally.push(url);
    return Promise.resolve();
  },
};

export default { app, BrowserWindow, ipcMain, ipcRenderer, contextBridge, protocol, session, shell };
