// Packages loaded only by the commands that need them (worker threads,
// charts, the solver), so that `corridor run` does not pay for them at start.

/** import(), through bin/load.cjs's hook when running from the bundle (code run by vm.Script has no import() of its own). */
export const importModule = (specifier: string): Promise<unknown> => {
  const hook = (globalThis as { __corridorImport?: (s: string) => Promise<unknown> }).__corridorImport;
  return hook ? hook(specifier) : import(specifier);
};
