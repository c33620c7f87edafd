// Engine behaviour on small cases whose answers are worked out by hand.
import { describe, expect, it } from 'vitest';
import { applyChange, rampFraction } from '../../src/engine/capacity.js';
import { at, capacityOf, run, utilizationOf } from '../support/build.js';

const line = (capacity: number | string, extra: Record<string, unknown> = {}) => ({
  nodes: [{ id: 'a' }, { id: 'b' }],
  links: [{ id: 'ab', from: 'a', to: 'b', capacity, ...extra }],
});

describe('demand growth against one link', () => {
  it('first unserved year of 4.5 Mt growing 10 %/year on a 10 Mt/year link is 2033', () => {
    // 4.5 · 1.1^k > 10  ⇔  k > ln(10/4.5)/ln(1.1) = 8.38, so k = 9: 2024 + 9 = 2033.
    const r = run({
      name: 't', years: { start: 2024, end: 2040 }, params: { growth: 0.1 }, ...line(10),
      flows: [{ id: 'f', origin: 'a', destination: 'b', demand: '4.5 * (1 + growth)^(yr - 2024)', routes: [{ id: 'r', via: ['ab'] }] }],
    });
    const firstUnserved = [...Array(17).keys()].map((k) => 2024 + k).find((y) => at(r, 'flowDemand', 'f', y) - at(r, 'flowServed', 'f', y) > 1e-9);
    expect(firstUnserved).toBe(2033);
    expect(at(r, 'flowServed', 'f', 2032)).toBeCloseTo(4.5 * 1.1 ** 8, 9); // 9.6461…, still under 10
    expect(at(r, 'flowServed', 'f', 2033)).toBeCloseTo(10, 9); // capped at capacity
  });
});

describe('water-filling', () => {
  const shared = (bExtraRoute: boolean) => ({
    name: 't', years: { start: 2030, end: 2030 },
    nodes: [{ id: 'o' }, { id: 'd' }],
    links: [
      { id: 'main', from: 'o', to: 'd', capacity: 6 },
      { id: 'alt', from: 'o', to: 'd', capacity: 10 },
    ],
    flows: [
      { id: 'a', origin: 'o', destination: 'd', demand: 4, routes: [{ id: 'r1', via: ['main'] }] },
      {
        id: 'b', origin: 'o', destination: 'd', demand: 8,
        routes: [{ id: 'r1', via: ['main'] }, ...(bExtraRoute ? [{ id: 'r2', via: ['alt'] }] : [])],
      },
    ],
  });

  it('two flows with one route share a full link in proportion to demand', () => {
    // 6 Mt/year split 4 : 8 → a gets 6·4/12 = 2, b gets 6·8/12 = 4.
    const r = run(shared(false));
    expect(at(r, 'flowServed', 'a', 2030)).toBeCloseTo(2, 12);
    expect(at(r, 'flowServed', 'b', 2030)).toBeCloseTo(4, 12);
  });

  it('a flow with a second route spills onto it and the other keeps its share', () => {
    // Both grow at rates 4 and 8; main (6) fills at τ = 6/12 = 0.5 with a = 2, b = 4.
    // a has no other route: it stops at 2. b moves to alt and grows 8 · 0.5 = 4 more: 8 in all.
    const r = run(shared(true));
    expect(at(r, 'flowServed', 'a', 2030)).toBeCloseTo(2, 12);
    expect(at(r, 'routeVolume', 'b/r1', 2030)).toBeCloseTo(4, 12);
    expect(at(r, 'routeVolume', 'b/r2', 2030)).toBeCloseTo(4, 12);
    expect(at(r, 'flowServed', 'b', 2030)).toBeCloseTo(8, 12);
  });

  it('routes are offered in ascending cost_per_t, whatever the listed order', () => {
    const s = shared(true);
    s.flows[1]!.routes = [{ id: 'r2', via: ['alt'], cost_per_t: 5 } as never, { id: 'r1', via: ['main'], cost_per_t: 9 } as never];
    // b goes to alt first (8 ≤ 10), a alone on main (4 ≤ 6): everyone is served.
    const r = run(s);
    expect(at(r, 'routeVolume', 'b/r2', 2030)).toBeCloseTo(8, 12);
    expect(at(r, 'flowServed', 'a', 2030)).toBeCloseTo(4, 12);
  });
});

describe('projects, events and effective capacity', () => {
  const withProject = (effect: object, ramp: number, cap = 12) =>
    run({
      name: 't', years: { start: 2024, end: 2028 }, ...line(cap),
      projects: [{ id: 'p', target: 'ab', effect, online: 2025, ramp_years: ramp }],
    });

  it('a ×5 project ramping over two years gives ×3, then ×5', () => {
    // Linear in capacity: year online+k has (k+1)/2 of the change 12 → 60.
    const r = withProject({ multiply: 5 }, 2);
    expect([2024, 2025, 2026, 2027].map((y) => capacityOf(r, 'ab', y))).toEqual([12, 36, 60, 60]);
  });

  it('set with a three-year ramp moves a third of the way each year', () => {
    const r = withProject({ set: 60 }, 3);
    [12, 28, 44, 60, 60].forEach((v, k) => expect(capacityOf(r, 'ab', 2024 + k)).toBeCloseTo(v, 12));
  });

  it('add with ramp 0 applies at once', () => {
    const r = withProject({ add: 48 }, 0);
    expect([2024, 2025].map((y) => capacityOf(r, 'ab', y))).toEqual([12, 60]);
  });

  it('ramp and change arithmetic', () => {
    expect(rampFraction(2024, 2025, 2)).toBe(0);
    expect(rampFraction(2025, 2025, 2)).toBe(0.5);
    expect(rampFraction(2030, 2025, 2)).toBe(1);
    // Half of a ×3: 10 · (1 + (3 − 1) · 0.5) = 20.
    expect(applyChange(10, { id: 'x', constraints: [], effect: 'multiply', amount: Float64Array.of(3) }, 0, 0.5)).toBe(20);
  });

  it('an event halves capacity only in its years', () => {
    const r = run({
      name: 't', years: { start: 2024, end: 2027 }, ...line(10),
      events: [{ id: 'e', target: 'ab', from: 2025, to: 2026, effect: { multiply: 0.5 } }],
    });
    expect([2024, 2025, 2026, 2027].map((y) => capacityOf(r, 'ab', y))).toEqual([10, 5, 5, 10]);
  });

  it('effective capacity = nameplate × max_utilization × availability', () => {
    const r = run({ name: 't', years: { start: 2024, end: 2024 }, ...line(10, { max_utilization: 0.8, availability: '330/365' }) });
    expect(capacityOf(r, 'ab', 2024)).toBeCloseTo((10 * 0.8 * 330) / 365, 12);
  });

  it('a quantity in trains a day converts through the scenario unit', () => {
    // 60 trains/day × 2300 t × 365.25 days (mathjs year) = 50.4045 Mt/year.
    const r = run({ name: 't', years: { start: 2024, end: 2024 }, units: { train: '2300 t' }, ...line('60 train/day') });
    expect(capacityOf(r, 'ab', 2024)).toBeCloseTo(50.4045, 9);
  });
});

describe('unserved demand and allocation modes', () => {
  const flow = (extra: object) => ({
    name: 't', years: { start: 2024, end: 2026 }, ...line(5),
    flows: [{ id: 'f', origin: 'a', destination: 'b', demand: 6, routes: [{ id: 'r', via: ['ab'] }], ...extra }],
  });

  it('lost: each year starts from the base demand', () => {
    const r = run(flow({}));
    expect([2024, 2025, 2026].map((y) => at(r, 'flowDemand', 'f', y))).toEqual([6, 6, 6]);
  });

  it('carry: unserved volume is added to next year’s demand', () => {
    // 6 − 5 = 1 carried → 7, 2 carried → 8.
    const r = run(flow({ unserved: 'carry' }));
    expect([2024, 2025, 2026].map((y) => at(r, 'flowDemand', 'f', y))).toEqual([6, 7, 8]);
    expect([2024, 2025, 2026].map((y) => at(r, 'flowServed', 'f', y))).toEqual([5, 5, 5]);
  });

  it('shares: fixed route shares, each capped, no spill', () => {
    // Demand 10 split 0.7 / 0.3; the second route's link holds 1 → 7 + 1 served, 2 unserved
    // (under spill the excess would have moved to the first route).
    const r = run({
      name: 't', years: { start: 2024, end: 2024 },
      nodes: [{ id: 'a' }, { id: 'b' }],
      links: [{ id: 'big', from: 'a', to: 'b', capacity: 20 }, { id: 'small', from: 'a', to: 'b', capacity: 1 }],
      flows: [{
        id: 'f', origin: 'a', destination: 'b', demand: 10, allocation: 'shares',
        routes: [{ id: 'r1', via: ['big'], share: 0.7 }, { id: 'r2', via: ['small'], share: 0.3 }],
      }],
    });
    expect(at(r, 'routeVolume', 'f/r1', 2024)).toBeCloseTo(7, 12);
    expect(at(r, 'routeVolume', 'f/r2', 2024)).toBeCloseTo(1, 12);
    expect(at(r, 'flowServed', 'f', 2024)).toBeCloseTo(8, 12);
  });
});

describe('cargo classes and transit times', () => {
  it('a class capacity limits its class, the total limits all', () => {
    // Port: total 12, container 5. Containers want 7 → capped at 5; general 6 fits (5 + 6 = 11 ≤ 12).
    const r = run({
      name: 't', years: { start: 2024, end: 2024 },
      nodes: [{ id: 'a' }, { id: 'port', capacity: { total: 12, container: 5 } }],
      links: [{ id: 'l', from: 'a', to: 'port' }],
      flows: [
        { id: 'box', origin: 'a', destination: 'port', cargo: 'container', demand: 7, routes: [{ id: 'r', via: ['l'] }] },
        { id: 'bulk', origin: 'a', destination: 'port', demand: 6, routes: [{ id: 'r', via: ['l'] }] },
      ],
    });
    expect(at(r, 'flowServed', 'box', 2024)).toBeCloseTo(5, 12);
    expect(at(r, 'flowServed', 'bulk', 2024)).toBeCloseTo(6, 12);
    expect(utilizationOf(r, 'port', 2024, 'container')).toBeCloseTo(1, 12);
    expect(utilizationOf(r, 'port', 2024)).toBeCloseTo(11 / 12, 12);
  });

  it('BPR stretches transit time with utilization', () => {
    // Utilization 5/10 = 0.5: 2 days · (1 + 0.15 · 0.5^4) = 2.01875; node dwell 1 day at u = 0.
    const r = run({
      name: 't', years: { start: 2024, end: 2024 },
      nodes: [{ id: 'a', dwell_days: 1 }, { id: 'b' }],
      links: [{ id: 'ab', from: 'a', to: 'b', capacity: 10, transit_days: 2 }],
      flows: [{ id: 'f', origin: 'a', destination: 'b', demand: 5, routes: [{ id: 'r', via: ['ab'] }] }],
    });
    expect(r.routeTransit[0]).toBeCloseTo(3.01875, 12);
  });
});

describe('closed elements', () => {
  it('a closed element has no utilization, binds, is the route bottleneck, and is not the year bottleneck', () => {
    // 'shut' has capacity 0 until a project opens it in 2026; 'open' carries the flow at 4/8 = 0.5.
    const r = run({
      name: 't', years: { start: 2025, end: 2026 },
      nodes: [{ id: 'a' }, { id: 'b' }],
      links: [
        { id: 'open', from: 'a', to: 'b', capacity: 8 },
        { id: 'shut', from: 'a', to: 'b', capacity: 0 },
      ],
      projects: [{ id: 'p', target: 'shut', effect: { set: 10 }, online: 2026 }],
      flows: [{ id: 'f', origin: 'a', destination: 'b', demand: 4, routes: [{ id: 'r1', via: ['shut'] }, { id: 'r2', via: ['open'] }] }],
    });
    const shut = r.model.elements.findIndex((e) => e.id === 'shut');
    expect(utilizationOf(r, 'shut', 2025)).toBeNaN();
    expect(r.yearBottleneck[0]).not.toBe(shut);
    expect(r.yearMaxUtilization[0]).toBeCloseTo(0.5, 12);
    expect(r.routeBottleneck[r.model.flows[0]!.routes[0]! * 2]).toBe(shut);
    expect(at(r, 'routeVolume', 'f/r1', 2026)).toBe(4); // open from 2026: the cheaper route takes all
  });
});
