// The only bridge between the sandboxed page and the core: `window.crossdesk.call` and `.on`.
// No ipcRenderer, no Node: the page sees two functions and plain data. Errors arrive as
// {code, message, details} objects, the same shape as over the WebSocket.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

type CallReply =
  { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; details?: unknown } };

const bridge = {
  async call(method: string, params: unknown): Promise<unknown> {
    const reply = (await ipcRenderer.invoke('core:call', String(method), params)) as CallReply;
    if (reply.ok) return reply.result;
    throw reply.error;
  },
  on(topic: string, handler: (payload: unknown) => void): () => void {
    const wanted = String(topic);
    const listener = (_event: IpcRendererEvent, eventTopic: string, payload: unknown) => {
      if (eventTopic === wanted) handler(payload);
    };
    ipcRenderer.on('core:event', listener);
    return () => {
      ipcRenderer.removeListener('core:event', listener);
    };
  },
};

contextBridge.exposeInMainWorld('crossdesk', bridge);
