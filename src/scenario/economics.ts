// `economics` → what a tonne carried and a day saved are worth, what each
// project costs to run and how long it lasts, and how appraisals discount.
// Every key is optional; the defaults and their sources are in
// docs/appraisal.md, and `defaulted` says which ones a scenario relies on
// (corridor appraise prints them in its header).
import type { EconomicsModel, FlowModel, ProjectEconomics, ProjectModel } from '../engine/model.js';
import { evaluateValue, type Kind, type ValueContext } from '../units/values.js';
import type { Checker } from './checker.js';
import { didYouMean, type KeyPath } from './problems.js';
import type { ScenarioInput, ValueInput } from './schema.js';

/**
 * Built-in defaults. Sources and how the estimates were made: docs/appraisal.md, "Defaults".
 * - discount rate 9 %/yr: ADB, Guidelines for the Economic Analysis of Projects (2017), the minimum EIRR;
 * - value of time USD 6 per tonne-day: 0.6 % of the goods' value per day in transit (Hummels & Schaur 2013,
 *   the low end of 0.6–2.1 %) × USD 1,000/t of goods (an estimate);
 * - value per tonne USD 10/t: an estimate, ~5 % of a through rate of ~USD 200/t;
 * - life 30 years, opex 0: estimates (set them per project).
 */
export const ECONOMIC_DEFAULTS = {
  discountRate: 0.09,
  valuePerT: 10,
  valueOfTimePerTDay: 6,
  lifeYears: 30,
  opexMusdPerYear: 0,
  /** USD per t CO₂ in 2020, rising 2 % a year in real terms (both estimates combined: docs/appraisal.md). */
  socialCostOfCarbon2020: 40,
  socialCostOfCarbonGrowth: 0.02,
} as const;

/** Beyond these a value is a slip of units, and discounting it over two centuries loses every digit. */
const MAX_LIFE_YEARS = 1000;
const MAX_OPEX_MUSD = 1e6;

const CURRENCY_HINT = 'a bare number is in USD; another currency needs its rate in `units`, e.g. `EUR: "1.08 USD"`';

export function buildEconomics(
  s: ScenarioInput,
  vc: ValueContext | undefined,
  flows: readonly FlowModel[],
  projects: readonly ProjectModel[],
  planningBaseYear: number,
  check: Checker,
  network: { readonly emits: boolean; readonly countries: readonly string[] } = { emits: false, countries: [] },
): EconomicsModel {
  const { emits } = network;
  const e = s.economics ?? {};
  const defaulted: string[] = [];
  const years = vc?.years ?? 0;
  // One evaluation per value as written (a cargo class's value serves all its flows).
  const memo = new Map<ValueInput, number[] | undefined>();
  const money = (path: KeyPath, value: ValueInput, kind: Kind): number[] | undefined => {
    if (!memo.has(value)) memo.set(value, moneyValue(vc, check, path, value, kind));
    return memo.get(value);
  };
  const perFlow = (key: 'value_per_t' | 'value_of_time_per_t_day', kind: Kind, fallback: number): number[][] => {
    const top = e[key] !== undefined ? money(['economics', key], e[key]!, kind) : undefined;
    if (e[key] === undefined && flows.some((f) => e.flows?.[f.id]?.[key] === undefined && e.cargo?.[f.cargo]?.[key] === undefined)) defaulted.push(key);
    return flows.map((f) => {
      const own = e.flows?.[f.id]?.[key];
      if (own !== undefined) return money(['economics', 'flows', f.id, key], own, kind) ?? [];
      const cargo = e.cargo?.[f.cargo]?.[key];
      if (cargo !== undefined) return money(['economics', 'cargo', f.cargo, key], cargo, kind) ?? [];
      return top ?? new Array<number>(years).fill(fallback);
    });
  };
  const valuePerT = perFlow('value_per_t', 'usd_per_t', ECONOMIC_DEFAULTS.valuePerT);
  const valueOfTime = perFlow('value_of_time_per_t_day', 'usd_per_t_day', ECONOMIC_DEFAULTS.valueOfTimePerTDay);
  const socialCostOfCarbon =
    (e.social_cost_of_carbon !== undefined ? money(['economics', 'social_cost_of_carbon'], e.social_cost_of_carbon, 'usd_per_t') : undefined) ??
    Array.from({ length: years }, (_, y) => ECONOMIC_DEFAULTS.socialCostOfCarbon2020 * (1 + ECONOMIC_DEFAULTS.socialCostOfCarbonGrowth) ** ((vc?.startYear ?? 0) + y - 2020));
  if (e.social_cost_of_carbon === undefined && emits) defaulted.push('social_cost_of_carbon');
  checkIds(check, e.flows, flows.map((f) => f.id), ['economics', 'flows'], 'flow');
  checkIds(check, e.cargo, [...new Set(flows.map((f) => f.cargo))], ['economics', 'cargo'], 'cargo class of a flow');
  checkIds(check, e.projects, projects.map((p) => p.id), ['economics', 'projects'], 'project');

  const life = (path: KeyPath, v: number | undefined) => {
    if (v !== undefined && !(v > 0 && v <= MAX_LIFE_YEARS)) {
      check.report(path, `an economic life must be a positive number of years, at most ${MAX_LIFE_YEARS} (got ${v})`, { hint: 'e.g. life_years: 40' });
    }
    return v;
  };
  const opex = (path: KeyPath, v: number | undefined) => {
    if (v !== undefined && !(v >= 0 && v <= MAX_OPEX_MUSD)) {
      check.report(path, `opex must be a non-negative number of million USD per year, at most ${MAX_OPEX_MUSD.toLocaleString('en-US')} (got ${v})`, { hint: 'opex is in million USD a year: 12 for US$12 m' });
    }
    return v;
  };
  const defaultLife = life(['economics', 'life_years'], e.life_years) ?? ECONOMIC_DEFAULTS.lifeYears;
  const defaultOpex = opex(['economics', 'opex_musd_per_year'], e.opex_musd_per_year) ?? ECONOMIC_DEFAULTS.opexMusdPerYear;
  const costs: Record<string, ProjectEconomics> = {};
  let lifeDefaulted = false;
  let opexDefaulted = false;
  for (const p of projects) {
    const own = e.projects?.[p.id];
    const path = ['economics', 'projects', p.id];
    lifeDefaulted ||= own?.life_years === undefined && e.life_years === undefined;
    opexDefaulted ||= own?.opex_musd_per_year === undefined && e.opex_musd_per_year === undefined;
    costs[p.id] = {
      lifeYears: life([...path, 'life_years'], own?.life_years) ?? defaultLife,
      opexMusdPerYear: opex([...path, 'opex_musd_per_year'], own?.opex_musd_per_year) ?? defaultOpex,
    };
  }
  if (lifeDefaulted) defaulted.push('life_years');
  if (opexDefaulted) defaulted.push('opex_musd_per_year');

  const a = e.appraisal ?? {};
  if (a.discount_rate === undefined) defaulted.push('discount_rate');
  const discountRate = rate(check, ['economics', 'appraisal', 'discount_rate'], a.discount_rate) ?? ECONOMIC_DEFAULTS.discountRate;
  const hurdleRate = rate(check, ['economics', 'appraisal', 'hurdle_rate'], a.hurdle_rate) ?? discountRate;
  const cf = a.conversion_factor;
  if (cf !== undefined && !(cf > 0 && cf <= 10)) {
    check.report(['economics', 'appraisal', 'conversion_factor'], `a conversion factor must be above 0 and at most 10 (got ${cf})`, {
      hint: 'economic ÷ financial prices, e.g. 0.9 where 10 % of a price is taxes and duties',
    });
  }
  const perspective = a.perspective ?? 'world';
  if (perspective !== 'world' && !network.countries.includes(perspective)) {
    check.report(['economics', 'appraisal', 'perspective'], `no element, flow or cost share names the country "${perspective}"`, {
      hint: network.countries.length > 0 ? `\`world\`, or one of: ${network.countries.join(', ')}` : 'give elements and flows a `country`, or use `world`',
    });
  }
  return {
    valuePerT, valueOfTime, socialCostOfCarbon, perspective, projects: costs,
    testSizes: {
      capex: a.tests?.capex ?? 0.2, benefits: a.tests?.benefits ?? 0.2, openingYears: a.tests?.opening_years ?? 1, valueOfTime: a.tests?.value_of_time ?? 0.2,
    }, discountRate, hurdleRate, baseYear: a.base_year ?? planningBaseYear,
    conversionFactor: cf !== undefined && cf > 0 && cf <= 10 ? cf : 1, sunk: a.sunk ?? 'compound', defaulted,
  };
}

/** A money value per year; an unknown name in it (a currency without a rate) gets the hint that says how to define one. */
function moneyValue(vc: ValueContext | undefined, check: Checker, path: KeyPath, value: ValueInput, kind: Kind): number[] | undefined {
  if (vc === undefined) return undefined;
  const r = evaluateValue(vc, value, kind);
  if (r.ok) return r.values;
  for (const issue of r.issues) {
    const hint = /unknown name|incompatible/.test(issue.message) ? CURRENCY_HINT : issue.hint;
    check.report([...path, ...issue.subpath], issue.message, { hint });
  }
  return undefined;
}

function rate(check: Checker, path: KeyPath, v: number | undefined): number | undefined {
  if (v !== undefined && !(v >= 0 && v < 1)) {
    check.report(path, `a rate must lie in [0, 1) (got ${v})`, { hint: 'a share per year: 0.09 for 9 %' });
    return undefined;
  }
  return v;
}

function checkIds(check: Checker, given: Record<string, unknown> | undefined, known: readonly string[], path: KeyPath, what: string): void {
  for (const id of Object.keys(given ?? {})) {
    // A warning, not an error: a variant or --set that removes a project or flow leaves its values behind.
    if (!known.includes(id)) check.report([...path, id], `unknown ${what} "${id}" (its values are not used)`, { atKey: true, hint: didYouMean(id, known), severity: 'warning' });
  }
}
