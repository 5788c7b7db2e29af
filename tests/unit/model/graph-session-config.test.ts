// The TensorFlow session options of the graphs (model/graph/program.ts): one intra-op and one inter-op
// thread, in a pool of the session's own. Without use_per_session_threads every session of the process
// shares one inter-op pool sized by the first session, and two trainings' graphs queue on its single
// thread (the walk-forward's folds fitted two at a time ran 14.7 s a fold instead of 9.8 s: bench
// model-walk-forward). Decoded here field by field (ConfigProto: 2 intra, 5 inter, 9 per-session).
import { expect, it } from 'vitest';
import { sessionConfig } from '../../../src/main/core/model/graph/program';

function varintFields(bytes: Uint8Array): Map<number, number> {
  const fields = new Map<number, number>();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    expect(key & 7).toBe(0);
    fields.set(key >>> 3, varint());
  }
  return fields;
}

it('asks for the given thread counts, in a thread pool of its own', () => {
  const fields = varintFields(sessionConfig({ intraOp: 1, interOp: 1 }));
  expect(Object.fromEntries(fields)).toEqual({ 2: 1, 5: 1, 9: 1 });
  expect(Object.fromEntries(varintFields(sessionConfig({ intraOp: 200, interOp: 3 })))).toEqual({
    2: 200,
    5: 3,
    9: 1,
  });
});
