// corridor params <scenario>: every param with its value, unit, range,
// description and (if uncertain) its distribution — what --set can move.
import type { Distribution } from '../random/distributions.js';
import { paramMeta, rangeText } from '../scenario/params.js';
import { loadForCommand, textTable } from './common.js';
import type { Io } from './io.js';

/** A distribution in words: "triangular 0–0.217, mode 0.1". */
export function distributionText(d: Distribution): string {
  switch (d.dist) {
    case 'uniform':
      return `uniform ${d.min}–${d.max}`;
    case 'triangular':
      return `triangular ${d.min}–${d.max}, mode ${d.mode}`;
    case 'pert':
      return `PERT ${d.min}–${d.max}, mode ${d.mode}${d.lambda !== undefined ? `, λ ${d.lambda}` : ''}`;
    case 'normal':
      return `normal, mean ${d.mean}, sd ${d.sd}${d.min !== undefined || d.max !== undefined ? `, within ${d.min ?? '−∞'}–${d.max ?? '∞'}` : ''}`;
    case 'lognormal':
      return `lognormal, μ ${d.mu}, σ ${d.sigma}`;
    case 'discrete':
      return `one of ${d.values.map((v, i) => `${v} (${+(d.weights[i]! * 100).toFixed(1)} %)`).join(', ')}`;
  }
}

export function paramsCommand(args: { scenario: string; set: string[] }, io: Io): number {
  const { model, source } = loadForCommand(args.scenario, io, args.set);
  const meta = paramMeta(source.raw);
  const uncertain = new Map(model.uncertainty.map((u) => [u.name, u.dist]));
  const names = Object.keys(model.params).sort();
  if (names.length === 0) {
    io.stdout(`${model.name}: no params (add them under \`params\` to make what-ifs with --set)\n`);
    return 0;
  }
  const rows = names.map((name) => {
    const m = meta.get(name);
    const dist = uncertain.get(name);
    return [name, String(model.params[name]), m?.unit ?? '', rangeText(m), dist ? distributionText(dist) : '', m?.description ?? ''];
  });
  const undescribed = names.filter((n) => !meta.get(n)?.description);
  io.stdout(
    `${model.name}: ${names.length} params (change one with --set name=value)\n${textTable(['param', 'value', 'unit', 'range', 'uncertain', 'description'], rows)}` +
      (undescribed.length > 0 ? `without a description: ${undescribed.join(', ')} (write them as { value, description, unit, min, max })\n` : ''),
  );
  return 0;
}
