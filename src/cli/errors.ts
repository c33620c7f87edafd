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

/** The signals that stop a long run: Ctrl-C, `kill`, a closed terminal. Exit 128 + the signal's number. */
export const STOP_SIGNALS = { SIGINT: 130, SIGHUP: 129, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** A long run stopped by a signal: nothing written, exit 128 + the signal's number. */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor(readonly signal: StopSignal = 'SIGINT') {
    super('interrupted');
  }
}

/**
 * Calls `onSignal` on the first of STOP_SIGNALS while `job` runs (and keeps
 * the process alive to clean up); returns what the job returns.
 */
async function whileListening<T>(onSignal: (s: StopSignal) => void, job: () => Promise<T>): Promise<T> {
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) process.once(s, h);
  try {
    return await job();
  } finally {
    for (const [s, h] of handlers) process.removeListener(s, h);
  }
}

/**
 * Runs `job` with a signal that STOP_SIGNALS abort. The job stops handing out
 * work and throws (runParallel's Aborted), which becomes Interrupted; the
 * caller discards what it had begun to write.
 */
export async function untilInterrupted<T>(tasks: number, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  setMaxListeners(tasks + 10, abort.signal); // the pool listens once per task
  let received: StopSignal | undefined;
  try {
    return await whileListening((s) => {
      received ??= s;
      abort.abort();
    }, () => job(abort.signal));
  } catch (err) {
    throw received ? new Interrupted(received) : err;
  }
}

/**
 * For long work that runs synchronously between `checkpoint()`s (the solver
 * of plan --runs): a signal is taken when the work next yields, and the
 * checkpoint then throws Interrupted, before anything is written.
 */
export async function interruptible<T>(job: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T> {
  let received: StopSignal | undefined;
  const checkpoint = async () => {
    await new Promise<void>((r) => setImmediate(r));
    if (received) throw new Interrupted(received);
  };
  return whileListening((s) => (received ??= s), () => job(checkpoint));
}
