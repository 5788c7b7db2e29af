#!/usr/bin/env node
// npm run setup:native — the native TensorFlow backend where @tensorflow/tfjs-node's own install cannot
// download libtensorflow. Builds its N-API binding against TensorFlow's C library from the
// `tensorflow-cpu` Python wheel (whose libtensorflow_cc.so.2 exports the C and eager C APIs, TF_* and
// TFE_*), then proves it works by running one op and one gradient. Idempotent: a binding that already
// loads and passes the check is left alone. Nothing here runs during `npm install`.
//
// Steps: check → install the package without its scripts → tools (Python, C++ compiler, Node headers)
// → download the wheel with pip → extract the two libraries and the headers the binding includes
// (into .native/, gitignored) → stage them in the package's deps/ → compile → compile the graph
// addon (native/graph-session.cc, graph-addon.mjs) → verify. A working binding whose graph addon is
// missing or older than its source gets only the addon rebuilt.
//   --force     rebuild even if the binding loads
//   --quiet     only failures and the final line
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGraphAddon, checkGraphAddon, graphAddonCurrent } from './graph-addon.mjs';
import { checkNative } from './native-check.mjs';
import { hasAllPatches, patchBindingSource, writeMarker } from './native-patches.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const force = args.includes('--force');
const quiet = args.includes('--quiet');

const TF_WHEEL = 'tensorflow-cpu';
const TF_VERSION = '2.21.0';
const PACKAGE = '@tensorflow/tfjs-node';
const packageVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).optionalDependencies?.[
  PACKAGE
];
const cache = join(root, '.native');
const extracted = join(cache, `tensorflow-${TF_VERSION}`);
const packageDir = join(root, 'node_modules', ...PACKAGE.split('/'));
const STEPS = 8;

class SetupError extends Error {
  constructor(message, hint) {
    super(message);
    this.hint = hint;
  }
}

function step(n, text) {
  if (!quiet) process.stdout.write(`[setup:native] ${n}/${STEPS} ${text}\n`);
}

function note(text) {
  if (!quiet) process.stdout.write(`[setup:native]     ${text}\n`);
}

/** Runs a command; returns { ok, out } with stdout+stderr (trimmed), never throws. */
function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const out = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0, out, missing: result.error?.code === 'ENOENT' };
}

function tail(text, lines = 15) {
  return text.split('\n').slice(-lines).join('\n');
}

function verify() {
  const { ok, detail } = checkNative(root);
  return { ok, out: detail };
}

/** The Python that pip runs under: python3, else python if it is Python 3. */
function findPython() {
  for (const name of ['python3', 'python']) {
    const probe = run(name, ['-c', 'import sys; print(sys.version_info[0])']);
    if (probe.ok && probe.out.trim().endsWith('3')) return name;
  }
  return null;
}

/** npm's own node-gyp (npm ships one); node-pre-gyp is told where it is through npm_config_node_gyp. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) {
    candidates.push(
      join(dirname(dirname(process.env.npm_execpath)), 'node_modules/node-gyp/bin/node-gyp.js'),
    );
  }
  candidates.push(
    join(dirname(dirname(process.execPath)), 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  );
  try {
    const require = createRequire(join(root, 'package.json'));
    candidates.push(join(dirname(dirname(require.resolve('node-gyp'))), 'bin/node-gyp.js'));
  } catch {
    // not installed in the project: npm's copy is the usual one
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** A C++ compiler and the running Node's headers: what the binding and the graph addon compile with. */
function compilerTools() {
  const compiler = ['c++', 'g++', 'clang++'].find((c) => run(c, ['--version']).ok);
  if (!compiler) {
    throw new SetupError(
      'No C++ compiler found (c++, g++ or clang++).',
      'The binding is compiled here: install one (Debian: apt-get install build-essential).',
    );
  }
  // node-gyp cannot download Node's headers here: build against the running Node's own.
  const nodedir = dirname(dirname(process.execPath));
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    throw new SetupError(
      `Node's headers are not under ${join(nodedir, 'include', 'node')}.`,
      'Install Node with its headers (the official tarball or Debian/NodeSource packages include them).',
    );
  }
  return { compiler, nodedir };
}

function checkTools() {
  const python = findPython();
  if (!python) {
    throw new SetupError(
      'No Python 3 found (python3 or python).',
      "pip downloads TensorFlow's C library (the tensorflow-cpu wheel): install Python 3 with pip " +
        '(Debian: apt-get install python3 python3-pip), or keep using the wasm backend.',
    );
  }
  const pip = run(python, ['-m', 'pip', '--version']);
  if (!pip.ok) {
    throw new SetupError(
      `${python} has no pip.`,
      'Install pip (Debian: apt-get install python3-pip), or keep using the wasm backend.',
    );
  }
  const { compiler, nodedir } = compilerTools();
  if (!run('make', ['--version']).ok) {
    throw new SetupError('make is missing.', 'Debian: apt-get install build-essential.');
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp)
    throw new SetupError('node-gyp not found.', 'npm ships it; reinstall npm or `npm i -g node-gyp`.');
  return { python, compiler, nodedir, nodeGyp };
}

function installPackage() {
  if (!packageVersion) throw new SetupError(`${PACKAGE} is not an optional dependency in package.json.`);
  const installed = existsSync(join(packageDir, 'package.json'))
    ? JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version
    : null;
  const preGyp = join(root, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp');
  if (installed === packageVersion && existsSync(preGyp)) {
    note(`${PACKAGE}@${installed} is installed`);
    return preGyp;
  }
  // Its install script downloads libtensorflow, which is what fails: install without scripts, and
  // without touching package.json or the lockfile.
  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath]]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
  const result = run(
    npm[0],
    [
      ...npm[1],
      'install',
      '--no-save',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      `${PACKAGE}@${packageVersion}`,
    ],
    { cwd: root },
  );
  if (!result.ok || !existsSync(preGyp)) {
    throw new SetupError(`npm could not install ${PACKAGE}@${packageVersion}:\n${tail(result.out)}`);
  }
  return preGyp;
}

function findWheel() {
  const dir = join(cache, 'wheel');
  if (!existsSync(dir)) return null;
  const name = readdirSync(dir).find(
    (n) => n.startsWith(`tensorflow_cpu-${TF_VERSION}-`) && n.endsWith('.whl'),
  );
  return name ? join(dir, name) : null;
}

function downloadWheel(python) {
  const have = findWheel();
  if (have) {
    note(`cached ${have.slice(root.length + 1)}`);
    return have;
  }
  mkdirSync(join(cache, 'wheel'), { recursive: true });
  const result = run(
    python,
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '--dest',
      join(cache, 'wheel'),
      `${TF_WHEEL}==${TF_VERSION}`,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const wheel = findWheel();
  if (!result.ok || !wheel) {
    throw new SetupError(
      `pip could not download the ${TF_WHEEL} ${TF_VERSION} wheel:\n${tail(result.out)}`,
      `The wheel (about 275 MB) must be reachable through pip's index for this platform (Linux x86-64).`,
    );
  }
  return wheel;
}

/**
 * Python's zipfile extracts, from the wheel, the two shared libraries and the closure of the headers
 * the binding's sources include (following #include "…" lines inside the wheel's include tree), so the
 * 260 MB of other headers stay packed.
 */
const EXTRACT = `
import os, re, shutil, sys, zipfile
wheel, dest, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
inc = 'tensorflow/include/'
todo, seen = list(seeds), set()
while todo:
    h = todo.pop()
    if h in seen or inc + h not in names:
        continue
    seen.add(h)
    for m in re.finditer(r'^\\s*#\\s*include\\s+"([^"]+)"', z.read(inc + h).decode('utf8', 'replace'), re.M):
        todo.append(m.group(1))
for h in sorted(seen):
    out = os.path.join(dest, 'include', h)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with z.open(inc + h) as src, open(out, 'wb') as dst:
        shutil.copyfileobj(src, dst)
os.makedirs(os.path.join(dest, 'lib'), exist_ok=True)
for lib in ('libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'):
    with z.open('tensorflow/' + lib) as src, open(os.path.join(dest, 'lib', lib), 'wb') as dst:
        shutil.copyfileobj(src, dst, 1 << 22)
print(len(seen))
`;

/** The TensorFlow headers the binding's C++ sources include directly. */
function bindingIncludes() {
  const dir = join(packageDir, 'binding');
  const seeds = new Set();
  for (const file of readdirSync(dir)) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/#include\s+"(tensorflow\/[^"]+)"/g)) {
      seeds.add(match[1]);
    }
  }
  return [...seeds];
}

function extract(python, wheel) {
  const stamp = join(extracted, 'complete');
  if (existsSync(stamp)) {
    note(`cached ${extracted.slice(root.length + 1)}`);
    return;
  }
  rmSync(extracted, { recursive: true, force: true });
  const result = run(python, ['-c', EXTRACT, wheel, extracted, ...bindingIncludes()]);
  if (!result.ok) {
    rmSync(extracted, { recursive: true, force: true });
    throw new SetupError(
      `Extracting the wheel failed:\n${tail(result.out)}`,
      'Delete .native/ and run again.',
    );
  }
  note(`${result.out.trim()} headers and 2 libraries`);
  writeFileSync(stamp, `${TF_WHEEL} ${TF_VERSION}\n`);
  // The libraries are kept extracted; the wheel is not needed again.
  rmSync(join(cache, 'wheel'), { recursive: true, force: true });
}

/** Hard link (same disk, no copy of 850 MB), else a copy. */
function place(from, to) {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * The package's deps/ as its binding.gyp expects it: include/ and lib/ with libtensorflow (here the
 * wheel's libtensorflow_cc, which holds the C API) and libtensorflow_framework, versioned and not.
 * The binding's rpath is $ORIGIN/../../deps/lib, so the libraries must sit in the package itself.
 */
function stageDeps() {
  const deps = join(packageDir, 'deps');
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(join(deps, 'lib'), { recursive: true });
  const copyTree = (from, to) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.isDirectory()) copyTree(join(from, entry.name), join(to, entry.name));
      else copyFileSync(join(from, entry.name), join(to, entry.name));
    }
  };
  copyTree(join(extracted, 'include'), join(deps, 'include'));
  const lib = join(deps, 'lib');
  place(join(extracted, 'lib', 'libtensorflow_cc.so.2'), join(lib, 'libtensorflow_cc.so.2'));
  place(join(extracted, 'lib', 'libtensorflow_framework.so.2'), join(lib, 'libtensorflow_framework.so.2'));
  // Link-time names only: the binding records the SONAMEs (libtensorflow_cc.so.2, libtensorflow_framework.so.2).
  for (const [alias, target] of [
    ['libtensorflow.so.2', 'libtensorflow_cc.so.2'],
    ['libtensorflow.so', 'libtensorflow_cc.so.2'],
    ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
  ]) {
    symlinkSync(target, join(lib, alias));
  }
}

/** The directory of the compiled binding (lib/napi-v8 for this tfjs-node), or null before a build. */
function bindingDir() {
  const lib = join(packageDir, 'lib');
  if (!existsSync(lib)) return null;
  const found = readdirSync(lib).find((name) => /^napi-v\d+$/.test(name));
  return found ? join(lib, found) : null;
}

function compile(preGyp, tools) {
  // The binding's process-wide attribute-name set needs a lock before two threads may use it
  // (native-patches.mjs).
  note(`patching the binding: ${patchBindingSource(packageDir)} (thread-safe attribute names)`);
  rmSync(join(packageDir, 'lib'), { recursive: true, force: true });
  rmSync(join(packageDir, 'build'), { recursive: true, force: true });
  const result = run(
    process.execPath,
    [preGyp, 'install', '--build-from-source', `--nodedir=${tools.nodedir}`],
    {
      cwd: packageDir,
      env: { ...process.env, npm_config_node_gyp: tools.nodeGyp, JOBS: '2' },
    },
  );
  if (!result.ok) {
    throw new SetupError(
      `Compiling the binding failed:\n${tail(result.out, 25)}`,
      `Compiler ${tools.compiler}, Node headers ${join(tools.nodedir, 'include', 'node')}.`,
    );
  }
  // The object files are not needed at run time (the .node file was copied to lib/).
  rmSync(join(packageDir, 'build'), { recursive: true, force: true });
  const built = bindingDir();
  if (!built) throw new SetupError('The build finished but left no binding under lib/.');
  writeMarker(built);
}

function compileGraphAddon(tools) {
  const dir = bindingDir();
  const built = buildGraphAddon({
    packageDir,
    bindingDir: dir,
    nodedir: tools.nodedir,
    compiler: tools.compiler,
  });
  if (!built.ok) {
    throw new SetupError(
      `Compiling the graph addon (native/graph-session.cc) failed:\n${tail(built.out, 25)}`,
      `Compiler ${tools.compiler}, TensorFlow headers in ${join(packageDir, 'deps', 'include')}.`,
    );
  }
}

function verifyGraphAddon() {
  const check = checkGraphAddon(bindingDir());
  if (!check.ok) throw new SetupError(`The graph addon does not work: ${check.detail}`);
  return check.detail;
}

function main() {
  const started = Date.now();
  step(1, `checking ${PACKAGE}`);
  if (!force && existsSync(packageDir)) {
    const check = verify();
    const dir = bindingDir();
    if (check.ok && dir && hasAllPatches(dir) && graphAddonCurrent(dir)) {
      process.stdout.write(`[setup:native] native backend ready: ${check.out} (nothing to do)\n`);
      return;
    }
    if (check.ok && dir && hasAllPatches(dir) && existsSync(join(packageDir, 'deps', 'include'))) {
      step(7, 'the binding is current; compiling the graph addon (about 6 s)');
      compileGraphAddon(compilerTools());
      step(8, 'verifying the graph addon');
      const graph = verifyGraphAddon();
      process.stdout.write(`[setup:native] native backend ready: ${check.out}; ${graph}\n`);
      return;
    }
    note(
      check.ok
        ? 'its binding loads but was built without the thread-safety patch: rebuilding'
        : `its binding does not load: ${check.out}`,
    );
  }
  step(2, `installing ${PACKAGE}@${packageVersion} without its install script`);
  const preGyp = installPackage();
  step(3, 'checking tools: Python with pip, a C++ compiler, make, Node headers');
  const tools = checkTools();
  note(`${tools.python}, ${tools.compiler}, headers in ${tools.nodedir}/include/node`);
  step(4, `downloading ${TF_WHEEL} ${TF_VERSION} with pip`);
  const wheel = existsSync(join(extracted, 'complete')) ? null : downloadWheel(tools.python);
  if (!wheel) note('not needed: the libraries are already extracted');
  step(5, `extracting TensorFlow's C library and headers into .native/`);
  if (wheel) extract(tools.python, wheel);
  else note(`cached ${extracted.slice(root.length + 1)}`);
  stageDeps();
  step(6, 'compiling the binding (node-pre-gyp, about 20 s)');
  compile(preGyp, tools);
  step(7, 'compiling the graph addon (native/graph-session.cc, about 6 s)');
  compileGraphAddon(tools);
  step(8, 'verifying: one op and one gradient on the tensorflow backend, one graph');
  const check = verify();
  if (!check.ok) throw new SetupError(`The built binding does not work:\n${tail(check.out)}`);
  const graph = verifyGraphAddon();
  process.stdout.write(
    `[setup:native] native backend ready: ${check.out}; ${graph} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}

try {
  main();
} catch (err) {
  const hint = err instanceof SetupError && err.hint ? `\n  ${err.hint}` : '';
  process.stderr.write(
    `[setup:native] FAILED: ${err instanceof Error ? err.message : String(err)}${hint}\n` +
      '  The app still runs on the wasm backend.\n',
  );
  process.exit(1);
}
