// The search for adaptive rules: one candidate at a time (by id), every rule
// of its family tried with the others' rules held, the best kept; passes
// until none changes. Each candidate's step is exact over its family: before
// it commits, a future runs as if it were never built (its opening cannot
// change earlier years), so its signal path is that of the run without it,
// and a rule (persist k, threshold θ) commits in the first year c whose k
// years before all reach θ. θ therefore matters only through the minima of
// those k-year windows: trying each distinct window minimum (as written, to
// 6 decimals), and the fixed years, and never, tries every distinct outcome
// of the rules as written, each at its largest θ.
// Across candidates it is a coordinate descent, from each start (the static
// robust plan, a member of the family, and every candidate at its earliest);
// the best end is kept, so it never ends above the static plan.
import { finish } from '../analysis/tasks.js';
import { NEVER, presentValueOf, SIGNAL_TOLERANCE, type Rule, type RuledFuture, type RuledRun } from './rules.js';

/** What the scenario leaves to the search for one candidate. */
export interface Family {
  /** Persistence years to try (the scenario's, or 1–3). */
  readonly persists: readonly number[];
  /** The scenario's threshold; undefined: searched. */
  readonly threshold: number | undefined;
  /** Whether it has a signal (a rule on it is possible). */
  readonly signal: boolean;
  /** Fixed opening years to try: online … min(latest, years.end) of the plan's model. */
  readonly years: readonly number[];
}

/** How a set of rules fares in the planning futures. */
export interface Score {
  readonly rules: readonly Rule[];
  readonly runs: readonly RuledRun[];
  /** Per target-year: futures in which behaviour meets it. */
  readonly counts: Int32Array;
  /** Σ over target-years of max(0, needed − met): 0 when every target-year is met often enough. */
  readonly deficit: number;
  /** Mean over the futures of the PV of capex. */
  readonly pv: number;
  /** The lowest share of futures meeting a target-year (1 without targets). */
  readonly worst: number;
  /** Mean over the futures of Σ opening years (years.end + 1 for one not built): larger is later. */
  readonly openings: number;
}

export interface SearchOptions {
  /** Futures that must meet each target-year. */
  readonly need: number;
  /** Candidate indices in id order (ties are broken by id). */
  readonly order: readonly number[];
  /** Called after each candidate's step. */
  readonly onStep?: () => void;
  readonly maxPasses?: number;
}

const MAX_PASSES = 20;

/** Relative tolerance of equal expected PV. */
const PV_TOLERANCE = 1e-9;

interface RunSummary {
  pv: number;
  openings: number;
}

export class RuleSearch {
  private readonly summaries = new WeakMap<RuledRun, RunSummary>();
  readonly endYear: number;

  constructor(
    readonly futures: readonly RuledFuture[],
    readonly families: readonly Family[],
    readonly options: SearchOptions,
  ) {
    const m = futures[0]!.model;
    this.endYear = m.startYear + m.years - 1;
  }

  private summary(f: RuledFuture, run: RuledRun): RunSummary {
    let s = this.summaries.get(run);
    if (!s) {
      let openings = 0;
      for (const o of run.open) openings += o ?? this.endYear + 1;
      s = { pv: presentValueOf(f, run.open), openings };
      this.summaries.set(run, s);
    }
    return s;
  }

  /** The score of these runs (one per future) under `rules`. */
  score(rules: readonly Rule[], runs: readonly RuledRun[]): Score {
    const n = runs.length;
    const counts = new Int32Array(runs[0]!.outcome.met.length);
    let pv = 0;
    let openings = 0;
    runs.forEach((run, i) => {
      const met = run.outcome.met;
      for (let t = 0; t < met.length; t++) counts[t]! += met[t]!;
      const s = this.summary(this.futures[i]!, run);
      pv += s.pv;
      openings += s.openings;
    });
    let deficit = 0;
    let least = n;
    for (const c of counts) {
      deficit += Math.max(0, this.options.need - c);
      least = Math.min(least, c);
    }
    return { rules, runs, counts, deficit, pv: pv / n, worst: counts.length === 0 ? 1 : least / n, openings: openings / n };
  }

  evaluate(rules: readonly Rule[]): Score {
    return this.score(rules, this.futures.map((f) => f.apply(rules)));
  }

  /** Whether a is strictly better than b: less deficit, less expected PV, higher worst share, later openings, then per candidate by id the larger threshold. */
  better(a: Score, b: Score): boolean {
    if (a.deficit !== b.deficit) return a.deficit < b.deficit;
    if (Math.abs(a.pv - b.pv) > PV_TOLERANCE * Math.max(1, Math.abs(a.pv), Math.abs(b.pv))) return a.pv < b.pv;
    if (a.worst !== b.worst) return a.worst > b.worst;
    if (Math.abs(a.openings - b.openings) > 1e-9) return a.openings > b.openings;
    for (const j of this.options.order) {
      const c = compareRules(a.rules[j]!, b.rules[j]!);
      if (c !== 0) return c > 0;
    }
    return false;
  }

  /** Each start improved one candidate at a time until a pass changes nothing; the best of the ends. */
  search(starts: readonly (readonly Rule[])[]): Score {
    return this.best(starts.map((start) => finish(this.descend(start))));
  }

  /** The best of these scores (the first of equals). */
  best(scores: readonly Score[]): Score {
    return scores.reduce((a, b) => (this.better(b, a) ? b : a));
  }

  /** From `start`, one candidate at a time (a step each) until a pass changes nothing. */
  *descend(start: readonly Rule[]): Generator<void, Score> {
    let best = this.evaluate(start);
    const passes = this.options.maxPasses ?? MAX_PASSES;
    for (let pass = 0; pass < passes; pass++) {
      let changed = false;
      for (const j of this.options.order) {
        const step = this.step(best, j);
        this.options.onStep?.();
        yield;
        if (this.better(step, best)) {
          best = step;
          changed = true;
        }
      }
      if (!changed) break;
    }
    return best;
  }

  /** The best rule for candidate j with the others' held (the current one if none is better). */
  step(current: Score, j: number): Score {
    const family = this.families[j]!;
    const Y = this.futures[0]!.years;
    const start = this.futures[0]!.model.startYear;
    const withRule = (rule: Rule) => current.rules.map((r, i) => (i === j ? rule : r));
    // The runs without j: its signal path before any commitment, and the outcome of "never".
    const without = this.futures.map((f) => f.apply(withRule(NEVER)));
    // Per future, the runs with j opening in a given year (the others' rules applied).
    const opened = this.futures.map(() => new Map<number, RuledRun>());
    const runsFor = (open: readonly (number | undefined)[]): RuledRun[] =>
      open.map((o, i) => {
        if (o === undefined) return without[i]!;
        let run = opened[i]!.get(o);
        if (!run) {
          run = this.futures[i]!.apply(withRule({ kind: 'year', year: o }));
          opened[i]!.set(o, run);
        }
        return run;
      });
    let best = current;
    const consider = (rule: Rule, open: readonly (number | undefined)[]) => {
      const s = this.score(withRule(rule), runsFor(open));
      if (this.better(s, best)) best = s;
    };
    consider(NEVER, this.futures.map(() => undefined));
    for (const year of family.years) consider({ kind: 'year', year }, this.futures.map((f) => f.openingIn(j, year)));
    if (!family.signal) return best;
    for (const persist of family.persists) {
      // Per future, the minimum of the signal over the `persist` years before each possible commitment year.
      const minima = without.map((run, i) => windowMinima(run.outcome.signals, this.futures[i]!.signalOffset(j), Y, persist));
      const thresholds = family.threshold !== undefined ? [family.threshold] : distinctDescending(minima);
      let last = '';
      for (const threshold of thresholds) {
        const open = this.futures.map((f, i) => {
          const c = firstAtOrAbove(minima[i]!, threshold, persist);
          return c < Y ? f.openingAfter(j, start + c) : undefined;
        });
        // Lower thresholds that commit in the same years give the same outcome: the highest is kept (it comes first).
        const key = open.join();
        if (key === last) continue;
        last = key;
        consider({ kind: 'signal', threshold, persist }, open);
      }
    }
    return best;
  }
}

/** Order of rules in the last tie-break: never, then signal rules by larger threshold and fewer persistence years, then fixed years by later year. */
function compareRules(a: Rule, b: Rule): number {
  const rank = (r: Rule): [number, number] => (r.kind === 'never' ? [Infinity, 0] : r.kind === 'signal' ? [r.threshold, -r.persist] : [-Infinity, r.year]);
  const [a1, a2] = rank(a);
  const [b1, b2] = rank(b);
  return a1 !== b1 ? Math.sign(a1 - b1) : Math.sign(a2 - b2);
}

/** m[c] = min of the signal over years c−k … c−1, for commitment years c = k … Y−1 (NaN before k). */
export function windowMinima(signals: Float64Array, offset: number, years: number, k: number): Float64Array {
  const m = new Float64Array(years).fill(NaN);
  for (let c = k; c < years; c++) {
    let low = Infinity;
    for (let y = c - k; y < c; y++) low = Math.min(low, signals[offset + y]!);
    m[c] = low;
  }
  return m;
}

/** First commitment year c with m[c] ≥ θ − 1e-9 (the rule's first firing; NaN and −∞ never reach), else the number of years. */
function firstAtOrAbove(m: Float64Array, threshold: number, k: number): number {
  for (let c = k; c < m.length; c++) if (m[c]! >= threshold - SIGNAL_TOLERANCE) return c;
  return m.length;
}

/**
 * A threshold as written (plan-adaptive.csv has 6 decimals): the largest
 * multiple of 1e-6 that a signal of value x still reaches (x ≥ θ − 1e-9), so
 * that the rule as written is the rule that was tried.
 */
const writtenThreshold = (x: number): number => Math.max(0, Math.floor((x + SIGNAL_TOLERANCE) * 1e6) / 1e6);

/** The thresholds to try: the finite minima as written, largest first, each once. */
function distinctDescending(minima: readonly Float64Array[]): number[] {
  const all: number[] = [];
  for (const m of minima) for (const x of m) if (Number.isFinite(x)) all.push(writtenThreshold(x));
  all.sort((a, b) => b - a);
  return all.filter((x, i) => i === 0 || x !== all[i - 1]);
}
