// Pieces every command shares: loading a scenario for a command, options, and printing.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Model } from '../engine/model.js';
import { scenarioHash, type Manifest } from '../io/manifest.js';
import type { OutputFile } from '../io/write.js';
import type { Table } from '../io/csv.js';
import { workbook, type AnnexSheet, type WorkbookMeta } from '../io/xlsx.js';
import { UnreadableFile } from '../io/read.js';
import { VERSION } from '../version.js';
import { buildScenario, loadSource, type LoadedScenario, type LoadedSource } from '../scenario/index.js';
import { formatProblem, ScenarioError } from '../scenario/problems.js';
import { cachedModel, storeModel } from '../scenario/model-cache.js';
import { runParallel, type ParallelJob } from '../analysis/pool.js';
import { untilInterrupted, UsageError } from './errors.js';
import type { Io } from './io.js';
import type { Progress } from './progress.js';

export interface Loaded extends LoadedScenario {
  model: Model;
  /** The file as read (with the files it extends), before overrides. */
  source: LoadedSource;
}

/** The options of a command that writes tables for one scenario (run, optimum, plan). */
export interface TableCommandArgs {
  scenario: string;
  out?: string | undefined;
  set: string[];
  decimalComma: boolean;
  quiet: boolean;
  report: boolean;
  /** Also write the tables as one workbook (io/xlsx.ts). */
  xlsx?: boolean | undefined;
}

/** With --xlsx, the workbook of `tables` as an output file named `name` (`<scenario>.xlsx` for run, `<command>.xlsx` otherwise). */
export async function xlsxFiles(xlsx: boolean | undefined, name: string, meta: WorkbookMeta, tables: readonly Table[], annexes: readonly AnnexSheet[] = []): Promise<OutputFile[]> {
  if (!xlsx) return [];
  return [{ name, content: await workbook(meta, tables, annexes) }];
}

/** The workbook's About facts for a command on a model. */
export const workbookMeta = (command: string, model: Model, seed?: number): WorkbookMeta => ({ scenario: model.name, command, version: VERSION, seed, volumeUnit: model.volumeUnit.name });

/** Reads a scenario and the files it extends; a missing file is a usage error (exit 2). */
export function readSource(file: string, io: Io): LoadedSource {
  try {
    return loadSource(file, io.readText);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`cannot read scenario file "${file}": no such file`);
    if (code === 'EISDIR') throw new UsageError(`"${file}" is a folder; give a scenario file (.yaml, .yml or .json)`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`cannot read scenario file "${file}": no permission`);
    if (code === 'ENOTDIR') throw new UsageError(`cannot read scenario file "${file}": a part of the path is a file, not a folder`);
    if (err instanceof UnreadableFile) throw new UsageError(`cannot read scenario file: ${err.message}; give a scenario file (.yaml, .yml or .json)`);
    throw err;
  }
}

/**
 * Largest --runs and --evaluate: a million runs of the baseline take minutes;
 * more is a typo (1e12), and the run buffers of that many would not fit the heap.
 */
export const MAX_RUNS = 1_000_000;
/** Largest --workers: threads beyond a few per core only cost memory. */
export const MAX_WORKERS = 256;

/** What is wrong with a count option (--runs, --workers), if anything: a whole number from 1 to `max`. */
export function countProblem(option: string, value: number | undefined, max = option === '--workers' ? MAX_WORKERS : MAX_RUNS): string | undefined {
  return value === undefined || (Number.isInteger(value) && value >= 1 && value <= max)
    ? undefined
    : `${option} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got ${value}`;
}

/** What is wrong with --seed, if anything: a whole number from 0 to 2^53 − 1 (exactly representable). */
export function seedProblem(value: number | undefined): string | undefined {
  return value === undefined || (Number.isSafeInteger(value) && value >= 0) ? undefined : `--seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${value}`;
}

/** --workers of sweep and montecarlo, checked with countProblem: threads to use at most (default: the number of cores). */
export const threadsFrom = (workers: number | undefined): number => workers ?? os.availableParallelism();

/** Loads a scenario, prints its warnings, and throws `ScenarioError` on any error. */
export function loadForCommand(file: string, io: Io, overrides: readonly string[] = []): Loaded {
  const source = readSource(file, io);
  const loaded = { ...buildScenario(source, overrides), source };
  const warnings = loaded.problems.filter((p) => p.severity === 'warning');
  for (const w of warnings) io.stderr(`${formatProblem(w)}\n`);
  if (!loaded.model || loaded.problems.some((p) => p.severity === 'error')) throw new ScenarioError(loaded.problems);
  return loaded as Loaded;
}

/**
 * The model and files of a scenario for `run`: from the model cache when the
 * files are unchanged (scenario/model-cache.ts), else loaded and kept there;
 * warnings printed either way, errors thrown as loadForCommand does.
 */
export function modelForRun(file: string, io: Io, overrides: readonly string[] = []): Pick<Loaded, 'model' | 'files'> {
  const cached = io.modelCache ? cachedModel(file, overrides) : undefined;
  if (cached) {
    for (const w of cached.problems) io.stderr(`${formatProblem(w)}\n`);
    return cached;
  }
  const loaded = loadForCommand(file, io, overrides);
  if (io.modelCache) storeModel(file, overrides, { model: loaded.model, files: loaded.files, problems: loaded.problems });
  return loaded;
}

/** A plain text table with right-aligned numbers, for terminal summaries. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : /^-?[\d.,%]+$|^$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** How a sweep's or Monte Carlo's runs went: how many, in how long, on how many threads. */
export interface RunPhase {
  runs: number;
  seconds: number;
  threads: number;
}

/**
 * Runs the tasks of a sweep or Monte Carlo (runParallel) with Ctrl-C handling;
 * stops the progress bar, and calls `discard` to remove partial output if the
 * job fails or is interrupted.
 */
export async function runPhase<T, R>(job: Omit<ParallelJob<T, R>, 'signal'> & { threads: number; runs: number }, bar: Progress, discard: () => void): Promise<RunPhase> {
  const started = performance.now();
  try {
    const threads = await untilInterrupted(job.tasks.length, (signal) => runParallel({ ...job, signal }));
    return { runs: job.runs, seconds: (performance.now() - started) / 1000, threads };
  } catch (err) {
    discard();
    throw err;
  } finally {
    bar.stop();
  }
}

/** "N runs/s, T threads", as the summary lines print it (and `npm run bench` reads it). */
export function rateText(p: RunPhase): string {
  const rate = p.seconds > 0 ? `${Math.round(p.runs / p.seconds)} runs/s` : 'instant';
  return `${rate}, ${p.threads} thread${p.threads > 1 ? 's' : ''}`;
}

/** manifest.json of a command on one scenario (run, optimum, plan): what makes the output reproducible. */
export function manifestFile(
  command: string,
  loaded: Pick<Loaded, 'model' | 'files'>,
  args: { scenario: string; set: readonly string[]; decimalComma?: boolean },
  tables: readonly string[],
  io: Io,
  extra: Record<string, unknown> = {},
): OutputFile {
  const { model, files } = loaded;
  const manifest: Manifest & Record<string, unknown> = {
    tool: 'corridor-sim',
    version: VERSION,
    command,
    scenario: {
      name: model.name,
      path: args.scenario,
      sha256: scenarioHash(files),
      files: files.map((f) => ({ path: f.path, sha256: scenarioHash([f]) })),
    },
    params: { ...model.params },
    overrides: [...args.set],
    seed: null,
    volume_unit: `${model.volumeUnit.name}/year`,
    csv: args.decimalComma ? 'decimal-comma' : 'standard',
    tables: [...tables],
    ...extra,
    run_at: io.now().toISOString(),
  };
  return { name: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` };
}

/** System folders that no output may go into: the root, and the kernel's and devices' file systems. */
const FORBIDDEN_OUT = ['/', '/proc', '/sys', '/dev'];

/**
 * The output folder of a command: `--out` as given (refused if it is the root
 * or inside /proc, /sys or /dev), else `output/<name><suffix>`, and with
 * `--set` overrides `output/<name><suffix>--<slug>`, so that a what-if never
 * overwrites the base run's tables.
 */
export function outputFolder(out: string | undefined, name: string, suffix = '', set: readonly string[] = []): string {
  if (out !== undefined) {
    const resolved = path.resolve(out);
    if (FORBIDDEN_OUT.some((f) => resolved === f || (f !== '/' && resolved.startsWith(`${f}/`)))) {
      throw new UsageError(`--out ${out}: output may not go into ${resolved === '/' ? 'the root folder' : `a system folder (${resolved})`}; give a folder of your own, e.g. --out output/${name}${suffix}`);
    }
    return out;
  }
  return path.join('output', `${name}${suffix}${set.length ? `--${overridesSlug(set)}` : ''}`);
}

/** A short, readable folder name for a list of overrides: `growth=0.2` → `growth-0.2`; long ones end in a hash. */
export function overridesSlug(set: readonly string[]): string {
  const slug = set
    .map((s) => s.replace(/^projects\.|^links\.|^nodes\.|^flows\.|^events\./, '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, ''))
    .join('_');
  if (slug.length <= 60) return slug;
  const hash = createHash('sha256').update(set.join('\0')).digest('hex').slice(0, 8);
  return `${slug.slice(0, 51).replace(/[-_.]+$/, '')}-${hash}`;
}
