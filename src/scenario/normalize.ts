// Scenario as written → the read-only, index-based model the engine runs on.
// Stages: shape (schema) → units and params → elements → projects and events
// → flows and routes. Every stage reports into one list of problems.
import type { ElementModel, FlowModel, Model, ProjectModel, VolumeUnit } from '../engine/model.js';
import { ALLOWED_CONSTANTS, ALLOWED_FUNCTIONS, createMathContext, type MathContext } from '../units/math.js';
import { SERIES_BASE, SERIES_BASE_YEAR, TIME_VARIABLE, type ValueContext } from '../units/values.js';
import { buildEvents, buildProjects } from './changes.js';
import { Checker, type Build } from './checker.js';
import { buildEconomics } from './economics.js';
import { buildElements } from './elements.js';
import { buildFlows, planFlows, warnCostless } from './flows.js';
import type { LoadedSource } from './load.js';
import type { Problem } from './problems.js';
import type { ScenarioInput } from './schema.js';
import { checkShape, writtenNames } from './shape.js';
import { buildTargets, readPlanning } from './targets.js';
import { paramMeta, rangeProblem, type ParamMeta } from './params.js';
import { buildUncertainty } from './uncertainty.js';

const RESERVED = new Set<string>([TIME_VARIABLE, SERIES_BASE, SERIES_BASE_YEAR, ...ALLOWED_CONSTANTS, ...ALLOWED_FUNCTIONS]);

export interface Normalized {
  model: Model | undefined;
  /** The scenario as written, after the schema check (for manifests and docs). */
  input: ScenarioInput | undefined;
  problems: Problem[];
}

/** Every country code that an element, a flow or a project's cost share names, sorted. */
function countriesOf(elements: readonly ElementModel[], flows: readonly FlowModel[], projects: readonly ProjectModel[]): string[] {
  const all = [...elements.map((e) => e.country), ...flows.map((f) => f.country), ...projects.flatMap((p) => Object.keys(p.costShares ?? {}))];
  return [...new Set(all.filter((c) => c !== ''))].sort();
}

export function normalize(source: LoadedSource, paramValues?: Readonly<Record<string, number>>): Normalized {
  const check = new Checker(source.raw, source.positions, source.file);
  check.problems.push(...source.problems);
  if (source.raw === undefined) return { model: undefined, input: undefined, problems: check.problems };
  const shape = paramValues ? checkedShape(source, check) : checkShape(source.raw, check);
  if (!shape.scenario) return { model: undefined, input: undefined, problems: check.problems };
  const s = paramValues ? { ...shape.scenario, params: { ...shape.scenario.params, ...paramValues } } : shape.scenario;
  const { allIds } = shape;
  // Problems after this point that only follow from a schema error are dropped (dropFollowOns).
  const afterShape = check.problems.length;
  const schemaErrors = check.problems.filter((p) => p.severity === 'error').length;
  if (s.years.end < s.years.start) {
    check.report(['years', 'end'], `end (${s.years.end}) is before start (${s.years.start})`);
  }
  const math = buildMath(s, check);
  const meta = paramMeta(source.raw);
  const params = checkParams(s, math, check, meta);
  const vc: ValueContext | undefined =
    s.years.end >= s.years.start ? { math, params, startYear: s.years.start, years: s.years.end - s.years.start + 1 } : undefined;
  // A param-only what-if reuses the stages whose inputs and params read are unchanged.
  const stage = stageRunner(paramValues ? stagesOf(source) : undefined, vc, check);
  const tables = stage('elements', [s.years], (v, c) => buildElements(s, v, allIds, c));
  const { projects, candidates } = stage('projects', [tables], (v, c) => buildProjects(s, v, tables, allIds, c));
  const events = stage('events', [tables], (v, c) => buildEvents(s, v, tables, allIds, c));
  const plan = stage('routes', [tables], (_, c) => planFlows(s, tables, allIds, c));
  const flows = stage('flows', [plan], (v, c) => buildFlows(s, v, plan, c));
  if (s.defaults?.allocation === 'choice' && plan.routes) warnCostless(flows, plan.routes, tables.elements, new Map(plan.flows.map((f) => [f.input.id, f.path])), check);
  // By the flow plan (ids, in model order), not the flows: a what-if that redraws demand reuses the targets.
  const targets = stage('targets', [plan], (v, c) => buildTargets(s, v, plan.flows.map((f) => f.input.id), c));
  const planning = readPlanning(s, check);
  const network = { emits: plan.routes?.some((r) => r.co2GPerT > 0) ?? false, countries: countriesOf(tables.elements, flows, [...projects, ...candidates]) };
  const economics = stage('economics', [flows, projects, candidates, s.economics, planning.baseYear, network.emits, network.countries.join()], (v, c) =>
    buildEconomics(s, v, flows, [...projects, ...candidates], planning.baseYear, c, network),
  );
  const volumeUnit = stage('volume unit', [math, s.output?.volume_unit], (_, c) => readVolumeUnit(s, math, c));
  // It reads which params there are (compared as text), not their values.
  const uncertainty = stage('uncertainty', [s.uncertainty, [...params.keys()].join()], (_, c) => buildUncertainty(s, params, c, meta));
  if (schemaErrors > 0) dropFollowOns(check, afterShape, writtenNames(source.raw));
  const routes = plan.routes;
  if (check.failed || !vc || !volumeUnit || !routes) return { model: undefined, input: s, problems: check.problems };
  const model: Model = {
    name: s.name,
    startYear: vc.startYear,
    years: vc.years,
    params: record(params),
    elements: tables.elements,
    constraints: tables.constraints,
    projects,
    candidates,
    events,
    flows,
    routes,
    volumeUnit,
    // Given in the volume unit of the tables; kept in Mt/year like every volume.
    choiceReference: (s.choice?.reference_year ?? s.years.start) - s.years.start,
    unservedThreshold: s.output?.unserved_threshold !== undefined ? s.output.unserved_threshold / volumeUnit.factor : DEFAULT_UNSERVED_THRESHOLD,
    uncertainty: uncertainty.params,
    correlations: uncertainty.correlations,
    targets,
    planning,
    economics,
  };
  return { model, input: s, problems: check.problems };
}

/** A map as a plain object, in the map's order (Object.fromEntries without an array per entry: one per run of a what-if). */
function record(map: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  map.forEach((v, k) => (out[k] = v));
  return out;
}

/**
 * Math contexts by unit definitions. Building one costs tens of milliseconds
 * (mathjs compiles its typed functions), and a context is read-only once
 * built, so sweeps and Monte Carlo runs of one scenario share it.
 */
const mathCache = new Map<string, { math: MathContext; errors: [string, string][] }>();

/**
 * The schema check of an unchanged source, done once: what-ifs that only set
 * params (sweeps, Monte Carlo runs) skip re-checking the whole tree.
 */
const shapes = new WeakMap<LoadedSource, { shape: ReturnType<typeof checkShape>; problems: Problem[] }>();

/** The source's schema check, done once; its problems are reported again on every use. */
function checkedShape(source: LoadedSource, check: Checker): ReturnType<typeof checkShape> {
  let entry = shapes.get(source);
  if (!entry) {
    const own = new Checker(source.raw, source.positions, source.file);
    entry = { shape: checkShape(source.raw, own), problems: own.problems };
    shapes.set(source, entry);
  }
  check.problems.push(...entry.problems);
  return entry.shape;
}

/** Per source and stage, its latest builds (checker.ts: a sweep of demand growth rebuilds the flows, not the network). */
const stageMemos = new WeakMap<LoadedSource, Map<string, Build[]>>();

function stagesOf(source: LoadedSource): Map<string, Build[]> {
  let memo = stageMemos.get(source);
  if (!memo) stageMemos.set(source, (memo = new Map()));
  return memo;
}

type Stage = <T>(name: string, inputs: readonly unknown[], run: (vc: ValueContext | undefined, check: Checker) => T) => T;

function stageRunner(memo: Map<string, Build[]> | undefined, vc: ValueContext | undefined, check: Checker): Stage {
  return <T>(name: string, inputs: readonly unknown[], run: (vc: ValueContext | undefined, check: Checker) => T): T => {
    if (!memo || !vc) return run(vc, check);
    const { output, builds } = check.remembered(memo.get(name), inputs, vc, run);
    if (builds) memo.set(name, builds);
    return output;
  };
}

/** The key of a units block: its JSON, worked out once per (unchanged) block. */
const unitKeys = new WeakMap<object, string>();

function buildMath(s: ScenarioInput, check: Checker): MathContext {
  let key = s.units ? unitKeys.get(s.units) : '[]';
  if (key === undefined) unitKeys.set(s.units!, (key = JSON.stringify(Object.entries(s.units!))));
  let entry = mathCache.get(key);
  if (!entry) {
    const errors: [string, string][] = [];
    entry = { math: createMathContext(Object.entries(s.units ?? {}), (name, message) => errors.push([name, message])), errors };
    if (mathCache.size > 16) mathCache.clear();
    mathCache.set(key, entry);
  }
  for (const [name, message] of entry.errors) {
    check.report(['units', name], `cannot define unit "${name}": ${message}`, { hint: 'a unit is defined by a quantity such as "10 t"' });
  }
  return entry.math;
}

/** Param names found to be valid identifiers that are neither units nor reserved, per math context (what-ifs check the same names again and again). */
const validNames = new WeakMap<MathContext, Set<string>>();

function checkParams(s: ScenarioInput, math: MathContext, check: Checker, meta: ReadonlyMap<string, ParamMeta>): Map<string, number> {
  const params = new Map<string, number>();
  let valid = validNames.get(math);
  if (!valid) validNames.set(math, (valid = new Set()));
  const declared = s.params ?? {};
  for (const name of Object.keys(declared)) {
    const value = declared[name]!;
    const outside = rangeProblem(name, value, meta.get(name));
    if (outside) check.report(['params', name, 'value'], outside, { hint: `\`corridor params <scenario>\` lists each param's range; change the value or the range` });
    if (valid.has(name) && Number.isFinite(value)) {
      params.set(name, value);
      continue;
    }
    const path = ['params', name];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      check.report(path, `param name "${name}" is not a valid identifier`, { atKey: true, hint: 'use letters, digits and _' });
    } else if (math.isUnitName(name)) {
      check.report(path, `param "${name}" shadows the unit "${name}", so expressions using the unit would break`, { atKey: true, hint: `rename it, e.g. "${name}_param"` });
    } else if (RESERVED.has(name)) {
      check.report(path, `param name "${name}" is reserved`, { atKey: true, hint: `${TIME_VARIABLE} is the simulated year; rename the param` });
    } else if (!Number.isFinite(value)) {
      check.report(path, `param "${name}" is ${value}, not a finite number`);
    } else {
      params.set(name, value);
      valid.add(name);
    }
  }
  return params;
}

/** Mt/year: the printed precision of the tables (three decimals of Mt). */
export const DEFAULT_UNSERVED_THRESHOLD = 0.001;

function readVolumeUnit(s: ScenarioInput, math: MathContext, check: Checker): VolumeUnit | undefined {
  const name = s.output?.volume_unit ?? 'Mt';
  try {
    const tonnes = math.math.unit(1, name).toNumber('t');
    if (!(tonnes > 0)) throw new Error('not positive');
    return { name, suffix: `_${name.toLowerCase()}`, factor: 1e6 / tonnes };
  } catch {
    check.report(['output', 'volume_unit'], `"${name}" is not a unit of mass`, { hint: 'use Mt, kt, t or a mass unit from `units`, e.g. TEU' });
    return undefined;
  }
}

/** "unknown flow "x"", "unknown name "x": not a param…", ""x" is not a param": a name in the file that something else calls unknown. */
const UNKNOWN_NAME = /^unknown (?:flow|name|project|element|node|link) "([^"]+)"|^"([^"]+)" is not a param/;

/**
 * Once the schema check has failed, the invalid items are left out of the
 * later stages, and what refers to them would read as unknown: those errors,
 * and the warnings of later stages (made on a partial scenario), are dropped,
 * so that every problem reported is a real one.
 */
function dropFollowOns(check: Checker, from: number, names: ReadonlySet<string>): void {
  const later = check.problems.splice(from);
  for (const p of later) {
    if (p.severity === 'warning') continue;
    const m = UNKNOWN_NAME.exec(p.message);
    if (m && names.has((m[1] ?? m[2])!)) continue;
    check.problems.push(p);
  }
}

