// Builds the CLI for fast start-up (see docs/architecture.md, "Start-up"):
//  1. esbuild bundles src/cli/main.ts and its dependencies into one CommonJS
//     file, so that Node resolves no modules at start;
//  2. a warm-up run of the tutorial scenario records V8's code cache for the
//     functions it compiled, which bin/corridor.cjs hands back to V8 on every
//     start (a cache that V8 rejects, e.g. after a Node upgrade, only costs
//     the compile time it would have saved).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/corridor.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: process.env.CORRIDOR_NO_MINIFY !== '1', // CORRIDOR_NO_MINIFY=1: readable names in CPU profiles
  legalComments: 'none',
  external: ['tinypool', 'vega', 'vega-lite', 'highs'],
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// The explorer page's script (corridor explore inlines it): the same scenario,
// engine and table code as the CLI, for the browser. node:path becomes
// path-browserify; Vega runs with its expression interpreter, so that the
// page's content security policy needs no 'unsafe-eval'.
await build({
  entryPoints: ['src/explorer/page.ts'],
  outfile: 'dist/explorer.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  // csv-stringify's browser build carries its own Buffer.
  alias: { 'node:path': 'path-browserify', path: 'path-browserify', 'csv-stringify/sync': 'csv-stringify/browser/esm/sync' },
  inject: ['src/explorer/process-shim.ts'],
  logLevel: 'warning',
});

fs.rmSync('dist/corridor.cjs.cache', { force: true });
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-warm-'));
try {
  execFileSync(process.execPath, ['bin/corridor.cjs', 'run', 'scenarios/tutorial.yaml', '--quiet', '--out', out], {
    env: { ...process.env, CORRIDOR_WRITE_CODE_CACHE: '1' },
    stdio: 'inherit',
  });
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
