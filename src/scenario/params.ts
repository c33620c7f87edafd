// What a scenario says about its params beyond their values: description,
// unit and range (`params: { name: { value, description, unit, min, max } }`;
// a bare number says nothing more). Read from the tree as written (after
// `extends` and --set), for the range checks, `corridor params` and the
// explorer.

export interface ParamMeta {
  readonly description?: string | undefined;
  readonly unit?: string | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each described param's description, unit and range, by name. */
export function paramMeta(raw: unknown): Map<string, ParamMeta> {
  const out = new Map<string, ParamMeta>();
  const params = isObject(raw) && isObject(raw.params) ? raw.params : {};
  for (const [name, p] of Object.entries(params)) {
    if (!isObject(p)) continue;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    out.set(name, { description: text(p.description), unit: text(p.unit), min: num(p.min), max: num(p.max) });
  }
  return out;
}

/** Whether a param written as `{ value, … }` (so --set and `extends` change its `value`, not the whole entry). */
export const isDescribedParam = (v: unknown): v is Record<string, unknown> & { value: unknown } => isObject(v) && 'value' in v;

/** [min, max] in words, or '' without a range. */
export function rangeText(m: ParamMeta | undefined): string {
  if (!m || (m.min === undefined && m.max === undefined)) return '';
  return `[${m.min ?? '−∞'}, ${m.max ?? '∞'}]`;
}

/** Why `value` lies outside the param's range, or undefined. */
export function rangeProblem(name: string, value: number, m: ParamMeta | undefined): string | undefined {
  if (!m) return undefined;
  if ((m.min !== undefined && value < m.min) || (m.max !== undefined && value > m.max)) {
    return `param "${name}" is ${value}, outside its range ${rangeText(m)}`;
  }
  return undefined;
}
