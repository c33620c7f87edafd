#!/usr/bin/env node
// The `corridor` command: the bundled CLI (built by `npm ci` / `npm run build`).
import { main } from '../dist/corridor.mjs';

process.exitCode = await main(process.argv.slice(2));
