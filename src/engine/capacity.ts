// Effective capacity per constraint and year:
//   nameplate → projects (in order of online, then id; ramped) → events
//   (in order of from, then id) → × max_utilization × availability.
import type { ChangeModel, Model } from './model.js';

/**
 * Share of a project's change in force in `year`: with ramp R, year
 * online + k gets (k + 1) / R, complete from online + R − 1.
 */
export function rampFraction(year: number, online: number, rampYears: number): number {
  if (year < online) return 0;
  return Math.min(1, (year - online + 1) / Math.max(1, rampYears));
}

/** Applies `fraction` of a change to a capacity; linear in capacity. */
export function applyChange(capacity: number, change: ChangeModel, yearIndex: number, fraction: number): number {
  const amount = change.amount[yearIndex]!;
  switch (change.effect) {
    case 'multiply':
      return capacity * (1 + (amount - 1) * fraction);
    case 'add':
      return capacity + amount * fraction;
    case 'set':
      return capacity + (amount - capacity) * fraction;
  }
}

/** Whether an event with a probability happens in a year (one without always does: the filter is not asked). */
export type EventFilter = (eventIndex: number, yearIndex: number) => boolean;

export const certainEvents =
  (model: Model): EventFilter =>
  (e, y) => {
    const p = model.events[e]!.probability;
    return p === undefined || p[y]! >= 1;
  };

/** Effective capacity as one array per constraint, indexed by year. */
export function effectiveCapacity(model: Model, eventApplies: EventFilter = certainEvents(model)): number[][] {
  const Y = model.years;
  const flat = effectiveCapacityInto(model, eventApplies, new Float64Array(model.constraints.length * Y));
  return model.constraints.map((_, c) => Array.from(flat.subarray(c * Y, (c + 1) * Y)));
}

/** Effective capacity into `out`, `[constraint * years + year]`; returns `out`. */
export function effectiveCapacityInto(model: Model, eventApplies: EventFilter, out: Float64Array): Float64Array {
  projectCapacityInto(model, out);
  return eventCapacityInto(model, eventApplies, out);
}

/** The first part of effectiveCapacityInto: nameplate and projects, into `out` (a function of constraints and projects alone). */
export function projectCapacityInto(model: Model, out: Float64Array): Float64Array {
  const Y = model.years;
  model.constraints.forEach((c, i) => {
    for (let y = 0; y < Y; y++) out[i * Y + y] = c.nameplate[y]!;
  });
  for (const p of model.projects) {
    for (let y = 0; y < Y; y++) {
      const f = rampFraction(model.startYear + y, p.online, p.rampYears);
      if (f === 0) continue;
      for (const c of p.constraints) out[c * Y + y] = applyChange(out[c * Y + y]!, p, y, f);
    }
  }
  return out;
}

/** The rest of effectiveCapacityInto: events, then × max_utilization × availability, on the output of projectCapacityInto. */
export function eventCapacityInto(model: Model, eventApplies: EventFilter, out: Float64Array): Float64Array {
  const Y = model.years;
  model.events.forEach((ev, e) => {
    for (let year = ev.from; year <= ev.to; year++) {
      const y = year - model.startYear;
      if (ev.probability !== undefined && !eventApplies(e, y)) continue;
      for (const c of ev.constraints) out[c * Y + y] = applyChange(out[c * Y + y]!, ev, y, 1);
    }
  });
  model.constraints.forEach((c, i) => {
    for (let y = 0; y < Y; y++) out[i * Y + y] = Math.max(0, out[i * Y + y]! * c.factor[y]!);
  });
  return out;
}
