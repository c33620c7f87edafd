// Errors the CLI turns into exit codes without a stack trace: 2 for bad input
// or usage, 130 for an interrupted run; and the exit codes themselves.
import { setMaxListeners } from 'node:events';

export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
/** `corridor check`: a target is missed; `corridor plan`: no plan meets the targets. */
export const EXIT_MISSED = 3;

/** Ctrl-C during a long run: exit 130, nothing written. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/**
 * Runs `job` with a signal that Ctrl-C aborts. The job stops handing out
 * work and throws (runParallel's Aborted), which becomes Interrupted; the
 * caller discards what it had begun to write.
 */
export async function untilInterrupted<T>(tasks: number, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  setMaxListeners(tasks + 10, abort.signal); // the pool listens once per task
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await job(abort.signal);
  } catch (err) {
    throw abort.signal.aborted ? new Interrupted('interrupted') : err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
