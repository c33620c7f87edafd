// Checks the tree as written against the schema. Reports every issue, and
// keeps what is valid (element by element) so that the cross-reference checks
// can still run and report their problems in the same pass.
import type { z } from 'zod';
import type { Checker } from './checker.js';
import { didYouMean } from './problems.js';
import {
  DefaultsSchema, EventSchema, ParamSchema, FlowSchema, LinkSchema, NodeSchema, OutputSchema, PlanningSchema, ProjectSchema, RouteSchema, ScenarioSchema, TargetSchema,
  type ScenarioInput,
} from './schema.js';

const LISTS = { nodes: NodeSchema, links: LinkSchema, projects: ProjectSchema, events: EventSchema, flows: FlowSchema, targets: TargetSchema } as const;
type ListKey = keyof typeof LISTS;

/** Known keys by path pattern (indices as `#`), for "did you mean" on unknown keys. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(ScenarioSchema.shape),
  years: ['start', 'end'],
  defaults: Object.keys(DefaultsSchema.shape),
  output: Object.keys(OutputSchema.shape),
  planning: Object.keys(PlanningSchema.shape),
  'targets.#': Object.keys(TargetSchema.shape),
  'nodes.#': Object.keys(NodeSchema.shape),
  'links.#': Object.keys(LinkSchema.shape),
  'projects.#': Object.keys(ProjectSchema.shape),
  'events.#': Object.keys(EventSchema.shape),
  'flows.#': Object.keys(FlowSchema.shape),
  'flows.#.routes.#': Object.keys(RouteSchema.shape),
  'projects.#.effect': ['multiply', 'add', 'set'],
  'events.#.effect': ['multiply', 'add', 'set'],
};

/** Index of each parsed list item in the list as written (kept when invalid items are dropped). */
const writtenIndex = new WeakMap<object, number>();

/** Key path of a list item as written, e.g. `['flows', 3]`. */
export function itemPath(list: string, item: object, fallback: number): (string | number)[] {
  return [list, writtenIndex.get(item) ?? fallback];
}

export interface ShapeResult {
  scenario: ScenarioInput | undefined;
  /** Ids of elements, including ones whose other keys were invalid. */
  allIds: Set<string>;
}

export function checkShape(raw: unknown, check: Checker): ShapeResult {
  const allIds = new Set<string>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    check.report([], 'a scenario must be a mapping of keys (name, years, nodes, links, flows, …)');
    return { scenario: undefined, allIds };
  }
  const top = raw as Record<string, unknown>;
  for (const key of ['nodes', 'links'] as const) {
    for (const item of Array.isArray(top[key]) ? (top[key] as unknown[]) : []) {
      const id = (item as Record<string, unknown> | null)?.id;
      if (typeof id === 'string') allIds.add(id);
    }
  }
  checkRouteWays(top, check);
  const full = ScenarioSchema.safeParse(raw);
  if (full.success) {
    for (const key of Object.keys(LISTS) as ListKey[]) full.data[key].forEach((item, i) => writtenIndex.set(item, i));
    return { scenario: full.data, allIds };
  }
  for (const issue of full.error.issues) reportIssue(issue, check);
  return { scenario: partial(top), allIds };
}

/** Every route needs `via` or `off_network` (the schema has both optional: a refinement would stop overlays' `.partial()`). */
function checkRouteWays(top: Record<string, unknown>, check: Checker): void {
  (Array.isArray(top.flows) ? top.flows : []).forEach((flow, f) => {
    const routes = isRecord(flow) && Array.isArray(flow.routes) ? flow.routes : [];
    routes.forEach((route, r) => {
      if (isRecord(route) && route.via === undefined && route.off_network === undefined && route.remove !== true) {
        check.report(['flows', f, 'routes', r, 'via'], 'missing required key "via" (link ids; or `off_network` for a route off the network)');
      }
    });
  });
}

function partial(top: Record<string, unknown>): ScenarioInput | undefined {
  // Each top-level key on its own: a bad `description` must not take `params` down with it.
  const base: Record<string, unknown> = { name: typeof top.name === 'string' ? top.name : 'scenario' };
  for (const [key, schema] of Object.entries(ScenarioSchema.shape)) {
    if (key in LISTS) continue;
    // One bad param must not take the others down with it (their names would then read as unknown).
    const value = key === 'params' && isRecord(top.params) ? Object.fromEntries(Object.entries(top.params).filter(([, v]) => ParamSchema.safeParse(v).success)) : top[key];
    const r = (schema as z.ZodType).safeParse(value);
    if (r.success && r.data !== undefined) base[key] = r.data;
  }
  if (!base.years) return undefined;
  const lists = {} as { [K in ListKey]: z.output<(typeof LISTS)[K]>[] };
  for (const key of Object.keys(LISTS) as ListKey[]) {
    const items = Array.isArray(top[key]) ? (top[key] as unknown[]) : [];
    const schema = LISTS[key] as z.ZodType;
    (lists as Record<string, unknown[]>)[key] = items.flatMap((item, i) => {
      const r = schema.safeParse(item);
      if (!r.success) return [];
      writtenIndex.set(r.data as object, i);
      return [r.data];
    });
  }
  return { ...base, ...lists } as ScenarioInput;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every name the file writes, valid or not: ids of nodes, links, flows,
 * projects, events and targets, and param names. A later problem that calls
 * one of them unknown only follows from the problem that made it invalid.
 */
export function writtenNames(raw: unknown): Set<string> {
  const names = new Set<string>();
  if (!isRecord(raw)) return names;
  for (const key of Object.keys(LISTS)) {
    for (const item of Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []) {
      if (isRecord(item) && typeof item.id === 'string') names.add(item.id);
    }
  }
  if (isRecord(raw.params)) for (const name of Object.keys(raw.params)) names.add(name);
  return names;
}

function pattern(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === 'number' ? '#' : String(k))).join('.');
}

function reportIssue(issue: z.core.$ZodIssue, check: Checker): void {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = KNOWN_KEYS[pattern(path)] ?? [];
    for (const key of issue.keys) {
      check.report([...path, key], `unknown key "${key}"`, {
        atKey: true,
        hint: didYouMean(key, known) ?? (known.length ? `allowed keys: ${known.join(', ')}` : undefined),
      });
    }
    return;
  }
  if (issue.code === 'invalid_union') {
    const last = path[path.length - 1];
    const message = path[0] === 'uncertainty'
      ? 'a distribution needs `dist`: uniform, triangular, normal, lognormal, pert or discrete, with its keys (see docs/format.md)'
      : path[0] === 'params' && path.length === 2
        ? 'a param is a number, or { value, description, unit, min, max } with a number as its value'
      : last === 'effect'
        ? 'an effect needs exactly one of `multiply`, `add` or `set`'
        : 'expected a number, a quantity or expression in quotes, or a yearly series { 2024: 4.48, … }';
    check.report(path, message);
    return;
  }
  const atKey = path.findIndex((k) => k === 'at');
  if (path[0] === 'nodes' && atKey === 2) {
    check.report(path.slice(0, 3), '`at` is [longitude, latitude] in decimal degrees: two numbers, longitude in [−180, 180], latitude in [−90, 90]', {
      hint: 'e.g. at: [51.17, 43.65] for Aktau',
    });
    return;
  }
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    check.report(path, `missing required key "${String(path[path.length - 1])}"`);
    return;
  }
  check.report(path, issue.message.replace(/^Invalid input: /, ''));
}
