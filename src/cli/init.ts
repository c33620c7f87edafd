// corridor init [file]: write a commented starter scenario (never over an existing file).
import fs from 'node:fs';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { STARTER_SCENARIO } from './starter.js';

export function initCommand(args: { file: string; force: boolean }, io: Io): number {
  if (fs.existsSync(args.file) && !args.force) {
    throw new UsageError(`"${args.file}" already exists; choose another name or add --force to overwrite it`);
  }
  fs.writeFileSync(args.file, STARTER_SCENARIO);
  io.stdout(`wrote ${args.file}; run it with: npx corridor run ${args.file}\n`);
  return 0;
}
