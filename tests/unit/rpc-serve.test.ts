// serve's promise: every frame with a usable id gets exactly one reply, a frame without one a
// protocol error, an id in flight is refused. Frames cross as JSON text, as on a wire.
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/shared/errors';
import { parseEnvelope, serve, type Dispatch, type Envelope, type Transport } from '../../src/shared/rpc';

function harness(dispatch: Dispatch) {
  const replies: Envelope[] = [];
  let deliver: (message: Envelope) => void = () => {};
  const transport: Transport = {
    send: (message) => replies.push(JSON.parse(JSON.stringify(message)) as Envelope),
    onMessage(handler) {
      deliver = handler;
      return () => {};
    },
  };
  serve(dispatch, transport);
  return { replies, frame: (text: string) => deliver(parseEnvelope(text)) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const echo: Dispatch = async (method, params) => ({ method, params: params ?? null });

describe('serve', () => {
  it('answers a request without a params key, and one after a byte-order mark', async () => {
    const { replies, frame } = harness(echo);
    frame('{"t":"req","id":1,"method":"settings.get"}');
    frame('\uFEFF{"t":"req","id":2,"method":"settings.get","params":{}}');
    await settle();
    expect(replies.map((r) => [r.t, 'id' in r ? r.id : null])).toEqual([
      ['res', 1],
      ['res', 2],
    ]);
  });

  it('answers frames without a usable id with a protocol error (id null), and a string id too', async () => {
    const { replies, frame } = harness(echo);
    for (const text of [
      'not json',
      '[]',
      '42',
      '{"t":"req","method":"x"}',
      '{"t":"req","id":"7","method":"x"}',
      '{"id":1.5}',
      '{"t":"req","id":1e300,"method":"x"}',
    ])
      frame(text);
    await settle();
    expect(replies).toHaveLength(7);
    for (const reply of replies) {
      expect(reply.t).toBe('err');
      if (reply.t !== 'err') continue;
      expect(reply.id).toBeNull();
      expect(reply.error.code).toBe('INVALID_REQUEST');
    }
  });

  it('answers an invalid envelope that has a usable id under that id', async () => {
    const { replies, frame } = harness(echo);
    frame('{"t":"req","id":5,"method":42}');
    frame('{"t":"res","id":6,"result":1}');
    frame('{"t":"nonsense","id":7}');
    await settle();
    expect(replies.map((r) => (r.t === 'err' ? [r.id, r.error.code] : r.t))).toEqual([
      [5, 'INVALID_REQUEST'],
      [6, 'INVALID_REQUEST'],
      [7, 'INVALID_REQUEST'],
    ]);
  });

  it('refuses an id already in flight and still answers the first request once', async () => {
    let release: () => void = () => {};
    const slow: Dispatch = () => new Promise((resolve) => (release = () => resolve('first')));
    const { replies, frame } = harness(slow);
    frame('{"t":"req","id":9,"method":"a","params":{}}');
    frame('{"t":"req","id":9,"method":"b","params":{}}');
    await settle();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ t: 'err', id: 9, error: { code: 'INVALID_REQUEST' } });
    release();
    await settle();
    expect(replies).toHaveLength(2);
    expect(replies[1]).toEqual({ t: 'res', id: 9, result: 'first' });
    // Once answered, the id may be used again.
    frame('{"t":"req","id":9,"method":"c","params":{}}');
    release();
    await settle();
    expect(replies).toHaveLength(3);
  });

  it('turns a handler error into one err reply with its code', async () => {
    const failing: Dispatch = async () => {
      throw new CoreError('NOT_FOUND', 'nope');
    };
    const { replies, frame } = harness(failing);
    frame('{"t":"req","id":3,"method":"x","params":{}}');
    await settle();
    expect(replies).toEqual([{ t: 'err', id: 3, error: { code: 'NOT_FOUND', message: 'nope' } }]);
  });
});
