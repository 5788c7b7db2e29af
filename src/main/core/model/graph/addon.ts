// The graph session addon (native/graph-session.cc), built by `npm run setup:native` beside
// tfjs-node's binding and linked against the same libtensorflow. Absent (tfjs-node's own install, or
// setup:native from before the addon existed), graphs are simply not used: every op runs eagerly.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ADDON_FILE } from '../../../../../scripts/graph-addon.mjs';
import { bindingDirectories } from '../native-threads';
import type { AdamHyper } from '../optimizer';

/** An op's attribute as tfjs-node passes it: `type` is a TF_ATTR_* code (tf_attrtype.h). */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** A graph node's output: [operation index, output index]. */
export type Output = [number, number];

export interface HostTensor {
  /** A TF_DataType code (TF_FLOAT 1, TF_INT32 3, TF_BOOL 10). */
  dtype: number;
  shape: number[];
  data: ArrayBufferView | ArrayBuffer;
}

export interface Feed extends HostTensor {
  op: number;
  index: number;
}

export interface Fetched {
  dtype: number;
  shape: number[];
  data: ArrayBuffer;
}

/** A TensorFlow graph and, once started, its session; freed when garbage-collected. */
export type Program = { readonly __program: unique symbol };

export interface GraphAddon {
  tensorflowVersion: string;
  opDef(type: string): ArrayBuffer;
  createProgram(): Program;
  addOperation(
    program: Program,
    type: string,
    name: string,
    inputs: Array<Output | Output[]>,
    attrs: OpAttr[],
  ): number;
  startSession(program: Program, config: Uint8Array | null): void;
  /** With `runOptions` (a serialised RunOptions), the result also holds the run's RunMetadata. */
  run(
    program: Program,
    feeds: Feed[],
    fetches: Output[],
    runOptions?: Uint8Array,
  ): Fetched[] & { metadata?: ArrayBuffer };
  closeProgram(program: Program): void;
  /** Adam's update in place (native/adam.cc); the same bits as optimizer.ts adamUpdate. */
  adamUpdate(
    weights: Float32Array,
    gradient: Float32Array,
    m: Float32Array,
    v: Float32Array,
    hyper: AdamHyper,
  ): number;
  /**
   * Blocks the asynchronous signals in the calling thread from now on (native/signals.cc: a signal
   * handled inside oneDNN's GEMM kernels corrupts the heap). Missing from an addon built before it.
   */
  blockAsyncSignals?(): void;
  /** true: blocks them in the calling thread; false: restores its mask (native/signals.cc). */
  holdAsyncSignals?(hold: boolean): void;
  /**
   * Dropout mask values [from, to) of `mask` in place (native/dropout.cc); the same bits as layers.ts
   * fillMask. Missing from an addon built before it existed.
   */
  dropoutFill?(
    mask: Float32Array,
    seed: number,
    threshold: number,
    scale: number,
    from: number,
    to: number,
  ): void;
}

let loaded: GraphAddon | null | undefined;

/** The addon where setup:native built it, or null (then graphs are not used). */
export function graphAddon(): GraphAddon | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    const file = bindingDirectories()
      .map((dir) => join(dir, ADDON_FILE))
      .find((path) => existsSync(path));
    if (file) loaded = createRequire(import.meta.url)(file) as GraphAddon;
  } catch {
    // Not built, or it does not load: eager ops only.
  }
  return loaded;
}

/** TF_DataType codes for the dtypes tfjs uses. */
export const TF_FLOAT = 1;
export const TF_INT32 = 3;
export const TF_BOOL = 10;
