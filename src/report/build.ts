// What a report shows, read from an output folder: the findings in words, the
// scenario's projects, and the charts for a run, a comparison or a Monte Carlo.
import { readRegularFile } from '../io/read.js';
import { DEFAULT_UNSERVED_THRESHOLD } from '../scenario/normalize.js';
import path from 'node:path';
import {
  fmt, projectRows, readManifest, readTable, scenarioModel, suffixOf, type Manifest, type Report, type Row,
} from './folder.js';
import {
  bottleneckShareChart, bottleneckTimeline, corridorChart, elementChart, fanChart, routesChart, scenarioLines, unservedChart,
  type BandYear, type Chart, type ElementYear, waitDaysChart } from './charts.js';
import { elementStates, firstShortfall, keyYears, runMaps, compareMaps } from './maps.js';
import { optimumReport, planReport } from './planning.js';
import { sensitivityReport } from './sensitivity.js';
import { appraisalReport } from './appraisal.js';

/** Most element charts in a run report: the elements that bind, then the busiest. */
export const MAX_ELEMENT_CHARTS = 8;

const num = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
export function buildReport(dir: string): Report {
  const manifest = readManifest(dir);
  if (manifest.command === 'run') return runReport(dir, manifest);
  if (manifest.command === 'compare') return compareReport(dir, manifest);
  if (manifest.command === 'montecarlo') return monteCarloReport(dir, manifest);
  if (manifest.command === 'optimum') return optimumReport(dir, manifest);
  if (manifest.command === 'plan') return planReport(dir, manifest);
  if (manifest.command === 'sensitivity') return sensitivityReport(dir, manifest);
  if (manifest.command === 'appraise') return appraisalReport(dir, manifest);
  throw new Error(`cannot report on a "${String(manifest.command)}" folder`);
}

function runReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const summary = readTable(dir, 'summary.csv', manifest);
  const unit = suffixOf(Object.keys(summary[0]!), 'demand_');
  const unitName = (manifest.volume_unit ?? 'Mt/year').replace('/year', '');
  const flows = readTable(dir, 'flows.csv', manifest).map((r) => ({ year: +r.year!, flow: r.flow!, demand: +r[`demand_${unit}`]!, served: +r[`served_${unit}`]! }));
  const routes = readTable(dir, 'routes.csv', manifest);
  type ElementRow = Row & { kind: 'node' | 'link'; id: string };
  const elements: ElementRow[] = [
    ...readTable(dir, 'nodes.csv', manifest).map((r): ElementRow => ({ ...r, kind: 'node', id: r.node! })),
    ...readTable(dir, 'links.csv', manifest).map((r): ElementRow => ({ ...r, kind: 'link', id: r.link! })),
  ];
  // In the tables' unit: unserved volume below it is rounding (output.unserved_threshold).
  const threshold = model ? model.unservedThreshold * model.volumeUnit.factor : DEFAULT_UNSERVED_THRESHOLD;
  const maps = model ? runMaps(model, elementStates(elements), keyYears(summary, unit, threshold), name) : [];
  const charts: Chart[] = [corridorChart(flows, name, unitName)];
  if (flows.some((f) => f.demand - f.served >= threshold)) charts.push(unservedChart(flows, name, unitName));
  for (const id of chartedElements(elements)) {
    const rows = elements.filter((e) => e.id === id);
    const data: ElementYear[] = rows.map((r) => ({ year: +r.year!, cargo: r.cargo!, capacity: num(r[`capacity_${unit}`]), flow: +r[`flow_${unit}`]!, binding: r.binding === 'true' }));
    const openings = (model?.projects ?? []).filter((p) => p.target === id && p.online >= data[0]!.year && p.online <= data[data.length - 1]!.year).map((p) => ({ year: p.online, label: p.name }));
    charts.push(elementChart(id, rows[0]!.kind, data, openings, name, unitName));
  }
  // Route choice: the queues (elements whose wait is ever at least a tenth of a day).
  if (elements.some((e) => 'wait_days' in e)) {
    const waits = elements.filter((e) => e.wait_days !== '' && e.wait_days !== undefined).map((e) => ({ year: +e.year!, element: e.id, days: +e.wait_days! }));
    const queued = new Set(waits.filter((w) => w.days >= 0.1).map((w) => w.element));
    if (queued.size > 0) {
      // An element with several rows (per cargo) shows its longest queue.
      const longest = new Map<string, { year: number; element: string; days: number }>();
      for (const w of waits.filter((x) => queued.has(x.element))) {
        const k = `${w.element}/${w.year}`;
        if (!longest.has(k) || longest.get(k)!.days < w.days) longest.set(k, w);
      }
      charts.push(waitDaysChart([...longest.values()], name));
    }
  }
  const byFlow = new Map<string, Row[]>();
  for (const r of routes) byFlow.set(r.flow!, [...(byFlow.get(r.flow!) ?? []), r]);
  for (const [flow, rows] of byFlow) {
    const used = new Set(rows.filter((r) => +r[`volume_${unit}`]! > 1e-9).map((r) => r.route));
    if (used.size < 2) continue;
    charts.push(routesChart(flow, rows.filter((r) => used.has(r.route)).map((r) => ({ year: +r.year!, route: r.route!, volume: +r[`volume_${unit}`]! })), name, unitName));
  }
  return {
    title: `${name}: capacity report`,
    subtitle: `corridor run · ${summary[0]!.year}–${summary[summary.length - 1]!.year} · volumes in ${unitName}/year`,
    findings: runFindings(summary, unit, unitName, threshold),
    projects: projectRows(model),
    maps,
    charts,
    notes,
  };
}

/** Elements that ever bind (by first binding year), then the busiest, up to MAX_ELEMENT_CHARTS. */
function chartedElements(rows: readonly (Row & { id: string })[]): string[] {
  const firstBinding = new Map<string, number>();
  const peak = new Map<string, number>();
  for (const r of rows) {
    if (r.binding === 'true' && !firstBinding.has(r.id)) firstBinding.set(r.id, +r.year!);
    if (r.utilization) peak.set(r.id, Math.max(peak.get(r.id) ?? 0, +r.utilization));
  }
  const binding = [...firstBinding].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  const busy = [...peak].filter(([id]) => !firstBinding.has(id)).sort((a, b) => b[1] - a[1]).map(([id]) => id);
  return [...binding, ...busy].slice(0, MAX_ELEMENT_CHARTS);
}

function bindText(binding: string, bottleneck: string): string {
  const ids = binding.split(' ').filter(Boolean);
  if (ids.length === 0) return `${bottleneck} is the bottleneck`;
  return ids.length === 1 ? `${ids[0]} binds` : `${ids.join(', ')} bind`;
}

function runFindings(summary: Row[], unit: string, unitName: string, threshold: number): string[] {
  const first = summary[0]!;
  const last = summary[summary.length - 1]!;
  const out = [`Demand grows from ${fmt(+first[`demand_${unit}`]!)} ${unitName} in ${first.year} to ${fmt(+last[`demand_${unit}`]!)} in ${last.year}; ${fmt(+last[`served_${unit}`]!)} is served in ${last.year}.`];
  const unserved = firstShortfall(summary, unit, threshold);
  out.push(unserved ? `First year with unserved demand: ${unserved.year} (${fmt(+unserved[`unserved_${unit}`]!)} ${unitName}), when ${bindText(unserved.binding ?? '', unserved.bottleneck ?? '')}.` : `All demand is served through ${last.year}.`);
  const firstBind = new Map<string, string>();
  for (const r of summary) for (const id of (r.binding ?? '').split(' ').filter(Boolean)) if (!firstBind.has(id)) firstBind.set(id, r.year!);
  if (firstBind.size > 0) out.push(`Elements that reach capacity, from the year they first do: ${[...firstBind].map(([id, y]) => `${id} (${y})`).join(', ')}.`);
  out.push(`In ${last.year} the bottleneck is ${last.bottleneck} at ${(+last.max_utilization! * 100).toFixed(0)} % utilization.`);
  return out;
}

function compareReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const names = manifest.scenarios!.map((s) => s.name);
  const rows = readTable(dir, 'compare.csv', manifest).filter((r) => r.table === 'summary');
  const unit = rows.find((r) => r.metric!.startsWith('served_'))!.metric!.slice('served_'.length);
  const unitName = model?.volumeUnit.name ?? unit;
  const lines = (metric: string) => rows.filter((r) => r.metric === metric).flatMap((r) => names.map((n) => ({ year: +r.year!, scenario: n, value: +r[n]! })));
  const timeline = readTable(dir, 'compare-bottlenecks.csv', manifest).flatMap((r) => names.map((n) => ({ year: +r.year!, scenario: n, bottleneck: r[n]! })));
  const findings = JSON.parse(readRegularFile(path.join(dir, 'compare-findings.json'))) as { scenario: string; text: string }[];
  return {
    title: `${names[0]}: comparison of ${names.length} scenarios`,
    subtitle: `corridor compare · ${names.join(', ')}`,
    findings: findings.map((f) => `${f.scenario}: ${f.text}`),
    projects: projectRows(model),
    maps: model ? compareMaps(model, names, readTable(dir, 'compare.csv', manifest)) : [],
    charts: [
      scenarioLines('compare-served', `Served volume (${unitName}/year)`, lines(`served_${unit}`), `${unitName}/year`),
      scenarioLines('compare-unserved', `Unserved volume (${unitName}/year)`, lines(`unserved_${unit}`), `${unitName}/year`),
      scenarioLines('compare-max-utilization', 'Highest utilization', lines('max_utilization'), 'utilization'),
      bottleneckTimeline(timeline),
    ],
    notes,
  };
}

function monteCarloReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const rows = readTable(dir, 'montecarlo.csv', manifest);
  const band = (metric: string, element = ''): BandYear[] =>
    rows.filter((r) => r.metric === metric && r.element === element).map((r) => ({ year: +r.year!, p5: +r.p5!, p25: +r.p25!, p50: +r.p50!, p75: +r.p75!, p95: +r.p95! }));
  const servedMetric = rows.find((r) => r.metric!.startsWith('served_'))!.metric!;
  const lastYear = Math.max(...rows.map((r) => +r.year!));
  const mostBinding = rows
    .filter((r) => r.metric === 'binding_share' && +r.year! === lastYear && +r.mean! > 0)
    .sort((a, b) => +b.mean! - +a.mean! || (a.element! < b.element! ? -1 : 1))
    .slice(0, 3);
  const unit = model?.volumeUnit.name ?? servedMetric.replace('served_', '');
  const charts = [fanChart('fan-served', `Served volume (${unit}/year)`, band(servedMetric), name, `${unit}/year`)];
  for (const r of mostBinding) charts.push(fanChart(`fan-utilization-${r.element}`, `${r.element}: utilization`, band('utilization', r.element), name, 'utilization'));
  const odds = rows.filter((r) => r.metric === 'target_met');
  if (odds.length > 0) {
    charts.push(scenarioLines('target-odds', 'Probability that each target is met', odds.map((r) => ({ year: +r.year!, scenario: r.element!, value: +r.mean! })), 'probability', `${name} · share of runs that meet the target`, 'target'));
  }
  charts.push(bottleneckShareChart(rows.filter((r) => r.metric === 'bottleneck_share').map((r) => ({ year: +r.year!, element: r.element!, share: +r.mean! })), name));
  const served = band(servedMetric);
  const p = rows.filter((r) => r.metric === 'p_unserved');
  const firstLikely = p.find((r) => +r.mean! >= 0.5);
  const mid = served[Math.floor(served.length / 2)]!;
  return {
    title: `${name}: Monte Carlo`,
    subtitle: `corridor montecarlo · ${manifest.runs} runs · seed ${manifest.seed}`,
    findings: [
      `In ${mid.year} served volume lies between ${fmt(mid.p5)} and ${fmt(mid.p95)} ${unit}/year in 90 % of runs; median ${fmt(mid.p50)}.`,
      firstLikely ? `Demand goes unserved in at least half the runs from ${firstLikely.year} (${(+firstLikely.mean! * 100).toFixed(0)} %).` : 'Demand goes unserved in fewer than half the runs in every year.',
      ...mostBinding.map((r) => `In ${lastYear}, ${r.element} binds in ${(+r.mean! * 100).toFixed(0)} % of runs.`),
      ...[...new Set(odds.map((r) => r.element!))].map((id) => {
        const own = odds.filter((r) => r.element === id);
        const [first, last] = [own[0]!, own[own.length - 1]!];
        return `P(${id} met): ${(+first.mean! * 100).toFixed(0)} % in ${first.year}, ${(+last.mean! * 100).toFixed(0)} % in ${last.year}.`;
      }),
    ],
    projects: projectRows(model),
    maps: [],
    charts,
    notes,
  };
}
