// Validation problems are data: collected whole, printed by the CLI.
import { closest, distance } from 'fastest-levenshtein';

export type KeyPath = ReadonlyArray<string | number>;

export interface Position {
  file: string;
  line?: number;
  col?: number;
}

export interface Problem extends Position {
  severity: 'error' | 'warning';
  /** Key path in the scenario, as `flows[2].routes[0].via[3]`. */
  path: string;
  message: string;
  hint?: string;
}

/** Raised when a scenario cannot be used; carries every problem found. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
  }
}

export function formatPath(path: KeyPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out || '(top level)';
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.col].filter((x) => x !== undefined).join(':');
  const hint = p.hint ? ` (${p.hint})` : '';
  const level = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}: ${level}${p.path}: ${p.message}${hint}`;
}

/** "did you mean `x`?" for a name close to one of the candidates, else undefined. */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates as string[]);
  const limit = Math.max(2, Math.floor(name.length / 3));
  const d = distance(name, best);
  return d <= limit && d <= name.length / 2 ? `did you mean \`${best}\`?` : undefined;
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.path.localeCompare(b.path),
  );
}
