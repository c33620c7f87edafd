// Runs the CLI in-process with captured streams and a fixed clock.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { readRegularFile } from '../../src/io/read.js';
// main() imports the commands when one first runs; loaded here, so that tests that time a command
// (hostile files refused in under a second) do not time vitest's transform of every module.
import '../../src/cli/commands.js';

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
    readText: (f) => readRegularFile(f),
    isTty: false,
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  const code = await main(argv, io);
  return { code, out, err };
}

/**
 * Runs `fn` with worker threads started at once, however short the job: by
 * default they start only for jobs estimated to take seconds (pool.ts,
 * MIN_PARALLEL_SECONDS), and tests of parallel runs are short.
 */
export async function withWorkers<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.CORRIDOR_MIN_PARALLEL_SECONDS;
  process.env.CORRIDOR_MIN_PARALLEL_SECONDS = '0';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.CORRIDOR_MIN_PARALLEL_SECONDS;
    else process.env.CORRIDOR_MIN_PARALLEL_SECONDS = before;
  }
}

/**
 * Runs the built CLI in a child process, sends it Ctrl-C (SIGINT) after
 * `ms` milliseconds and resolves to its exit code and stderr.
 */
export async function interruptedCli(ms: number, ...argv: string[]): Promise<{ code: number | null; err: string }> {
  return signalledCli('SIGINT', ms, ...argv);
}

/** As interruptedCli, with another signal (SIGTERM from `kill`, SIGHUP from a closed terminal). */
export async function signalledCli(signal: NodeJS.Signals, ms: number, ...argv: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [path.resolve('bin/corridor.cjs'), ...argv]);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((r) => setTimeout(r, ms));
  child.kill(signal);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  return { code, err };
}
