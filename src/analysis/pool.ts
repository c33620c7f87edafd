// Runs batches in worker threads (tinypool), keeping results in task order.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Runs `tasks` through the worker function `name` on `workers` threads,
 * handing each result to `onResult` (with its task index) as it arrives, so
 * that nothing accumulates. Aborting `signal` stops the pool.
 */
export async function runInWorkers<T, R>(
  name: string,
  tasks: readonly T[],
  workers: number,
  onResult: (result: R, index: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  // Loaded on demand and left out of the bundle: tinypool starts its threads from its own files.
  const { default: Tinypool } = (await importModule('tinypool')) as typeof import('tinypool');
  const pool = new Tinypool({ filename: workerFile(), minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
  try {
    await Promise.all(
      tasks.map(async (task, i) => {
        onResult((await pool.run(task, { name, ...(signal ? { signal } : {}) })) as R, i);
      }),
    );
  } finally {
    await pool.destroy();
  }
}
