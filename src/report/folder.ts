// Reading an output folder for a report: its manifest, its tables, the
// scenario it came from, and what every report shows (findings, projects,
// charts, notes).
import fs from 'node:fs';
import { readRegularFile } from '../io/read.js';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Model } from '../engine/model.js';
import { scenarioHash } from '../io/manifest.js';
import { loadScenario } from '../scenario/index.js';
import type { Chart } from './charts.js';

export interface ProjectRow {
  id: string;
  name: string;
  target: string;
  online: number;
  capexMusd: number | undefined;
}

export interface Report {
  title: string;
  subtitle: string;
  findings: string[];
  projects: ProjectRow[] | undefined;
  /** Network maps, drawn first (none when the scenario's nodes have no positions). */
  maps: Chart[];
  charts: Chart[];
  notes: string[];
  /** Tables shown after the findings (cells as text; units in the headers). */
  tables?: ReportTable[];
}

export interface ReportTable {
  id: string;
  title: string;
  header: string[];
  rows: string[][];
  /** Which columns are numbers (right-aligned). */
  numeric: boolean[];
  caption?: string;
}

export type Row = Record<string, string>;


export interface Manifest {
  command: 'run' | 'compare' | 'montecarlo' | 'optimum' | 'plan' | 'sensitivity' | 'appraise';
  csv?: 'standard' | 'decimal-comma';
  scenario?: { name: string; path: string; sha256?: string };
  scenarios?: { name: string; path: string; overrides: string[] }[];
  volume_unit?: string;
  runs?: number;
  seed?: number;
  /** corridor plan --runs: the robust plan's settings, and the deterministic plan's openings by candidate id. */
  uncertainty?: { runs: number; confidence: number; evaluate: number; deterministic_plan?: Record<string, number> };
  /** plan --adaptive. */
  adaptive?: { value_of_flexibility_musd: number; expected_pv_out_of_sample_musd: number; static_robust_pv_musd: number };
}

/** An output folder that the report cannot use: bad input (exit 2), not a failure. */
export class BadFolder extends Error {
  override name = 'BadFolder';
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new Error(`${dir} has no manifest.json: give a folder written by corridor run, compare, montecarlo, optimum, plan, sensitivity or appraise`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(readRegularFile(file));
  } catch (err) {
    throw new BadFolder(`${file} cannot be read as a manifest (${(err as Error).message}); run the command again to write a new one`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest) || typeof (manifest as Manifest).command !== 'string') {
    throw new BadFolder(`${file} is not a corridor manifest (no "command"); run the command again to write a new one`);
  }
  return manifest as Manifest;
}

export function readTable(dir: string, file: string, manifest: Manifest): Row[] {
  const comma = manifest.csv === 'decimal-comma';
  const rows = parse(readRegularFile(path.join(dir, file)), { columns: true, bom: true, delimiter: comma ? ';' : ',' }) as Row[];
  return comma ? rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, /^-?\d+,\d+$/.test(v) ? v.replace(',', '.') : v]))) : rows;
}

export const suffixOf = (columns: string[], prefix: string) => columns.find((c) => c.startsWith(prefix))!.slice(prefix.length);

/** The scenario's model, if its file is still there and unchanged since the run. */
export function scenarioModel(manifest: Manifest, notes: string[]): Model | undefined {
  const file = manifest.scenario?.path ?? manifest.scenarios?.[0]?.path;
  if (!file || !fs.existsSync(file)) {
    notes.push('The scenario file was not found, so the projects are not shown.');
    return undefined;
  }
  const loaded = loadScenario(file, { readText: (f) => readRegularFile(f) });
  if (manifest.scenario?.sha256 && scenarioHash(loaded.files) !== manifest.scenario.sha256) {
    notes.push(`${file} has changed since this run; the projects shown are from the current file.`);
  }
  return loaded.model;
}

export const projectRows = (model: Model | undefined): ProjectRow[] | undefined =>
  model?.projects.map((p) => ({ id: p.id, name: p.name, target: p.target, online: p.online, capexMusd: p.capexMusd }));

export const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
