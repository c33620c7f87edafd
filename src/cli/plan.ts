// corridor plan <scenario>: the cheapest set and timing of candidate projects
// that meets every target with free routing; then how behaviour fares with it.
import { simulate } from '../engine/simulate.js';
import type { Model } from '../engine/model.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { writeFilesAtomically } from '../io/write.js';
import { isMet } from '../engine/targets.js';
import { planTable, planTargetsTable, planTargetYears, planYaml, whyShort, type PlanTargetYear } from '../optimize/outputs.js';
import { solvePlan, withDecisions, type Decisions, type Objective, type PlanOutcome, type ShortTargetYear } from '../optimize/plan.js';
import { Solver } from '../optimize/solver.js';
import { FREE_FLOW_NOTE, optimisedModel } from '../optimize/network-demand.js';
import { isChoice } from '../engine/choice.js';
import { countProblem, loadForCommand, manifestFile, textTable, threadsFrom, type TableCommandArgs, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import { DEFAULT_SEED } from '../random/seed.js';
import { checkRobustArgs, robustChoice } from './plan-robust.js';
import { adaptiveExtra } from './plan-adaptive.js';
import type { PlanChoice, PlanOptions } from '../optimize/choice.js';
import { EXIT_MISSED, interruptible, UsageError } from './errors.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';

/** Target-years missed by behaviour that the summary explains one by one; the rest are in plan-targets.csv. */
const MAX_MISSED_LINES = 8;

export type PlanArgs = TableCommandArgs & PlanOptions;

/** A long plan is stopped by Ctrl-C, SIGTERM or SIGHUP between its phases, before anything is written. */
export async function planCommand(args: PlanArgs, io: Io): Promise<number> {
  return interruptible((checkpoint) => plan(args, io, checkpoint));
}

async function plan(args: PlanArgs, io: Io, checkpoint: () => Promise<void>): Promise<number> {
  const loaded = loadForCommand(args.scenario, io, args.set);
  const { model } = loaded;
  const objective = args.objective ?? 'capex';
  if (objective === 'capex' && model.targets.length === 0) {
    throw new UsageError(`${args.scenario} has no targets: a least-cost plan needs \`targets\` to meet (see docs/planning.md), or use --objective npv`);
  }
  if (args.adaptive && args.runs === undefined) throw new UsageError('--adaptive needs --runs: its rules are chosen on N futures drawn from the uncertainty block (e.g. --runs 200)');
  if (args.workers !== undefined && !args.adaptive) throw new UsageError('--workers goes with --adaptive (its rule search runs on several threads)');
  const workersProblem = countProblem('--workers', args.workers);
  if (workersProblem) throw new UsageError(workersProblem);
  if (args.adaptive && objective !== 'capex') throw new UsageError('--adaptive plans for the least expected PV of capex: leave out --objective npv');
  if (args.runs !== undefined) checkRobustArgs(args, model);
  const solver = await Solver.load();
  await checkpoint();
  const extra = args.adaptive
    ? adaptiveExtra(model, args.confidence ?? 1, io, { file: args.scenario, set: args.set, seed: args.seed ?? DEFAULT_SEED, threads: threadsFrom(args.workers) })
    : undefined;
  const chosen = args.runs !== undefined ? await robustChoice(loaded, args, objective, solver, io, checkpoint, extra) : deterministicChoice(model, objective, solver, io);
  if (!chosen) return EXIT_MISSED;
  await checkpoint();
  const planned = simulate(withDecisions(model, chosen.online));
  const years = planTargetYears(planned, solver);
  await checkpoint();
  const outDir = outputFolder(args.out, model.name, args.adaptive ? '-plan-adaptive' : args.runs !== undefined ? '-plan-robust' : objective === 'npv' ? '-plan-npv' : '-plan', args.set);
  const tables = [planTable(model, chosen.online, chosen.pv, chosen.value), planTargetsTable(planned.model, years), ...chosen.tables];
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const yaml = planYaml(model, chosen.online, chosen.pv, { file: args.scenario, raw: loaded.source.raw, set: args.set }, outDir);
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    { name: 'plan.yaml', content: yaml },
    ...(await xlsxFiles(args.xlsx, 'plan.xlsx', workbookMeta('plan', model, args.seed), tables)),
    manifestFile('plan', loaded, args, [...tables.map((t) => t.file), 'plan.yaml'], io, {
      objective,
      planning: objective === 'npv'
        ? { discount_rate: model.economics.discountRate, base_year: model.economics.baseYear, from: 'economics.appraisal' }
        : { discount_rate: model.planning.discountRate, base_year: model.planning.baseYear, from: model.planning.discountRateFrom },
      solver: 'HiGHS (highs on npm): one MILP, then ties broken by fewer projects, then later openings',
      ...chosen.manifest,
    }),
  ]);
  const report = args.report ? await writeReport(outDir, false) : undefined;
  if (!args.quiet) io.stdout(planText(model, chosen.online, chosen.pv, planned, years, outDir, objective) + chosen.text + (report ? `report: ${report}\n` : ''));
  return 0;
}

/** The plan for the scenario as written; undefined (after saying why) when none meets the targets. */
export function deterministicChoice(model: Model, objective: Objective, solver: Solver, io: Io): PlanChoice | undefined {
  const outcome = solvePlan(optimisedModel(model), solver, { objective });
  if (!outcome.feasible) {
    io.stderr(noPlanText(model, outcome.short));
    return undefined;
  }
  // The NPV plan without its targets beside the one with them: which candidates pay on their own, and what the targets cost.
  const free = objective === 'npv' && model.targets.length > 0 ? solvePlan(optimisedModel(model), solver, { objective, ignoreTargets: true }) : undefined;
  const text = outcome.value ? npvText(model, outcome, free?.feasible ? free : undefined) : '';
  return { online: outcome.online, pv: outcome.pv, value: outcome.value, tables: [], manifest: {}, text };
}

function planText(model: Model, online: Decisions, pv: readonly number[], planned: ReturnType<typeof simulate>, years: readonly PlanTargetYear[], outDir: string, objective: Objective): string {
  const r = objective === 'npv' ? model.economics : model.planning;
  const n = (x: number) => String(+x.toFixed(3));
  const what = objective === 'npv' ? 'the most net present value, discounted' : 'capex discounted';
  const from = objective === 'npv' ? 'economics.appraisal.discount_rate' : model.planning.discountRateFrom;
  const head = `${model.name}: plan over ${model.candidates.length} candidates, ${what} at ${+(r.discountRate * 100).toFixed(4)} %/yr (${from}) to ${r.baseYear} → ${outDir}/\n`;
  const rows = model.candidates
    .map((k, i) => ({ k, i }))
    .sort((a, b) => (online[a.i] ?? Infinity) - (online[b.i] ?? Infinity) || (a.k.id < b.k.id ? -1 : 1))
    .map(({ k, i }) => [online[i] !== undefined ? 'build' : '-', k.id, online[i] !== undefined ? String(online[i]) : '', n(k.capexMusd ?? 0), online[i] !== undefined ? n(pv[i]!) : '']);
  const built = online.filter((y) => y !== undefined).length;
  const total = pv.reduce((s, x) => s + x, 0);
  const lines = [`present value of capex: ${n(total)} M USD, ${built} of ${model.candidates.length} candidates built${built === 0 ? ' (the targets are met without any)' : ''}`];
  const missedFree = years.filter((t) => !isMet(t.optimal, t.required));
  const missed = years.filter((t) => !isMet(t.served, t.required));
  const u = model.volumeUnit;
  const v = (x: number) => n(x * u.factor);
  lines.push(missedFree.length === 0 ? `targets: met with free routing in all ${years.length} target-years` : `targets: ${missedFree.length} target-years missed even with free routing (see docs/planning.md, "Conventions")`);
  const behaviour = isChoice(model) ? 'route choice' : 'spill allocation';
  if (isChoice(model)) lines.push(FREE_FLOW_NOTE);
  if (missed.length === 0) lines.push(`with behaviour (${behaviour}), the plan meets them too`);
  else {
    lines.push(`with behaviour (${behaviour}), ${missed.length} of ${years.length} target-years are missed:`);
    for (const t of missed.slice(0, MAX_MISSED_LINES)) {
      const y = t.year - model.startYear;
      lines.push(`  ${model.targets[t.target]!.id} ${t.year}: behaviour serves ${v(t.served)} of ${v(t.required)} ${u.name}/year (free routing: ${v(t.optimal)}); ${whyShort(planned, t.target, y)}`);
    }
  }
  if (missed.length > MAX_MISSED_LINES) lines.push(`  … and ${missed.length - MAX_MISSED_LINES} more (plan-targets.csv)`);
  return head + textTable(['build', 'project', 'online', 'capex_musd', 'pv_musd'], rows) + lines.map((l) => `${l}\n`).join('');
}

type Feasible = Extract<PlanOutcome, { feasible: true }>;

/** The NPV plan in words: its value, and with targets, what pays on its own and what the targets cost. */
function npvText(model: Model, plan: Feasible, free: Feasible | undefined): string {
  const v = plan.value!;
  const e = model.economics;
  const m = (x: number) => `${+x.toFixed(1) + 0} M USD`;
  const lines = [`net present value: ${m(v.npv)} (PV benefits ${m(v.pvBenefits)} − PV costs ${m(v.pvCosts)}), at ${+(e.discountRate * 100).toFixed(4)} %/yr to ${e.baseYear}, routing free`];
  model.candidates.forEach((k, i) => {
    if (plan.online[i] !== undefined) lines.push(`  ${k.id} (${plan.online[i]}) adds ${m(v.candidatePvBenefits[i]!)} of benefits for its costs: NPV ${m(v.candidateNpv[i]!)}`);
  });
  const listed = (xs: readonly string[]) => xs.join(', ') || 'none';
  if (free) {
    // Each list says only what it is: a candidate in both plans may open in another year there, and may lose money last in here.
    const both = model.candidates.flatMap((k, i) =>
      plan.online[i] !== undefined && free.online[i] !== undefined ? [free.online[i] === plan.online[i] ? k.id : `${k.id} (${free.online[i]} there)`] : [],
    );
    const forTargets = model.candidates.flatMap((k, i) => (plan.online[i] !== undefined && free.online[i] === undefined ? [k.id] : []));
    const elsewhere = model.candidates.flatMap((k, i) => (plan.online[i] === undefined && free.online[i] !== undefined ? [`${k.id} (${free.online[i]})`] : []));
    lines.push(`also in the NPV plan without targets: ${listed(both)}`);
    lines.push(`built only to meet the targets: ${listed(forTargets)}`);
    if (elsewhere.length > 0) lines.push(`the NPV plan without targets also builds, and this plan does not: ${listed(elsewhere)}`);
    lines.push(`cost of the targets: ${m(free.value!.npv - v.npv)} of NPV (${m(free.value!.npv)} without them)`);
  }
  const losing = model.candidates.flatMap((k, i) => (plan.online[i] !== undefined && v.candidateNpv[i]! < 0 ? [k.id] : []));
  if (losing.length > 0) lines.push(`NPV below 0 last in (built for the targets, or for what it adds with the others): ${listed(losing)}`);
  return lines.map((l) => `${l}\n`).join('');
}

function noPlanText(model: Model, short: readonly ShortTargetYear[]): string {
  const u = model.volumeUnit;
  const v = (x: number) => String(+(x * u.factor).toFixed(x * u.factor < 0.01 ? 6 : 3));
  const head = `corridor: no choice of candidates meets the targets of ${model.name}; nothing was written.\n`;
  if (short.length === 0) {
    return `${head}Each target-year can be met on its own with every candidate at its earliest year, but not all of them together: they compete for the same capacity.\n`;
  }
  const lines = short.map((s) => `  ${model.targets[s.target]!.id} ${model.startYear + s.y}: at most ${v(s.best)} of ${v(s.required)} ${u.name}/year (short ${v(s.required - s.best)})`);
  return `${head}Even with every candidate at its earliest year, these target-years stay short:\n${lines.join('\n')}\n`;
}
