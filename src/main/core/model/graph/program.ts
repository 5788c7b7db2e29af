// One traced call (trace.ts) as a TensorFlow graph in its own session (the graph addon): the traced
// ops in order, the feeds as placeholders, every other input as a constant. Running it is one call
// into TensorFlow, whatever the number of ops: TensorFlow's executor dispatches each op in about a
// microsecond, where an eager op through tfjs costs some 30 µs (docs/model.md), and Grappler folds
// the constant subgraphs and drops the no-op reshapes before the first run.
import { type Feed, type Fetched, type GraphAddon, type OpAttr, type Output, type Program } from './addon';
import { inputArgs, type InputArg } from './op-def';
import { FULL_TRACE_OPTIONS, nodeTimes, type NodeTime } from './step-stats';
import type { ConstantValue, Trace, TracedOp } from './trace';

const TF_ATTR_TYPE = 4;
const TF_ATTR_SHAPE = 5;
const TF_ATTR_TENSOR = 6;

export interface SessionThreads {
  /** Threads one op may use (TensorFlow's intra-op pool). */
  intraOp: number;
  /** Ops that may run at once (the inter-op pool); negative: every op in the caller's thread. */
  interOp: number;
}

/**
 * ConfigProto { intra_op_parallelism_threads = 2; inter_op_parallelism_threads = 5 } as bytes (a
 * negative int32 is the varint of its 64-bit two's complement, ten bytes).
 */
export function sessionConfig(threads: SessionThreads): Uint8Array {
  const varint = (n: number) => {
    let v = BigInt.asUintN(64, BigInt(n));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return out;
  };
  return Uint8Array.from([0x10, ...varint(threads.intraOp), 0x28, ...varint(threads.interOp)]);
}

let tracer: ((times: NodeTime[]) => void) | null = null;

/**
 * Profiling: every graph run from now on is traced and `onRun` gets its nodes' kernel times (null:
 * stop). Tracing slows every op; the model-graph-profile benchmark uses it.
 */
export function traceRuns(onRun: ((times: NodeTime[]) => void) | null): void {
  tracer = onRun;
}

export class GraphProgram {
  private constructor(
    private readonly addon: GraphAddon,
    private readonly program: Program,
    /** Per feed, in the trace's order: its placeholder and its shape and dtype. */
    readonly feeds: ReadonlyArray<{ op: number; shape: number[]; dtype: number }>,
    private readonly fetches: Output[],
  ) {}

  /**
   * Builds the graph of `trace` whose outputs are the tensors with binding ids `fetchIds`. Throws when
   * TensorFlow refuses an op (the caller then stays eager).
   */
  static build(addon: GraphAddon, trace: Trace, fetchIds: number[], threads: SessionThreads): GraphProgram {
    if (trace.unusable) throw new Error(trace.unusable);
    const program = addon.createProgram();
    const sources = new Map<number, Output>();
    let count = 0;
    const add = (type: string, inputs: Array<Output | Output[]>, attrs: OpAttr[]) =>
      addon.addOperation(program, type, `n${count++}`, inputs, attrs);
    const feeds = trace.feeds.map(({ id, ...meta }) => {
      const op = add(
        'Placeholder',
        [],
        [
          { name: 'dtype', type: TF_ATTR_TYPE, value: meta.dtype },
          { name: 'shape', type: TF_ATTR_SHAPE, value: meta.shape },
        ],
      );
      sources.set(id, [op, 0]);
      return { op, shape: meta.shape, dtype: meta.dtype };
    });
    const source = (id: number): Output => {
      const known = sources.get(id);
      if (known) return known;
      const value = trace.constants.get(id);
      if (!value) throw new Error(`input ${id} is neither fed, computed nor a known constant`);
      const out: Output = [constantOp(add, value), 0];
      sources.set(id, out);
      return out;
    };
    const argsOf = new Map<string, InputArg[]>();
    for (const op of trace.ops) {
      let args = argsOf.get(op.type);
      if (!args) argsOf.set(op.type, (args = inputArgs(addon.opDef(op.type))));
      const index = add(op.type, groupInputs(op, args, source), op.attrs);
      op.outputs.forEach((o, k) => sources.set(o.id, [index, k]));
    }
    const fetches = fetchIds.map(source);
    addon.startSession(program, sessionConfig(threads));
    return new GraphProgram(addon, program, feeds, fetches);
  }

  /** One run: `values[i]` feeds the i-th feed (its shape and dtype as traced). */
  run(values: ReadonlyArray<ArrayBufferView>): Fetched[] {
    const feeds: Feed[] = this.feeds.map((f, i) => ({
      op: f.op,
      index: 0,
      dtype: f.dtype,
      shape: f.shape,
      data: values[i]!,
    }));
    if (!tracer) return this.addon.run(this.program, feeds, this.fetches);
    const fetched = this.addon.run(this.program, feeds, this.fetches, FULL_TRACE_OPTIONS);
    if (fetched.metadata) tracer(nodeTimes(fetched.metadata));
    return fetched;
  }

  /** Frees the session and graph now; a run afterwards throws. */
  close(): void {
    this.addon.closeProgram(this.program);
  }
}

function constantOp(
  add: (type: string, inputs: Output[], attrs: OpAttr[]) => number,
  value: ConstantValue,
): number {
  return add(
    'Const',
    [],
    [
      { name: 'dtype', type: TF_ATTR_TYPE, value: value.dtype },
      {
        name: 'value',
        type: TF_ATTR_TENSOR,
        value: { dtype: value.dtype, shape: value.shape, data: value.values },
      },
    ],
  );
}

/** tfjs-node's flat input list, grouped per argument of the op (list arguments as one list). */
function groupInputs(
  op: TracedOp,
  args: InputArg[],
  source: (id: number) => Output,
): Array<Output | Output[]> {
  const attr = (name: string) => op.attrs.find((a) => a.name === name)?.value;
  const lengths = args.map((arg) => {
    if (arg.numberAttr)
      return typeof attr(arg.numberAttr) === 'number' ? (attr(arg.numberAttr) as number) : null;
    if (arg.typeListAttr) {
      const types = attr(arg.typeListAttr);
      return Array.isArray(types) ? types.length : null;
    }
    return 1;
  });
  const unknown = lengths.filter((n) => n === null).length;
  if (unknown > 1) throw new Error(`${op.type}: cannot tell its list arguments apart`);
  if (unknown === 1) {
    const known = lengths.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    lengths[lengths.indexOf(null)] = op.inputs.length - known;
  }
  const total = lengths.reduce<number>((sum, n) => sum + n!, 0);
  if (total !== op.inputs.length) {
    throw new Error(`${op.type}: ${op.inputs.length} inputs where its definition takes ${total}`);
  }
  let at = 0;
  return args.map((arg, i) => {
    const n = lengths[i]!;
    const ids = op.inputs.slice(at, at + n);
    at += n;
    return arg.numberAttr || arg.typeListAttr ? ids.map(source) : source(ids[0]!);
  });
}
