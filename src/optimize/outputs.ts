// What corridor plan writes: plan.csv, plan-targets.csv and plan.yaml, and
// the reasons, in words, why behaviour misses a target that the plan meets
// with free routing.
import path from 'node:path';
import { stringify } from 'yaml';
import type { Model } from '../engine/model.js';
import type { Result } from '../engine/simulate.js';
import { isMet, required, targetYearIndices } from '../engine/targets.js';
import type { Cell, Table } from '../io/csv.js';
import { overlayOf } from '../scenario/overrides.js';
import type { Decisions, NetValue } from './plan.js';
import { mostForTarget } from './plan.js';
import type { Solver } from './solver.js';
import { optimisedModel } from './network-demand.js';

/** plan.csv: one row per candidate, by id; with --objective npv, what each built candidate adds (last in). */
export function planTable(model: Model, online: Decisions, pv: readonly number[], value?: NetValue): Table {
  // One rate per scenario: the appraisal's for an NPV plan, planning's own (if given) for a least-cost one.
  const rate = value ? model.economics.discountRate : model.planning.discountRate;
  const rows: Cell[][] = model.candidates
    .map((k, i) => ({ k, i }))
    .sort((a, b) => (a.k.id < b.k.id ? -1 : 1))
    .map(({ k, i }) => [
      model.name, k.id, online[i] !== undefined, online[i] ?? null, k.capexMusd ?? null, online[i] !== undefined ? pv[i]! : null, rate,
      ...(value ? [value.candidatePvBenefits[i] ?? null, value.candidateNpv[i] ?? null] : []),
    ]);
  const header = ['scenario', 'project', 'build', 'online', 'capex_musd', 'pv_capex_musd', 'discount_rate', ...(value ? ['pv_benefits_musd', 'npv_musd'] : [])];
  return { file: 'plan.csv', header, rows };
}

export interface PlanTargetYear {
  target: number;
  year: number;
  required: number;
  optimal: number;
  served: number;
}

/**
 * Every target-year of the planned scenario: required and served as in its
 * behavioural run (targets.csv), and the most the target's flows could carry
 * with free routing (that target alone, the run's capacities and demand).
 */
export function planTargetYears(result: Result, solver: Solver): PlanTargetYear[] {
  const { model } = result;
  const Y = model.years;
  // In choice mode the free routing is of the free-flow network demand (optimisedModel).
  const lp = optimisedModel(model);
  return targetYearIndices(model).map(({ target, y }) => {
    const t = model.targets[target]!;
    const demand = (f: number) => result.flowDemand[f * Y + y]!;
    const lpDemand = lp === model ? demand : (f: number) => lp.flows[f]!.demand[y]!;
    const optimal = mostForTarget(lp, solver, target, y, (c) => result.capacity[c * Y + y]!, lpDemand);
    const served = t.flows.reduce((s, f) => s + result.flowServed[f * Y + y]!, 0);
    return { target, year: model.startYear + y, required: required(t, y, demand), optimal, served };
  });
}

export function planTargetsTable(model: Model, years: readonly PlanTargetYear[]): Table {
  const k = model.volumeUnit.factor;
  const s = model.volumeUnit.suffix;
  const rows: Cell[][] = years.map((t) => [
    model.name, t.year, model.targets[t.target]!.id, t.required * k, t.optimal * k, isMet(t.optimal, t.required), t.served * k, isMet(t.served, t.required),
  ]);
  return { file: 'plan-targets.csv', header: ['scenario', 'year', 'target', `required${s}`, `optimal_served${s}`, 'optimal_met', `served${s}`, 'met'], rows };
}

/**
 * plan.yaml: a scenario that extends the input (by a path relative to the
 * output folder) with the --set overrides the plan was made with, and opens
 * each chosen candidate in its year. Candidates not built stay candidates,
 * which a run leaves out.
 */
export function planYaml(model: Model, online: Decisions, pv: readonly number[], input: { file: string; raw: unknown; set: readonly string[] }, outDir: string): string {
  // outDir and input.file as the user gave them; the `extends` path is relative to the output folder.
  const overlay = overlayOf(input.raw, input.set);
  const overlayProjects = (overlay.projects as Record<string, unknown>[] | undefined) ?? [];
  delete overlay.projects;
  const decided = model.candidates
    .flatMap((k, i) => (online[i] === undefined ? [] : [{ id: k.id, candidate: false, online: online[i]! }]))
    .sort((a, b) => a.online - b.online || (a.id < b.id ? -1 : 1));
  const projects = [...overlayProjects.filter((p) => !decided.some((d) => d.id === p.id)), ...decided];
  const doc = {
    name: `${model.name}-planned`,
    extends: path.relative(path.resolve(outDir), path.resolve(input.file)).split(path.sep).join('/'),
    ...overlay,
    ...(projects.length > 0 ? { projects } : {}),
  };
  const total = pv.reduce((s, x) => s + x, 0);
  const built = decided.map((d) => `${d.id} in ${d.online}`).join(', ') || 'nothing';
  const r = model.planning;
  const head = [
    `# The plan that \`corridor plan\` chose for ${oneLine(input.file)}: build ${built}.`,
    `# Present value of capex: ${+total.toFixed(3)} M USD (discounted at ${+(r.discountRate * 100).toFixed(4)} %/yr to ${r.baseYear}).`,
    `# Run it like any scenario: npx corridor run ${oneLine(path.join(outDir, 'plan.yaml'))}`,
  ];
  return `${head.join('\n')}\n${stringify(doc, { flowCollectionPadding: true })}`;
}

/** A path in a YAML comment: line breaks (and other control characters) as \u escapes, so it cannot start a key. */
const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Why behaviour misses target t in year index y although free routing would
 * meet it: each of its flows that goes short, and the full elements on its
 * routes, with the other flows that use them.
 */
export function whyShort(result: Result, target: number, y: number): string {
  const { model } = result;
  const Y = model.years;
  const binding = new Set(result.yearBinding[y]);
  const parts = model.targets[target]!.flows.flatMap((f) => {
    const short = result.flowDemand[f * Y + y]! - result.flowServed[f * Y + y]!;
    if (short <= 1e-6) return [];
    const full = [...new Set(model.flows[f]!.routes.flatMap((r) => model.routes[r]!.elements.filter((e) => binding.has(e))))].sort((a, b) => a - b);
    const blocked = full.map((e) => {
      const others = model.flows.flatMap((g, i) =>
        i !== f && g.routes.some((r) => result.routeVolume[r * Y + y]! > 1e-9 && model.routes[r]!.elements.includes(e)) ? [g.id] : [],
      );
      return `${model.elements[e]!.id}${others.length ? ` (also used by ${others.join(', ')})` : ''}`;
    });
    const k = model.volumeUnit.factor;
    return [`${model.flows[f]!.id} is ${+(short * k).toFixed(3)} ${model.volumeUnit.name} short, its routes full at ${blocked.join(', ') || 'no element'}`];
  });
  return parts.length > 0 ? parts.join('; ') : 'its flows are served in full, but their demand is below the target';
}
