// Records the TensorFlow ops that tfjs-node runs for one call of a function: every op with its
// attributes, the binding ids of its inputs and outputs, the tensors uploaded on the way and the
// values of the tensors that already existed. program.ts turns such a record into one graph.
//
// The recording sits between tfjs-node's backend and its binding (executeOp, createTensor,
// tensorDataSync, and the backend's getInputTensorIds, which sees each input's shape and dtype). The
// function still runs eagerly and its results are the eager ones: tracing costs one ordinary call.
import { tf } from '../backend';
import type { OpAttr } from './addon';

interface TensorMetadata {
  id: number;
  shape: number[];
  dtype: number;
}

interface Binding {
  executeOp(name: string, attrs: OpAttr[], inputs: number[], outputs: number): TensorMetadata[];
  createTensor(shape: number[], dtype: number, values: ArrayBufferView): number;
  tensorDataSync(id: number): ArrayBufferView;
  deleteTensor(id: number): void;
  TF_FLOAT: number;
  TF_INT32: number;
  TF_BOOL: number;
  TF_INT64: number;
}

/** The parts of tfjs-node's NodeJSKernelBackend that tracing uses. */
export interface NativeBackendInternals {
  binding: Binding;
  getInputTensorIds(tensors: tf.TensorInfo[]): number[];
}

export interface TracedOp {
  type: string;
  attrs: OpAttr[];
  inputs: number[];
  outputs: TensorMetadata[];
}

/** A tensor the graph holds as a constant: uploaded during the call, or already there before it. */
export interface ConstantValue {
  shape: number[];
  dtype: number;
  values: ArrayBufferView;
}

export interface Trace {
  ops: TracedOp[];
  /** The feeds (binding id, shape, dtype), in the order they were declared. */
  feeds: Array<{ id: number; shape: number[]; dtype: number }>;
  constants: Map<number, ConstantValue>;
  /**
   * Why the record cannot become a graph (a value read back into JavaScript in the middle of the call,
   * whose use the graph cannot follow), or null.
   */
  unusable: string | null;
}

export function nativeBackend(): NativeBackendInternals {
  return tf.backend() as unknown as NativeBackendInternals;
}

function tfDtype(binding: Binding, dtype: string | number): number {
  if (typeof dtype === 'number') return dtype;
  if (dtype === 'int32') return binding.TF_INT32;
  if (dtype === 'bool') return binding.TF_BOOL;
  return binding.TF_FLOAT;
}

/** What a traced function may call to declare, mid-call, a tensor that changes from call to call. */
export type DeclareFeed = (tensor: tf.Tensor) => void;

/**
 * Runs `fn` eagerly on the tensorflow backend, recording its ops. `feeds` are the inputs that change
 * from call to call (they become the graph's placeholders); `fn` may declare more as it creates them.
 * Every other input is a constant of the graph with the value it had here.
 */
export function traceOps<T>(
  feeds: tf.Tensor[],
  fn: (declareFeed: DeclareFeed) => T,
): { result: T; trace: Trace } {
  const backend = nativeBackend();
  const binding = backend.binding;
  const trace: Trace = { ops: [], feeds: [], constants: new Map(), unusable: null };
  const produced = new Set<number>();
  const feedIds = new Set<number>();
  const addFeed = (id: number, tensor: tf.Tensor) => {
    if (feedIds.has(id)) return;
    feedIds.add(id);
    trace.feeds.push({ id, shape: [...tensor.shape], dtype: tfDtype(binding, tensor.dtype) });
  };
  backend.getInputTensorIds(feeds).forEach((id, i) => addFeed(id, feeds[i]!));

  const { executeOp, createTensor, tensorDataSync, deleteTensor } = binding;
  const getInputTensorIds = backend.getInputTensorIds;
  const uploads = new Map<number, ConstantValue>();
  // The binding's own properties are read-only: the backend gets a stand-in for the call, with the
  // binding's constants through its prototype and every function called on the binding itself.
  const own = <K extends keyof Binding>(name: K, value: Binding[K]) =>
    Object.defineProperty(recording, name, { value, enumerable: true });
  const recording = Object.create(binding) as Binding;
  own('deleteTensor', (id) => deleteTensor.call(binding, id));
  own('createTensor', (shape, dtype, values) => {
    const id = createTensor.call(binding, shape, dtype, values);
    // Copied: tfjs may reuse the array (makeBatch's buffer) after the upload.
    const copy = new (values.constructor as new (v: ArrayBufferView) => ArrayBufferView)(values);
    uploads.set(id, { shape: [...shape], dtype, values: copy });
    return id;
  });
  own('executeOp', (type, attrs, inputs, count) => {
    const outputs = executeOp.call(binding, type, attrs, inputs, count);
    trace.ops.push({ type, attrs, inputs: [...inputs], outputs });
    for (const o of outputs) produced.add(o.id);
    return outputs;
  });
  own('tensorDataSync', (id) => {
    if (produced.has(id)) trace.unusable ??= 'a value computed inside the call is read back into JavaScript';
    return tensorDataSync.call(binding, id);
  });
  const inputIds = (tensors: tf.TensorInfo[]) => {
    const ids = getInputTensorIds.call(backend, tensors);
    ids.forEach((id, i) => {
      if (produced.has(id) || feedIds.has(id) || trace.constants.has(id)) return;
      const upload = uploads.get(id);
      const info = tensors[i]!;
      trace.constants.set(
        id,
        upload ?? {
          shape: [...info.shape],
          dtype: tfDtype(binding, info.dtype),
          values: tensorDataSync.call(binding, id),
        },
      );
    });
    return ids;
  };
  const declareFeed: DeclareFeed = (tensor) => {
    const [id] = getInputTensorIds.call(backend, [tensor]);
    uploads.delete(id!);
    addFeed(id!, tensor);
  };
  const ownMethod = Object.prototype.hasOwnProperty.call(backend, 'getInputTensorIds');
  backend.binding = recording;
  backend.getInputTensorIds = inputIds;
  try {
    const result = fn(declareFeed);
    return { result, trace };
  } finally {
    backend.binding = binding;
    if (ownMethod) backend.getInputTensorIds = getInputTensorIds;
    else delete (backend as Partial<NativeBackendInternals>).getInputTensorIds;
  }
}

/** The binding id behind a tensor of the tensorflow backend (uploading it if its values are still in JS). */
export function bindingId(tensor: tf.Tensor): number {
  return nativeBackend().getInputTensorIds([tensor])[0]!;
}
