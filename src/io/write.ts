// Writes a set of files so that a failed or interrupted run never leaves a
// half-written table over a good one: every file is first written in full to
// a temporary name in the same folder, and only when all of them are written
// are they renamed over the old ones (a rename within a folder is atomic).
import fs from 'node:fs';
import path from 'node:path';

export interface OutputFile {
  readonly name: string;
  /** The content, or the path of a temporary file in `dir` already written in full. */
  readonly content: string | { readonly tempFile: string };
}

/** A temporary name in `dir` for a file that is written in pieces before `writeFilesAtomically`. */
export function temporaryPath(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `.${name}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

export function writeFilesAtomically(dir: string, files: readonly OutputFile[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const tag = `.tmp-${process.pid}-${Date.now().toString(36)}`;
  const temps: string[] = [];
  try {
    for (const f of files) {
      if (typeof f.content !== 'string') {
        temps.push(f.content.tempFile);
        continue;
      }
      const tmp = path.join(dir, `.${f.name}${tag}`);
      temps.push(tmp);
      fs.writeFileSync(tmp, f.content);
    }
  } catch (err) {
    for (const tmp of temps) fs.rmSync(tmp, { force: true });
    throw err;
  }
  files.forEach((f, i) => fs.renameSync(temps[i]!, path.join(dir, f.name)));
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
    this.fd = fs.openSync(this.file, 'w');
    fs.writeSync(this.fd, head);
  }

  add(index: number, text: string): void {
    this.pending.set(index, text);
    while (this.pending.has(this.next)) {
      fs.writeSync(this.fd, this.pending.get(this.next)!);
      this.pending.delete(this.next++);
    }
  }

  /** Closes the file; returns it for `writeFilesAtomically`. */
  finish(): OutputFile {
    fs.closeSync(this.fd);
    return { name: this.name, content: { tempFile: this.file } };
  }

  discard(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
    if (this.made && fs.readdirSync(this.made).length === 0) fs.rmdirSync(this.made);
  }
}
