// Runs batches of work on the main thread and worker threads (tinypool).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../scenario/problems.js';
import { importModule } from '../io/lazy.js';
import type { Outcome } from './tasks.js';

/** The worker entry: bin/worker.cjs loads the CLI bundle with its code cache. */
export function workerFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, path.basename(here) === 'dist' ? '../bin/worker.cjs' : '../../bin/worker.cjs');
}

export interface ParallelJob<T, R> {
  /** Name of the task function that bin/worker.cjs exports (it returns an `Outcome`). */
  name: string;
  tasks: readonly T[];
  /**
   * The same task, for the main thread, as steps (one run each): between
   * steps the main thread hands results and new tasks to the workers, which
   * would otherwise wait for it to finish a whole task.
   */
  local: (task: T) => Generator<void, R>;
  /** Called with each result and its task index as it arrives: nothing accumulates. */
  onResult: (result: R, index: number) => void;
  /** Aborting stops handing out tasks and stops the workers. */
  signal?: AbortSignal;
  /** Start the workers at once: a few long tasks, known to be long (the first would run alone before any estimate). */
  eager?: boolean;
}

export class Aborted extends Error {
  override name = 'Aborted';
}

/** Tasks in flight per worker: it starts the next while the main thread is busy and cannot hand one over. */
const IN_FLIGHT = 2;
/**
 * Workers start only for work that would take longer than this on the main
 * thread alone: a new thread costs ~0.3 s of start-up and JIT warm-up on a
 * core the main thread's own compiler and collector also use, so shorter
 * jobs finish sooner on one thread (measured in docs/architecture.md).
 * CORRIDOR_MIN_PARALLEL_SECONDS overrides it; 0 starts the workers at once
 * (the tests use it to compare parallel and serial output on small jobs).
 */
export const MIN_PARALLEL_SECONDS = 3;
/** Longest the main thread works between yields while workers run (their results and new tasks wait for it). */
const YIELD_MS = 2;
/** How long the main thread runs (and three tasks, or twice as long) before it estimates the job's length. */
const PROBE_SECONDS = 0.15;

/**
 * Runs tasks on the main thread and, for long jobs, up to `threads − 1`
 * worker threads (tinypool), each thread taking the next task as it finishes
 * one. The main thread always works: on a 2-core machine a second worker
 * would only compete with the first. It starts alone, estimates from its
 * first tasks how long the job would take, and starts the workers if that is
 * over MIN_PARALLEL_SECONDS. Between steps it yields, so progress bars and
 * Ctrl-C stay live. Results are handed over by task index, so they do not
 * depend on which thread ran what. Resolves to the number of threads used.
 */
export async function runParallel<T, R>(job: ParallelJob<T, R> & { threads: number }): Promise<number> {
  const { tasks, signal } = job;
  const workers = Math.max(0, Math.min(job.threads, tasks.length) - 1);
  let next = 0;
  let failure: unknown;
  const take = () => (next < tasks.length && !signal?.aborted && failure === undefined ? next++ : -1);
  let pool: import('tinypool').default | undefined;
  const lanes: Promise<void>[] = [];

  const startWorkers = async () => {
    // Loaded on demand and left out of the bundle: tinypool starts its threads from its own files.
    const Tinypool = ((await importModule('tinypool')) as typeof import('tinypool')).default;
    pool = new Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers, idleTimeout: 1000, concurrentTasksPerWorker: IN_FLIGHT });
    const lane = async () => {
      for (let i = take(); i >= 0; i = take()) {
        const r = (await pool!.run(tasks[i], { name: job.name, ...(signal ? { signal } : {}) })) as Outcome<R>;
        if ('problems' in r) throw new ScenarioError(r.problems);
        job.onResult(r.value, i);
      }
    };
    // A failed lane stops the others from taking tasks; the error is thrown once all have stopped.
    for (let l = 0; l < workers * IN_FLIGHT; l++) lanes.push(lane().catch((err) => void (failure ??= err)));
  };

  // The estimate takes the quickest of the main thread's latest tasks: the first ones run before
  // the JIT has warmed up, and a collection or a compile can pause any one of them.
  const started = performance.now();
  const recent: number[] = [];
  const setting = Number(process.env.CORRIDOR_MIN_PARALLEL_SECONDS);
  const minSeconds = process.env.CORRIDOR_MIN_PARALLEL_SECONDS && Number.isFinite(setting) ? setting : MIN_PARALLEL_SECONDS;
  /** Whether the main thread alone would still need over `minSeconds`. */
  const long = () => {
    const elapsed = (performance.now() - started) / 1000;
    const probed = elapsed >= 2 * PROBE_SECONDS || (elapsed >= PROBE_SECONDS && recent.length >= 3);
    return probed && (Math.min(...recent) / 1000) * (tasks.length - next) >= minSeconds;
  };
  const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));
  // With workers, the main thread yields between steps, but not more often than every YIELD_MS:
  // a yield costs tens of microseconds, as much as a Monte Carlo run.
  let yielded = performance.now();
  try {
    if (workers > 0 && (minSeconds <= 0 || job.eager)) await startWorkers();
    for (let i = take(); i >= 0; i = take()) {
      const taskStart = performance.now();
      const steps = job.local(tasks[i]!);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          job.onResult(step.value, i);
          break;
        }
        if (pool && performance.now() - yielded >= YIELD_MS) {
          await yieldToEventLoop();
          yielded = performance.now();
        }
      }
      if (recent.push(performance.now() - taskStart) > 4) recent.shift();
      if (workers > 0 && !pool && long()) await startWorkers();
      await yieldToEventLoop();
    }
  } catch (err) {
    failure ??= err;
  }
  await Promise.all(lanes);
  await pool?.destroy();
  if (signal?.aborted) throw new Aborted('aborted');
  if (failure !== undefined) throw failure;
  return pool ? workers + 1 : 1;
}
