// Nodes and links → elements and capacity constraints (sorted by id).
import type { ConstraintModel, ElementModel } from '../engine/model.js';
import { yearArray, type ValueContext } from '../units/values.js';
import { byId, type Checker } from './checker.js';
import { didYouMean, formatPath } from './problems.js';
import type { LinkInput, NodeInput, ScenarioInput, ValueInput } from './schema.js';
import { itemPath } from './shape.js';

export const TOTAL = 'total';
export const DEFAULT_BPR_ALPHA = 0.15;
export const DEFAULT_BPR_BETA = 4;

/**
 * Under `allocation: choice`, the congestion default of rail lines (links with
 * `mode: rail`, nodes of kind `rail-section`) and of border crossings (nodes
 * of kind `border` or `crossing`): BPR α = 2, β = 10, flat to about 75 % use (UIC Code 406's
 * occupancy limit for mixed traffic, 75 % at peak: UIC 406, 2004, via
 * vdocument.in, as in shared/data/middle-corridor-3.md §8), steep past 90 %
 * (the practice bands' "insufficient buffer", same note), three times the
 * free-flow time at capacity. Est.: no fitted single-track delay curve was
 * found (same note, "not found" 11); the shape is chosen to match those
 * limits: +11 % at 75 % use, +70 % at 90 %, +147 % at 97 %. Road defaults stay
 * for every other element, and for spill and shares (their outputs unchanged).
 */
export const RAIL_BPR_ALPHA = 2;
export const RAIL_BPR_BETA = 10;

/** The congestion curve of an element: its own, else the scenario's default, else rail's (choice mode) or the road BPR's. */
function congestion(input: NodeInput | LinkInput, s: ScenarioInput): { alpha: number; beta: number } {
  const railLike = s.defaults?.allocation === 'choice' && ('from' in input ? input.mode === 'rail' : ['border', 'crossing', 'rail-section'].includes((input as NodeInput).kind ?? ''));
  return {
    alpha: input.bpr_alpha ?? s.defaults?.bpr_alpha ?? (railLike ? RAIL_BPR_ALPHA : DEFAULT_BPR_ALPHA),
    beta: input.bpr_beta ?? s.defaults?.bpr_beta ?? (railLike ? RAIL_BPR_BETA : DEFAULT_BPR_BETA),
  };
}

export interface ElementTables {
  elements: ElementModel[];
  constraints: ConstraintModel[];
  /** Element index by id. */
  index: Map<string, number>;
  /** Capacity classes by element index (`total` and/or class names). */
  classes: Map<number, Set<string>>;
}

type Located<T> = { input: T; path: (string | number)[] };

/** True when `capacity` is written per cargo class rather than as one value or series. */
export function isPerClass(capacity: unknown): capacity is Record<string, ValueInput> {
  if (typeof capacity !== 'object' || capacity === null) return false;
  return !Object.keys(capacity).every((k) => /^\d{4}$/.test(k) || k === 'then');
}

/** Reads `capacity` as `{ class → value }`: a plain value or series is the total. */
export function capacityClasses(capacity: unknown): Record<string, ValueInput> {
  if (capacity === undefined) return {};
  return isPerClass(capacity) ? capacity : { [TOTAL]: capacity as ValueInput };
}

export function buildElements(s: ScenarioInput, vc: ValueContext | undefined, allIds: ReadonlySet<string>, check: Checker): ElementTables {
  const located: Located<NodeInput | LinkInput>[] = [
    ...s.nodes.map((input, i) => ({ input, path: itemPath('nodes', input, i) })),
    ...s.links.map((input, i) => ({ input, path: itemPath('links', input, i) })),
  ].filter((e) => !e.input.remove);
  reportRemoveWithoutBase(s, check);
  const firstSeen = new Map<string, (string | number)[]>();
  const unique = located.filter(({ input, path }) => {
    const first = firstSeen.get(input.id);
    if (first) {
      check.report([...path, 'id'], `duplicate id "${input.id}"`, { hint: `already used at ${formatPath(first)}; ids are unique across nodes and links` });
      return false;
    }
    firstSeen.set(input.id, path);
    return true;
  });
  unique.sort((a, b) => byId(a.input, b.input));
  const index = new Map(unique.map((e, i) => [e.input.id, i]));
  const nodeIds = s.nodes.map((n) => n.id);
  const elements: ElementModel[] = [];
  const constraints: ConstraintModel[] = [];
  const classes = new Map<number, Set<string>>();
  unique.forEach(({ input, path }, i) => {
    const isLink = 'from' in input;
    const ends = isLink ? [linkEnd(input, 'from', path, index, nodeIds, allIds, check), linkEnd(input, 'to', path, index, nodeIds, allIds, check)] : [-1, -1];
    const factor = utilizationFactor(input, path, vc, check);
    const own: number[] = [];
    const caps = capacityClasses(input.capacity);
    const names = Object.keys(caps).sort((a, b) => (a === TOTAL ? -1 : b === TOTAL ? 1 : a < b ? -1 : 1));
    for (const cargo of names) {
      const capPath = isPerClass(input.capacity) ? [...path, 'capacity', cargo] : [...path, 'capacity'];
      if (cargo !== TOTAL && !/^[A-Za-z][\w-]*$/.test(cargo)) {
        check.report(capPath, `"${cargo}" is not a valid cargo class name`, { atKey: true });
        continue;
      }
      const nameplate = check.value(vc, capPath, caps[cargo], 'volume');
      if (nameplate && factor) {
        own.push(constraints.length);
        constraints.push({ element: i, cargo, nameplate, factor });
      }
    }
    classes.set(i, new Set(names));
    const days = isLink ? (input as LinkInput).transit_days : (input as NodeInput).dwell_days;
    const daysPath = [...path, isLink ? 'transit_days' : 'dwell_days'];
    elements.push({
      id: input.id,
      name: input.name ?? input.id,
      kind: isLink ? 'link' : 'node',
      from: ends[0]!,
      to: ends[1]!,
      baseDays: (days === undefined ? undefined : check.value(vc, daysPath, days, 'days')) ?? yearArray(vc?.years ?? 0),
      bprAlpha: congestion(input, s).alpha,
      bprBeta: congestion(input, s).beta,
      constraints: own,
      at: isLink ? undefined : (input as NodeInput).at,
      ...moneyAndOpex(input, path, vc, check),
      country: input.country ?? '',
      co2GPerT: isLink ? linkCo2(input as LinkInput, path, check) : 0,
    });
  });
  return { elements, constraints, index, classes };
}

/** `cost_per_t` + `cost_per_tkm` × `length_km` per year, USD/t (0 when neither is given). */
function elementMoney(input: NodeInput | LinkInput, path: (string | number)[], vc: ValueContext | undefined, check: Checker): number[] {
  const years = vc?.years ?? 0;
  const out = yearArray(years);
  const perT = input.cost_per_t === undefined ? undefined : check.value(vc, [...path, 'cost_per_t'], input.cost_per_t, 'usd_per_t');
  if (perT) for (let y = 0; y < years; y++) out[y]! += perT[y]!;
  const link = input as LinkInput;
  if (link.cost_per_tkm !== undefined) {
    if (link.length_km === undefined) {
      check.report([...path, 'cost_per_tkm'], 'a cost per tonne-km needs the link’s `length_km`', { hint: 'add length_km, or give the money per tonne as cost_per_t' });
    } else {
      // USD per tonne-km as a bare number (a money per mass per length has no unit kind of its own).
      const perTkm = check.value(vc, [...path, 'cost_per_tkm'], link.cost_per_tkm, 'usd_per_t');
      if (perTkm) for (let y = 0; y < years; y++) out[y]! += perTkm[y]! * link.length_km;
    }
  }
  return out;
}

/** Its money per tonne, and its opex per tonne (default: the money, no producers' surplus). */
function moneyAndOpex(input: NodeInput | LinkInput, path: (string | number)[], vc: ValueContext | undefined, check: Checker): { money: number[]; opexPerT: number[] } {
  const money = elementMoney(input, path, vc, check);
  const opex = input.opex_per_t === undefined ? undefined : check.value(vc, [...path, 'opex_per_t'], input.opex_per_t, 'usd_per_t');
  return { money, opexPerT: opex ?? money };
}

/** g CO₂ per tonne passing a link: co2_g_per_tkm × length_km. */
function linkCo2(link: LinkInput, path: (string | number)[], check: Checker): number {
  if (link.co2_g_per_tkm === undefined) return 0;
  if (link.length_km === undefined) {
    check.report([...path, 'co2_g_per_tkm'], 'emissions per tonne-km need the link’s `length_km`', { hint: 'add length_km (the distance the factor applies to)' });
    return 0;
  }
  return link.co2_g_per_tkm * link.length_km;
}

function linkEnd(
  link: LinkInput,
  key: 'from' | 'to',
  path: (string | number)[],
  index: Map<string, number>,
  nodeIds: string[],
  allIds: ReadonlySet<string>,
  check: Checker,
): number {
  const id = link[key];
  const i = index.get(id);
  // An element whose own keys are invalid (reported there) is still known by its id.
  if (i === undefined && allIds.has(id)) return -1;
  if (i === undefined || !nodeIds.includes(id)) {
    const what = i === undefined ? 'unknown node' : 'not a node (it is a link)';
    check.report([...path, key], `${what} "${id}"`, { hint: didYouMean(id, nodeIds) });
    return -1;
  }
  return i;
}

function utilizationFactor(input: NodeInput | LinkInput, path: (string | number)[], vc: ValueContext | undefined, check: Checker): number[] | undefined {
  if (!vc) return undefined;
  const read = (key: 'max_utilization' | 'availability'): number[] | undefined => {
    if (input[key] === undefined) return yearArray(vc.years, 1);
    const v = check.value(vc, [...path, key], input[key], 'ratio');
    if (v && v.some((x) => x > 1)) {
      check.report([...path, key], `${key} must lie between 0 and 1 (got ${Math.max(...v)})`, { hint: key === 'availability' ? 'e.g. "330/365"' : 'e.g. 0.8' });
      return undefined;
    }
    return v;
  };
  const mu = read('max_utilization');
  const av = read('availability');
  if (!mu || !av) return undefined;
  return mu.map((m, y) => m * av[y]!);
}

function reportRemoveWithoutBase(s: ScenarioInput, check: Checker): void {
  for (const key of ['nodes', 'links', 'projects', 'events', 'flows'] as const) {
    (s[key] as { remove?: true }[]).forEach((item, i) => {
      // `--set projects.ID.remove=true` is how a what-if takes a project out (the explorer's switch): no warning.
      const path = [...itemPath(key, item, i), 'remove'];
      if (item.remove && !check.fromOverride(path)) check.warn(path, '`remove: true` has no effect in a file without `extends`; the element is ignored');
    });
  }
}
