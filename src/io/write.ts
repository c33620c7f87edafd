// Writes a set of files so that a failed or interrupted run never leaves a
// half-written table over a good one: every file is first written in full to
// a temporary name in the same folder, and only when all of them are written
// are they renamed over the old ones (a rename within a folder is atomic).
import fs from 'node:fs';
import path from 'node:path';
import { readRegularFile } from './read.js';

/**
 * A file-system error on the user's output path, in words ("… is a file, not
 * a folder", "the disk is full"). The CLI prints it with exit code 2.
 */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** Why a file operation failed, as a sentence; undefined for an error that is not about the user's path. */
export function fileErrorReason(err: unknown, target: string): string | undefined {
  const e = err as NodeJS.ErrnoException;
  const where = e.path ?? target;
  switch (e.code) {
    case 'EEXIST':
    case 'ENOTDIR': {
      const file = firstNonFolder(target);
      return file ? `"${file}" is a file, not a folder` : `"${where}" is not a folder`;
    }
    case 'EISDIR':
      return `"${where}" is a folder, where a file was to be written`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in "${where}"`;
    case 'EROFS':
      return `"${where}" is on a read-only file system`;
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'ENAMETOOLONG':
      return `the path "${where}" is too long`;
    default:
      return undefined;
  }
}

/** The first path on the way to `dir` (itself included) that exists but is not a folder. */
function firstNonFolder(dir: string): string | undefined {
  const parts = path.normalize(dir).split(path.sep);
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join(path.sep) || path.sep;
    try {
      if (!fs.statSync(p).isDirectory()) return p;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Runs a file operation on the output folder `dir`; its errors about the user's path become OutputError. */
function onOutput<T>(dir: string, what: () => T): T {
  try {
    return what();
  } catch (err) {
    const reason = fileErrorReason(err, dir);
    if (reason === undefined) throw err;
    throw new OutputError(`cannot write to "${dir}": ${reason}; nothing there was replaced`);
  }
}

export interface OutputFile {
  readonly name: string;
  /** The content (text, or bytes such as a workbook), or the path of a temporary file in `dir` already written in full. */
  readonly content: string | Uint8Array | { readonly tempFile: string };
}

/** A temporary name in `dir` for a file that is written in pieces before `writeFilesAtomically`. */
export function temporaryPath(dir: string, name: string): string {
  onOutput(dir, () => fs.mkdirSync(dir, { recursive: true }));
  return path.join(dir, `.${name}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/**
 * Writes `files` into `dir`, all or nothing. A set that holds `manifest.json` is
 * a run: the manifest gains `files` (every file the run wrote, itself included),
 * and the files that the folder's previous manifest listed and this run did not
 * write are removed, so that no earlier run's table passes for this one's. With
 * `joinRun`, the files are added to the folder's manifest (a report of that run).
 */
export function writeFilesAtomically(dir: string, files: readonly OutputFile[], options: { joinRun?: boolean } = {}): void {
  const previous = listedFiles(dir);
  const isRun = files.some((f) => f.name === MANIFEST);
  if (isRun) files = files.map((f) => (f.name === MANIFEST && typeof f.content === 'string' ? { name: f.name, content: withFiles(f.content, files.map((g) => g.name)) } : f));
  else if (options.joinRun && previous) {
    const manifest = readRegularFile(path.join(dir, MANIFEST));
    files = [...files, { name: MANIFEST, content: withFiles(manifest, [...previous, ...files.map((f) => f.name)]) }];
  }
  writeAll(dir, files);
  if (isRun && previous) {
    const written = new Set(files.map((f) => f.name));
    for (const name of previous) if (!written.has(name)) removeStale(dir, name);
  }
}

const MANIFEST = 'manifest.json';
/** A name a manifest may list: a plain file name in the folder (never a path, never hidden). */
const PLAIN_NAME = /^[\w][\w.-]*$/;

/** The files that the folder's corridor-sim manifest says its run wrote (`files`, or `tables` in manifests before it), if any. */
function listedFiles(dir: string): string[] | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readRegularFile(path.join(dir, MANIFEST)));
  } catch {
    return undefined;
  }
  const m = manifest as { tool?: unknown; files?: unknown; tables?: unknown };
  // Only a manifest that corridor-sim wrote says which files are a run's (never a file of the user's).
  if (m.tool !== 'corridor-sim') return undefined;
  const list = Array.isArray(m.files) ? m.files : Array.isArray(m.tables) ? m.tables : undefined;
  return list?.filter((n): n is string => typeof n === 'string' && PLAIN_NAME.test(n));
}

/** The manifest's JSON with `files` set to the sorted, distinct names. */
function withFiles(manifest: string, names: readonly string[]): string {
  const parsed = JSON.parse(manifest) as Record<string, unknown>;
  parsed.files = [...new Set(names)].sort();
  return `${JSON.stringify(parsed, null, 2)}\n`;
}

function removeStale(dir: string, name: string): void {
  const file = path.join(dir, name);
  try {
    if (fs.lstatSync(file).isFile()) fs.rmSync(file);
  } catch {
    // already gone
  }
}

function writeAll(dir: string, files: readonly OutputFile[]): void {
  const tag = `.tmp-${process.pid}-${Date.now().toString(36)}`;
  const temps: string[] = [];
  try {
    onOutput(dir, () => fs.mkdirSync(dir, { recursive: true }));
    for (const f of files) {
      const content = f.content;
      if (typeof content !== 'string' && !(content instanceof Uint8Array)) {
        temps.push(content.tempFile);
        continue;
      }
      const tmp = path.join(dir, `.${f.name}${tag}`);
      temps.push(tmp);
      onOutput(dir, () => fs.writeFileSync(tmp, content));
    }
    for (const f of files) {
      const dest = path.join(dir, f.name);
      if (fs.existsSync(dest) && fs.statSync(dest).isDirectory()) throw new OutputError(`cannot write to "${dir}": "${dest}" is a folder, where a table was to be written; nothing there was replaced`);
    }
  } catch (err) {
    for (const tmp of temps) fs.rmSync(tmp, { force: true });
    throw err;
  }
  files.forEach((f, i) => onOutput(dir, () => fs.renameSync(temps[i]!, path.join(dir, f.name))));
}

/**
 * A table written in pieces that may arrive out of order (batches from worker
 * threads): each piece is written as soon as the ones before it are, to a
 * temporary file that `writeFilesAtomically` renames into place, or that
 * `discard` removes. Only the pieces that wait for an earlier one are held.
 */
export class OrderedFile {
  private readonly file: string;
  private readonly fd: number;
  private next = 0;
  private readonly pending = new Map<number, string>();

  /** The output folder, if this file's creation made it (discard removes it again when empty). */
  private readonly made: string | undefined;

  constructor(private readonly dir: string, readonly name: string, head: string) {
    this.made = fs.existsSync(dir) ? undefined : dir;
    this.file = temporaryPath(dir, name);
    this.fd = onOutput(dir, () => fs.openSync(this.file, 'w'));
    onOutput(dir, () => fs.writeSync(this.fd, head));
  }

  add(index: number, text: string): void {
    this.pending.set(index, text);
    while (this.pending.has(this.next)) {
      onOutput(this.dir, () => fs.writeSync(this.fd, this.pending.get(this.next)!));
      this.pending.delete(this.next++);
    }
  }

  /** Closes the file; returns it for `writeFilesAtomically`. */
  finish(): OutputFile & { readonly content: { readonly tempFile: string } } {
    fs.closeSync(this.fd);
    return { name: this.name, content: { tempFile: this.file } };
  }

  discard(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
    if (this.made && fs.readdirSync(this.made).length === 0) fs.rmdirSync(this.made);
  }
}
