// The fields of a serialised protocol buffer, one level deep: enough to read the few fields the graph
// code needs from TensorFlow's protos (an OpDef's arguments, a run's step stats) without a protobuf
// library. Wire format: https://protobuf.dev/programming-guides/encoding/.

export interface Field {
  field: number;
  /** A varint's value (wire type 0), else undefined. */
  value?: number;
  /** A length-delimited payload (wire type 2), else undefined. */
  bytes?: Uint8Array;
}

/** The top-level fields of `buffer` in order; `what` names the message in errors. */
export function* fields(buffer: Uint8Array, what: string): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= buffer.length) throw new Error(`truncated ${what}`);
      const byte = buffer[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield { field, value: varint() };
    else if (wire === 1) {
      at += 8;
      yield { field };
    } else if (wire === 5) {
      at += 4;
      yield { field };
    } else if (wire === 2) {
      const length = varint();
      if (at + length > buffer.length) throw new Error(`truncated ${what}`);
      yield { field, bytes: buffer.subarray(at, at + length) };
      at += length;
    } else throw new Error(`unsupported protobuf wire type ${wire} in ${what}`);
  }
}
