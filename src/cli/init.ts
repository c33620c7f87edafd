// corridor init [file]: write a commented starter scenario (never over an existing file).
import fs from 'node:fs';
import { fileErrorReason } from '../io/write.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { STARTER_SCENARIO } from './starter.js';

export function initCommand(args: { file: string; force: boolean }, io: Io): number {
  if (fs.existsSync(args.file) && !args.force) {
    throw new UsageError(`"${args.file}" already exists; choose another name or add --force to overwrite it`);
  }
  try {
    fs.writeFileSync(args.file, STARTER_SCENARIO);
  } catch (err) {
    const reason = fileErrorReason(err, args.file);
    if (reason === undefined) throw err;
    throw new UsageError(`cannot write "${args.file}": ${reason}`);
  }
  io.stdout(`wrote ${args.file}; run it with: corridor run ${args.file} (in the corridor-sim folder: npx --no-install corridor run ${args.file})\n`);
  return 0;
}
