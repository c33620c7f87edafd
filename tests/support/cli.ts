// Runs the CLI in-process with captured streams and a fixed clock.
import fs from 'node:fs';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readText: (f) => fs.readFileSync(f, 'utf8'),
    isTty: false,
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  const code = await main(argv, io);
  return { code, out, err };
}
