// Flows and their routes → index-based flows, with every route checked as a
// connected path whose elements admit the flow's cargo class.
import type { ChoiceFlow, ElementModel, FlowModel, RouteModel } from '../engine/model.js';
import { yearArray, type ValueContext } from '../units/values.js';
import { byId, type Checker } from './checker.js';
import { TOTAL, type ElementTables } from './elements.js';
import { didYouMean, type KeyPath } from './problems.js';
import type { FlowInput, ScenarioInput, ValueInput } from './schema.js';
import { itemPath } from './shape.js';

type Path = (string | number)[];
export const DEFAULT_CARGO = 'general';
const SHARE_TOLERANCE = 1e-6;

/** A flow's structure: everything but its demand, which is the only part that reads params. */
export interface FlowPlan {
  readonly flows: readonly { readonly input: FlowInput; readonly path: Path; readonly cargo: string; readonly order: readonly number[] }[];
  /** Every route, by flow and then id; undefined if any flow's structure is wrong (reported). */
  readonly routes: readonly RouteModel[] | undefined;
}

/** Checks every flow's endpoints, routes and shares and indexes its routes. */
export function planFlows(s: ScenarioInput, tables: ElementTables, allIds: Set<string>, check: Checker): FlowPlan {
  const located = s.flows.map((input, i) => ({ input, path: itemPath('flows', input, i) })).filter((f) => !f.input.remove);
  const seen = new Set<string>();
  const unique = located.filter(({ input, path }) => {
    if (seen.has(input.id)) check.report([...path, 'id'], `duplicate flow id "${input.id}"`);
    const fresh = !seen.has(input.id);
    seen.add(input.id);
    return fresh;
  });
  unique.sort((a, b) => byId(a.input, b.input));
  const knownClasses = new Set([DEFAULT_CARGO, ...[...tables.classes.values()].flatMap((c) => [...c])].filter((c) => c !== TOTAL));
  const flows: FlowPlan['flows'][number][] = [];
  const routes: RouteModel[] = [];
  let ok = true;
  for (const { input, path } of unique) {
    const cargo = input.cargo ?? DEFAULT_CARGO;
    if (!knownClasses.has(cargo)) {
      check.warn([...path, 'cargo'], `no element has a capacity for cargo class "${cargo}"; only total capacities apply to it`, didYouMean(cargo, [...knownClasses]));
    }
    const origin = endpoint(input, 'origin', path, tables, allIds, check);
    let destination = endpoint(input, 'destination', path, tables, allIds, check);
    if (origin >= 0 && origin === destination) {
      check.report([...path, 'destination'], `the destination is the origin "${input.origin}"`, { hint: 'a flow moves cargo between two different nodes' });
      destination = -1;
    }
    const own = buildRoutes(input, path, flows.length, cargo, origin, destination, tables, allIds, check);
    if ((input.allocation ?? s.defaults?.allocation ?? 'spill') === 'shares') checkShares(input, path, check);
    if (s.defaults?.allocation === 'choice' && !checkChoiceStructure(input, path, check)) ok = false;
    if (!own || origin < 0 || destination < 0) {
      ok = false;
      continue;
    }
    const first = routes.length;
    routes.push(...own.sort(byId));
    const order = own
      .map((r, i) => ({ r, i: first + i, listed: input.routes.findIndex((x) => x.id === r.id) }))
      .sort((a, b) => (a.r.costPerT ?? Infinity) - (b.r.costPerT ?? Infinity) || a.listed - b.listed)
      .map((x) => x.i);
    flows.push({ input, path, cargo, order });
  }
  return { flows, routes: ok ? routes : undefined };
}

/**
 * Under choice, a flow whose routes have no money and no days in any year
 * (its elements' nor its own) splits evenly: worth a warning.
 */
export function warnCostless(flows: readonly FlowModel[], routes: readonly RouteModel[], elements: readonly ElementModel[], paths: ReadonlyMap<string, Path>, check: Checker): void {
  const some = (xs: ArrayLike<number>) => Array.from(xs).some((x) => x !== 0);
  for (const f of flows) {
    if (!f.choice) continue;
    const costly = f.routes.some((r, k) => some(f.routeMoney[k]!) || some(f.routeDays[k]!) || routes[r]!.elements.some((e) => some(elements[e]!.money) || some(elements[e]!.baseDays)));
    if (!costly) check.warn(paths.get(f.id) ?? ['flows'], `no route of flow "${f.id}" has a cost (money or days): its routes split evenly`, 'give links a cost_per_t or transit_days, or routes a cost_per_t');
  }
}

/** A dependency that tells the choice build of a flow apart from its routes' costs when both are kept under the routes list. */
const CHOICE_BUILD = {};

/** The flows with their demand per year, on a plan whose routes are all valid. */
export function buildFlows(s: ScenarioInput, vc: ValueContext | undefined, plan: FlowPlan, check: Checker): FlowModel[] {
  const flows: FlowModel[] = [];
  for (const { input, path, cargo, order } of plan.flows) {
    const demand = check.item(input, [plan], vc, (vc, check) => check.value(vc, [...path, 'demand'], input.demand, 'volume'));
    if (!demand) continue;
    // Each build is kept under its own item (the memo is per item as written): the routes' costs under the routes list, choice under the nests'.
    // Without routes (a flow's structure is wrong, reported), no model is built: the flow stays for the checks that name it.
    const { routes } = plan;
    const costs = routes ? check.item(input.routes, [plan], vc, (vc, check) => routeCosts(input, path, order, routes, vc, check)) : { money: [], days: [] };
    const choosing = s.defaults?.allocation === 'choice' && routes !== undefined;
    const choice = choosing ? check.item(input.nests ?? input.routes, [plan, s.defaults, CHOICE_BUILD], vc, (vc, check) => choiceFlow(s, input, path, order, routes, vc, check)) : undefined;
    if (!costs || (choosing && !choice)) continue;
    flows.push({
      id: input.id,
      name: input.name ?? input.id,
      cargo,
      demand,
      allocation: input.allocation ?? s.defaults?.allocation ?? 'spill',
      unserved: input.unserved ?? s.defaults?.unserved ?? 'lost',
      country: input.country ?? '',
      routes: order,
      routeMoney: costs.money,
      routeDays: costs.days,
      ...(choice ? { choice } : {}),
    });
  }
  return flows;
}

/**
 * A flow's part in `allocation: choice`: its spread (its own, else
 * `defaults.spread`; positive money per mass), its nests (routes of this
 * flow, each in one nest at most, spreads in (0, s_f]). Undefined (after
 * reporting) when any is wrong.
 */
function choiceFlow(
  s: ScenarioInput, input: FlowInput, path: Path, order: readonly number[], routes: readonly RouteModel[], vc: ValueContext | undefined, check: Checker,
): ChoiceFlow | undefined {
  let ok = true;
  const spreadValue = input.spread ?? s.defaults?.spread;
  const spreadPath = input.spread !== undefined ? [...path, 'spread'] : ['defaults', 'spread'];
  if (spreadValue === undefined) {
    check.report(path, `flow "${input.id}" needs a \`spread\` under allocation: choice`, { hint: 'the cost difference, USD/t, that changes the odds of two routes e-fold; give it here or as defaults.spread' });
    return undefined;
  }
  const spread = positiveMoney(vc, check, spreadPath, spreadValue, 'spread');
  if (!spread) ok = false;
  const nests: { spread: number[]; routes: number[] }[] = [];
  const nested = new Set<number>();
  (input.nests ?? []).forEach((nest, n) => {
    const npath = [...path, 'nests', n];
    const members: number[] = [];
    // Membership was checked with the flow's structure (checkChoiceStructure).
    for (const id of nest.routes) {
      const r = order.find((i) => routes[i]!.id === id);
      if (r !== undefined && !nested.has(r)) {
        nested.add(r);
        members.push(r);
      }
    }
    const own = positiveMoney(vc, check, [...npath, 'spread'], nest.spread, 'a nest spread');
    if (own && spread) {
      const above = own.findIndex((x, y) => x > spread[y]! * (1 + 1e-12));
      if (above >= 0) {
        check.report([...npath, 'spread'], `a nest spread above its flow's (${own[above]} > ${spread[above]} USD/t in ${(vc?.startYear ?? 0) + above})`, { hint: 'a nest groups closer substitutes: 0 < nest spread ≤ the flow’s spread' });
        ok = false;
      }
    }
    if (own) nests.push({ spread: own, routes: members });
    else ok = false;
  });
  // A route in no nest is a nest of its own (its spread does not matter: one route).
  for (const r of order) if (!nested.has(r)) nests.push({ spread: spread ?? [], routes: [r] });
  if (!ok || !spread) return undefined;
  return { spread, elasticity: input.elasticity ?? 0, nests };
}

/**
 * Each route's own money (its cost_per_t, constant and off-network cost,
 * USD/t) and days (off-network), per year, in the flow's route order; in
 * every allocation mode (an off-network route's days are its transit).
 */
function routeCosts(
  input: FlowInput, path: Path, order: readonly number[], routes: readonly RouteModel[], vc: ValueContext | undefined, check: Checker,
): { money: number[][]; days: number[][] } | undefined {
  const years = vc?.years ?? 0;
  let ok = true;
  const written = (id: string) => input.routes.findIndex((r) => r.id === id);
  const money: number[][] = [];
  const days: number[][] = [];
  for (const r of order) {
    const route = input.routes[written(routes[r]!.id)]!;
    const rpath = [...path, 'routes', written(route.id)];
    const m = yearArray(years, route.cost_per_t ?? 0);
    const d = yearArray(years);
    const add = (into: number[], key: KeyPath, value: ValueInput | undefined, kind: 'usd_per_t' | 'usd_per_t_signed' | 'days') => {
      if (value === undefined) return;
      const v = check.value(vc, key, value, kind);
      if (!v) ok = false;
      else for (let y = 0; y < years; y++) into[y]! += v[y]!;
    };
    add(m, [...rpath, 'constant'], route.constant, 'usd_per_t_signed');
    add(m, [...rpath, 'off_network', 'cost_per_t'], route.off_network?.cost_per_t, 'usd_per_t');
    add(d, [...rpath, 'off_network', 'transit_days'], route.off_network?.transit_days, 'days');
    money.push(m);
    days.push(d);
  }
  return ok ? { money, days } : undefined;
}

/** Under choice: no flow-level allocation; nests name routes of the flow, each route in one nest at most. */
function checkChoiceStructure(input: FlowInput, path: Path, check: Checker): boolean {
  let ok = true;
  if (input.allocation !== undefined) {
    check.report([...path, 'allocation'], `a flow-level allocation ("${input.allocation}") in a choice scenario`, { hint: '`defaults.allocation: choice` applies to every flow; remove this key' });
    ok = false;
  }
  const ids = input.routes.map((r) => r.id);
  const nested = new Set<string>();
  (input.nests ?? []).forEach((nest, n) => {
    nest.routes.forEach((id, k) => {
      const at = [...path, 'nests', n, 'routes', k];
      if (!ids.includes(id)) check.report(at, `"${id}" is not a route of flow "${input.id}"`, { hint: didYouMean(id, ids) });
      else if (nested.has(id)) check.report(at, `route "${id}" is already in another nest`, { hint: 'each route is in one nest at most' });
      else {
        nested.add(id);
        return;
      }
      ok = false;
    });
  });
  return ok;
}

/** A money per mass that must be > 0 in every year (a spread). */
function positiveMoney(vc: ValueContext | undefined, check: Checker, path: KeyPath, value: ValueInput, what: string): number[] | undefined {
  // Read with either sign, so that a negative spread gets the message below, not a generic one.
  const v = check.value(vc, path, value, 'usd_per_t_signed');
  if (!v) return undefined;
  const bad = v.findIndex((x) => !(x > 0));
  if (bad >= 0) {
    check.report(path, `${what} must be a positive money per mass (got ${v[bad]} USD/t in ${(vc?.startYear ?? 0) + bad})`, { hint: 'e.g. 20 (USD/t) or "20 USD/t"' });
    return undefined;
  }
  return v;
}

/**
 * Ids a "did you mean" may offer for a node or a link: those of the kind, and
 * written ids that failed their own checks (a bad capacity must not make
 * `rail2` suggest `rail-1` when `rail-2` is meant).
 */
function suggestions(kind: 'node' | 'link', tables: ElementTables, allIds: ReadonlySet<string>): string[] {
  return [...tables.elements.filter((e) => e.kind === kind).map((e) => e.id), ...[...allIds].filter((id) => !tables.index.has(id))];
}

function endpoint(input: FlowInput, key: 'origin' | 'destination', path: Path, tables: ElementTables, allIds: Set<string>, check: Checker): number {
  const i = tables.index.get(input[key]);
  if (i !== undefined && tables.elements[i]!.kind === 'node') return i;
  if (i !== undefined || !allIds.has(input[key])) {
    check.report([...path, key], `${i === undefined ? 'unknown node' : 'not a node'} "${input[key]}"`, { hint: didYouMean(input[key], suggestions('node', tables, allIds)) });
  }
  return -1;
}

function buildRoutes(
  input: FlowInput,
  path: Path,
  flow: number,
  cargo: string,
  origin: number,
  destination: number,
  tables: ElementTables,
  allIds: Set<string>,
  check: Checker,
): RouteModel[] | undefined {
  const out: RouteModel[] = [];
  const ids = new Set<string>();
  let ok = true;
  input.routes.forEach((route, r) => {
    const rpath = [...path, 'routes', r];
    if (ids.has(route.id)) {
      check.report([...rpath, 'id'], `duplicate route id "${route.id}" in flow "${input.id}"`);
      ok = false;
    }
    ids.add(route.id);
    if (route.off_network || !route.via) {
      if (route.off_network && route.via) check.report([...rpath, 'via'], 'an off-network route has no `via`', { hint: 'off_network stands for the whole way; remove via, or remove off_network to route it over links' });
      else if (route.off_network) {
        const ordering = route.cost_per_t ?? (typeof route.off_network.cost_per_t === 'number' ? route.off_network.cost_per_t : undefined);
        const co2GPerT = (route.off_network.co2_kg_per_t ?? 0) * 1000;
        out.push({ id: route.id, flow, elements: [], constraints: [], costPerT: ordering, share: route.share, offNetwork: true, co2GPerT });
        return;
      }
      // Neither via nor off_network: reported with the schema (shape.ts, checkRouteWays).
      ok = false;
      return;
    }
    const elements = routeElements(route.via, rpath, origin, destination, tables, allIds, check);
    if (!elements) {
      ok = false;
      return;
    }
    const constraints: number[] = [];
    for (const [e, viaIndex] of elements) {
      const el = tables.elements[e]!;
      const classes = tables.classes.get(e)!;
      if (classes.size > 0 && !classes.has(TOTAL) && !classes.has(cargo)) {
        check.report([...rpath, 'via', viaIndex], `${el.kind} "${el.id}" admits only ${[...classes].join(', ')}, not cargo "${cargo}"`, {
          hint: `add a \`total\` or a \`${cargo}\` capacity to "${el.id}", or route the flow elsewhere`,
        });
        ok = false;
      }
      constraints.push(...el.constraints.filter((c) => [TOTAL, cargo].includes(tables.constraints[c]!.cargo)));
    }
    const co2GPerT = elements.reduce((g, [e]) => g + tables.elements[e]!.co2GPerT, 0);
    out.push({ id: route.id, flow, elements: elements.map(([e]) => e), constraints, costPerT: route.cost_per_t, share: route.share, offNetwork: false, co2GPerT });
  });
  return ok ? out : undefined;
}

/**
 * The elements a route passes through, each once, in path order, paired with
 * the `via` index that brings it in; undefined (after reporting) if the links
 * do not form a connected path from origin to destination.
 */
function routeElements(
  via: string[],
  rpath: Path,
  origin: number,
  destination: number,
  tables: ElementTables,
  allIds: Set<string>,
  check: Checker,
): [number, number][] | undefined {
  const out: [number, number][] = [];
  let at = origin;
  let ok = true;
  via.forEach((id, v) => {
    const e = tables.index.get(id);
    const el = e === undefined ? undefined : tables.elements[e]!;
    if (!el || el.kind !== 'link') {
      if (!allIds.has(id) || el) check.report([...rpath, 'via', v], `${el ? 'not a link' : 'unknown link'} "${id}"`, { hint: didYouMean(id, suggestions('link', tables, allIds)) });
      ok = false;
      return;
    }
    if (el.from < 0 || el.to < 0) {
      ok = false;
      return;
    }
    if (ok && at >= 0 && el.from !== at) {
      const here = tables.elements[at]!.id;
      check.report([...rpath, 'via', v], `link "${id}" starts at "${tables.elements[el.from]?.id}", but the route is at "${here}"`, {
        hint: `routes must be connected paths; add a link from "${here}"`,
      });
      ok = false;
    }
    const again = out.find(([x]) => x === e);
    if (again) {
      check.report([...rpath, 'via', v], `the route uses link "${id}" twice (via[${again[1]}] and via[${v}])`, { hint: 'a route is a path that uses each link once' });
      ok = false;
      return;
    }
    if (!out.some(([x]) => x === el.from)) out.push([el.from, v]);
    out.push([e!, v]);
    if (!out.some(([x]) => x === el.to)) out.push([el.to, v]);
    at = el.to;
  });
  if (ok && at >= 0 && destination >= 0 && at !== destination) {
    check.report([...rpath, 'via', via.length - 1], `the route ends at "${tables.elements[at]!.id}", not at the destination "${tables.elements[destination]!.id}"`);
    ok = false;
  }
  return ok && origin >= 0 && destination >= 0 ? out : undefined;
}

function checkShares(input: FlowInput, path: Path, check: Checker): void {
  const missing = input.routes.findIndex((r) => r.share === undefined);
  if (missing >= 0) {
    check.report([...path, 'routes', missing], `route "${input.routes[missing]!.id}" needs a \`share\` under allocation: shares`);
    return;
  }
  const sum = input.routes.reduce((acc, r) => acc + r.share!, 0);
  if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
    check.report([...path, "routes"], `route shares sum to ${+sum.toFixed(9)}, not 1`);
  }
}
