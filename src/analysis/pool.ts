// Runs batches of work on the main thread and worker threads (tinypool).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../scenario/problems.js';
import type { Outcome } from './worker.js';

/** import(), through bin/corridor.cjs's hook when running from the bundle (see there). */
export const importModule = (specifier: string): Promise<unknown> => {
  const hook = (globalThis as { __corridorImport?: (s: string) => Promise<unknown> }).__corridorImport;
  return hook ? hook(specifier) : import(specifier);
};

/** The worker entry: bin/worker.cjs loads the CLI bundle with its code cache. */
export function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, path.basename(here) === 'dist' ? '../bin/worker.cjs' : '../../bin/worker.cjs');
}

export interface ParallelJob<T, R> {
  /** Name of the task function that bin/worker.cjs exports (it returns an `Outcome`). */
  name: string;
  tasks: readonly T[];
  /** Threads in all, the main thread included: 1 runs everything here. */
  threads: number;
  /** The same task function, for the main thread. */
  local: (task: T) => R;
  /** Called with each result and its task index as it arrives: nothing accumulates. */
  onResult: (result: R, index: number) => void;
  /** Aborting stops handing out tasks and stops the workers. */
  signal?: AbortSignal;
}

const IN_FLIGHT = 2;

export class Aborted extends Error {
  override name = 'Aborted';
}

/**
 * Runs tasks on the main thread and `threads − 1` worker threads, each taking
 * the next task as it finishes one. The main thread works too: on a 2-core
 * machine a second worker thread would only compete with the first for the
 * core (and the JIT warm-up that every new thread pays), while the main
 * thread is already running. Between tasks it yields, so progress bars and
 * Ctrl-C stay live. Results are handed over by task index, so they do not
 * depend on which thread ran what.
 */
export async function runParallel<T, R>(job: ParallelJob<T, R>): Promise<void> {
  const { tasks, signal } = job;
  let next = 0;
  const take = () => (next < tasks.length && !signal?.aborted ? next++ : -1);
  const workers = Math.max(0, Math.min(job.threads, tasks.length) - 1);
  // Loaded on demand and left out of the bundle: tinypool starts its threads from its own files.
  const pool = workers > 0
    ? new ((await importModule('tinypool')) as typeof import('tinypool')).default({
        filename: workerFile(),
        minThreads: workers,
        maxThreads: workers,
        idleTimeout: 1000,
        // Two tasks in flight per worker: it starts the next one while the main thread is busy
        // with its own batch and cannot hand it over.
        concurrentTasksPerWorker: IN_FLIGHT,
      })
    : undefined;
  const workerLane = async () => {
    for (let i = take(); i >= 0; i = take()) {
      const r = (await pool!.run(tasks[i], { name: job.name, ...(signal ? { signal } : {}) })) as Outcome<R>;
      if ('problems' in r) throw new ScenarioError(r.problems);
      job.onResult(r.value, i);
    }
  };
  const mainLane = async () => {
    for (let i = take(); i >= 0; i = take()) {
      job.onResult(job.local(tasks[i]!), i);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  try {
    await Promise.all([mainLane(), ...Array.from({ length: workers * IN_FLIGHT }, workerLane)]);
  } catch (err) {
    throw signal?.aborted ? new Aborted('aborted') : err;
  } finally {
    await pool?.destroy();
  }
  if (signal?.aborted) throw new Aborted('aborted');
}
