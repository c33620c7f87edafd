// Adaptive rules (`plan --adaptive`, product.md "Adaptive plans"): each
// candidate commits when its signal has been at or above a threshold for
// `persist` years in a row, or in a fixed year, or never; it opens
// `lead_years` after the commitment (not before its `online`), and is not
// built if that is after min(latest, years.end). A future is run year by year
// in effect: the behavioural run with the openings decided so far gives the
// signals; the first year in which a pending rule fires commits it; the run
// is then repeated with that opening (years before it do not change, so the
// scan goes on from the next year). Rules see only past years.
import type { Model, SignalModel } from '../engine/model.js';
import { simulateWith, type BufferHolder, type Result } from '../engine/simulate.js';
import { isMet, requiredIn, servedIn, targetYearIndices } from '../engine/targets.js';
import { withDecisions } from '../optimize/plan.js';
import type { Future } from '../optimize/futures.js';

/** A candidate's rule: never build, open in a fixed calendar year, or commit on a signal. */
export type Rule =
  | { readonly kind: 'never' }
  | { readonly kind: 'year'; readonly year: number }
  | { readonly kind: 'signal'; readonly threshold: number; readonly persist: number };

export const NEVER: Rule = { kind: 'never' };

/** A signal compared with a threshold: at or above θ − 1e-9 counts. */
export const SIGNAL_TOLERANCE = 1e-9;

/** What one behavioural run of a future gives the rules: each candidate's signal per year, and which target-years are met. */
export interface Outcome {
  /** [signal * years + y] (RuledFuture.signalOffset gives a candidate's); −Infinity where the signal has no value (a closed element). */
  readonly signals: Float64Array;
  /** Per target-year of targetYearIndices(model): 1 when behaviour meets it. */
  readonly met: Uint8Array;
}

/** A future's run with every rule applied: each candidate's opening year (undefined: not built) and the outcome. */
export interface RuledRun {
  readonly open: readonly (number | undefined)[];
  readonly outcome: Outcome;
}

/**
 * Runs kept by openings over all futures (each a few kB: every candidate's
 * signal per year): a search revisits the same openings often, and a future
 * keeps its share of this, least recently used first out.
 */
export const CACHED_RUNS = 150_000;

/**
 * One future as the rules see it: its model, its candidates in the plan's
 * order (by id), and the runs already made, by openings.
 */
export class RuledFuture {
  readonly model: Model;
  readonly years: number;
  /** Per plan candidate: its index among this future's candidates (a drawn `online` may reorder them). */
  private readonly own: number[];
  private readonly holder: BufferHolder = {};
  private readonly runs = new Map<string, Outcome>();
  /** Runs this future keeps (its share of CACHED_RUNS). */
  private readonly capacity: number;
  private readonly reader: SignalReader;
  private readonly targetYears: { target: number; y: number }[];

  constructor(
    readonly future: Future,
    /** The plan's candidate ids, in its order. */
    readonly ids: readonly string[],
    /** How many futures share CACHED_RUNS. */
    sharing = 1,
  ) {
    this.capacity = Math.max(64, Math.floor(CACHED_RUNS / sharing));
    this.model = future.model;
    this.years = future.model.years;
    const index = new Map(future.model.candidates.map((k, i) => [k.id, i]));
    this.own = ids.map((id) => index.get(id)!);
    this.reader = new SignalReader(future.model, this.own.map((i) => future.model.candidates[i]!.trigger?.signal));
    this.targetYears = targetYearIndices(future.model);
  }

  /** Where candidate j's signal starts in an outcome's `signals` (candidates watching the same rows share them). */
  signalOffset(j: number): number {
    return this.reader.row[j]! * this.years;
  }

  /** Candidate j's earliest and latest opening years in this future, and its capex (M USD). */
  window(j: number): { online: number; last: number; lead: number; capex: number } {
    const k = this.model.candidates[this.own[j]!]!;
    return { online: k.online, last: Math.min(k.latest, this.model.startYear + this.years - 1), lead: k.leadYears, capex: k.capexMusd ?? 0 };
  }

  /** The behavioural run with these openings (by plan candidate; undefined: not built). */
  run(open: readonly (number | undefined)[]): Outcome {
    const key = open.join();
    const known = this.runs.get(key);
    if (known) {
      // Least recently used goes first: a hit moves to the end of the map's order.
      this.runs.delete(key);
      this.runs.set(key, known);
      return known;
    }
    const decisions: (number | undefined)[] = new Array(this.model.candidates.length).fill(undefined);
    open.forEach((o, j) => (decisions[this.own[j]!] = o));
    const result = simulateWith(withDecisions(this.model, decisions), this.holder, { eventApplies: this.future.events });
    const met = new Uint8Array(this.targetYears.length);
    this.targetYears.forEach(({ target, y }, i) => (met[i] = isMet(servedIn(result, target, y), requiredIn(result, target, y)) ? 1 : 0));
    const outcome = { signals: this.reader.read(result), met };
    if (this.runs.size >= this.capacity) this.runs.delete(this.runs.keys().next().value!);
    this.runs.set(key, outcome);
    return outcome;
  }

  /** The opening year of candidate j committed in calendar year `commit` (undefined: too late to build). */
  openingAfter(j: number, commit: number): number | undefined {
    const w = this.window(j);
    const o = Math.max(commit + w.lead, w.online);
    return o <= w.last ? o : undefined;
  }

  /** The opening year of candidate j under a fixed-year rule (undefined: outside its window in this future). */
  openingIn(j: number, year: number): number | undefined {
    const w = this.window(j);
    const o = Math.max(year, w.online);
    return o <= w.last ? o : undefined;
  }

  /**
   * Every rule applied: fixed years first, then the signal rules year by
   * year (the first commitment year of any pending rule, all rules firing that
   * year together, then the run again with their openings).
   */
  apply(rules: readonly Rule[]): RuledRun {
    const open = rules.map((r, j) => (r.kind === 'year' ? this.openingIn(j, r.year) : undefined));
    const pending = new Set(rules.flatMap((r, j) => (r.kind === 'signal' ? [j] : [])));
    let from = 0;
    for (;;) {
      const outcome = this.run(open);
      if (pending.size === 0) return { open, outcome };
      let first = this.years;
      const at = new Map<number, number>();
      for (const j of pending) {
        const rule = rules[j] as Extract<Rule, { kind: 'signal' }>;
        const c = firstCommit(outcome.signals, this.signalOffset(j), this.years, rule.threshold, rule.persist, from);
        at.set(j, c);
        if (c < first) first = c;
      }
      if (first >= this.years) return { open, outcome };
      for (const [j, c] of at) {
        if (c !== first) continue;
        open[j] = this.openingAfter(j, this.model.startYear + c);
        pending.delete(j);
      }
      from = first + 1;
    }
  }
}

/**
 * The first year index c ≥ max(from, persist) whose `persist` years before
 * it all have the signal at or above θ (−1e-9); `years` if none.
 */
export function firstCommit(signals: Float64Array, offset: number, years: number, threshold: number, persist: number, from: number): number {
  const lo = Math.max(from, persist);
  let run = 0;
  // Year y is the last one seen before a commitment in y + 1; the run counts from lo − persist on.
  for (let y = lo - persist; y < years - 1; y++) {
    run = signals[offset + y]! >= threshold - SIGNAL_TOLERANCE ? run + 1 : 0;
    if (run >= persist && y + 1 >= lo) return y + 1;
  }
  return years;
}

/** Per plan candidate: its signal per year from a run, flows and targets resolved by id in the future's model. */
class SignalReader {
  /** One reader per distinct signal (candidates that watch the same rows share a row of the outputs). */
  private readonly readers: ((result: Result, y: number) => number)[] = [];
  /** Per plan candidate: its row among the distinct signals. */
  readonly row: Int32Array;

  constructor(
    private readonly model: Model,
    signals: readonly (SignalModel | undefined)[],
  ) {
    const Y = model.years;
    const flowIndex = new Map(model.flows.map((f, i) => [f.id, i]));
    const targetIndex = new Map(model.targets.map((t, i) => [t.id, i]));
    const rows = new Map<string, number>();
    this.row = Int32Array.from(signals, (s) => {
      const key = !s ? '' : s.kind === 'utilization' ? `u:${s.constraints.join(',')}` : s.kind === 'served' ? `s:${s.flow}` : `t:${s.target}`;
      let row = rows.get(key);
      if (row === undefined) {
        rows.set(key, (row = this.readers.length));
        this.readers.push(readerOf(s));
      }
      return row;
    });

    function readerOf(s: SignalModel | undefined): (result: Result, y: number) => number {
      if (!s) return () => -Infinity;
      switch (s.kind) {
        case 'utilization':
          return (r, y) => {
            let u = -Infinity;
            // A closed element (NaN) gives no signal.
            for (const c of s.constraints) {
              const x = r.utilization[c * Y + y]!;
              if (x > u) u = x;
            }
            return u;
          };
        case 'served': {
          const f = flowIndex.get(s.flow)!;
          return (r, y) => r.flowServed[f * Y + y]!;
        }
        case 'shortfall': {
          const t = targetIndex.get(s.target)!;
          return (r, y) => Math.max(0, requiredIn(r, t, y) - servedIn(r, t, y));
        }
      }
    }
  }

  read(result: Result): Float64Array {
    const Y = this.model.years;
    const out = new Float64Array(this.readers.length * Y);
    this.readers.forEach((read, k) => {
      for (let y = 0; y < Y; y++) out[k * Y + y] = read(result, y);
    });
    return out;
  }
}

/** PV of capex of one future's openings: Σ capex / (1 + r)^(opening − base year), at the planning rate. */
export function presentValueOf(f: RuledFuture, open: readonly (number | undefined)[]): number {
  const { discountRate, baseYear } = f.model.planning;
  let pv = 0;
  open.forEach((o, j) => {
    if (o !== undefined) pv += f.window(j).capex / (1 + discountRate) ** (o - baseYear);
  });
  return pv;
}
