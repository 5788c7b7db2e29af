// The only thing the sandboxed page gets from the preload: an envelope port (`send` a frame, receive
// frames). No ipcRenderer, no Node, no per-call methods: the renderer runs the same RPC client over it
// as over the headless host's WebSocket, with the same requests, cancels, replies and events.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ENVELOPE_CHANNEL, OPEN_CHANNEL } from '../shared/envelope-channel';
import type { CrossDeskEnvelopePort } from './envelope-port';

const port: CrossDeskEnvelopePort = {
  send(frame: string): void {
    ipcRenderer.send(ENVELOPE_CHANNEL, String(frame));
  },
  onMessage(handler: (frame: string) => void): () => void {
    const listener = (_event: IpcRendererEvent, frame: unknown) => {
      if (typeof frame === 'string') handler(frame);
    };
    ipcRenderer.on(ENVELOPE_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(ENVELOPE_CHANNEL, listener);
    };
  },
};

// A new page (first load or a reload) is a new client: ids start again at 1, so the main process must
// not mix its calls with the previous page's.
ipcRenderer.send(OPEN_CHANNEL);
contextBridge.exposeInMainWorld('crossdesk', port);
