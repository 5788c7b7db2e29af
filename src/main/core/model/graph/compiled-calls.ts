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
  /** Where the program came from the thread's shared programs (or went there once checked). */
  shared?: SharedProgram;
}

/**
 * A checked program that calls of the same family and key in this thread may take over instead of
 * tracing and building their own: a walk-forward trains one model per fold, all of one configuration,
 * in the same worker thread (worker-client.ts), and each fold model would otherwise trace and build
 * its training step and validation graphs again (about 1.2 s a fold, bench model-walk-forward).
 */
interface SharedProgram {
  program: GraphProgram;
  /** What the tracing caller keeps of its trace (CallOptions.shareTrace), for the callers taking it over. */
  traced: unknown;
  /** CompiledCalls holding it now. */
  users: number;
  /** Out of the shared table (a taker's checks failed, or it was pushed out): closed with its last user. */
  evicted: boolean;
}

/** Programs kept for takers in this thread, oldest first (module state: one table per thread). */
const sharedPrograms = new Map<string, SharedProgram>();
/** Programs kept without a user at most: a session holds its graph and constants, a few MB. */
const SHARED_PROGRAMS = 12;

function release(shared: SharedProgram): void {
  shared.users--;
  if (shared.evicted && shared.users === 0) shared.program.close();
}

function evict(name: string, shared: SharedProgram): void {
  if (sharedPrograms.get(name) === shared) sharedPrograms.delete(name);
  shared.evicted = true;
  if (shared.users === 0) shared.program.close();
}

function share(name: string, shared: SharedProgram): void {
  sharedPrograms.set(name, shared);
  for (const [other, entry] of sharedPrograms) {
    if (sharedPrograms.size <= SHARED_PROGRAMS) break;
    if (entry.users === 0) evict(other, entry);
  }
}

/** Closes the shared programs no call holds (tests; a thread's table otherwise lives with the thread). */
export function clearSharedPrograms(): void {
  for (const [name, shared] of sharedPrograms) evict(name, shared);
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
  /** What of a fresh trace a caller taking the program over needs (e.g. the dropout draws it feeds). */
  shareTrace?: () => unknown;
  /** Called with shareTrace's value when this call takes over a shared program, before it runs. */
  adoptTrace?: (traced: unknown) => void;
}

export class CompiledCalls {
  private readonly entries = new Map<string, Entry | 'eager'>();
  private readonly seen = new Map<string, number>();
  /** Why the last key stayed eager (for logs and tests), or null. */
  reason: string | null = null;

  /**
   * `family`: calls of one family with the same key compute the same function of their feeds (a
   * model signature: the same configuration and shape), so their checked programs are shared within
   * the thread. A taker still checks the program against its own eager call before using it alone.
   * Without a family, programs are this object's own.
   */
  constructor(private readonly family?: string) {}

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
      // A program taken over replaces the trace, not the call: this call is eager as a tracing call
      // is, and the next is checked. A run then gives the same results, to the bit, whether it built
      // its programs or took them over.
      if (this.takeShared(key, options)) return this.eager(fn);
      return this.trace(key, feeds, fn);
    }
    if (entry.checked) return this.run(entry, feeds, lateFeeds);
    return this.check(key, entry, feeds, fn, lateFeeds, options);
  }

  /** A checking call: the graph and the eager call both run, and the eager results are returned. */
  private check(
    key: string,
    entry: Entry,
    feeds: tf.Tensor[],
    fn: TensorFunction,
    lateFeeds: () => ArrayBufferView[],
    options: CallOptions,
  ): HostArray[] {
    let fromGraph: HostArray[];
    try {
      fromGraph = this.run(entry, feeds, lateFeeds);
    } catch (err) {
      this.drop(key, entry);
      return this.stayEager(key, `the graph failed: ${(err as Error).message}`, fn);
    }
    const eager = this.eager(fn);
    const worst = Math.max(...eager.map((e, i) => disagreement(fromGraph[i]?.data, e.data)));
    if (worst <= 1) {
      entry.checked = true;
      if (this.family !== undefined && !entry.shared) {
        entry.shared = { program: entry.program, traced: options.shareTrace?.(), users: 1, evicted: false };
        share(this.sharedName(key), entry.shared);
      }
    } else if (++entry.failures >= GRAPH_CHECKS) {
      this.drop(key, entry);
      this.entries.set(key, 'eager');
      this.reason =
        `the graph disagreed with the eager call ${GRAPH_CHECKS} times ` +
        `(last by ${worst.toFixed(1)}× the tolerance)`;
    }
    return eager;
  }

  private sharedName(key: string): string {
    return `${this.family}\n${key}`;
  }

  /** Takes over the thread's checked program of this family and key (to be checked), if there is one. */
  private takeShared(key: string, options: CallOptions): boolean {
    if (this.family === undefined) return false;
    const name = this.sharedName(key);
    const shared = sharedPrograms.get(name);
    if (!shared) return false;
    // Most recently used last: the table pushes out its oldest.
    sharedPrograms.delete(name);
    sharedPrograms.set(name, shared);
    shared.users++;
    options.adoptTrace?.(shared.traced);
    this.entries.set(key, { program: shared.program, checked: false, failures: 0, shared });
    return true;
  }

  /** Lets go of an entry's program for good: a shared one leaves the table (its checks failed here). */
  private drop(key: string, entry: Entry): void {
    if (entry.shared) {
      evict(this.sharedName(key), entry.shared);
      release(entry.shared);
    } else entry.program.close();
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
    for (const entry of this.entries.values()) {
      if (entry === 'eager') continue;
      if (entry.shared) release(entry.shared);
      else entry.program.close();
    }
    this.entries.clear();
  }
}

const perOwner = new WeakMap<object, CompiledCalls>();

/**
 * The compiled calls that belong to `model`: its graphs live and die with it, except those it shares
 * with the other models of its signature in this thread (CompiledCalls' family).
 */
export function compiledCallsOf(model: { readonly signature: string }): CompiledCalls {
  let calls = perOwner.get(model);
  if (!calls) perOwner.set(model, (calls = new CompiledCalls(model.signature)));
  return calls;
}

/** Frees `owner`'s graphs, if it has any. */
export function disposeCompiledCalls(owner: object): void {
  perOwner.get(owner)?.dispose();
  perOwner.delete(owner);
}
