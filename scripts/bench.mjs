#!/usr/bin/env node
// Runs the benchmarks under tests/bench one after another (never in parallel: they compete for the
// same two cores), each in its own Node process under tsx, and prints their figures.
//   npm run bench                  every *.bench.ts
//   npm run bench -- store ingest  only the files whose names contain one of the words
//   npm run -s bench -- model-train --json   options (--…) go to each benchmark; with --json the
//                                  file headers go to stderr, so stdout holds only the figures
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = join(root, 'tests/bench');
const words = process.argv.slice(2);
const firstOption = words.findIndex((word) => word.startsWith('--'));
const filters = firstOption < 0 ? words : words.slice(0, firstOption);
const options = firstOption < 0 ? [] : words.slice(firstOption);
const header = options.includes('--json') ? process.stderr : process.stdout;
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((word) => name.includes(word)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`No benchmark matches ${filters.join(', ')}.\n`);
  process.exit(2);
}

let failed = 0;
for (const name of files) {
  header.write(`\n=== ${name}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(dir, name), ...options],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    failed += 1;
    header.write(`!!! ${name} exited with ${result.status ?? result.signal}\n`);
  }
}
process.exit(failed ? 1 : 0);
