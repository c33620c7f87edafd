// manifest.json: what varies between runs and what makes a run reproducible.
import { createHash } from 'node:crypto';
import type { SourceFile } from '../scenario/load.js';

export interface Manifest {
  tool: string;
  version: string;
  command: string;
  scenario: { name: string; path: string; sha256: string; files: { path: string; sha256: string }[] };
  params: Record<string, number>;
  overrides: string[];
  seed: number | null;
  volume_unit: string;
  csv: 'standard' | 'decimal-comma';
  tables: string[];
  run_at: string;
}

/** Hash of the scenario and every file it extends, in load order. */
export function scenarioHash(files: readonly SourceFile[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\0${f.text}\0`);
  return h.digest('hex');
}
