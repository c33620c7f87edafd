// Text → checked, normalised model, in one call: load (with extends) →
// overrides → schema → normalise. Problems come back as data.
import type { Model } from '../engine/model.js';
import { loadSource, type ReadText, type SourceFile } from './load.js';
import { normalize } from './normalize.js';
import { applyOverrides } from './overrides.js';
import { sortProblems, type Problem } from './problems.js';
import type { ScenarioInput } from './schema.js';

export interface LoadOptions {
  readText: ReadText;
  /** `--set` specs, applied in order. */
  overrides?: readonly string[];
}

export interface LoadedScenario {
  model: Model | undefined;
  input: ScenarioInput | undefined;
  files: SourceFile[];
  /** Errors and warnings, sorted by file and position. */
  problems: Problem[];
}

export function loadScenario(file: string, options: LoadOptions): LoadedScenario {
  const source = loadSource(file, options.readText);
  const { raw, problems: overrideProblems } = applyOverrides(source.raw, source.positions, options.overrides ?? []);
  const result = normalize({ ...source, raw, problems: [...source.problems, ...overrideProblems] });
  return { model: result.model, input: result.input, files: source.files, problems: sortProblems(result.problems) };
}

export { ScenarioError, formatProblem } from './problems.js';
export type { Problem } from './problems.js';
