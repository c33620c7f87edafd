// The normalised, read-only scenario the engine runs on. Everything is an
// index: elements, capacity constraints, flows and routes live in arrays
// sorted by id, and every per-year quantity is an array over years.
// Volumes are in Mt/year.
import type { CorrelationGroup } from '../random/copula.js';
import type { Distribution } from '../random/distributions.js';

/** One number per simulated year. */
export type Series = ArrayLike<number>;

export type Effect = 'multiply' | 'add' | 'set';

export interface ElementModel {
  readonly id: string;
  readonly name: string;
  readonly kind: 'node' | 'link';
  /** For links: node indices (into `Model.elements`). */
  readonly from: number;
  readonly to: number;
  /** Free-flow dwell (nodes) or transit (links) time in days, per year. */
  readonly baseDays: Series;
  readonly bprAlpha: number;
  readonly bprBeta: number;
  /** Money of passing it, USD/t per year: `cost_per_t` + `cost_per_tkm` × `length_km` (0 when not given). */
  readonly money: Series;
  /** Emissions of a tonne passing it, g CO₂ (links: `co2_g_per_tkm` × `length_km`; else 0). */
  readonly co2GPerT: number;
  /** Real resource cost of a tonne through it, USD/t per year (default its money: no producers' surplus). */
  readonly opexPerT: Series;
  /** Its country code ('' when not given). */
  readonly country: string;
  /** Constraint indices of this element: its total first, then classes by name. */
  readonly constraints: readonly number[];
  /** For a located node: [longitude, latitude] in decimal degrees. */
  readonly at: readonly [number, number] | undefined;
}

export interface ConstraintModel {
  readonly element: number;
  /** `total` or a cargo class. */
  readonly cargo: string;
  /** Nameplate capacity before projects and events, per year. */
  readonly nameplate: Series;
  /** max_utilization × availability of the element, per year. */
  readonly factor: Series;
}

export interface ChangeModel {
  readonly id: string;
  readonly constraints: readonly number[];
  readonly effect: Effect;
  /** Effect size per year: a factor for multiply, Mt/year for add and set. */
  readonly amount: Series;
}

export interface ProjectModel extends ChangeModel {
  readonly target: string;
  readonly online: number;
  /** R in "year online+k gets (k+1)/R of the change"; at least 1. */
  readonly rampYears: number;
  /** Million USD, financial prices; undefined when the scenario gives none. */
  readonly capexMusd: number | undefined;
  /** Shares of capex in consecutive years ending with `online` (sum 1). */
  readonly capexProfile: readonly number[];
  /** Who pays its costs, by country code (sum 1); undefined: the country of its target. */
  readonly costShares: Readonly<Record<string, number>> | undefined;
  readonly name: string;
  /** For a candidate (Model.candidates): the last year it may open; `online` is the earliest. */
  readonly latest: number;
  /** For a candidate: years from commitment to opening (`plan --adaptive`). */
  readonly leadYears: number;
  /** For a candidate: the signal that may commit it under `plan --adaptive`, and what the scenario fixes of its rule. */
  readonly trigger: TriggerModel | undefined;
}

/**
 * What `plan --adaptive` watches to commit a candidate: the utilization of
 * capacity rows (the highest of them), the volume served to a flow, or the
 * shortfall of a target, each per year of a run. Flows and targets are named
 * by id (resolved against the model that runs).
 */
export type SignalModel =
  | { readonly kind: 'utilization'; readonly constraints: readonly number[]; readonly label: string }
  | { readonly kind: 'served'; readonly flow: string; readonly label: string }
  | { readonly kind: 'shortfall'; readonly target: string; readonly label: string };

export interface TriggerModel {
  readonly signal: SignalModel;
  /** Given by the scenario: held; otherwise searched. */
  readonly persistYears: number | undefined;
  readonly threshold: number | undefined;
}

export interface EventModel extends ChangeModel {
  readonly from: number;
  readonly to: number;
  /** Chance per year that the event happens; undefined means it always does. */
  readonly probability: Series | undefined;
}

export interface RouteModel {
  readonly id: string;
  readonly flow: number;
  /** Element indices on the path (nodes and links, each once, in path order). */
  readonly elements: readonly number[];
  /** Constraint indices that bind this route's cargo (total and class). */
  readonly constraints: readonly number[];
  readonly costPerT: number | undefined;
  readonly share: number | undefined;
  /** An `off_network` route: no elements, no constraints; its money and days are the flow's (FlowModel.choice). */
  readonly offNetwork: boolean;
  /** Emissions of a tonne carried on it, g CO₂: its links', or an off-network route's own. */
  readonly co2GPerT: number;
}

/** A flow's part in `allocation: choice` (src/engine/choice.ts). Series are per year, money in USD/t. */
export interface ChoiceFlow {
  /** s_f: the logit's 1/θ. */
  readonly spread: Series;
  /** ε ≤ 0: demand × (C⁰_y / C⁰_ref)^ε; 0 leaves demand as given. */
  readonly elasticity: number;
  /** Nests (a route in none is a nest of its own): spread and route indices (into Model.routes). */
  readonly nests: readonly { readonly spread: Series; readonly routes: readonly number[] }[];
}

export interface FlowModel {
  readonly id: string;
  readonly name: string;
  readonly cargo: string;
  readonly demand: Series;
  readonly allocation: 'spill' | 'shares' | 'choice';
  readonly unserved: 'lost' | 'carry';
  /** Where its shippers are: a country code ('' when not given). */
  readonly country: string;
  /** Route indices (into `Model.routes`) in the order they are offered demand. */
  readonly routes: readonly number[];
  /** Per route of the flow (in `routes` order): money beyond its elements' (route cost_per_t, constant, off-network cost), USD/t, and off-network days, per year. */
  readonly routeMoney: readonly Series[];
  readonly routeDays: readonly Series[];
  /** Under `allocation: choice`; undefined otherwise. */
  readonly choice?: ChoiceFlow | undefined;
}

/** A target: the served volume of some flows must reach a level in each year from `from` to `to`. */
export interface TargetModel {
  readonly id: string;
  readonly name: string;
  /** Flow indices whose served volumes are summed. */
  readonly flows: readonly number[];
  /** First and last calendar year it applies. */
  readonly from: number;
  readonly to: number;
  /** `volume`: `level` is Mt/year; `share`: `level` is the share (0–1) of the flows' demand. */
  readonly kind: 'volume' | 'share';
  readonly level: Series;
}

/** How `corridor plan` values capex. */
export interface PlanningModel {
  readonly discountRate: number;
  /** Where the rate comes from, for the printed summary (`planning.discount_rate`, or the economic rate). */
  readonly discountRateFrom: string;
  readonly baseYear: number;
}

/** A project's running costs and life, for appraisal (scenario `economics.projects`). */
export interface ProjectEconomics {
  readonly opexMusdPerYear: number;
  readonly lifeYears: number;
}

/** What carrying freight is worth and how appraisals discount (`economics`; defaults in docs/appraisal.md). */
export interface EconomicsModel {
  /** Per flow (index into Model.flows), per year: net economic benefit, USD per tonne served. */
  readonly valuePerT: readonly Series[];
  /** Per flow, per year: value of a day of transit saved, USD per tonne-day. */
  readonly valueOfTime: readonly Series[];
  /** By project id (projects and candidates). */
  readonly projects: Readonly<Record<string, ProjectEconomics>>;
  readonly discountRate: number;
  readonly hurdleRate: number;
  readonly baseYear: number;
  /** USD per t CO₂, per year. */
  readonly socialCostOfCarbon: Series;
  /** Sizes of the standard tests (appraisal-tests.csv). */
  readonly testSizes: { readonly capex: number; readonly benefits: number; readonly openingYears: number; readonly valueOfTime: number };
  /** Whose NPV appraisal.csv reports: `world` or a country code. */
  readonly perspective: string;
  /** Financial → economic prices, on capex and opex (1: none). */
  readonly conversionFactor: number;
  /** Costs and benefits before the base year: compounded to it, or left out. */
  readonly sunk: 'compound' | 'exclude';
  /** Keys whose built-in defaults the scenario relies on (corridor appraise names them). */
  readonly defaulted: readonly string[];
}

export interface VolumeUnit {
  /** As written in `output.volume_unit`, e.g. `Mt`, `TEU`. */
  readonly name: string;
  /** Column suffix, e.g. `_mt`. */
  readonly suffix: string;
  /** Multiply Mt/year by this to get the output unit. */
  readonly factor: number;
}

/** An uncertain param and its distribution (see src/random/distributions.ts). */
export interface UncertainParam {
  readonly name: string;
  readonly dist: Distribution;
}

export interface Model {
  readonly name: string;
  readonly startYear: number;
  readonly years: number;
  readonly params: Readonly<Record<string, number>>;
  readonly elements: readonly ElementModel[];
  readonly constraints: readonly ConstraintModel[];
  /** Projects decided on (the capacity of a run), in order of online, then id. */
  readonly projects: readonly ProjectModel[];
  /** Candidate projects: options that only `corridor plan` decides on; no effect on a run. */
  readonly candidates: readonly ProjectModel[];
  readonly events: readonly EventModel[];
  readonly flows: readonly FlowModel[];
  readonly routes: readonly RouteModel[];
  readonly volumeUnit: VolumeUnit;
  /** Mt/year: unserved volume below this is rounding, not a shortfall, in every statement about unserved demand. */
  readonly unservedThreshold: number;
  /** The optimisers' view of a choice scenario (optimize/network-demand.ts): off-network routes carry nothing. */
  readonly offNetworkClosed?: boolean;
  /**
   * Choice mode: each flow's choke price P_f = C⁰_f + v_f per year (index f·years + y) held fixed
   * instead of worked out from the run's own C⁰ (appraise's derived cases, product.md "Appraisal that a reviewer accepts").
   */
  readonly fixedChoke?: Float64Array;
  /** `choice.reference_year` as a year index (elasticity's reference; default 0, `years.start`). */
  readonly choiceReference: number;
  readonly uncertainty: readonly UncertainParam[];
  /** Groups of uncertain params linked by rank correlations (a Gaussian copula; src/random/copula.ts). */
  readonly correlations: readonly CorrelationGroup[];
  readonly targets: readonly TargetModel[];
  readonly planning: PlanningModel;
  readonly economics: EconomicsModel;
}
