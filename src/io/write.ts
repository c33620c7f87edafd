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
