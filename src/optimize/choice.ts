// What a way of planning (least-cost, NPV, robust) chose and adds to the
// output, and the settings of planning under uncertainty: the types that the
// plan command and its robust mode share, kept here so that neither imports
// the other.
import type { Table } from '../io/csv.js';
import type { Decisions, NetValue, Objective } from './plan.js';

/** Settings of `plan` beyond a table command's: the objective, and with `runs` planning under uncertainty. */
export interface PlanOptions {
  /** `capex` (default): the least PV of capex that meets the targets; `npv`: the most net present value, targets (if any) as constraints. */
  objective?: Objective;
  /** Planning under uncertainty: futures drawn from the `uncertainty` block. */
  runs?: number | undefined;
  seed?: number | undefined;
  confidence?: number | undefined;
  evaluate?: number | undefined;
  timeLimit?: number | undefined;
  /** With runs: a rule per candidate (build when a signal says so) beside the static robust plan. */
  adaptive?: boolean | undefined;
  /** With adaptive: threads for the rule search. */
  workers?: number | undefined;
}

/** What a way of planning chose, and what it adds to the output. */
export interface PlanChoice {
  readonly online: Decisions;
  readonly pv: readonly number[];
  readonly value?: NetValue | undefined;
  readonly tables: readonly Table[];
  readonly manifest: Record<string, unknown>;
  /** Printed after the plan's own summary. */
  readonly text: string;
}
