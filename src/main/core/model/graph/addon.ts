// The graph session addon (native/graph-session.cc), built by `npm run setup:native` beside
// tfjs-node's binding and linked against the same libtensorflow. Absent (tfjs-node's own install, or
// setup:native from before the addon existed), graphs are simply not used: every op runs eagerly.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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
  run(program: Program, feeds: Feed[], fetches: Output[]): Fetched[];
  closeProgram(program: Program): void;
}

export const ADDON_FILE = 'crossdesk_graph.node';

let loaded: GraphAddon | null | undefined;

/** The addon where setup:native built it, or null (then graphs are not used). */
export function graphAddon(): GraphAddon | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    const require = createRequire(import.meta.url);
    const lib = join(dirname(require.resolve('@tensorflow/tfjs-node/package.json')), 'lib');
    const dir = existsSync(lib)
      ? readdirSync(lib).find((d) => existsSync(join(lib, d, ADDON_FILE)))
      : undefined;
    if (dir) loaded = require(join(lib, dir, ADDON_FILE)) as GraphAddon;
  } catch {
    // Not built, or it does not load: eager ops only.
  }
  return loaded;
}

/** TF_DataType codes for the dtypes tfjs uses. */
export const TF_FLOAT = 1;
export const TF_INT32 = 3;
export const TF_BOOL = 10;
