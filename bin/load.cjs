// Loads the bundled CLI (dist/corridor.cjs, built by `npm ci` or `npm run
// build`) with V8's code cache from the build's warm-up run, which roughly
// halves start-up time (docs/architecture.md, "Start-up"). Used by the
// `corridor` command and by its worker threads.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'corridor.cjs');
const cacheFile = `${file}.cache`;

function loadBundle() {
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    process.stderr.write('corridor: the CLI is not built; run "npm ci" (or "npm run build") in the corridor-sim folder\n');
    process.exit(1);
  }
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  // Code run by vm.Script has no import() of its own; the bundle loads ES-only
  // packages (tinypool, for worker threads) through this one.
  globalThis.__corridorImport = (specifier) => import(specifier);
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, path.dirname(file));
  return { bundle: mod.exports, writeCache: () => fs.writeFileSync(cacheFile, script.createCachedData()) };
}

module.exports = { loadBundle };
