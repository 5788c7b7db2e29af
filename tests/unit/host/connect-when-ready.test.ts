// A client that connects while the core thread is still starting: its requests wait, in order, and are
// answered once the core is ready; if the core cannot start, each one is answered with the reason.
import { describe, expect, it } from 'vitest';
import { createClient, serve, type Transport } from '../../../src/shared/rpc';
import { connectWhenReady, type CoreThread } from '../../../src/main/host/core-thread';
import { memoryPair } from '../../support/memory-transport';

/** A core thread as thin as the relay needs: `connect` serves a dispatch that echoes the method. */
function echoCore(seen: string[]): CoreThread {
  return {
    feed: Promise.resolve([]),
    connect: (transport: Transport) =>
      serve(async (method, params) => {
        seen.push(method);
        return { method, params };
      }, transport),
    onNotice() {},
    onStopped() {},
    close: async () => {},
  };
}

describe('connectWhenReady', () => {
  it('holds requests made before the core is ready and answers them, in order, once it is', async () => {
    let becomeReady: (core: CoreThread) => void = () => {};
    const connect = connectWhenReady(new Promise<CoreThread>((resolve) => (becomeReady = resolve)));
    const [clientSide, hostSide] = memoryPair();
    connect(hostSide);
    const client = createClient(clientSide);
    const first = client.call('settings.get', {});
    const second = client.call('market.status', {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const seen: string[] = [];
    becomeReady(echoCore(seen));
    await expect(first).resolves.toMatchObject({ method: 'settings.get' });
    await expect(second).resolves.toMatchObject({ method: 'market.status' });
    expect(seen).toEqual(['settings.get', 'market.status']);
    await expect(client.call('settings.get', {})).resolves.toMatchObject({ method: 'settings.get' });
  });

  it('answers every request with the reason when the core cannot start', async () => {
    let fail: (err: Error) => void = () => {};
    const connect = connectWhenReady(new Promise<CoreThread>((_, reject) => (fail = reject)));
    const [clientSide, hostSide] = memoryPair();
    connect(hostSide);
    const client = createClient(clientSide);
    const early = client.call('settings.get', {});
    fail(new Error('the database is locked'));
    await expect(early).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('locked'),
    });
    await expect(client.call('settings.get', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
