// Reports on the output folders of corridor optimum and corridor plan: where
// one more Mt/year of capacity is worth most, what behaviour loses against the
// optimum, when the plan builds, and its targets against served volume.
import { buildTimeline, scenarioLines, valueHeatmap, type Chart } from './charts.js';
import { fmt, projectRows, readTable, scenarioModel, suffixOf, type Manifest, type Report, type Row } from './folder.js';

const unitOf = (manifest: Manifest) => (manifest.volume_unit ?? 'Mt/year').replace('/year', '');

export function optimumReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const years = readTable(dir, 'optimum.csv', manifest);
  const unit = suffixOf(Object.keys(years[0]!), 'demand_');
  const unitName = unitOf(manifest);
  const values = readTable(dir, 'capacity-value.csv', manifest);
  const element = (r: Row) => (r.cargo === 'total' ? r.element! : `${r.element}/${r.cargo}`);
  const valued = new Set(values.filter((r) => +r.value_per_mt! > 1e-9).map(element));
  const cells = values.filter((r) => valued.has(element(r))).map((r) => ({ year: +r.year!, element: element(r), value: +r.value_per_mt! }));
  const lines = years.flatMap((r) => [
    { year: +r.year!, scenario: 'behaviour', value: +r[`served_${unit}`]! },
    { year: +r.year!, scenario: 'optimum', value: +r[`optimal_served_${unit}`]! },
  ]);
  const charts: Chart[] = [scenarioLines('optimum-served', `Served volume (${unitName}/year)`, lines, `${unitName}/year`, `${name} · behaviour against the system optimum`, 'routing')];
  if (cells.length > 0) charts.push(valueHeatmap(cells, name));
  return {
    title: `${name}: system optimum and the value of capacity`,
    subtitle: `corridor optimum · ${years[0]!.year}–${years[years.length - 1]!.year} · volumes in ${unitName}/year`,
    findings: optimumFindings(years, values, unit, unitName, element),
    projects: projectRows(model),
    maps: [],
    charts,
    notes,
  };
}

function optimumFindings(years: Row[], values: Row[], unit: string, unitName: string, element: (r: Row) => string): string[] {
  const loss = years.map((r) => ({ year: r.year!, loss: +r[`routing_loss_${unit}`]! }));
  const total = loss.reduce((s, r) => s + r.loss, 0);
  const worst = loss.reduce((a, b) => (b.loss > a.loss ? b : a));
  const out = [
    total > 1e-6
      ? `Behaviour carries ${fmt(total)} ${unitName} less than the optimum over the horizon; the routing loss is largest in ${worst.year} (${fmt(worst.loss)} ${unitName}).`
      : 'Behaviour carries as much as the optimum in every year: no routing loss.',
  ];
  const first = new Map<string, string>();
  for (const r of values) if (+r.value_per_mt! > 1e-9 && !first.has(element(r))) first.set(element(r), r.year!);
  out.push(
    first.size > 0
      ? `Capacity worth something to the optimum, from the year it first is: ${[...first].sort((a, b) => +a[1] - +b[1] || (a[0] < b[0] ? -1 : 1)).map(([e, y]) => `${e} (${y})`).join(', ')}.`
      : 'No capacity is worth anything to the optimum: it serves all demand in every year.',
  );
  const negative = values.filter((r) => +r.behavioural_value_per_mt! < -1e-9);
  if (negative.length > 0) {
    const r = negative[0]!;
    out.push(`More capacity can lower what behaviour serves: one more Mt/year at ${element(r)} in ${r.year} serves ${fmt(-+r.behavioural_value_per_mt!)} Mt/year less (a spilling flow crowds out another).`);
  }
  return out;
}

export function planReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const plan = readTable(dir, 'plan.csv', manifest);
  const targets = readTable(dir, 'plan-targets.csv', manifest);
  const unit = suffixOf(Object.keys(targets[0] ?? { required_mt: '' }), 'required_');
  const unitName = unitOf(manifest);
  const end = Math.max(...targets.map((r) => +r.year!), ...plan.map((r) => +(r.online || 0)));
  const built = plan.filter((r) => r.build === 'true').sort((a, b) => +a.online! - +b.online! || (a.project! < b.project! ? -1 : 1));
  const charts: Chart[] = [];
  const robust = manifest.uncertainty;
  // With --runs the timeline shows both plans: the robust one (plan.csv) and the deterministic one (from the manifest).
  const bars = built.map((r) => ({ project: robust ? `robust: ${r.project}` : r.project!, online: +r.online!, end, label: `${r.online} · ${fmt(+r.capex_musd!)} M USD` }));
  const capex = new Map(plan.map((r) => [r.project!, +r.capex_musd!]));
  if (robust?.deterministic_plan) {
    for (const [id, year] of Object.entries(robust.deterministic_plan).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))) {
      bars.push({ project: `deterministic: ${id}`, online: year, end, label: `${year} · ${fmt(capex.get(id) ?? 0)} M USD` });
    }
  }
  if (bars.length > 0) charts.push(buildTimeline(bars, name));
  const robustness = robust ? readTable(dir, 'plan-robustness.csv', manifest) : [];
  const adaptive = manifest.adaptive ? adaptiveReport(dir, manifest) : undefined;
  if (adaptive) charts.push(adaptive.chart);
  if (robust) charts.push(...robustnessCharts(robustness, name, robust.evaluate));
  for (const id of [...new Set(targets.map((r) => r.target!))]) {
    const rows = targets.filter((r) => r.target === id);
    const lines = rows.flatMap((r) => [
      { year: +r.year!, scenario: 'required', value: +r[`required_${unit}`]! },
      { year: +r.year!, scenario: 'free routing', value: +r[`optimal_served_${unit}`]! },
      { year: +r.year!, scenario: 'behaviour', value: +r[`served_${unit}`]! },
    ]);
    charts.push(scenarioLines(`plan-target-${id}`, `Target ${id} (${unitName}/year)`, lines, `${unitName}/year`, `${name} with the plan · required against served`, 'series'));
  }
  const pv = built.reduce((s, r) => s + +r.pv_capex_musd!, 0);
  const missed = targets.filter((r) => r.met !== 'true');
  return {
    title: manifest.adaptive ? `${name}: adaptive rules for ${robust!.runs} futures, each target-year met in ${robust!.confidence * 100} % of them` : robust ? `${name}: a plan for ${robust.runs} futures, each target-year met in ${robust.confidence * 100} % of them` : `${name}: least-cost plan`,
    subtitle: `corridor plan · ${plan.length} candidates · present value of capex ${fmt(pv)} M USD`,
    findings: [
      built.length > 0 ? `Build ${built.map((r) => `${r.project} in ${r.online}`).join(', ')}: ${fmt(pv)} M USD in present value.` : 'Build nothing: the targets are met without any candidate.',
      missed.length === 0
        ? `With the plan, behaviour meets every target in all ${targets.length} target-years.`
        : `With free routing the plan meets every target; behaviour misses ${missed.length} of ${targets.length} target-years: ${missed.map((r) => `${r.target} ${r.year}`).join(', ')}.`,
      ...weakestYears(robustness),
      ...(adaptive?.findings ?? []),
    ],
    projects: projectRows(model),
    maps: [],
    charts,
    notes,
  };
}

/**
 * plan --adaptive: the pathways (the share of the planning futures with each
 * project open by each year, adaptive rules beside the static robust plan,
 * for the projects either builds), the value of flexibility, and when the
 * network as it is first misses each target.
 */
function adaptiveReport(dir: string, manifest: Manifest): { chart: Chart; findings: string[] } {
  const name = manifest.scenario!.name;
  const a = manifest.adaptive!;
  const pathways = readTable(dir, 'plan-pathways.csv', manifest);
  const built = new Set(pathways.filter((r) => +r.p_built! > 0).map((r) => r.project!));
  const rows = pathways.filter((r) => built.has(r.project!)).map((r) => ({ year: +r.year!, scenario: `${r.project} (${r.plan})`, value: +r.p_built! }));
  const chart = scenarioLines('plan-pathways', 'Share of futures with the project open', rows, 'probability', `${name} · pathways: adaptive rules against the static robust plan`, 'project (plan)');
  const findings = [
    `Waiting and watching is worth ${fmt(a.value_of_flexibility_musd)} M USD: the adaptive rules cost ${fmt(a.expected_pv_out_of_sample_musd)} M USD expected against ${fmt(a.static_robust_pv_musd)} M USD for the static robust plan.`,
  ];
  const tips = readTable(dir, 'tipping-points.csv', manifest);
  for (const target of [...new Set(tips.map((r) => r.target!))]) {
    const own = tips.filter((r) => r.target === target);
    const total = own.reduce((s, r) => s + +r.p_first_missed!, 0);
    const mode = own.reduce((x, y) => (+y.p_first_missed! > +x.p_first_missed! ? y : x));
    findings.push(
      total > 0
        ? `Without any candidate, ${target} is first missed in ${mode.year} in ${fmt(+mode.p_first_missed! * 100)} % of the futures, and at some point in ${fmt(total * 100)} % (tipping-points.csv).`
        : `Without any candidate, ${target} is never missed in the planning futures.`,
    );
  }
  return { chart, findings };
}

/** Per target: the chance that behaviour meets it each year (out of sample), robust against deterministic plan. */
function robustnessCharts(rows: Row[], name: string, evaluate: number): Chart[] {
  return [...new Set(rows.map((r) => r.target!))].map((id) =>
    scenarioLines(
      `plan-p-met-${id}`,
      `Chance that behaviour meets ${id}`,
      rows.filter((r) => r.target === id).map((r) => ({ year: +r.year!, scenario: `${r.plan} plan`, value: +r.p_met_behaviour! })),
      'probability',
      `${name} · out of sample, ${evaluate} fresh futures`,
      'plan',
    ),
  );
}

/** Out of sample, per plan and target: the year in which behaviour meets it least often. */
function weakestYears(rows: Row[]): string[] {
  const keys = [...new Set(rows.map((r) => `${r.plan}\u0000${r.target}`))];
  return keys.map((key) => {
    const [plan, target] = key.split('\u0000');
    const low = rows.filter((r) => r.plan === plan && r.target === target).reduce((a, b) => (+b.p_met_behaviour! < +a.p_met_behaviour! ? b : a));
    return `Out of sample, the ${plan} plan meets ${target} with behaviour in ${fmt(+low.p_met_behaviour! * 100)} % of futures in its weakest year (${low.year}).`;
  });
}
