// Reads a scenario file and the chain of files it `extends`, merging them into
// one tree of plain values ("as written"), with positions kept for every key.
import path from 'node:path';
import { isDescribedParam } from './params.js';
import { formatPath, type Problem } from './problems.js';
import { ScenarioSchema } from './schema.js';
import { parseSource, problemAt, type Located, type Positions } from './source.js';

export interface SourceFile {
  path: string;
  text: string;
}

export interface LoadedSource {
  /** The merged tree, not yet checked against the schema. */
  raw: unknown;
  positions: Positions;
  /** Every file read, base files first. */
  files: SourceFile[];
  problems: Problem[];
  /** The file named on the command line. */
  file: string;
}

export type ReadText = (file: string) => string;

/** Loads `file` and its `extends` chain. `readText` throws on a missing file. */
export function loadSource(file: string, readText: ReadText): LoadedSource {
  const positions: Positions = new WeakMap();
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  const raw = loadChain(file, readText, positions, files, problems, []);
  if (isObject(raw)) delete raw.extends;
  return { raw, positions, files, problems, file };
}

function loadChain(
  file: string,
  readText: ReadText,
  positions: Positions,
  files: SourceFile[],
  problems: Problem[],
  stack: string[],
): unknown {
  const isBase = stack.length > 0;
  // A base is named by a shared file: refuse one that is not a scenario before
  // reading it, and never quote what a non-scenario holds (a secret, a system file).
  if (isBase && !SCENARIO_EXTENSION.test(file)) throw new NotAScenario('it is not a .yaml, .yml or .json file');
  const text = readText(file);
  const parsed = parseSource(text, file, positions);
  if (isBase && parsed.value !== undefined && !looksLikeScenario(parsed.value)) throw new NotAScenario('none of its top-level keys is a scenario key');
  problems.push(...parsed.problems);
  if (parsed.value === undefined) return undefined;
  const own = parsed.value;
  if (!isObject(own) || typeof own.extends !== 'string') {
    files.push({ path: file, text });
    return own;
  }
  const baseFile = path.isAbsolute(own.extends) ? own.extends : path.join(path.dirname(file), own.extends);
  const at = (message: string, hint?: string) => problemAt(own, positions, file, ['extends'], message, hint ? { hint } : {});
  let base: unknown;
  if (stack.includes(path.resolve(baseFile)) || path.resolve(baseFile) === path.resolve(file)) {
    const chain = [...stack, path.resolve(file), path.resolve(baseFile)].map((p) => path.relative(process.cwd(), p) || p);
    problems.push(at(`extends cycle: ${chain.join(' → ')}`, 'remove `extends` from one of these files'));
  } else {
    try {
      base = loadChain(baseFile, readText, positions, files, problems, [...stack, path.resolve(file)]);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' || code === 'EPERM' ? 'no permission' : (err as Error).message;
      problems.push(at(`cannot read base scenario "${baseFile}": ${reason}`, 'the path is relative to this file'));
    }
  }
  files.push({ path: file, text });
  if (!isObject(base)) return own;
  return merge(base, own, positions, file, problems, []);
}

const SCENARIO_EXTENSION = /\.(ya?ml|json)$/i;
const SCENARIO_KEYS = new Set(Object.keys(ScenarioSchema.shape));

/** A base that is not a scenario: refused whole, with nothing of its content in the message. */
class NotAScenario extends Error {}

/** A map with at least one scenario key: its own problems may quote it. */
function looksLikeScenario(value: unknown): boolean {
  return isObject(value) && Object.keys(value).some((k) => SCENARIO_KEYS.has(k));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isElementList(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.every((item) => isObject(item) && typeof item.id === 'string');
}

/**
 * Deep merge of `over` onto `base`: maps merge key by key, lists of elements
 * merge by `id` (an element with `remove: true` removes the base's), anything
 * else in `over` replaces the base's value.
 */
function merge(base: unknown, over: unknown, positions: Positions, file: string, problems: Problem[], keyPath: (string | number)[]): unknown {
  if (isObject(base) && isObject(over)) {
    const out: Record<string, unknown> = {};
    const located = emptyLocated(positions.get(over) ?? positions.get(base));
    copyEntries(out, base, positions.get(base), located);
    for (const [key, value] of Object.entries(over)) {
      const described = keyPath.length === 1 && keyPath[0] === 'params' && isDescribedParam(base[key]) && typeof value === 'number';
      out[key] = described ? describedValue(base[key] as Record<string, unknown>, value, positions, positions.get(over), key) : key in base ? merge(base[key], value, positions, file, problems, [...keyPath, key]) : value;
      copyPosition(located, positions.get(over), key, key);
    }
    positions.set(out, located);
    return out;
  }
  if (isElementList(base) && isElementList(over) && over.length > 0) {
    return mergeById(base, over, positions, file, problems, keyPath);
  }
  return over;
}

function mergeById(
  base: Record<string, unknown>[],
  over: Record<string, unknown>[],
  positions: Positions,
  file: string,
  problems: Problem[],
  keyPath: (string | number)[],
): unknown[] {
  const items: { value: unknown; from: Located | undefined; index: number }[] = base.map((value, index) => ({ value, from: positions.get(base), index }));
  over.forEach((item, index) => {
    const at = items.findIndex((x) => (x.value as Record<string, unknown>).id === item.id);
    if (item.remove === true) {
      if (at >= 0) items.splice(at, 1);
      else {
        const message = `remove: true, but the base has no element "${String(item.id)}" at ${keyPath.join('.')}`;
        problems.push({ ...problemAt(over, positions, file, [index, 'id'], message, { hint: 'check the id' }), path: formatPath([...keyPath, index, 'id']) });
      }
      return;
    }
    if (at >= 0) items[at] = { value: merge(items[at]!.value, item, positions, file, problems, [...keyPath, index]), from: positions.get(over), index };
    else items.push({ value: item, from: positions.get(over), index });
  });
  const out = items.map((x) => x.value);
  const located = emptyLocated(positions.get(over));
  items.forEach((x, i) => copyPosition(located, x.from, x.index, i));
  positions.set(out, located);
  return out;
}

/**
 * A described param given as a bare number in a file that extends it: the
 * number is its value (positioned where it is written); description, unit
 * and range stay.
 */
function describedValue(base: Record<string, unknown>, value: number, positions: Positions, over: Located | undefined, key: string): Record<string, unknown> {
  const out = { ...base, value };
  const old = positions.get(base);
  const located: Located = { self: old?.self ?? { file: '' }, keys: new Map(old?.keys), values: new Map(old?.values) };
  copyPosition(located, over, key, 'value');
  positions.set(out, located);
  return out;
}

function emptyLocated(like: Located | undefined): Located {
  return { self: like?.self ?? { file: '' }, keys: new Map(), values: new Map() };
}

function copyEntries(out: Record<string, unknown>, from: Record<string, unknown>, located: Located | undefined, into: Located): void {
  for (const [key, value] of Object.entries(from)) {
    out[key] = value;
    copyPosition(into, located, key, key);
  }
}

function copyPosition(into: Located, from: Located | undefined, fromKey: string | number, toKey: string | number): void {
  if (!from) return;
  const k = from.keys.get(fromKey);
  const v = from.values.get(fromKey);
  if (k) into.keys.set(toKey, k);
  if (v) into.values.set(toKey, v);
}
