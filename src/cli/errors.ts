// Errors the CLI turns into exit code 2 (bad input or usage) without a stack trace.

export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;
