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
  // Params last (a sweep, a Monte Carlo run, an explorer control, on top of --set or not): see paramsOnTop.
  let k = overrides.length;
  while (k > 0 && PARAM_SPEC.test(overrides[k - 1]!)) k--;
  const tail = overrides.slice(k).map((spec) => PARAM_SPEC.exec(spec)!);
  const params = Object.fromEntries(tail.map((m) => [m[1]!, Number(m[2])]));
  const built = tail.length > 0 && paramsOnTop(source, overrides.slice(0, k), params, label);
  if (built) return built;
  const { raw, problems: overrideProblems } = applyOverrides(source.raw, source.positions, overrides, label);
  const result = normalize({ ...source, raw, problems: [...source.problems, ...overrideProblems] });
  return { model: result.model, input: result.input, files: source.files, problems: sortProblems(result.problems) };
}

/**
 * As buildScenario(source, [...overrides, ...`name=value` for each of
 * `values`], label), without writing the values as text to parse them back
 * (a Monte Carlo run's draws). A value reads back from its text as itself,
 * except −0 (text "0"), so −0 becomes 0 as it would; a non-finite value, and
 * any problem, take the text path, which says what is wrong (so the label
 * of the overrides applied once does not matter: '--set', shared by all runs).
 */
export function buildWhatIf(source: LoadedSource, overrides: readonly string[], values: Readonly<Record<string, number>>, label = '--set'): LoadedScenario {
  const params: Record<string, number> = {};
  let finite = true;
  let any = false;
  for (const k in values) {
    const v = values[k]!;
    params[k] = v === 0 ? 0 : v;
    finite &&= Number.isFinite(v);
    any = true;
  }
  const built = finite && any && paramsOnTop(source, overrides, params, '--set');
  return built || buildScenario(source, [...overrides, ...Object.entries(values).map(([k, v]) => `${k}=${v}`)], label);
}

/**
 * The scenario with `params` set after `overrides`, without applying either
 * as text each time: overrides that set only params join `params`; others
 * apply once per source, overrides and label (a derived source) and the
 * params go on top of it — overrides apply one after another either way, so
 * the tree is the same. Undefined where the text path must decide: a param
 * not declared, a problem with the overrides, an error.
 */
function paramsOnTop(source: LoadedSource, overrides: readonly string[], params: Record<string, number>, label: string): LoadedScenario | undefined {
  const base = paramOnly(source, overrides);
  const target = base !== undefined ? source : withOverrides(source, overrides, label);
  const declared = (target?.raw as { params?: Record<string, unknown> } | undefined)?.params;
  if (!target || typeof declared !== 'object' || declared === null || !Object.keys(params).every((k) => k in declared)) return undefined;
  return withParams(target, { ...base, ...params });
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

/** A `name=<number>` override. */
const PARAM_SPEC = /^([A-Za-z_]\w*)=(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$/i;

/** `name=<number>` overrides of params the source declares, as values ({} for none); undefined if any other override. */
function paramOnly(source: LoadedSource, overrides: readonly string[]): Record<string, number> | undefined {
  const declared = (source.raw as { params?: Record<string, unknown> } | undefined)?.params;
  const out: Record<string, number> = {};
  for (const spec of overrides) {
    const m = PARAM_SPEC.exec(spec);
    if (!m || typeof declared !== 'object' || declared === null || !(m[1]! in declared)) return undefined;
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
