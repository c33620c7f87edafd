// Text → checked, normalised model: load (with extends) once, then apply
// overrides → schema → normalise, as often as a what-if needs. Problems come
// back as data.
import type { Model } from '../engine/model.js';
import { loadSource, type LoadedSource, type ReadText, type SourceFile } from './load.js';
import { normalize } from './normalize.js';
import { applyOverrides } from './overrides.js';
import { sortProblems, type Problem } from './problems.js';
import type { ScenarioInput } from './schema.js';

export interface LoadOptions {
  readText: ReadText;
  /** `--set` specs, applied in order. */
  overrides?: readonly string[];
}

export interface LoadedScenario {
  model: Model | undefined;
  input: ScenarioInput | undefined;
  files: SourceFile[];
  /** Errors and warnings, sorted by file and position. */
  problems: Problem[];
}

/** A new scenario from a loaded source and overrides; the source is not changed. */
export function buildScenario(source: LoadedSource, overrides: readonly string[] = [], label = '--set'): LoadedScenario {
  const params = paramOnly(source, overrides);
  const built = params && withParams(source, params);
  if (built) return built;
  // Other overrides, then params (a sweep or an explorer control on top of --set): the others apply
  // once per source, overrides and label, and the params go on top; overrides apply one after
  // another either way, so the tree is the same.
  const split = paramTail(source, overrides, label);
  const onTop = split && withParams(split.target, split.params);
  if (onTop) return onTop;
  const { raw, problems: overrideProblems } = applyOverrides(source.raw, source.positions, overrides, label);
  const result = normalize({ ...source, raw, problems: [...source.problems, ...overrideProblems] });
  return { model: result.model, input: result.input, files: source.files, problems: sortProblems(result.problems) };
}

/**
 * As buildScenario(source, [...overrides, ...`name=value` for each of
 * `values`], label), without writing the values as text to parse them back
 * (a Monte Carlo run's draws), and with `overrides` applied once: when they
 * set only params, the values join them; otherwise the values are params of
 * the source with the overrides applied (applied again for every run, they
 * made each run check and normalise the whole scenario). Overrides apply one
 * after another either way, so the tree is the same. A value reads back from
 * its text as itself, except −0 (text "0"), so −0 becomes 0 as it would; a
 * non-finite value, and any problem, take the text path, which says what is
 * wrong.
 */
export function buildWhatIf(source: LoadedSource, overrides: readonly string[], values: Readonly<Record<string, number>>, label = '--set'): LoadedScenario {
  if (Object.keys(values).length === 0) return buildScenario(source, overrides, label);
  const base = paramOnlyCached(source, overrides);
  // Any problem falls back to the text path with `label`, so the label of the applied overrides does not matter.
  const target = base !== undefined ? source : withOverrides(source, overrides, '--set');
  const declared = (target?.raw as { params?: Record<string, unknown> } | undefined)?.params;
  if (target && declared && Object.entries(values).every(([k, v]) => Number.isFinite(v) && k in declared)) {
    const params: Record<string, number> = { ...base };
    for (const [k, v] of Object.entries(values)) params[k] = v === 0 ? 0 : v;
    const built = withParams(target, params);
    if (built) return built;
  }
  return buildScenario(source, [...overrides, ...Object.entries(values).map(([k, v]) => `${k}=${v}`)], label);
}

/** The source with `overrides` applied, made once per source, overrides and label; undefined if applying them reports a problem. */
const overridden = new WeakMap<LoadedSource, Map<string, LoadedSource | undefined>>();
/** Sources with overrides kept per source (the explorer's switches could make many). */
const MAX_OVERRIDDEN = 16;

function withOverrides(source: LoadedSource, overrides: readonly string[], label: string): LoadedSource | undefined {
  let memo = overridden.get(source);
  if (!memo) overridden.set(source, (memo = new Map()));
  const key = `${label}\0${overrides.join('\0')}`;
  if (!memo.has(key)) {
    if (memo.size >= MAX_OVERRIDDEN) memo.clear();
    const { raw, problems } = applyOverrides(source.raw, source.positions, overrides, label);
    memo.set(key, problems.length > 0 ? undefined : { ...source, raw });
  }
  return memo.get(key);
}

/** Overrides that end in params after others: the source with the others applied, and the params; undefined otherwise. */
function paramTail(source: LoadedSource, overrides: readonly string[], label: string): { target: LoadedSource; params: Record<string, number> } | undefined {
  let k = overrides.length;
  while (k > 0 && PARAM_SPEC.test(overrides[k - 1]!)) k--;
  if (k === 0 || k === overrides.length) return undefined;
  const target = withOverrides(source, overrides.slice(0, k), label);
  const params = target && paramOnly(target, overrides.slice(k));
  return target && params ? { target, params } : undefined;
}

/**
 * The scenario with only params changed: the source's schema check holds, and
 * normalisation starts from it. Undefined if that has errors (the full path
 * then says where they come from).
 */
function withParams(source: LoadedSource, params: Record<string, number>): LoadedScenario | undefined {
  const result = normalize(source, params);
  if (result.problems.some((p) => p.severity === 'error')) return undefined;
  return { model: result.model, input: result.input, files: source.files, problems: sortProblems(result.problems) };
}

/** paramOnly of a source's base overrides, worked out once per source and overrides. */
const paramOnlyMemo = new WeakMap<LoadedSource, Map<string, Record<string, number> | undefined>>();

function paramOnlyCached(source: LoadedSource, overrides: readonly string[]): Record<string, number> | undefined {
  let memo = paramOnlyMemo.get(source);
  if (!memo) paramOnlyMemo.set(source, (memo = new Map()));
  const key = overrides.join('\0');
  if (!memo.has(key)) memo.set(key, overrides.length === 0 ? {} : paramOnly(source, overrides));
  return memo.get(key);
}

/** A `name=<number>` override. */
const PARAM_SPEC = /^([A-Za-z_]\w*)=(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$/i;

/** `name=<number>` overrides of params the source declares, as values; undefined if any other override. */
function paramOnly(source: LoadedSource, overrides: readonly string[]): Record<string, number> | undefined {
  const declared = (source.raw as { params?: Record<string, unknown> } | undefined)?.params;
  if (overrides.length === 0 || typeof declared !== 'object' || declared === null) return undefined;
  const out: Record<string, number> = {};
  for (const spec of overrides) {
    const m = PARAM_SPEC.exec(spec);
    if (!m || !(m[1]! in declared)) return undefined;
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export function loadScenario(file: string, options: LoadOptions): LoadedScenario {
  return buildScenario(loadSource(file, options.readText), options.overrides);
}

export { loadSource, type LoadedSource } from './load.js';
export { ScenarioError, formatProblem } from './problems.js';
export type { Problem } from './problems.js';
