// A cache of normalised models for `corridor run`, so that running an
// unchanged scenario again skips parsing, the schema check and the units'
// start-up (mathjs builds its typed functions in tens of milliseconds), the
// larger part of a run's start-up. A cache entry is keyed by the tool's
// version, Node's, the working folder, the scenario's path and the overrides; it holds
// the SHA-256 of every file the model was built from (the scenario and its
// bases), and is used only when each of them reads the same now. Only a
// model without errors is kept, with its warnings (printed again on use).
// Entries are plain data (JSON), written atomically into a folder of the
// user's own (mode 700): `$CORRIDOR_CACHE_DIR`, else `$XDG_CACHE_HOME/corridor-sim`,
// else `~/.cache/corridor-sim`; `CORRIDOR_CACHE=0` turns it off. Any failure
// to read or write it is a miss, never an error.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Model } from '../engine/model.js';
import { readRegularFile } from '../io/read.js';
import { VERSION } from '../version.js';
import type { SourceFile } from './load.js';
import type { Problem } from './problems.js';

/** Bumped whenever the Model's shape changes within one version (development builds). */
const FORMAT = 2;
/** Largest entry read back: a generated network of thousands of elements is well under this. */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

export interface CachedModel {
  model: Model;
  files: SourceFile[];
  /** Warnings only: a model with errors is never kept. */
  problems: Problem[];
}

interface Entry {
  format: number;
  files: { path: string; sha256: string }[];
  problems: Problem[];
  model: unknown;
}

function cacheDir(): string | undefined {
  if (process.env.CORRIDOR_CACHE === '0') return undefined;
  if (process.env.CORRIDOR_CACHE_DIR) return process.env.CORRIDOR_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'corridor-sim');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function entryPath(dir: string, file: string, overrides: readonly string[]): string {
  // The working folder too: the files are recorded by the paths they were read by (as a fresh load records them).
  const key = sha256(JSON.stringify([VERSION, FORMAT, process.version, process.cwd(), file, overrides])).slice(0, 40);
  return path.join(dir, `model-${key}.json`);
}

/** Typed arrays and non-finite numbers survive JSON through tagged objects. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Float64Array) return { $f64: Array.from(value) };
  if (value instanceof Int32Array) return { $i32: Array.from(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.$f64)) return Float64Array.from(v.$f64 as number[]);
    if (Array.isArray(v.$i32)) return Int32Array.from(v.$i32 as number[]);
    if (typeof v.$num === 'string') return Number(v.$num);
  }
  return value;
}

/** The model of `file` with `overrides`, if an entry exists and every file it was built from is unchanged. */
export function cachedModel(file: string, overrides: readonly string[]): CachedModel | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  try {
    const entry = JSON.parse(readRegularFile(entryPath(dir, file, overrides), MAX_ENTRY_BYTES), reviver) as Entry;
    if (entry.format !== FORMAT) return undefined;
    const files: SourceFile[] = [];
    for (const f of entry.files) {
      const text = readRegularFile(f.path);
      if (sha256(text) !== f.sha256) return undefined;
      files.push({ path: f.path, text });
    }
    return { model: entry.model as Model, files, problems: entry.problems };
  } catch {
    return undefined;
  }
}

/** Keeps a model built without errors for the next run of the same file and overrides. */
export function storeModel(file: string, overrides: readonly string[], built: CachedModel): void {
  const dir = cacheDir();
  if (!dir || built.problems.some((p) => p.severity === 'error')) return;
  const target = entryPath(dir, file, overrides);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const entry: Entry = { format: FORMAT, files: built.files.map((f) => ({ path: f.path, sha256: sha256(f.text) })), problems: built.problems, model: built.model };
    fs.writeFileSync(tmp, JSON.stringify(entry, replacer), { mode: 0o600 });
    fs.renameSync(tmp, target);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}
