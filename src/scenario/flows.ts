// Flows and their routes → index-based flows, with every route checked as a
// connected path whose elements admit the flow's cargo class.
import type { FlowModel, RouteModel } from '../engine/model.js';
import type { ValueContext } from '../units/values.js';
import { byId, type Checker } from './checker.js';
import { TOTAL, type ElementTables } from './elements.js';
import { didYouMean } from './problems.js';
import type { FlowInput, ScenarioInput } from './schema.js';
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

/** The flows with their demand per year, on a plan whose routes are all valid. */
export function buildFlows(s: ScenarioInput, vc: ValueContext | undefined, plan: FlowPlan, check: Checker): FlowModel[] {
  const flows: FlowModel[] = [];
  for (const { input, path, cargo, order } of plan.flows) {
    const demand = check.item(input, [plan], vc, (vc, check) => check.value(vc, [...path, 'demand'], input.demand, 'volume'));
    if (!demand) continue;
    flows.push({
      id: input.id,
      name: input.name ?? input.id,
      cargo,
      demand,
      allocation: input.allocation ?? s.defaults?.allocation ?? 'spill',
      unserved: input.unserved ?? s.defaults?.unserved ?? 'lost',
      routes: order,
    });
  }
  return flows;
}

function endpoint(input: FlowInput, key: 'origin' | 'destination', path: Path, tables: ElementTables, allIds: Set<string>, check: Checker): number {
  const i = tables.index.get(input[key]);
  if (i !== undefined && tables.elements[i]!.kind === 'node') return i;
  if (i !== undefined || !allIds.has(input[key])) {
    const nodes = [...tables.elements.filter((e) => e.kind === 'node').map((e) => e.id), ...[...allIds].filter((id) => !tables.index.has(id))];
    check.report([...path, key], `${i === undefined ? 'unknown node' : 'not a node'} "${input[key]}"`, { hint: didYouMean(input[key], nodes) });
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
    out.push({ id: route.id, flow, elements: elements.map(([e]) => e), constraints, costPerT: route.cost_per_t, share: route.share });
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
  // Written ids that failed their own checks are candidates too: "did you mean" must not skip `rail-2` because its capacity is bad.
  const links = () => [...new Set([...tables.elements.filter((e) => e.kind === 'link').map((e) => e.id), ...[...allIds].filter((id) => !tables.index.has(id))])];
  const out: [number, number][] = [];
  let at = origin;
  let ok = true;
  via.forEach((id, v) => {
    const e = tables.index.get(id);
    const el = e === undefined ? undefined : tables.elements[e]!;
    if (!el || el.kind !== 'link') {
      if (!allIds.has(id) || el) check.report([...rpath, 'via', v], `${el ? 'not a link' : 'unknown link'} "${id}"`, { hint: didYouMean(id, links()) });
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
