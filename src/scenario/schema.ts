// The scenario format as written: the one schema from which the JSON Schema
// (`corridor schema`) and docs/format.md are generated. Cross-references,
// units and expressions are checked later, in `normalize.ts`.
import { z } from 'zod';

const Id = z
  .string()
  .min(1)
  .regex(/^[^\s.]+$/, 'ids may not contain spaces or dots')
  .describe('Identifier, unique among nodes and links (and among flows, projects, events). No spaces or dots.');

const Expression = z.string().min(1);

const SeriesPoint = z.union([z.number(), Expression]);

export const Value = z
  .union([z.number(), Expression, z.record(z.string(), SeriesPoint)])
  .describe(
    'A number, a quantity ("60 train/day"), an expression over params and `yr` ("4.48 * (1 + g)^(yr - 2024)"), ' +
      'or a yearly series `{ 2019: 0.76, 2024: 4.48, then: "base * 1.1^(yr - base_yr)" }`: linear between points, ' +
      'held before the first point and after the last unless `then` continues it (`base` and `base_yr` are the last point).',
  );

const Capacity = z
  .union([z.number(), Expression, z.record(z.string(), Value)])
  .describe(
    'Capacity as mass per time. A bare number is Mt/year. Either one value (the total), or per cargo class ' +
      '`{ total: ..., container: ... }`; without `total`, only the listed classes may pass.',
  );

const Ratio = z.union([z.number(), Expression, z.record(z.string(), SeriesPoint)]);

const Bpr = {
  bpr_alpha: z.number().min(0).optional().describe('BPR congestion alpha for this element (default: `defaults.bpr_alpha`).'),
  bpr_beta: z.number().min(0).optional().describe('BPR congestion beta for this element (default: `defaults.bpr_beta`).'),
};

const Country = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'a country code: letters, digits, _ or -, e.g. KZ')
  .refine((c) => c !== 'world', '`world` is the perspective of every country together, not a country');

const ElementCommon = {
  id: Id,
  name: z.string().optional().describe('Human-readable name (any script).'),
  capacity: Capacity.optional(),
  max_utilization: Ratio.optional().describe('Planning ceiling as a share of nameplate capacity (default 1; rail planners use 0.75–0.85).'),
  availability: Ratio.optional().describe('Share of the year the element works (default 1; e.g. "330/365" for a sea crossing).'),
  source: z.string().optional().describe('Where the numbers come from (free text).'),
  remove: z.literal(true).optional().describe('In a file that `extends` another: remove the element of this id.'),
  cost_per_t: Value.optional().describe('Money per tonne to pass it (a tariff, a handling charge), USD/t (a bare number is USD/t); part of a route’s generalised cost under `allocation: choice`.'),
  opex_per_t: Value.optional().describe('Real resource cost of carrying a tonne through it, USD/t (default its money per tonne: no producers’ surplus); `corridor appraise` counts money − opex as the producers’ benefit.'),
  country: Country.optional().describe('Who owns and operates it (a country code such as KZ): the ledger of `corridor appraise` books its producers’ benefit there.'),
  ...Bpr,
};

export const NodeSchema = z.strictObject({
  ...ElementCommon,
  at: z
    .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
    .optional()
    .describe('Position as `[longitude, latitude]` in decimal degrees (reports draw the network on a map).'),
  kind: z.string().optional().describe('Free label: border, port, terminal, junction…'),
  dwell_days: Value.optional().describe('Free-flow dwell time in days (a number, or a time quantity such as "18 h").'),
});

export const LinkSchema = z.strictObject({
  ...ElementCommon,
  from: Id.describe('Node id the link starts at.'),
  to: Id.describe('Node id the link ends at.'),
  mode: z.string().optional().describe('Free label: rail, sea, road…'),
  length_km: z.number().min(0).optional().describe('Length in km: with `cost_per_tkm`, part of the money of passing the link.'),
  cost_per_tkm: Value.optional().describe('Money per tonne-km, USD/(t·km) as a bare number, times `length_km` (needs it): a distance tariff.'),
  transit_days: Value.optional().describe('Free-flow transit time in days (a number, or a time quantity).'),
  co2_g_per_tkm: z.number().min(0).max(10000).optional().describe('Emissions, g CO₂ per tonne-km, times `length_km` (needs it): what `corridor appraise` values at the social cost of carbon.'),
});

const Effect = z
  .union([
    z.strictObject({ multiply: Value }),
    z.strictObject({ add: Value }),
    z.strictObject({ set: Value }),
  ])
  .describe('Exactly one of `multiply` (a factor), `add` or `set` (a capacity).');

export const ProjectSchema = z.strictObject({
  id: Id,
  name: z.string().optional().describe('Human-readable name.'),
  target: Id.describe('Node or link id whose capacity changes.'),
  effect: Effect,
  online: Value.optional().describe(
    'First year with any effect (an integer year, or an expression of params). Required, except for a candidate: there it is the earliest year it may open (default `years.start`).',
  ),
  ramp_years: z.number().int().min(0).optional().describe('Year online+k gets (k+1)/R of the change; 0 or 1: all at once.'),
  cargo: z.string().optional().describe('Capacity changed: `total` or a cargo class of the target. Default: all of its capacities.'),
  capex_musd: Value.optional().describe(
    'Capital cost in million USD, financial prices (required for a candidate): a number, or an expression of params (e.g. an optimism-bias factor that `uncertainty` draws).',
  ),
  capex_profile: z
    .array(z.number().min(0))
    .min(1)
    .optional()
    .describe('Shares of capex spent in consecutive years ending with the opening year, summing to 1 (default `[1]`: all in the opening year); it may reach before `years.start`.'),
  cost_shares: z
    .record(Country, z.number().min(0).max(1))
    .optional()
    .describe('Who pays its capex and opex (and keeps its residual value), by country code, summing to 1 (default: the country of its target).'),
  candidate: z.boolean().optional().describe(
    'An option, not a decision: `corridor run` leaves it out, `corridor plan` decides whether and when to build it (between `online` and `latest`). `false` written out marks a decided option (as plan.yaml writes it): its `latest`, `trigger` and `lead_years` are then ignored.',
  ),
  latest: Value.optional().describe('For a candidate: the last year it may open (default `years.end`).'),
  trigger: z
    .strictObject({
      signal: z
        .string()
        .optional()
        .describe('`utilization:<element>`, `served:<flow>` (Mt/year) or `shortfall:<target>` (Mt/year short of it); default: the utilization of the capacity the candidate changes.'),
      persist_years: z.number().int().min(1).max(10).optional().describe('Years in a row the signal must be at or above the threshold before the commitment (default: searched in 1–3).'),
      threshold: z.number().min(0).optional().describe('The signal\'s level that commits the candidate (default: searched); a utilization in [0, 1], a volume ≥ 0.'),
    })
    .optional()
    .describe('For `corridor plan --adaptive`: the signal that commits a candidate (see docs/planning.md, "Adaptive plans").'),
  lead_years: z.number().int().min(0).max(50).optional().describe('For a candidate: years from the commitment to the opening, a fact of construction (default 0; `plan --adaptive`).'),
  source: z.string().optional(),
  remove: z.literal(true).optional(),
});

export const EventSchema = z.strictObject({
  id: Id,
  name: z.string().optional(),
  target: Id.describe('Node or link id.'),
  from: z.number().int().describe('First year (inclusive).'),
  to: z.number().int().optional().describe('Last year (inclusive; default `from`).'),
  effect: Effect,
  cargo: z.string().optional().describe('As for projects.'),
  probability: z
    .union([z.number().min(0).max(1), Expression])
    .optional()
    .describe('Chance per year that the event happens (used by Monte Carlo). `run` applies only events without it or with probability 1.'),
  source: z.string().optional(),
  remove: z.literal(true).optional(),
});

export const OffNetworkSchema = z
  .strictObject({
    cost_per_t: Value.describe('Money per tonne from origin to destination, USD/t (a bare number is USD/t).'),
    transit_days: Value.describe('Days from origin to destination.'),
    co2_kg_per_t: z.number().min(0).max(100000).optional().describe('Emissions from origin to destination, kg CO₂ per tonne (default 0).'),
  })
  .describe('A route the scenario does not model link by link (the sea via Suez, the Northern route beyond the network): uncapacitated, through no node; no `via`.');

export const RouteSchema = z.strictObject({
  id: Id,
  via: z.array(Id).min(1).optional().describe('Link ids forming a connected path from the flow’s origin to its destination (every route but an `off_network` one).'),
  off_network: OffNetworkSchema.optional(),
  cost_per_t: z.number().optional().describe('Cost per tonne; routes are tried in ascending cost (else as listed); under `allocation: choice`, part of the generalised cost.'),
  constant: Value.optional().describe('Under `allocation: choice`: the route’s alternative-specific constant, USD/t (what the data cannot explain: reliability, habit), 0 unless calibrated.'),
  share: z.number().min(0).max(1).optional().describe('Fixed share of demand under `allocation: shares`.'),
  remove: z.literal(true).optional(),
});

export const FlowSchema = z.strictObject({
  id: Id,
  name: z.string().optional(),
  origin: Id.describe('Node id.'),
  destination: Id.describe('Node id.'),
  cargo: z.string().optional().describe('Cargo class (default `general`).'),
  demand: Value.describe('Demand per year; a bare number is Mt/year.'),
  allocation: z.enum(['spill', 'shares']).optional().describe('Overrides `defaults.allocation` for this flow.'),
  unserved: z.enum(['lost', 'carry']).optional().describe('Overrides `defaults.unserved` for this flow.'),
  routes: z.array(RouteSchema).min(1).describe('Candidate routes, offered demand in ascending `cost_per_t` (else as listed).'),
  spread: Value.optional().describe('Under `allocation: choice`: the cost difference (USD/t) that changes the odds of two routes e-fold (the logit’s 1/θ); default `defaults.spread`.'),
  nests: z
    .array(z.strictObject({ id: Id, spread: Value.describe('USD/t, at most the flow’s spread.'), routes: z.array(Id).min(1).describe('Route ids of this flow.') }))
    .optional()
    .describe('Under `allocation: choice`: groups of routes that are closer substitutes (a nested logit); a route in no nest is a nest of its own.'),
  country: Country.optional().describe('Where its shippers are (a country code): the ledger of `corridor appraise` books their benefit there.'),
  elasticity: z.number().max(0).optional().describe('Under `allocation: choice`: demand × (free-flow composite cost / that of `choice.reference_year`)^elasticity; ≤ 0 (default 0: demand as given).'),
  source: z.string().optional(),
  remove: z.literal(true).optional(),
});

export const TargetSchema = z.strictObject({
  id: Id,
  name: z.string().optional(),
  flows: z.array(Id).min(1).optional().describe('Flow ids whose served volumes are summed; omit for all flows.'),
  from: z.number().int().optional().describe('First year the target applies (default `years.start`).'),
  to: z.number().int().optional().describe('Last year it applies (default `years.end`).'),
  served_at_least: Value.optional().describe('Served volume required per year (a bare number is Mt/year; any value: quantity, expression, series).'),
  share_served_at_least: Ratio.optional().describe('Instead of a volume: the share of the flows’ demand (0–1) that must be served.'),
  source: z.string().optional(),
  remove: z.literal(true).optional(),
}).describe('What the scenario must achieve: exactly one of `served_at_least` and `share_served_at_least`.');

export const PlanningSchema = z
  .strictObject({
    discount_rate: z.number().optional().describe('Rate per year that `corridor plan` discounts capex at, in [0, 1) (default `economics.appraisal.discount_rate`, else 0.09: one rate per scenario unless planning names its own).'),
    base_year: z.number().int().min(1900).max(2200).optional().describe('Year that present values refer to (default `years.start`).'),
  })
  .describe('How `corridor plan` values capex: Σ capex / (1 + discount_rate)^(online − base_year).');

const FlowEconomics = {
  value_per_t: Value.optional().describe(
    'Net economic benefit per tonne carried, USD/t (a bare number is USD/t; any value: quantity such as "12 USD/t", expression, series): the margin that the shipper and the carriers earn over the next-best alternative.',
  ),
  value_of_time_per_t_day: Value.optional().describe('Value of a day of transit saved per tonne, USD/(t·day) (a bare number is USD per tonne-day), applied to the routes’ BPR transit times.'),
};

const ProjectEconomicsSchema = z.strictObject({
  opex_musd_per_year: z.number().optional().describe('Operating and maintenance cost in million USD per year, from the opening year on (default `economics.opex_musd_per_year`, else 0).'),
  life_years: z.number().optional().describe('Economic life in years: straight-line residual value at the horizon’s end (default `economics.life_years`, else 30).'),
});

export const EconomicsSchema = z
  .strictObject({
    ...FlowEconomics,
    opex_musd_per_year: ProjectEconomicsSchema.shape.opex_musd_per_year.describe('Default opex of every project, million USD per year (default 0).'),
    life_years: ProjectEconomicsSchema.shape.life_years.describe('Default economic life of every project, years (default 30).'),
    cargo: z.record(z.string(), z.strictObject(FlowEconomics)).optional().describe('Per cargo class: `value_per_t` and `value_of_time_per_t_day` for its flows.'),
    flows: z.record(z.string(), z.strictObject(FlowEconomics)).optional().describe('Per flow id: its own values (over its cargo class’s and the defaults).'),
    projects: z.record(z.string(), ProjectEconomicsSchema).optional().describe('Per project id: `opex_musd_per_year` and `life_years`.'),
    social_cost_of_carbon: Value.optional().describe(
      'Value of a tonne of CO₂ avoided, USD per t CO₂ (a bare number; a series or an expression of `yr`; default 40 in 2020 rising 2 % a year, an estimate: docs/appraisal.md).',
    ),
    appraisal: z
      .strictObject({
        discount_rate: z.number().optional().describe('Economic discount rate per year, in [0, 1) (default 0.09, ADB 2017).'),
        base_year: z.number().int().min(1900).max(2200).optional().describe('Year present values refer to (default `planning.base_year`, else `years.start`).'),
        hurdle_rate: z.number().optional().describe('EIRR a project must reach to be worth it (default: the discount rate).'),
        conversion_factor: z.number().optional().describe('Financial to economic prices, applied to capex and opex (default 1).'),
        perspective: z
          .string()
          .optional()
          .describe('Whose NPV appraisal.csv reports: `world` (default: tariffs cancel) or a country code that an element, a flow or a cost share uses.'),
        tests: z
          .strictObject({
            capex: z.number().min(0).max(10).optional().describe('Capex (and residual value) increase of the `capex+` test, a share (default 0.2).'),
            benefits: z.number().min(0).max(1).optional().describe('Benefit decrease of the `benefits-` test, a share (default 0.2).'),
            opening_years: z.number().int().min(1).max(50).optional().describe('Delay of the `opening+` test, years (default 1).'),
            value_of_time: z.number().min(0).max(1).optional().describe('Value-of-time decrease of the `value_of_time-` test, a share (default 0.2).'),
          })
          .optional()
          .describe('Sizes of the standard tests in appraisal-tests.csv.'),
        sunk: z
          .enum(['compound', 'exclude'])
          .optional()
          .describe('Costs and benefits before the base year: `compound` them to it (default) or `exclude` them (sunk costs left out).'),
      })
      .optional()
      .describe('How `corridor appraise` and `corridor plan --objective npv` discount.'),
  })
  .describe('Economic values for `corridor appraise` and `corridor plan --objective npv`; every key optional, defaults in docs/appraisal.md.');

const Bound = z.number();

/** A param as written: a bare number, or its value with what it means (`corridor params` lists them). */
export const ParamSchema = z
  .union([
    z.number(),
    z
      .strictObject({
        value: z.number().describe('The value.'),
        description: z.string().optional().describe('What it is and where it comes from.'),
        unit: z.string().optional().describe('Its unit, as text (e.g. "share per year", "year").'),
        min: z.number().optional().describe('The least value it may take (checked for --set and draws).'),
        max: z.number().optional().describe('The greatest value it may take.'),
      })
      .refine((p) => p.min === undefined || p.max === undefined || p.min <= p.max, { message: 'min must not exceed max', path: ['max'] }),
  ])
  .transform((p) => (typeof p === 'number' ? p : p.value));

export type ParamInput = z.input<typeof ParamSchema>;

export const DistributionSchema = z
  .discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('uniform'), min: Bound, max: Bound }),
    z.strictObject({ dist: z.literal('triangular'), min: Bound, mode: Bound, max: Bound }),
    z.strictObject({
      dist: z.literal('normal'),
      mean: z.number(),
      sd: z.number().positive(),
      min: Bound.optional().describe('Truncate below (optional).'),
      max: Bound.optional().describe('Truncate above (optional).'),
    }),
    z.strictObject({ dist: z.literal('lognormal'), mu: z.number().describe('Mean of ln X.'), sigma: z.number().positive().describe('Standard deviation of ln X.') }),
    z.strictObject({ dist: z.literal('pert'), min: Bound, mode: Bound, max: Bound, lambda: z.number().positive().optional().describe('Shape (default 4).') }),
    z.strictObject({
      dist: z.literal('discrete'),
      values: z.array(z.number()).min(1),
      weights: z.array(z.number().min(0)).min(1).describe('One per value, summing to 1.'),
    }),
  ])
  .describe(
    'A distribution: `uniform` (min, max), `triangular` (min, mode, max), `normal` (mean, sd, optional min/max truncation), ' +
      '`lognormal` (mu, sigma of ln X), `pert` (min, mode, max, lambda = 4), `discrete` (values, weights).',
  );

export const DefaultsSchema = z
  .strictObject({
    allocation: z.enum(['spill', 'shares', 'choice']).optional().describe('`spill` (water-filling, default), `shares`, or `choice` (logit on generalised cost with scarcity costs; every flow).'),
    spread: Value.optional().describe('Under `allocation: choice`: each flow’s spread unless it gives its own, USD/t.'),
    unserved: z.enum(['lost', 'carry']).optional().describe('`lost` (default) or `carry` into next year’s demand.'),
    bpr_alpha: z.number().min(0).optional().describe('Default 0.15.'),
    bpr_beta: z.number().min(0).optional().describe('Default 4.'),
  })
  .describe('Scenario-wide defaults for allocation and congestion.');

export const OutputSchema = z
  .strictObject({
    volume_unit: z.string().optional().describe('Unit of volumes in the tables (per year): `Mt` (default), `kt`, `t`, or a mass unit of the scenario such as `TEU`.'),
    unserved_threshold: z.number().min(0).max(1e9).optional().describe('Unserved volume below this (in `volume_unit` per year; default 0.001 Mt/year, the printed precision) is rounding: "first year with unserved demand" and every other statement about unserved volume ignore it.'),
  })
  .describe('How tables are written.');

const YearsSchema = z.strictObject({
  start: z.number().int().min(1900).max(2200).describe('First simulated year.'),
  end: z.number().int().min(1900).max(2200).describe('Last simulated year (inclusive).'),
}).describe('Simulated years, inclusive.');

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Where an editor finds the JSON Schema of this format (ignored by the CLI).'),
    name: z.string().min(1).regex(/^[\w.-]+$/, 'use letters, digits, `_`, `-` or `.`').describe('Scenario name: the output folder and the `scenario` column.'),
    description: z.string().optional().describe('Free text: what the scenario models and why.'),
    extends: z.string().optional().describe('Path (relative to this file) of a base scenario whose keys this file overrides.'),
    years: YearsSchema,
    units: z.record(z.string(), z.string()).optional().describe('The scenario’s own units, e.g. `{ TEU: "10 t", train: "2300 t" }`.'),
    params: z
      .record(z.string(), ParamSchema)
      .optional()
      .describe('Named numbers that expressions use; the knobs of what-if. A bare number, or `{ value, description, unit, min, max }` (see `corridor params`).'),
    uncertainty: z
      .strictObject({
        correlations: z
          .array(
            z.strictObject({
              params: z.tuple([z.string(), z.string()]).describe('Two uncertain params.'),
              spearman: z.number().gt(-1).lt(1).describe('Their rank correlation, in (−1, 1).'),
            }),
          )
          .optional()
          .describe('Rank correlations between uncertain params, drawn by a Gaussian copula (`correlations` is reserved: no param may bear the name).'),
      })
      .catchall(DistributionSchema)
      .optional()
      .describe('A distribution per param, sampled by `corridor montecarlo`; and `correlations` between them.'),
    defaults: DefaultsSchema.optional(),
    nodes: z.array(NodeSchema).default([]).describe('Places: border crossings, ports, terminals, junctions. A node may have a capacity.'),
    links: z.array(LinkSchema).default([]).describe('Directed connections between nodes: rail lines, sea crossings, roads.'),
    projects: z.array(ProjectSchema).default([]).describe('Lasting changes to a node’s or link’s capacity from a year on; applied in order of `online`, then id.'),
    events: z.array(EventSchema).default([]).describe('Temporary changes over a range of years (disruptions, closures); applied after projects.'),
    flows: z.array(FlowSchema).default([]).describe('Demand for moving one cargo class from an origin to a destination, over candidate routes.'),
    targets: z.array(TargetSchema).default([]).describe('What the scenario must achieve; checked by `corridor run` (targets.csv) and `corridor check`, met by `corridor plan`.'),
    planning: PlanningSchema.optional(),
    choice: z
      .strictObject({ reference_year: z.number().int().min(1900).max(2200).optional().describe('Year whose free-flow cost demand is given at, for `elasticity` (default `years.start`).') })
      .optional()
      .describe('Settings of `allocation: choice`.'),
    economics: EconomicsSchema.optional(),
    output: OutputSchema.optional(),
  })
  .describe('A corridor-sim scenario.');

/**
 * A file that `extends` another, as written: the CLI checks the merged tree
 * against ScenarioSchema, so on its own such a file needs no key, and an item
 * of a list (merged with the base's item of the same id, or removed with
 * `remove: true`) needs only its `id`. Keys it does give have their types.
 */
const overlay = <T extends z.ZodObject>(item: T) => item.partial().required({ id: true } as never) as unknown as z.ZodObject;
const ExtendingScenarioSchema = ScenarioSchema.extend({
  years: YearsSchema.partial(),
  nodes: z.array(overlay(NodeSchema)),
  links: z.array(overlay(LinkSchema)),
  projects: z.array(overlay(ProjectSchema)),
  events: z.array(overlay(EventSchema)),
  flows: z.array(overlay(FlowSchema.extend({ routes: z.array(overlay(RouteSchema)).min(1) }))),
  targets: z.array(overlay(TargetSchema)),
}).partial();

export type ScenarioInput = z.output<typeof ScenarioSchema>;
export type ValueInput = z.output<typeof Value>;
export type NodeInput = z.output<typeof NodeSchema>;
export type LinkInput = z.output<typeof LinkSchema>;
export type ProjectInput = z.output<typeof ProjectSchema>;
export type EventInput = z.output<typeof EventSchema>;
export type FlowInput = z.output<typeof FlowSchema>;
export type TargetInput = z.output<typeof TargetSchema>;
export type EffectInput = z.output<typeof Effect>;
export type DistributionInput = z.output<typeof DistributionSchema>;
export type EconomicsInput = z.output<typeof EconomicsSchema>;

const jsonSchemaOf = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** JSON Schema of a complete scenario (a file that does not `extends`): the format reference is generated from it. */
export function formatJsonSchema(): Record<string, unknown> {
  return jsonSchemaOf(ScenarioSchema);
}

/**
 * JSON Schema for editors (`corridor schema`): it accepts what the CLI's
 * schema check accepts, file by file: a complete scenario, or a file that
 * `extends` another and gives only what differs.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const { $schema, ...full } = formatJsonSchema();
  const { $schema: _, ...extending } = jsonSchemaOf(ExtendingScenarioSchema);
  return {
    $schema,
    title: 'corridor-sim scenario',
    description:
      'A corridor-sim scenario (YAML or JSON). A file with `extends` gives only what differs from its base: ' +
      'every key is optional there, and a list item needs only its `id` (it is merged with the base item of that id, or removed with `remove: true`).',
    if: { type: 'object', required: ['extends'] },
    then: extending,
    else: full,
  };
}
