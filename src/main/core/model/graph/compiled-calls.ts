// Calls of a tensor function that run as one TensorFlow graph once they can. Per key (a shape: the
// batch size), the first call runs eagerly and is traced (trace.ts); the second runs both ways, and
// the graph is kept only if every output agrees with the eager one on that call's other inputs (so
// nothing that changes from call to call was frozen into the graph as a constant); from then on only
// the graph runs. A graph that disagrees is checked again on the next calls, up to GRAPH_CHECKS. Where
// the addon is missing, a trace cannot become a graph or every check fails, calls stay eager: the same
// results, slower. Outputs come back as plain arrays either way.
import { currentBackend, tf } from '../backend';
import { graphAddon, TF_BOOL, TF_FLOAT, TF_INT32, type Fetched } from './addon';
import { GraphProgram, type SessionThreads } from './program';
import { bindingId, traceOps, type DeclareFeed } from './trace';

export interface HostArray {
  data: Float32Array | Int32Array | Uint8Array;
  shape: number[];
}

/** Relative L2 distance each output of a graph may have from the eager one on the checking call. */
export const GRAPH_TOLERANCE = 1e-4;
/** Absolute RMS distance allowed on top (float32 rounding of values that are zero in exact arithmetic). */
export const GRAPH_FLOOR = 1e-6;
/**
 * Checking calls a graph gets before its key stays eager. Rounding alone fails a check now and then:
 * in the default walk-forward one fold's training step of 40 missed by 3.6× on its one check and the
 * fold then trained op by op, 68 s of the run's 411 on a core of its own. A graph that froze a
 * changing value misses on every call, by orders of magnitude: it fails all of its checks.
 */
export const GRAPH_CHECKS = 3;

/**
 * Each op on one thread, and every op in the calling thread (no inter-op pool): as the eager ops
 * (native-threads.ts), one job per core. TensorFlow's sessions otherwise share one process-wide
 * inter-op pool sized by the first session, in which two trainings' graphs (the walk-forward's folds
 * fitted two at a time, each in its own worker) queued on one thread: 14.7 s a fold against 9.8 with
 * pools of their own (7 folds, bench model-walk-forward). Pools of their own add idle threads with
 * every session, and a hand-over per op: a training step in the caller's thread ran at 1,479, 1,553
 * and 1,560 samples/s against 1,409, 1,455 and 1,426 in a pool of one thread of its own (alternated).
 */
const THREADS: SessionThreads = { intraOp: 1, interOp: -1 };

let enabled = process.env.CROSSDESK_GRAPHS !== 'off';

/** Turns graphs on or off for calls from now on (benchmarks and tests compare both). */
export function useGraphs(on: boolean): void {
  enabled = on;
}

/** Whether native jobs can run as graphs: graphs on, and the addon built and loading. */
export function graphsBuilt(): boolean {
  return enabled && graphAddon() !== null;
}

/** Whether calls may become graphs here: the native backend, with the addon built. */
export function graphsAvailable(): boolean {
  return currentBackend() === 'tensorflow' && graphsBuilt();
}

/**
 * How far a graph's output is from the eager one: the L2 distance over the bound
 * GRAPH_TOLERANCE·‖eager‖ + GRAPH_FLOOR·√n (agreement is ≤ 1). The floor is float32 rounding: a
 * gradient that is zero in exact arithmetic (a key bias, which shifts every score of a softmax alike)
 * is rounding noise of ~1e-9 per value, different in any other order of summation.
 */
function disagreement(graph: HostArray['data'] | undefined, eager: HostArray['data']): number {
  if (!graph || graph.length !== eager.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < eager.length; i++) {
    diff += (graph[i]! - eager[i]!) ** 2;
    norm += eager[i]! ** 2;
  }
  if (!Number.isFinite(diff)) return Number.POSITIVE_INFINITY;
  return Math.sqrt(diff) / (GRAPH_TOLERANCE * Math.sqrt(norm) + GRAPH_FLOOR * Math.sqrt(eager.length));
}

function hostOf(fetched: Fetched): HostArray {
  const data =
    fetched.dtype === TF_FLOAT
      ? new Float32Array(fetched.data)
      : fetched.dtype === TF_INT32
        ? new Int32Array(fetched.data)
        : fetched.dtype === TF_BOOL
          ? new Uint8Array(fetched.data)
          : Int32Array.from(new BigInt64Array(fetched.data), Number);
  return { data, shape: fetched.shape };
}

function hostOfTensor(tensor: tf.Tensor): HostArray {
  return { data: tensor.dataSync() as HostArray['data'], shape: [...tensor.shape] };
}

interface Entry {
  program: GraphProgram;
  checked: boolean;
  /** Checks it has failed so far. */
  failures: number;
}

/**
 * The tensor function of a call: runs eagerly and returns its outputs (disposed by the caller).
 * `declareFeed` is given only while the call is traced: a tensor the function creates whose value
 * changes from call to call (a dropout mask) must be declared with it, and `lateFeeds` of the call
 * then gives its values for a graph run.
 */
export type TensorFunction = (declareFeed: DeclareFeed | null) => tf.Tensor[];

export interface CallOptions {
  /** Values of the tensors the function declares as feeds while traced, for a graph run. */
  lateFeeds?: () => ArrayBufferView[];
  /**
   * Calls of a key that run eagerly before it is traced: building a graph costs about as much as a
   * few hundred eager ops, worth it only for a key that recurs (0: trace the first call).
   */
  eagerCalls?: number;
}

export class CompiledCalls {
  private readonly entries = new Map<string, Entry | 'eager'>();
  private readonly seen = new Map<string, number>();
  /** Why the last key stayed eager (for logs and tests), or null. */
  reason: string | null = null;

  /** Whether calls with `key` run as a graph now. */
  compiled(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry !== 'eager' && entry.checked;
  }

  /**
   * One call: `feeds` are the inputs that change between calls of the same key (parameters, the batch);
   * every other input of `fn` is taken to be the same on every call (the check guards that).
   */
  call(key: string, feeds: tf.Tensor[], fn: TensorFunction, options: CallOptions = {}): HostArray[] {
    const lateFeeds = options.lateFeeds ?? (() => []);
    const entry = this.entries.get(key);
    if (entry === 'eager' || !graphsAvailable()) return this.eager(fn);
    if (entry === undefined) {
      const seen = this.seen.get(key) ?? 0;
      if (seen < (options.eagerCalls ?? 0)) {
        this.seen.set(key, seen + 1);
        return this.eager(fn);
      }
      return this.trace(key, feeds, fn);
    }
    if (entry.checked) return this.run(entry, feeds, lateFeeds);
    let fromGraph: HostArray[];
    try {
      fromGraph = this.run(entry, feeds, lateFeeds);
    } catch (err) {
      return this.stayEager(key, `the graph failed: ${(err as Error).message}`, fn);
    }
    const eager = this.eager(fn);
    const worst = Math.max(...eager.map((e, i) => disagreement(fromGraph[i]?.data, e.data)));
    if (worst <= 1) entry.checked = true;
    else if (++entry.failures >= GRAPH_CHECKS) {
      entry.program.close();
      this.entries.set(key, 'eager');
      this.reason =
        `the graph disagreed with the eager call ${GRAPH_CHECKS} times ` +
        `(last by ${worst.toFixed(1)}× the tolerance)`;
    }
    return eager;
  }

  private stayEager(key: string, reason: string, fn: TensorFunction): HostArray[] {
    this.entries.set(key, 'eager');
    this.reason = reason;
    return this.eager(fn);
  }

  private eager(fn: TensorFunction): HostArray[] {
    const outputs = fn(null);
    try {
      return outputs.map(hostOfTensor);
    } finally {
      tf.dispose(outputs);
    }
  }

  private trace(key: string, feeds: tf.Tensor[], fn: TensorFunction): HostArray[] {
    const addon = graphAddon()!;
    const { result, trace } = traceOps(feeds, (declareFeed) => fn(declareFeed));
    try {
      try {
        const program = GraphProgram.build(addon, trace, result.map(bindingId), THREADS);
        this.entries.set(key, { program, checked: false, failures: 0 });
      } catch (err) {
        this.entries.set(key, 'eager');
        this.reason = `the call could not become a graph: ${(err as Error).message}`;
      }
      return result.map(hostOfTensor);
    } finally {
      tf.dispose(result);
    }
  }

  private run(entry: Entry, feeds: tf.Tensor[], lateFeeds: () => ArrayBufferView[]): HostArray[] {
    const values: ArrayBufferView[] = feeds.map((t) => t.dataSync());
    values.push(...lateFeeds());
    return entry.program.run(values).map(hostOf);
  }

  /** Frees the graphs' sessions now rather than at garbage collection. */
  dispose(): void {
    for (const entry of this.entries.values()) if (entry !== 'eager') entry.program.close();
    this.entries.clear();
  }
}

const perOwner = new WeakMap<object, CompiledCalls>();

/** The compiled calls that belong to `owner` (a model): its graphs live and die with it. */
export function compiledCallsOf(owner: object): CompiledCalls {
  let calls = perOwner.get(owner);
  if (!calls) perOwner.set(owner, (calls = new CompiledCalls()));
  return calls;
}

/** Frees `owner`'s graphs, if it has any. */
export function disposeCompiledCalls(owner: object): void {
  perOwner.get(owner)?.dispose();
  perOwner.delete(owner);
}
