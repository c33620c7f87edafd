// Observed volumes for `corridor calibrate`: `year,flow,route,volume_mt`
// (route empty for a flow's total), checked against a choice model. Every
// problem is reported at once with its line; the file is read as a regular
// file of bounded size (io/read.ts).
import { parse } from 'csv-parse/sync';
import type { Model } from '../engine/model.js';
import { didYouMean, type Problem } from '../scenario/problems.js';

export interface Observation {
  /** Year index, flow index, route index (−1 for the flow's total), Mt/year, the CSV line. */
  readonly y: number;
  readonly flow: number;
  readonly route: number;
  readonly volume: number;
  readonly line: number;
}

const COLUMNS = ['year', 'flow', 'route', 'volume_mt'];

export function readObservations(text: string, file: string, model: Model): { observations: Observation[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const at = (line: number, path: string, message: string, hint?: string) => problems.push({ file, line, severity: 'error', path, message, ...(hint ? { hint } : {}) });
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, comment: '#' }) as Record<string, string>[];
  } catch (err) {
    at(1, '(csv)', (err as Error).message.split('\n')[0]!);
    return { observations: [], problems };
  }
  const header = Object.keys(records[0] ?? {});
  const missing = COLUMNS.filter((c) => !header.includes(c) && c !== 'route');
  if (records.length === 0 || missing.length > 0) {
    at(1, '(header)', `the observations need the columns ${COLUMNS.join(',')}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`, 'one row per year, flow and route (route empty for a flow’s total), volumes in Mt/year');
    return { observations: [], problems };
  }
  const flowIds = model.flows.map((f) => f.id);
  const observations: Observation[] = [];
  const seen = new Set<string>();
  records.forEach((rec, i) => {
    const line = i + 2;
    const year = Number(rec.year);
    const f = flowIds.indexOf(rec.flow ?? '');
    const volume = Number(rec.volume_mt);
    let ok = true;
    if (!Number.isInteger(year) || year < model.startYear || year >= model.startYear + model.years) {
      at(line, 'year', `year "${rec.year}" is not a year of the scenario (${model.startYear}–${model.startYear + model.years - 1})`);
      ok = false;
    }
    if (f < 0) {
      at(line, 'flow', `unknown flow "${rec.flow}"`, didYouMean(rec.flow ?? '', flowIds));
      ok = false;
    }
    let route = -1;
    if (f >= 0 && rec.route) {
      const own = model.flows[f]!.routes;
      route = own.find((r) => model.routes[r]!.id === rec.route) ?? -1;
      if (route < 0) {
        at(line, 'route', `unknown route "${rec.route}" of flow "${rec.flow}"`, didYouMean(rec.route, own.map((r) => model.routes[r]!.id)));
        ok = false;
      }
    }
    if (!(volume >= 0) || !Number.isFinite(volume)) {
      at(line, 'volume_mt', `"${rec.volume_mt}" is not a volume ≥ 0 (Mt/year)`);
      ok = false;
    }
    const key = `${year}/${rec.flow}/${rec.route ?? ''}`;
    if (ok && seen.has(key)) {
      at(line, '(row)', `a second row for ${rec.flow}${rec.route ? `/${rec.route}` : ''} in ${year}`);
      ok = false;
    }
    seen.add(key);
    if (ok) observations.push({ y: year - model.startYear, flow: f, route, volume, line });
  });
  return { observations, problems };
}
