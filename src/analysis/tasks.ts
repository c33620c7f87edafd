// The protocol of a task, shared by the pool (pool.ts) and the worker
// threads (worker.ts): a task runs as steps to its end, and what crosses the
// thread boundary is its value or a scenario error's problems.
import { ScenarioError, type Problem } from '../scenario/problems.js';

/** Runs a task's steps to the end (in a worker, or where nothing else waits). */
export function finish<R>(steps: Generator<void, R>): R {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * What crosses the thread boundary: a task's value, or the problems of a
 * scenario error (an error's class does not survive the trip, and the CLI
 * needs it to answer with exit code 2 and the positioned problems).
 */
export type Outcome<R> = { value: R } | { problems: Problem[] };

export function outcome<R>(task: () => R): Outcome<R> {
  try {
    return { value: task() };
  } catch (err) {
    if (err instanceof ScenarioError) return { problems: [...err.problems] };
    throw err;
  }
}
