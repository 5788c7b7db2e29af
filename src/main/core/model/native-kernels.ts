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

function registerOwnKernels(): void {
  if (tf.getKernel(NATIVE_MATMUL, 'tensorflow')) return;
  const product = (kernelName: string, op: string, flags: [string, string]): tf.KernelConfig => ({
    kernelName,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const native = backend as unknown as NativeBackend;
      const a = inputs.a as tf.TensorInfo;
      const attributes = [
        dtypeAttr(native, 'T', a.dtype),
        { name: flags[0], type: native.binding.TF_ATTR_BOOL, value: Boolean(attrs!.transposeA) },
        { name: flags[1], type: native.binding.TF_ATTR_BOOL, value: Boolean(attrs!.transposeB) },
      ];
      return native.executeSingleOutput(op, attributes, [a, inputs.b as tf.TensorInfo]);
    },
  });
  tf.registerKernel(product(NATIVE_MATMUL, 'MatMul', ['transpose_a', 'transpose_b']));
  tf.registerKernel(product(NATIVE_BATCH_MATMUL, 'BatchMatMulV2', ['adj_x', 'adj_y']));
  tf.registerKernel({
    kernelName: NATIVE_BIAS_ADD,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const native = backend as unknown as NativeBackend;
      const x = inputs.x as tf.TensorInfo;
      return native.executeSingleOutput(
        'BiasAdd',
        [dtypeAttr(native, 'T', x.dtype)],
        [x, inputs.bias as tf.TensorInfo],
      );
    },
  });
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
  replace({
    kernelName: 'Reshape',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const native = backend as unknown as NativeBackend;
      const shape = tf.util.inferFromImplicitShape(attrs!.shape as number[], tf.util.sizeFromShape(x.shape));
      const attributes = [dtypeAttr(native, 'T', x.dtype), dtypeAttr(native, 'Tshape', 'int32')];
      return native.executeSingleOutput('Reshape', attributes, [x, int32Vector(shape)]);
    },
  });
  for (const name of ['Mean', 'Sum'] as const) {
    replace({
      kernelName: name,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        const native = backend as unknown as NativeBackend;
        const axes = tf.util.parseAxisParam(attrs!.axis as number | number[], x.shape);
        const keepDims = attrs!.keepDims as boolean;
        if (name === 'Mean' && x.dtype !== 'float32') {
          // As tfjs-node does: the mean of integers is a float.
          const asFloat = tf.cast(x as tf.Tensor, 'float32');
          const out = native.executeSingleOutput(name, native.createReductionOpAttrs(asFloat, keepDims), [
            asFloat,
            int32Vector(axes),
          ]);
          asFloat.dispose();
          return out;
        }
        return native.executeSingleOutput(name, native.createReductionOpAttrs(x, keepDims), [
          x,
          int32Vector(axes),
        ]);
      },
    });
  }
  replace({
    kernelName: 'Transpose',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const native = backend as unknown as NativeBackend;
      const attributes = [dtypeAttr(native, 'T', x.dtype), dtypeAttr(native, 'Tperm', 'int32')];
      return native.executeSingleOutput('Transpose', attributes, [x, int32Vector(attrs!.perm as number[])]);
    },
  });
  replace({
    kernelName: 'Concat',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const tensors = Array.from(inputs as unknown as ArrayLike<tf.TensorInfo>);
      const native = backend as unknown as NativeBackend;
      const attributes = [
        { name: 'N', type: native.binding.TF_ATTR_INT, value: tensors.length },
        dtypeAttr(native, 'Tidx', 'int32'),
        dtypeAttr(native, 'T', tensors[0]!.dtype),
      ];
      return native.executeSingleOutput('ConcatV2', attributes, [
        ...tensors,
        int32Scalar(attrs!.axis as number),
      ]);
    },
  });
  replace({
    kernelName: 'SplitV',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const native = backend as unknown as NativeBackend;
      const axis = tf.util.parseAxisParam(attrs!.axis as number, x.shape)[0]!;
      const sizes = tf.backend_util.prepareSplitSize(
        x as tf.Tensor,
        attrs!.numOrSizeSplits as number | number[],
        axis,
      );
      const attributes = [
        { name: 'num_split', type: native.binding.TF_ATTR_INT, value: sizes.length },
        dtypeAttr(native, 'T', x.dtype),
        dtypeAttr(native, 'Tlen', 'int32'),
      ];
      return native.executeMultipleOutputs(
        'SplitV',
        attributes,
        [x, int32Vector(sizes), int32Scalar(axis)],
        sizes.length,
      );
    },
  });
  replace({
    kernelName: 'Slice',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const native = backend as unknown as NativeBackend;
      const [begin, size] = tf.backend_util.slice_util.parseSliceParams(
        x as tf.Tensor,
        attrs!.begin as number[],
        attrs!.size as number[],
      );
      const attributes = [dtypeAttr(native, 'T', x.dtype), dtypeAttr(native, 'Index', 'int32')];
      return native.executeSingleOutput('Slice', attributes, [x, int32Vector(begin!), int32Vector(size!)]);
    },
  });
  replace({
    kernelName: 'PadV2',
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs.x as tf.TensorInfo;
      const native = backend as unknown as NativeBackend;
      const paddings = attrs!.paddings as Array<[number, number]>;
      const value = attrs!.constantValue as number;
      const paddingsTensor = constant(`int32-paddings:${paddings.join(';')}`, () =>
        tf.tensor2d(paddings, [paddings.length, 2], 'int32'),
      );
      const valueTensor = constant(`pad-value:${x.dtype}:${value}`, () => tf.scalar(value, x.dtype));
      const attributes = [dtypeAttr(native, 'T', x.dtype), dtypeAttr(native, 'Tpaddings', 'int32')];
      return native.executeSingleOutput('PadV2', attributes, [x, paddingsTensor, valueTensor]);
    },
  });
}
