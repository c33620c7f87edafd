#!/usr/bin/env node
// The `corridor` command. Loads the bundled CLI (dist/corridor.cjs, built by
// `npm ci` or `npm run build`) with V8's code cache from the build's warm-up
// run, which roughly halves start-up time (docs/architecture.md).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

// `corridor schema | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const file = path.join(__dirname, '..', 'dist', 'corridor.cjs');
const cacheFile = `${file}.cache`;
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
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(file), mod, file, path.dirname(file));

mod.exports.main(process.argv.slice(2)).then((code) => {
  if (process.env.CORRIDOR_WRITE_CODE_CACHE === '1') fs.writeFileSync(cacheFile, script.createCachedData());
  process.exitCode = code;
});
