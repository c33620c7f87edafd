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
    // Loops, not find and spreads: this runs for every stage and item of every what-if (~30 a Monte Carlo run).
    const n = builds?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const known = builds![i]!;
      if (!sameBuild(known, inputs, vc.params)) continue;
      if (vc.reads) for (let j = 0; j < known.reads.length; j++) vc.reads.add(known.reads[j]![0]);
      if (known.problems.length > 0) this.problems.push(...known.problems);
      return { output: known.output as T };
    }
    const reads = new Set<string>();
    const own = new Checker(this.raw, this.positions, this.file);
    // The fields one by one, not a spread.
    const output = build({ math: vc.math, params: vc.params, startYear: vc.startYear, years: vc.years, reads }, own);
    const read: [string, number][] = [];
    for (const p of reads) {
      vc.reads?.add(p);
      read.push([p, vc.params.get(p)!]);
    }
    if (own.problems.length > 0) this.problems.push(...own.problems);
    const kept: Build[] = [{ inputs, reads: read, output, problems: own.problems }];
    for (let i = 0; i < n && kept.length < KEPT_BUILDS; i++) kept.push(builds![i]!);
    return { output, builds: kept };
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
