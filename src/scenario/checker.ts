// Shared state of one normalisation: where problems go, and how values are read.
import type { ValueInput } from './schema.js';
import type { KeyPath, Problem } from './problems.js';
import { locate, problemAt, type Positions } from './source.js';
import { evaluateValue, type Kind, type ValueContext } from '../units/values.js';

export interface ReportOptions {
  hint?: string | undefined;
  severity?: 'error' | 'warning';
  atKey?: boolean;
}

/**
 * A build (of an item, a project or a flow, or of a normalisation stage)
 * with what it depended on: its inputs, by identity, and the values of the
 * params its expressions read. Builders read params only through
 * expressions, so a build is a pure function of these: a what-if that
 * changes other params reuses it, problems included.
 */
export interface Build {
  inputs: readonly unknown[];
  reads: [string, number][];
  output: unknown;
  problems: Problem[];
}

/**
 * Builds kept per item or stage, latest first: a Monte Carlo draw of a
 * discrete param (an opening year among three) finds each of its values
 * built before, and keeps the output's identity (later stages key on it).
 */
const KEPT_BUILDS = 4;

/** The builds of each item as written. */
const itemMemos = new WeakMap<object, Build[]>();

export class Checker {
  readonly problems: Problem[] = [];

  constructor(
    private readonly raw: unknown,
    private readonly positions: Positions,
    private readonly file: string,
  ) {}

  report(path: KeyPath, message: string, options: ReportOptions = {}): void {
    const { hint, ...rest } = options;
    this.problems.push(problemAt(this.raw, this.positions, this.file, path, message, { ...rest, ...(hint ? { hint } : {}) }));
  }

  /** Whether the value at `path` was given on the command line (`--set …`, `--variant …`), not written in a file. */
  fromOverride(path: KeyPath): boolean {
    return locate(this.raw, path, this.positions, this.file).file.startsWith('--');
  }

  /**
   * Builds one item of a list (a project, an event, a flow), or, in a what-if
   * that only changes params (`vc.reads` is set), returns what the same item
   * built last time: when `deps` (compared by identity) and the values of the
   * params it read are unchanged, replaying its problems. A Monte Carlo run
   * that draws one project's opening year rebuilds that project only.
   */
  item<T>(key: object, deps: readonly unknown[], vc: ValueContext | undefined, build: (vc: ValueContext | undefined, check: Checker) => T): T {
    if (!vc?.reads) return build(vc, this);
    const { output, builds } = this.remembered(itemMemos.get(key), [vc.math, ...deps], vc, build);
    if (builds) itemMemos.set(key, builds);
    return output;
  }

  /**
   * A build from `builds` with the same inputs and read param values (its
   * problems reported here again), or a new one, returned with the builds to
   * keep. Either way the params it read are added to `vc.reads`, if set.
   */
  remembered<T>(builds: readonly Build[] | undefined, inputs: readonly unknown[], vc: ValueContext, build: (vc: ValueContext, check: Checker) => T): { output: T; builds?: Build[] } {
    const known = builds?.find((b) => sameBuild(b, inputs, vc.params));
    if (known) {
      for (const [p] of known.reads) vc.reads?.add(p);
      if (known.problems.length > 0) this.problems.push(...known.problems);
      return { output: known.output as T };
    }
    const reads = new Set<string>();
    const own = new Checker(this.raw, this.positions, this.file);
    // The fields one by one, not a spread: this runs for every stage and item a what-if rebuilds.
    const output = build({ math: vc.math, params: vc.params, startYear: vc.startYear, years: vc.years, reads }, own);
    for (const p of reads) vc.reads?.add(p);
    this.problems.push(...own.problems);
    const made: Build = { inputs, reads: [...reads].map((p): [string, number] => [p, vc.params.get(p)!]), output, problems: own.problems };
    return { output, builds: [made, ...(builds ?? []).slice(0, KEPT_BUILDS - 1)] };
  }

  warn(path: KeyPath, message: string, hint?: string): void {
    this.report(path, message, { hint, severity: 'warning' });
  }

  get failed(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /** Evaluates a value per year, reporting its problems at `path`; undefined on failure. */
  value(vc: ValueContext | undefined, path: KeyPath, value: ValueInput | undefined, kind: Kind): number[] | undefined {
    if (value === undefined || vc === undefined) return undefined;
    const r = evaluateValue(vc, value, kind);
    if (r.ok) return r.values;
    for (const issue of r.issues) this.report([...path, ...issue.subpath], issue.message, { hint: issue.hint });
    return undefined;
  }
}

/** Whether `b` was built from these inputs (by identity) and param values. Loops: this runs for every stage and item of every what-if. */
function sameBuild(b: Build, inputs: readonly unknown[], params: ReadonlyMap<string, number>): boolean {
  if (b.inputs.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) if (b.inputs[i] !== inputs[i]) return false;
  for (let i = 0; i < b.reads.length; i++) if (params.get(b.reads[i]![0]) !== b.reads[i]![1]) return false;
  return true;
}

/** Code-unit order: the same on every machine and locale. */
export const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Checks a `from`–`to` pair of years at `path` (an event's, a target's): both
 * within the simulated years, `to` not before `from`. False after reporting.
 */
export function checkYearRange(check: Checker, path: KeyPath, from: number, to: number, years: { start: number; end: number }): boolean {
  let ok = true;
  for (const [key, year] of [['from', from], ['to', to]] as const) {
    if (year < years.start || year > years.end) {
      check.report([...path, key], `year ${year} lies outside the simulated years ${years.start}–${years.end}`);
      ok = false;
    }
  }
  if (ok && to < from) {
    check.report([...path, 'to'], `\`to\` (${to}) is before \`from\` (${from})`);
    ok = false;
  }
  return ok;
}
