// The report on a corridor sensitivity folder: a tornado per metric, the
// first-order indices over the years, and what they say in words.
import { scenarioLines, tornadoChart, type Chart } from './charts.js';
import { fmt, projectRows, readTable, scenarioModel, type Manifest, type Report } from './folder.js';

/** Factors shown in a tornado: the largest swings. */
const TORNADO_FACTORS = 10;

export function sensitivityReport(dir: string, manifest: Manifest): Report {
  const notes: string[] = [];
  const model = scenarioModel(manifest, notes);
  const name = manifest.scenario!.name;
  const tornado = readTable(dir, 'tornado.csv', manifest);
  const global = readTable(dir, 'sensitivity.csv', manifest);
  const charts: Chart[] = [];
  const findings: string[] = [];
  const metrics = [...new Set(tornado.map((r) => r.metric!))].filter((m) => /^(served|unserved|total_unserved)_/.test(m) || m.startsWith('target_served'));
  for (const metric of metrics) {
    const rows = tornado.filter((r) => r.metric === metric && r.swing !== '' && +r.swing! > 0).slice(0, TORNADO_FACTORS);
    if (rows.length === 0) continue;
    const bars = rows.flatMap((r) => {
      const factor = `${r.factor} (${r.kind})`;
      const base = +r.base_value!;
      const out = [];
      if (r.low_value !== '') out.push({ factor, side: 'low', value: +r.low_value!, base, swing: +r.swing! });
      if (r.high_value !== '') out.push({ factor, side: r.kind === 'project-removed' ? 'removed' : 'high', value: +r.high_value!, base, swing: +r.swing! });
      return out;
    });
    charts.push(tornadoChart(`tornado-${metric.replace(/[^\w-]/g, '-')}`, metric, bars, name));
    const top = rows[0]!;
    findings.push(`${metric}: ${top.factor} (${top.kind}) moves it most, by ${fmt(+top.swing!)} (${top.kind === 'project-removed' ? `removed: ${fmt(+top.high_value!)}` : `${fmt(+top.low_value!)} at ${top.low}, ${fmt(+top.high_value!)} at ${top.high}`}; base ${fmt(+top.base_value!)}).`);
  }
  for (const metric of [...new Set(global.map((r) => r.metric!))]) {
    const rows = global.filter((r) => r.metric === metric && r.first_order !== '');
    if (rows.length === 0) continue;
    charts.push(scenarioLines(`first-order-${metric}`, `First-order indices: ${metric}`, rows.map((r) => ({ year: +r.year!, scenario: r.factor!, value: +r.first_order! })), 'share of variance', `${name} · the share of the variance of ${metric} each input explains alone`, 'input'));
    const last = Math.max(...rows.map((r) => +r.year!));
    const best = rows.filter((r) => +r.year! === last).sort((a, b) => +b.first_order! - +a.first_order!)[0]!;
    findings.push(`${best.factor} explains ${Math.round(+best.first_order! * 100)} % of the variance of ${metric} in ${last} (first-order index; Spearman ρ ${fmt(+best.spearman!)}).`);
  }
  return {
    title: `${name}: sensitivity`,
    subtitle: `corridor sensitivity · ${manifest.runs} runs · seed ${manifest.seed} · served and unserved in ${(manifest as { year?: number }).year}`,
    findings,
    projects: projectRows(model),
    maps: [],
    charts,
    notes,
  };
}
