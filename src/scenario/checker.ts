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

/** What `Checker.item` built for an item as written: its dependencies, the params it read with their values, its output and problems. */
interface ItemMemo {
  deps: unknown[];
  reads: [string, number][];
  output: unknown;
  problems: Problem[];
}

/**
 * The last few builds of each item, latest first: a Monte Carlo draw of a
 * discrete param (an opening year among three) finds each of its values
 * built before, and keeps the item's identity (later stages key on it).
 */
const itemMemos = new WeakMap<object, ItemMemo[]>();
const ITEM_MEMOS = 4;

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
    const memos = itemMemos.get(key) ?? [];
    const known = memos.find(
      (m) =>
        m.deps.length === deps.length + 1 &&
        m.deps[0] === vc.math &&
        deps.every((d, i) => m.deps[i + 1] === d) &&
        m.reads.every(([p, v]) => vc.params.get(p) === v),
    );
    if (known) {
      for (const [p] of known.reads) vc.reads.add(p);
      if (known.problems.length > 0) this.problems.push(...known.problems);
      return known.output as T;
    }
    const reads = new Set<string>();
    const own = new Checker(this.raw, this.positions, this.file);
    const output = build({ ...vc, reads }, own);
    for (const p of reads) vc.reads.add(p);
    this.problems.push(...own.problems);
    const memo = { deps: [vc.math, ...deps], reads: [...reads].map((p): [string, number] => [p, vc.params.get(p)!]), output, problems: own.problems };
    itemMemos.set(key, [memo, ...memos.slice(0, ITEM_MEMOS - 1)]);
    return output;
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
