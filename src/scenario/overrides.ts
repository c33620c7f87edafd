// `--set name=value` and `--set path.to.key=value` as a new tree: the objects
// along the path are copied, the rest is shared, and the new value is
// located at "--set …" so that problems with it point at the option.
import { parse as parseYaml } from 'yaml';
import { isDescribedParam } from './params.js';
import { didYouMean, type Problem } from './problems.js';
import type { Located, Positions } from './source.js';

export interface OverrideResult {
  raw: unknown;
  problems: Problem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies every override in order; reports every bad one. */
export function applyOverrides(raw: unknown, positions: Positions, specs: readonly string[], label = '--set'): OverrideResult {
  const problems: Problem[] = [];
  let tree = raw;
  for (const spec of specs) {
    const r = applyOne(tree, positions, spec, `${label} ${spec}`);
    if (typeof r === 'string') problems.push({ file: `${label} ${spec}`, severity: 'error', path: spec.split('=')[0] ?? spec, message: r });
    else tree = r;
  }
  return { raw: tree, problems };
}

/** `15%` (0.15) and a decimal comma (`0,15`) as a number, as a user types them; undefined for other text. */
export function numberLike(text: string): number | undefined {
  const m = /^\s*([-+]?\d+(?:[.,]\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m || (!m[2] && !m[1]!.includes(','))) return undefined;
  const n = Number(m[1]!.replace(',', '.'));
  return m[2] ? n / 100 : n;
}

/** The value of a `--set` spec: a percentage or decimal-comma number, else read as YAML (`2027`, `true`, `{ add: 5 }`), else the text itself. */
function parseValue(text: string): unknown {
  const n = numberLike(text);
  if (n !== undefined) return n;
  try {
    return parseYaml(text);
  } catch {
    return text;
  }
}

function applyOne(raw: unknown, positions: Positions, spec: string, where: string): unknown {
  const eq = spec.indexOf('=');
  if (eq <= 0) return `expected name=value or path.to.key=value, got "${spec}"`;
  const target = spec.slice(0, eq).trim();
  const value = parseValue(spec.slice(eq + 1));
  if (!isObject(raw)) return 'the scenario has no keys to set';
  const segments = target.split('.');
  if (segments.length === 1 && !(target in raw)) {
    const params = isObject(raw.params) ? raw.params : {};
    if (!(target in params)) {
      const hint = didYouMean(target, Object.keys(params));
      return `unknown param "${target}"${hint ? `; ${hint}` : ''} (params: ${Object.keys(params).join(', ') || 'none'})`;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `param "${target}" takes a number, got "${spec.slice(eq + 1)}" (write e.g. ${target}=0.15, ${target}=15% or ${target}=0,15)`;
    }
    // A described param keeps its description and range: --set changes its value.
    return setPath(raw, isDescribedParam(params[target]) ? ['params', target, 'value'] : ['params', target], value, positions, where);
  }
  if (segments.length === 2 && segments[0] === 'params' && isObject(raw.params) && isDescribedParam(raw.params[segments[1]!])) {
    return setPath(raw, [...segments, 'value'], value, positions, where);
  }
  return setPath(raw, segments, value, positions, where);
}

function setPath(node: unknown, segments: string[], value: unknown, positions: Positions, where: string): unknown {
  const [head, ...rest] = segments as [string, ...string[]];
  const here = { file: where };
  if (Array.isArray(node)) {
    const index = node.findIndex((item) => isObject(item) && item.id === head);
    if (index < 0) {
      const ids = node.flatMap((item) => (isObject(item) && typeof item.id === 'string' ? [item.id] : []));
      const hint = didYouMean(head, ids);
      return `no element with id "${head}"${hint ? `; ${hint}` : ''}`;
    }
    const child = rest.length === 0 ? value : setPath(node[index], rest, value, positions, where);
    if (typeof child === 'string' && rest.length > 0) return child;
    const copy = [...node];
    copy[index] = child;
    relocate(positions, node, copy, index, here, rest.length === 0);
    return copy;
  }
  if (!isObject(node)) return `cannot set "${head}": the value above it is not a mapping`;
  if (rest.length > 0 && !(head in node)) {
    const hint = didYouMean(head, Object.keys(node));
    return `no key "${head}"${hint ? `; ${hint}` : ''}`;
  }
  const child = rest.length === 0 ? value : setPath(node[head], rest, value, positions, where);
  if (typeof child === 'string' && rest.length > 0) return child;
  const copy = { ...node, [head]: child };
  relocate(positions, node, copy, head, here, rest.length === 0);
  return copy;
}

function relocate(positions: Positions, from: object, to: object, key: string | number, here: { file: string }, leaf: boolean): void {
  const old = positions.get(from);
  const located: Located = { self: old?.self ?? here, keys: new Map(old?.keys), values: new Map(old?.values) };
  if (leaf) {
    located.keys.set(key, here);
    located.values.set(key, here);
  }
  positions.set(to, located);
}

/**
 * The `--set` specs as the keys of a file that `extends` the scenario
 * (`corridor plan` writes plan.yaml so): `name=value` of a param under
 * `params`, a dotted path as nested keys, an element of a list by its id.
 * Specs are assumed valid (they were applied to `raw` first).
 */
export function overlayOf(raw: unknown, specs: readonly string[]): Record<string, unknown> {
  const overlay: Record<string, unknown> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const target = spec.slice(0, eq).trim();
    const value = parseValue(spec.slice(eq + 1));
    const segments = target.split('.');
    const path = segments.length === 1 && isObject(raw) && !(target in raw) ? ['params', target] : segments;
    let node: Record<string, unknown> = overlay;
    let under: unknown = raw;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i]!;
      const next = isObject(under) ? under[key] : undefined;
      if (Array.isArray(next) && i + 2 < path.length) {
        // The segment after a list is an element's id: its item in the overlay's list.
        const id = path[++i]!;
        const items = (node[key] ??= []) as Record<string, unknown>[];
        let item = items.find((x) => x.id === id);
        if (!item) items.push((item = { id }));
        node = item;
        under = next.find((x) => isObject(x) && x.id === id);
      } else {
        node = (node[key] ??= {}) as Record<string, unknown>;
        under = next;
      }
    }
    node[path[path.length - 1]!] = value;
  }
  return overlay;
}
