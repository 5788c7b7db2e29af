// Signals and TensorFlow's kernels: oneDNN's generated GEMM kernels in TensorFlow 2.21 point the stack
// register at heap memory while they run, so a signal handled there writes its frame onto the heap
// (native/signals.cc). Any handled signal can do it: a profiler's sampling, a terminal resize. Here a
// child process trains natively while every one of its threads is sent SIGUSR2 about every
// millisecond (with tgkill, through python3's ctypes: Node cannot send a signal to one thread).
// Without the blocking, the child aborts within a step ("corrupted size vs. prev_size").
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./support/signal-storm-child.ts', import.meta.url));

// Every ~0.5 ms, SIGUSR2 to each thread of process argv[1] until it ends or the storm is interrupted;
// prints how many were sent.
const STORM = `
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
pid, sent = int(sys.argv[1]), 0
try:
    while True:
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except FileNotFoundError:
            break
        for tid in tids:
            if libc.tgkill(pid, tid, signal.SIGUSR2) == 0:
                sent += 1
        time.sleep(0.0005)
except KeyboardInterrupt:
    pass
print(sent, flush=True)
`;

interface Storm {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  sent: number;
}

/** Runs the child in `mode`, signalling all its threads from its `ready` line until it exits. */
function underStorm(mode: 'worker' | 'main'): Promise<Storm> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    let stdout = '';
    let stderr = '';
    let storm: ChildProcess | null = null;
    let sent = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!storm && stdout.includes('ready\n')) {
        storm = spawn('python3', ['-c', STORM, String(child.pid)]);
        storm.stdout!.on('data', (s: Buffer) => (sent += s.toString()));
        storm.on('error', reject);
        // The main-thread child waits for the storm to be under way.
        setTimeout(() => child.stdin.write('go\n'), 200);
      }
      // Its work done, the child waits for the storm to end before it exits.
      if (storm && stdout.includes('}\n')) {
        storm.once('close', () => child.stdin.end());
        storm.kill('SIGINT');
      }
    });
    child.on('close', (code, signal) => {
      storm?.kill('SIGINT');
      resolve({ code, signal, stdout, stderr, sent: Number(sent.trim() || 0) });
    });
  });
}

const python = spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL(None).tgkill'], { encoding: 'utf8' });

const linux = process.platform === 'linux';
if (!linux)
  console.warn('signals.test.ts SKIPPED: it reads /proc and signals threads with tgkill (Linux only)');

describe.skipIf(!linux)('native TensorFlow under a storm of signals', () => {
  it('needs python3 with ctypes to send signals to threads', () => {
    expect(python.status, `python3 cannot send them here: ${python.stderr || python.error}`).toBe(0);
  });

  it('trains in a training worker, whose thread blocks them (eager steps, graphs, validation)', async () => {
    const run = await underStorm('worker');
    expect(run.code, `${run.signal ?? ''} ${run.stderr.trim().split('\n').slice(-3).join(' ')}`).toBe(0);
    const outcome = JSON.parse(run.stdout.trim().split('\n').pop()!) as { backend: string; samples: number };
    expect(outcome.backend).toBe('tensorflow');
    expect(outcome.samples).toBeGreaterThan(1000);
    // Thousands of signals reached the process's threads while it trained.
    expect(run.sent).toBeGreaterThan(1000);
  });

  it('trains on the main thread, whose eager ops and graph runs hold them for their length', async () => {
    const run = await underStorm('main');
    expect(run.code, `${run.signal ?? ''} ${run.stderr.trim().split('\n').slice(-3).join(' ')}`).toBe(0);
    const outcome = JSON.parse(run.stdout.trim().split('\n').pop()!) as { compiled: boolean; steps: number };
    expect(outcome.compiled).toBe(true);
    expect(outcome.steps).toBe(150);
    expect(run.sent).toBeGreaterThan(1000);
  });
});
