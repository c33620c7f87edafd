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

/** Whether an event applies in a deterministic run (no probability, or certain). */
export type EventFilter = (eventIndex: number, yearIndex: number) => boolean;

export const certainEvents =
  (model: Model): EventFilter =>
  (e, y) => {
    const p = model.events[e]!.probability;
    return p === undefined || p[y]! >= 1;
  };

/** Effective capacity as one array per constraint, indexed by year. */
export function effectiveCapacity(model: Model, eventApplies: EventFilter = certainEvents(model)): number[][] {
  const caps = model.constraints.map((c) => Array.from(c.nameplate));
  for (const p of model.projects) {
    for (let y = 0; y < model.years; y++) {
      const f = rampFraction(model.startYear + y, p.online, p.rampYears);
      if (f === 0) continue;
      for (const c of p.constraints) caps[c]![y] = applyChange(caps[c]![y]!, p, y, f);
    }
  }
  model.events.forEach((ev, e) => {
    for (let year = ev.from; year <= ev.to; year++) {
      const y = year - model.startYear;
      if (!eventApplies(e, y)) continue;
      for (const c of ev.constraints) caps[c]![y] = applyChange(caps[c]![y]!, ev, y, 1);
    }
  });
  model.constraints.forEach((c, i) => {
    const cap = caps[i]!;
    for (let y = 0; y < model.years; y++) cap[y] = Math.max(0, cap[y]! * c.factor[y]!);
  });
  return caps;
}
