import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { embedMigrations } from './src/main/core/store/embed-migrations';

// Three bundles: the Electron main process (which relays envelopes to the core's worker thread), the
// preload's envelope port and the React renderer. The headless host and the CLI run the same sources
// under plain Node (see scripts/).
export default defineConfig({
  main: {
    build: {
      // The core's thread, the training worker and its data-parallel replica are entries of their own:
      // worker threads load them by file name next to the main bundle (host/core-thread.ts,
      // model/worker-client.ts, model/data-parallel.ts).
      rollupOptions: {
        // The native TensorFlow binding (model/backend.ts) is resolved at run time from node_modules,
        // never bundled: it is an N-API addon with libtensorflow beside it, built by `npm run
        // setup:native` or its own install. Packaging must keep it unpacked (asarUnpack). tfjs itself is
        // external too (dependencies are), so the binding registers on the same engine.
        external: ['@tensorflow/tfjs-node'],
        input: {
          index: resolve('src/main/index.ts'),
          'core-worker': resolve('src/main/host/core-worker.ts'),
          'train-worker': resolve('src/main/core/model/train-worker.ts'),
          'train-replica': resolve('src/main/core/model/train-replica.ts'),
        },
      },
    },
    // The store's migration SQL files are compiled into the bundle (see store/embed-migrations.ts).
    plugins: [embedMigrations()],
  },
  preload: {
    build: {
      // Sandboxed preload scripts must be CommonJS, although the package is "type": "module": emit
      // out/preload/index.cjs, which src/main/index.ts loads.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
