// Loads the bundled CLI (dist/*.cjs, built by `npm ci` or `npm run build`)
// with V8's code cache from the build's warm-up runs, which roughly halves
// start-up time (docs/architecture.md, "Start-up"). The entry bundle
// (dist/corridor.cjs: arguments, help, exit codes) loads the commands' bundle
// (dist/commands.cjs) only when a command runs. Used by the `corridor`
// command and by its worker threads.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const dist = path.join(__dirname, '..', 'dist');
/** Scripts loaded so far, whose code caches writeCaches() records. */
const loaded = new Map();

function loadBundle(name) {
  const file = path.join(dist, `${name}.cjs`);
  if (loaded.has(file)) return loaded.get(file).exports;
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    process.stderr.write('corridor: the CLI is not built; run "npm ci" (or "npm run build") in the corridor-sim folder\n');
    process.exit(1);
  }
  let cachedData;
  try {
    cachedData = fs.readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  // Code run by vm.Script has no import() of its own; the bundles load ES-only
  // packages (tinypool, for worker threads) through this one, and the entry
  // its commands through the other.
  globalThis.__corridorImport ??= (specifier) => import(specifier);
  globalThis.__corridorCommands ??= () => loadBundle('commands');
  const mod = { exports: {} };
  loaded.set(file, { script, exports: mod.exports });
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dist);
  loaded.get(file).exports = mod.exports;
  return mod.exports;
}

/** Writes each loaded bundle's code cache (the build's warm-up runs). */
function writeCaches() {
  for (const [file, { script }] of loaded) fs.writeFileSync(`${file}.cache`, script.createCachedData());
}

module.exports = { loadBundle, writeCaches };
