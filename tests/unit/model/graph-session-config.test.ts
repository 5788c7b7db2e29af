// The TensorFlow session options of the graphs (model/graph/program.ts, compiled-calls.ts): the thread
// counts as asked, a negative inter-op count (every op in the caller's thread) encoded as protobuf
// encodes a negative int32. Decoded here field by field (ConfigProto: 2 intra-op, 5 inter-op).
import { expect, it } from 'vitest';
import { sessionConfig } from '../../../src/main/core/model/graph/program';

function int32Fields(bytes: Uint8Array): Record<number, number> {
  const fields: Record<number, number> = {};
  let at = 0;
  const varint = () => {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const byte = bytes[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    expect(key & 7).toBe(0);
    fields[key >>> 3] = Number(BigInt.asIntN(32, varint()));
  }
  return fields;
}

it('asks for the given thread counts, a negative inter-op count included', () => {
  expect(int32Fields(sessionConfig({ intraOp: 1, interOp: -1 }))).toEqual({ 2: 1, 5: -1 });
  expect(int32Fields(sessionConfig({ intraOp: 200, interOp: 3 }))).toEqual({ 2: 200, 5: 3 });
  // -1 takes ten bytes: the varint of its 64-bit two's complement.
  expect(sessionConfig({ intraOp: 1, interOp: -1 }).length).toBe(2 + 11);
});
