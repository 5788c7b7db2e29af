// Where a graph run's time goes: each node's kernel time from the RunMetadata that a run traced with
// RunOptions{trace_level: FULL_TRACE} returns (program.ts traceRuns). For profiling only (the
// model-graph-profile benchmark): tracing adds its own cost to every op.
// Field numbers from tensorflow/core/protobuf/config.proto and framework/step_stats.proto:
// RunOptions.trace_level = 1 (FULL_TRACE = 3); RunMetadata.step_stats = 1; StepStats.dev_stats = 1;
// DeviceStepStats.node_stats = 2; NodeExecStats.node_name = 1, timeline_label = 8,
// op_start_rel_nanos = 14, op_end_rel_nanos = 15.
import { fields } from './protobuf';

/** RunOptions asking for every node's timing. */
export const FULL_TRACE_OPTIONS = new Uint8Array([0x08, 0x03]);

export interface NodeTime {
  node: string;
  /** The kernel that ran (after Grappler's and oneDNN's rewrites, e.g. _MklMatMul). */
  op: string;
  nanos: number;
}

const text = new TextDecoder();

function nodeTime(bytes: Uint8Array): NodeTime {
  let node = '';
  let label = '';
  let start = 0;
  let end = 0;
  for (const f of fields(bytes, 'NodeExecStats')) {
    if (f.field === 1 && f.bytes) node = text.decode(f.bytes);
    else if (f.field === 8 && f.bytes) label = text.decode(f.bytes);
    else if (f.field === 14) start = f.value ?? 0;
    else if (f.field === 15) end = f.value ?? 0;
  }
  // The executor's label reads "[memory] name = Op(inputs)".
  const op = /= ([^(\s]+)\(/.exec(label)?.[1] ?? node;
  return { node, op, nanos: end - start };
}

/** Every node's kernel time in a traced run's RunMetadata. */
export function nodeTimes(metadata: ArrayBuffer | Uint8Array): NodeTime[] {
  const times: NodeTime[] = [];
  const bytes = metadata instanceof Uint8Array ? metadata : new Uint8Array(metadata);
  for (const run of fields(bytes, 'RunMetadata')) {
    if (run.field !== 1 || !run.bytes) continue;
    for (const device of fields(run.bytes, 'StepStats')) {
      if (device.field !== 1 || !device.bytes) continue;
      for (const node of fields(device.bytes, 'DeviceStepStats')) {
        if (node.field === 2 && node.bytes) times.push(nodeTime(node.bytes));
      }
    }
  }
  return times;
}
