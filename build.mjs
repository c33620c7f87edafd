// Builds the CLI for fast start-up (see docs/architecture.md, "Start-up"):
//  1. esbuild bundles the CLI into two CommonJS files, so that Node resolves
//     no modules at start: dist/corridor.cjs, the entry (argument parsing,
//     help, exit codes: src/cli/main.ts), and dist/commands.cjs, every
//     command (src/cli/commands.ts), which the entry loads only when a
//     command runs, so that `--help` and usage errors pay for yargs alone;
//  2. warm-up runs (`--help`, then the tutorial scenario) record V8's code
//     cache for the functions they compiled, which bin/load.cjs hands back to
//     V8 on every start (a cache that V8 rejects, e.g. after a Node upgrade,
//     only costs the compile time it would have saved).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** main.ts's import('./commands.js') stays out of the entry's bundle: bin/load.cjs hands it dist/commands.cjs. */
const commandsApart = {
  name: 'commands-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\.js$/ }, () => ({ path: './commands.cjs', external: true }));
  },
};

const cli = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: process.env.CORRIDOR_NO_MINIFY !== '1', // CORRIDOR_NO_MINIFY=1: readable names in CPU profiles
  legalComments: 'none',
  external: ['tinypool', 'vega', 'vega-lite', 'highs', 'exceljs'],
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};
await build({ ...cli, entryPoints: ['src/cli/main.ts'], outfile: 'dist/corridor.cjs', plugins: [commandsApart] });
await build({ ...cli, entryPoints: ['src/cli/commands.ts'], outfile: 'dist/commands.cjs' });

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

for (const f of ['corridor', 'commands']) fs.rmSync(`dist/${f}.cjs.cache`, { force: true });
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-warm-'));
// Each warm-up starts from the cache the one before wrote, and writes what it compiled on top.
const warm = (args, stdio) => execFileSync(process.execPath, ['bin/corridor.cjs', ...args], { env: { ...process.env, CORRIDOR_WRITE_CODE_CACHE: '1' }, stdio });
try {
  warm(['--help'], 'ignore');
  warm(['run', 'scenarios/tutorial.yaml', '--quiet', '--out', out], 'inherit');
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
