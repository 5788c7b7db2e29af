// tfjs-node in two threads of one process at once, as the app runs it when two walk-forward folds
// train at the same time: the binding built by `npm run setup:native` carries the patch that makes its
// process-wide attribute-name set thread-safe (scripts/native-patches.mjs). Without it, ops reach
// TensorFlow with another op's attribute names ("No attr named 'DstT' in NodeDef: Cast") or the heap
// is corrupted within a few thousand ops.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concurrentTrainings, nativeBindingThreadSafe } from '../../src/main/core/model/native-threads';

interface Outcome {
  ok: boolean;
  backend?: string;
  iterations?: number;
  error?: string;
}

const CHILD = fileURLToPath(new URL('./support/two-threads-child.ts', import.meta.url));
const PROCESSES = 10;
const ITERATIONS = 300;

/** One fresh process whose two threads start native work at once; its threads' outcomes. */
function twoThreads(): Promise<Outcome[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(ITERATIONS)], {
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as Outcome[]);
      } catch {
        const last = err.trim().split('\n').slice(-2).join(' ');
        resolve([{ ok: false, error: `process ended (${signal ?? code}): ${last}` }]);
      }
    });
  });
}

describe('tfjs-node in two threads at once', () => {
  it('is built with the thread-safety patch, so two trainings may run at once', () => {
    expect(nativeBindingThreadSafe()).toBe(true);
    expect(concurrentTrainings('tensorflow')).toBe(2);
    expect(concurrentTrainings('wasm')).toBe(1);
  });

  it('runs the model and many small ops in two threads that start at the same moment, in fresh processes', async () => {
    const outcomes: Outcome[] = [];
    // Two processes at a time: the machine has two cores.
    for (let i = 0; i < PROCESSES; i += 2)
      outcomes.push(...(await Promise.all([twoThreads(), twoThreads()])).flat());
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(PROCESSES * 2);
    for (const o of outcomes) expect(o).toEqual({ ok: true, backend: 'tensorflow', iterations: ITERATIONS });
  });
});
