#!/usr/bin/env node
// The `corridor` command.
'use strict';
const { loadBundle, writeCaches } = require('./load.cjs');

// `corridor schema | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

loadBundle('corridor').main(process.argv.slice(2)).then((code) => {
  if (process.env.CORRIDOR_WRITE_CODE_CACHE === '1') writeCaches();
  process.exitCode = code;
});
