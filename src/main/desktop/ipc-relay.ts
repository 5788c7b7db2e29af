// Connects each window's page to the core's thread over IPC: one connection per page load (the
// preload says OPEN first), envelopes relayed unread, the connection closed (its calls aborted) when the
// page reloads or its window goes away. Frames from any other sender are ignored.
import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import { ENVELOPE_CHANNEL, OPEN_CHANNEL } from '../../shared/envelope-channel';
import type { CoreThread } from '../host/core-thread';
import { ipcTransport, type IpcTransport } from '../host/ipc-transport';

export function relayIpc(
  ipcMain: Pick<IpcMain, 'on'>,
  core: Pick<CoreThread, 'connect'>,
  trusted: (event: IpcMainEvent) => boolean,
): void {
  const connections = new Map<WebContents, { transport: IpcTransport; detach: () => void }>();
  const watched = new WeakSet<WebContents>();

  const disconnect = (contents: WebContents) => {
    connections.get(contents)?.detach();
    connections.delete(contents);
  };
  const connect = (contents: WebContents) => {
    disconnect(contents);
    const transport = ipcTransport(contents);
    connections.set(contents, { transport, detach: core.connect(transport) });
    if (!watched.has(contents)) {
      watched.add(contents);
      contents.on('destroyed', () => disconnect(contents));
      contents.on('render-process-gone', () => disconnect(contents));
    }
  };

  ipcMain.on(OPEN_CHANNEL, (event) => {
    if (trusted(event)) connect(event.sender);
  });
  ipcMain.on(ENVELOPE_CHANNEL, (event, frame: unknown) => {
    if (trusted(event)) connections.get(event.sender)?.transport.receive(frame);
  });
}
