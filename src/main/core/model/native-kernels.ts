// Leaner replacements for some of tfjs-node's kernels, registered when the native backend loads. Its
// Reshape uploads the target shape as a new int32 tensor on every call, and its Mean and Sum do the
// same with the axes (Mean also runs a Cast op, float32 to float32); Transpose (the permutation),
// Concat (the axis), SplitV (sizes and axis), Slice (begin and size) and PadV2 (paddings and the pad
// value) do likewise. The model runs several hundred such ops per step, each upload a tensor creation,
// a TFE handle and a disposal (about 110 per training step of the default model beside the
// reshapes): here those small tensors are built once per value and kept, and Mean casts only non-float
// inputs. The ops run are otherwise the same TensorFlow ops with the same attributes: same values.
import { tf } from './backend';
import { constant } from './constants';

interface NativeBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_INT: number;
    TF_FLOAT: number;
    TF_INT32: number;
    TF_BOOL: number;
  };
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.TensorInfo;
  executeMultipleOutputs(
    name: string,
    attrs: unknown[],
    inputs: tf.TensorInfo[],
    count: number,
  ): tf.TensorInfo[];
  createReductionOpAttrs(x: tf.TensorInfo, keepDims: boolean): unknown[];
}

/** An int32 vector kept (shapes and axes are few and small). */
function int32Vector(values: readonly number[]): tf.Tensor {
  return constant(`int32:${values.join(',')}`, () => tf.tensor1d(values as number[], 'int32'));
}

/** An int32 scalar kept (axes). */
function int32Scalar(value: number): tf.Tensor {
  return constant(`int32-scalar:${value}`, () => tf.scalar(value, 'int32'));
}

function dtypeAttr(backend: NativeBackend, name: string, dtype: tf.DataType) {
  const { binding } = backend;
  const value = dtype === 'int32' ? binding.TF_INT32 : dtype === 'bool' ? binding.TF_BOOL : binding.TF_FLOAT;
  return { name, type: binding.TF_ATTR_TYPE, value };
}

const originals = new Map<string, tf.KernelConfig>();

/** Puts tfjs-node's own kernels back (benchmarks compare both). */
export function restoreTfjsNodeKernels(): void {
  for (const config of originals.values()) {
    tf.unregisterKernel(config.kernelName, 'tensorflow');
    tf.registerKernel(config);
  }
  originals.clear();
}

/**
 * Kernels of our own, for the native flavour of the model's layers (layers.ts): TensorFlow's MatMul
 * and BatchMatMulV2 with their transpose flags, and BiasAdd, run as one op each. tfjs-core's matMul
 * op reshapes both operands to rank 3 and the product back (three Reshape ops around every product,
 * and tfjs-node's fused matMul adds a matMul, an add and another round of reshapes); the layers call
 * these through engine.runKernel inside their custom gradients, which give the gradients.
 */
export const NATIVE_MATMUL = 'CrossdeskMatMul';
export const NATIVE_BATCH_MATMUL = 'CrossdeskBatchMatMul';
export const NATIVE_BIAS_ADD = 'CrossdeskBiasAdd';

type Inputs = Record<string, tf.TensorInfo>;
type Attrs = Record<string, unknown>;

/** A kernel of the tensorflow backend, its function given the native backend, inputs and attributes. */
function nativeKernel(
  kernelName: string,
  run: (native: NativeBackend, inputs: Inputs, attrs: Attrs) => tf.TensorInfo | tf.TensorInfo[],
): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) =>
      run(backend as unknown as NativeBackend, inputs as unknown as Inputs, (attrs ?? {}) as Attrs),
  };
}

/** op(x, ...indexTensors) with attributes T (x's dtype) and `indexAttr` int32, as most kernels here. */
function indexedOp(
  native: NativeBackend,
  op: string,
  indexAttr: string,
  x: tf.TensorInfo,
  ...rest: tf.TensorInfo[]
): tf.TensorInfo {
  const attributes = [dtypeAttr(native, 'T', x.dtype), dtypeAttr(native, indexAttr, 'int32')];
  return native.executeSingleOutput(op, attributes, [x, ...rest]);
}

function registerOwnKernels(): void {
  if (tf.getKernel(NATIVE_MATMUL, 'tensorflow')) return;
  const product = (kernelName: string, op: string, [flagA, flagB]: [string, string]) =>
    nativeKernel(kernelName, (native, { a, b }, attrs) => {
      const attributes = [
        dtypeAttr(native, 'T', a!.dtype),
        { name: flagA, type: native.binding.TF_ATTR_BOOL, value: Boolean(attrs.transposeA) },
        { name: flagB, type: native.binding.TF_ATTR_BOOL, value: Boolean(attrs.transposeB) },
      ];
      return native.executeSingleOutput(op, attributes, [a!, b!]);
    });
  tf.registerKernel(product(NATIVE_MATMUL, 'MatMul', ['transpose_a', 'transpose_b']));
  tf.registerKernel(product(NATIVE_BATCH_MATMUL, 'BatchMatMulV2', ['adj_x', 'adj_y']));
  tf.registerKernel(
    nativeKernel(NATIVE_BIAS_ADD, (native, { x, bias }) =>
      native.executeSingleOutput('BiasAdd', [dtypeAttr(native, 'T', x!.dtype)], [x!, bias!]),
    ),
  );
}

export function registerNativeKernels(): void {
  registerOwnKernels();
  if (originals.size > 0) return;
  const replace = (config: tf.KernelConfig) => {
    const original = tf.getKernel(config.kernelName, 'tensorflow');
    if (!original) return;
    originals.set(config.kernelName, original);
    tf.unregisterKernel(config.kernelName, 'tensorflow');
    tf.registerKernel(config);
  };
  replace(
    nativeKernel('Reshape', (native, { x }, attrs) => {
      const shape = tf.util.inferFromImplicitShape(attrs.shape as number[], tf.util.sizeFromShape(x!.shape));
      return indexedOp(native, 'Reshape', 'Tshape', x!, int32Vector(shape));
    }),
  );
  for (const name of ['Mean', 'Sum'] as const) {
    replace(
      nativeKernel(name, (native, { x }, attrs) => {
        const axes = int32Vector(tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape));
        const keepDims = attrs.keepDims as boolean;
        if (name === 'Mean' && x!.dtype !== 'float32') {
          // As tfjs-node does: the mean of integers is a float.
          const asFloat = tf.cast(x as tf.Tensor, 'float32');
          const out = native.executeSingleOutput(name, native.createReductionOpAttrs(asFloat, keepDims), [
            asFloat,
            axes,
          ]);
          asFloat.dispose();
          return out;
        }
        return native.executeSingleOutput(name, native.createReductionOpAttrs(x!, keepDims), [x!, axes]);
      }),
    );
  }
  replace(
    nativeKernel('Transpose', (native, { x }, attrs) =>
      indexedOp(native, 'Transpose', 'Tperm', x!, int32Vector(attrs.perm as number[])),
    ),
  );
  replace(
    nativeKernel('Concat', (native, inputs, attrs) => {
      const tensors = Array.from(inputs as unknown as ArrayLike<tf.TensorInfo>);
      const attributes = [
        { name: 'N', type: native.binding.TF_ATTR_INT, value: tensors.length },
        dtypeAttr(native, 'Tidx', 'int32'),
        dtypeAttr(native, 'T', tensors[0]!.dtype),
      ];
      return native.executeSingleOutput('ConcatV2', attributes, [
        ...tensors,
        int32Scalar(attrs.axis as number),
      ]);
    }),
  );
  replace(
    nativeKernel('SplitV', (native, { x }, attrs) => {
      const axis = tf.util.parseAxisParam(attrs.axis as number, x!.shape)[0]!;
      const sizes = tf.backend_util.prepareSplitSize(
        x as tf.Tensor,
        attrs.numOrSizeSplits as number | number[],
        axis,
      );
      const attributes = [
        { name: 'num_split', type: native.binding.TF_ATTR_INT, value: sizes.length },
        dtypeAttr(native, 'T', x!.dtype),
        dtypeAttr(native, 'Tlen', 'int32'),
      ];
      const operands = [x!, int32Vector(sizes), int32Scalar(axis)];
      return native.executeMultipleOutputs('SplitV', attributes, operands, sizes.length);
    }),
  );
  replace(
    nativeKernel('Slice', (native, { x }, attrs) => {
      const [begin, size] = tf.backend_util.slice_util.parseSliceParams(
        x as tf.Tensor,
        attrs.begin as number[],
        attrs.size as number[],
      );
      return indexedOp(native, 'Slice', 'Index', x!, int32Vector(begin!), int32Vector(size!));
    }),
  );
  replace(
    nativeKernel('PadV2', (native, { x }, attrs) => {
      const paddings = attrs.paddings as Array<[number, number]>;
      const value = attrs.constantValue as number;
      const paddingsTensor = constant(`int32-paddings:${paddings.join(';')}`, () =>
        tf.tensor2d(paddings, [paddings.length, 2], 'int32'),
      );
      const valueTensor = constant(`pad-value:${x!.dtype}:${value}`, () => tf.scalar(value, x!.dtype));
      return indexedOp(native, 'PadV2', 'Tpaddings', x!, paddingsTensor, valueTensor);
    }),
  );
}
