// corridor validate <scenario>...: check files, print every problem, exit 2 if any error.
import { loadScenario } from '../scenario/index.js';
import { formatProblem } from '../scenario/problems.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './errors.js';
import type { Io } from './io.js';

export function validateCommand(args: { scenarios: string[]; set: string[] }, io: Io): number {
  let failed = false;
  for (const file of args.scenarios) {
    let problems;
    try {
      problems = loadScenario(file, { readText: io.readText, overrides: args.set }).problems;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'no permission' : (err as Error).message}\n`);
      failed = true;
      continue;
    }
    const errors = problems.filter((p) => p.severity === 'error').length;
    for (const p of problems) io.stderr(`${formatProblem(p)}\n`);
    if (errors > 0) {
      failed = true;
      io.stderr(`${file}: ${errors} error${errors === 1 ? '' : 's'}\n`);
    } else {
      io.stdout(`${file}: ok${problems.length ? ` (${problems.length} warning${problems.length === 1 ? '' : 's'})` : ''}\n`);
    }
  }
  return failed ? EXIT_BAD_INPUT : EXIT_OK;
}
