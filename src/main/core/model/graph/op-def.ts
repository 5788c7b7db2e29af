// The argument structure of a TensorFlow op, read from its OpDef (a protocol buffer the graph addon
// hands over as bytes). tfjs-node passes an op's inputs as one flat list; a graph needs them grouped
// per argument, a list argument (ConcatV2's values, AddN's inputs) as one list. Only the fields that
// grouping needs are decoded: each input argument's name and whether it is a list, and of how many.
// Field numbers from tensorflow/core/framework/op_def.proto: OpDef.input_arg = 2; ArgDef.name = 1,
// number_attr = 5, type_list_attr = 6.
import { fields } from './protobuf';

export interface InputArg {
  name: string;
  /** The attribute holding the list's length (e.g. 'N'), or '' when the argument is not a number list. */
  numberAttr: string;
  /** The attribute holding the list's types, or '' when the argument is not a type list. */
  typeListAttr: string;
}

const text = new TextDecoder();

function argDef(bytes: Uint8Array): InputArg {
  const arg: InputArg = { name: '', numberAttr: '', typeListAttr: '' };
  for (const { field, bytes: value } of fields(bytes, 'ArgDef')) {
    if (!value) continue;
    if (field === 1) arg.name = text.decode(value);
    else if (field === 5) arg.numberAttr = text.decode(value);
    else if (field === 6) arg.typeListAttr = text.decode(value);
  }
  return arg;
}

/** The input arguments of a serialized OpDef, in order. */
export function inputArgs(opDef: ArrayBuffer | Uint8Array): InputArg[] {
  const bytes = opDef instanceof Uint8Array ? opDef : new Uint8Array(opDef);
  const args: InputArg[] = [];
  for (const { field, bytes: value } of fields(bytes, 'OpDef'))
    if (field === 2 && value) args.push(argDef(value));
  return args;
}
