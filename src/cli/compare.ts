// corridor compare <base> <other>... [--variant NAME:name=value,...]: run
// several scenarios, write compare.csv and compare-summary.csv, say what changed.
import { bottleneckTable, compareSummaryTable, compareTable, narrate, type Compared, type Finding } from '../analysis/compare.js';
import { runTotals } from '../analysis/metrics.js';
import { simulate } from '../engine/simulate.js';
import { DECIMAL_COMMA, STANDARD, toCsv } from '../io/csv.js';
import { writeFilesAtomically } from '../io/write.js';
import { buildScenario, type LoadedScenario, type LoadedSource } from '../scenario/index.js';
import { ScenarioError, type Problem } from '../scenario/problems.js';
import { VERSION } from '../version.js';
import { UsageError } from './errors.js';
import { readSource, outputFolder, workbookMeta, xlsxFiles } from './common.js';
import type { Io } from './io.js';
import { writeReport } from './report.js';

export interface CompareArgs {
  /** Also write the tables as one workbook. */
  xlsx?: boolean | undefined;
  base: string;
  others: string[];
  variants: string[];
  set: string[];
  out?: string | undefined;
  format: 'text' | 'json';
  decimalComma: boolean;
  report: boolean;
}

interface Planned {
  name: string | undefined;
  file: string;
  overrides: string[];
  label: string;
}

/** `late:projects.x.online=2027,growth=0.2` → name and overrides. */
export function parseVariant(spec: string): { name: string; overrides: string[] } {
  const colon = spec.indexOf(':');
  const name = spec.slice(0, colon).trim();
  if (colon <= 0 || !/^[\w.-]+$/.test(name)) {
    throw new UsageError(`--variant "${spec}": expected NAME:name=value,... (NAME in letters, digits, _ - .)`);
  }
  const overrides = spec.slice(colon + 1).split(',').map((s) => s.trim()).filter(Boolean);
  if (overrides.length === 0) throw new UsageError(`--variant "${spec}": give at least one name=value after the colon`);
  return { name, overrides };
}

export async function compareCommand(args: CompareArgs, io: Io): Promise<number> {
  const plans: Planned[] = [
    { name: undefined, file: args.base, overrides: args.set, label: '--set' },
    ...args.others.map((file) => ({ name: undefined, file, overrides: args.set, label: '--set' })),
    ...args.variants.map((spec) => {
      const v = parseVariant(spec);
      return { name: v.name, file: args.base, overrides: [...args.set, ...v.overrides], label: `--variant ${v.name}:` };
    }),
  ];
  if (plans.length < 2) throw new UsageError('compare needs a base and at least one other scenario or --variant');
  const sources = new Map<string, LoadedSource>();
  const problems: Problem[] = [];
  const loaded: { plan: Planned; scenario: LoadedScenario }[] = plans.map((plan) => {
    if (!sources.has(plan.file)) sources.set(plan.file, readSource(plan.file, io));
    const scenario = buildScenario(sources.get(plan.file)!, plan.overrides, plan.label);
    problems.push(...scenario.problems.filter((p) => p.severity === 'error'));
    return { plan, scenario };
  });
  if (problems.length > 0) throw new ScenarioError(problems);
  const runs: Compared[] = uniqueNames(loaded.map(({ plan, scenario }) => ({ name: plan.name ?? scenario.model!.name, result: simulate(scenario.model!) })));
  const outDir = outputFolder(args.out, `compare-${runs[0]!.name}`);
  const dialect = args.decimalComma ? DECIMAL_COMMA : STANDARD;
  const findings = narrate(runs);
  const manifest = {
    tool: 'corridor-sim', version: VERSION, command: 'compare', run_at: io.now().toISOString(), csv: args.decimalComma ? 'decimal-comma' : 'standard',
    scenarios: loaded.map(({ plan, scenario }, i) => ({ name: runs[i]!.name, path: plan.file, overrides: plan.overrides, params: scenario.model!.params })),
  };
  const tables = [compareTable(runs), compareSummaryTable(runs), bottleneckTable(runs)];
  writeFilesAtomically(outDir, [
    ...tables.map((t) => ({ name: t.file, content: toCsv(t, dialect) })),
    ...(await xlsxFiles(args.xlsx, 'compare.xlsx', workbookMeta('compare', runs[0]!.result.model), tables)),
    { name: 'compare-findings.json', content: `${JSON.stringify(findings, null, 2)}\n` },
    { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` },
  ]);
  if (args.report) await writeReport(outDir, false);
  io.stdout(args.format === 'json' ? `${JSON.stringify(jsonReport(runs, findings, outDir), null, 2)}\n` : textReport(runs, findings, outDir));
  return 0;
}

function uniqueNames(runs: Compared[]): Compared[] {
  const seen = new Map<string, number>();
  return runs.map((r) => {
    const n = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, n);
    return n === 1 ? r : { ...r, name: `${r.name}-${n}` };
  });
}

function textReport(runs: Compared[], findings: Finding[], outDir: string): string {
  const lines = [`compared ${runs.map((r) => r.name).join(', ')} → ${outDir}/`];
  for (const other of runs.slice(1)) {
    lines.push('', `${other.name} against ${runs[0]!.name}:`);
    for (const f of findings.filter((x) => x.scenario === other.name)) lines.push(`  ${f.text}`);
  }
  return `${lines.join('\n')}\n`;
}

function jsonReport(runs: Compared[], findings: Finding[], outDir: string): object {
  return {
    out: outDir,
    base: runs[0]!.name,
    scenarios: runs.map((r) => {
      const t = runTotals(r.result);
      return { name: r.name, ...t, firstUnservedYear: t.firstUnservedYear ?? null };
    }),
    findings,
  };
}
