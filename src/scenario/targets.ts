// `targets` and `planning` → what the scenario must achieve, and how a plan
// values capex.
import type { PlanningModel, TargetModel } from '../engine/model.js';
import type { ValueContext } from '../units/values.js';
import { byId, checkYearRange, type Checker } from './checker.js';
import { ECONOMIC_DEFAULTS } from './economics.js';
import { didYouMean } from './problems.js';
import type { ScenarioInput } from './schema.js';
import { itemPath } from './shape.js';


/** `flowIds`: the flows' ids in the model's order. */
export function buildTargets(s: ScenarioInput, vc: ValueContext | undefined, flowIds: readonly string[], check: Checker): TargetModel[] {
  const out: TargetModel[] = [];
  const flowIndex = new Map(flowIds.map((id, i) => [id, i]));
  const seen = new Set<string>();
  s.targets.forEach((input, i) => {
    const path = itemPath('targets', input, i);
    if (input.remove) return;
    if (seen.has(input.id)) {
      check.report([...path, 'id'], `duplicate target id "${input.id}"`);
      return;
    }
    seen.add(input.id);
    let ok = true;
    const members = (input.flows ?? flowIds).flatMap((id, k) => {
      const f = flowIndex.get(id);
      if (f !== undefined) return [f];
      check.report([...path, 'flows', k], `unknown flow "${id}"`, { hint: didYouMean(id, [...flowIndex.keys()]) });
      ok = false;
      return [];
    });
    const from = input.from ?? s.years.start;
    const to = input.to ?? s.years.end;
    if (!checkYearRange(check, path, from, to, s.years)) ok = false;
    const volume = input.served_at_least;
    const share = input.share_served_at_least;
    if ((volume === undefined) === (share === undefined)) {
      check.report(path, volume === undefined ? 'a target needs `served_at_least` or `share_served_at_least`' : 'a target takes one of `served_at_least` and `share_served_at_least`, not both', {
        hint: 'a volume (served_at_least: 10) or a share of demand (share_served_at_least: 0.95)',
      });
      return;
    }
    const level = volume !== undefined ? check.value(vc, [...path, 'served_at_least'], volume, 'volume') : check.value(vc, [...path, 'share_served_at_least'], share, 'ratio');
    if (level && share !== undefined && level.some((x) => x > 1)) {
      check.report([...path, 'share_served_at_least'], `a share must lie between 0 and 1 (got ${Math.max(...level)})`, { hint: 'e.g. 0.95 for 95 %' });
      ok = false;
    }
    if (!ok || !level) return;
    out.push({ id: input.id, name: input.name ?? input.id, flows: members, from, to, kind: volume !== undefined ? 'volume' : 'share', level });
  });
  return out.sort(byId);
}

export function readPlanning(s: ScenarioInput, check: Checker): PlanningModel {
  // One discount rate per scenario unless planning names its own (product.md, "Costs as a bank counts them").
  // (economics checks its own rate.)
  const valid = (r: number | undefined) => (r !== undefined && r >= 0 && r < 1 ? r : undefined);
  const own = s.planning?.discount_rate;
  if (own !== undefined && valid(own) === undefined) {
    check.report(['planning', 'discount_rate'], `the discount rate must lie in [0, 1) (got ${own})`, { hint: 'a share per year: 0.05 for 5 %' });
  }
  const economic = valid(s.economics?.appraisal?.discount_rate);
  const discountRate = valid(own) ?? economic ?? ECONOMIC_DEFAULTS.discountRate;
  const discountRateFrom = own !== undefined ? 'planning.discount_rate' : economic !== undefined ? 'economics.appraisal.discount_rate' : 'the default economic rate';
  return { discountRate, discountRateFrom, baseYear: s.planning?.base_year ?? s.years.start };
}
