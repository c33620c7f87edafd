// Issue 15's speed-ups keep every number: what a run reuses (its buffers and
// the last run's years, memoised stages, items, series and expressions,
// bucket counts instead of sketches) gives the bits of the previous
// implementation, which is still here to compare with: fresh arrays
// (simulate), a cold build (a newly loaded source), DDSketch fed value by
// value.
import fs from 'node:fs';
import { DDSketch } from '@datadog/sketches-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BatchBinsBuilder, CellSketches } from '../../src/analysis/bins.js';
import { Aggregate, BatchCollector, cellSources, drawEvents, drawParams, metricDefs, runOnce, runValues, SKETCH_ACCURACY } from '../../src/analysis/montecarlo.js';
import { flowTwins } from '../../src/engine/measures.js';
import { Allocator } from '../../src/engine/allocate.js';
import { FillHeap } from '../../src/engine/heap.js';
import { simulate, simulateWith, type BufferHolder, type Result } from '../../src/engine/simulate.js';
import { buildScenario, buildWhatIf, loadSource, type LoadedSource } from '../../src/scenario/index.js';
import { scenarioArb, type Scn } from '../support/networks.js';
import { generateScenario } from '../../bench/network.js';

/** Every array of a result, for comparison by value (bits: Float64Array compares with Object.is per element). */
function arrays(r: Result): unknown[] {
  return [r.capacity, r.routeVolume, r.flowDemand, r.flowServed, r.constraintFlow, r.elementFlow, r.utilization, r.yearBottleneck, r.yearMaxUtilization, r.yearBinding.map((b) => [...b])].map((a) =>
    ArrayBuffer.isView(a) ? Array.from(a as Float64Array) : a,
  );
}

const sourceOf = (text: string): LoadedSource => loadSource('reuse.yaml', () => text);

/**
 * The random scenario with params: even flows' demand is a series whose
 * point reads k and which grows by ga, odd flows' an expression growing by
 * gb; a project opens in year `o`, and an event halves its link's capacity
 * in years that Monte Carlo draws.
 */
function withParams(s: Scn): string {
  const flows = s.flows.map((f, i) => ({
    ...f,
    demand: i % 2 === 0 ? { 2030: `${f.demand as number} * k`, then: 'base * (1 + ga)^(yr - base_yr)' } : `${f.demand as number} * (1 + gb)^(yr - 2030)`,
  }));
  const link = s.links[0]!;
  return stringify({
    ...s,
    years: { start: 2030, end: 2034 },
    params: { ga: 0.1, gb: 0.2, k: 1, o: 2032 },
    links: s.links.map((l) => (l === link ? { ...l, capacity: 12 } : l)),
    projects: [{ id: 'p', target: link.id, effect: { add: 8 }, online: 'o' }],
    events: [{ id: 'e', target: link.id, from: 2031, to: 2034, effect: { multiply: 0.5 }, probability: 0.5 }],
    flows,
  });
}

describe('runs into reused buffers (issue 15)', () => {
  it('give the bits of fresh runs, on random networks and sequences of what-ifs (years with the last run’s inputs kept)', () => {
    const value = fc.record({ ga: fc.constantFrom(0, 0.1, 0.5), gb: fc.constantFrom(0, 0.2), k: fc.constantFrom(1, 1.5), o: fc.constantFrom(2031, 2032, 2033) });
    fc.assert(
      fc.property(scenarioArb, fc.array(value, { minLength: 2, maxLength: 8 }), (s, whatIfs) => {
        const source = sourceOf(withParams(s));
        const holder: BufferHolder = {};
        whatIfs.forEach((v, run) => {
          const overrides = Object.entries(v).map(([k, x]) => `${k}=${x}`);
          const model = buildScenario(source, overrides).model!;
          expect(model, JSON.stringify(v)).toBeDefined();
          const events = { eventApplies: drawEvents(model, 1, run % 3) };
          const fresh = arrays(simulate(model, events));
          expect(arrays(simulateWith(model, holder, events))).toEqual(fresh);
          // A cold build (new source: no memoised stage, item, series or expression results) gives the same model and run.
          expect(arrays(simulate(buildScenario(sourceOf(withParams(s)), overrides).model!, events))).toEqual(fresh);
        });
      }),
      { numRuns: 60 },
    );
  });

  it.each([[[]], [['projects.sarzha.remove=true', 'titr_growth_late=0.07']]])('give the Middle Corridor baseline’s Monte Carlo metrics of fresh runs and cold builds (--set %j)', (set: string[]) => {
    const text = fs.readFileSync('scenarios/middle-corridor-spill.yaml', 'utf8');
    const read = (f: string) => (f.endsWith('middle-corridor-spill.yaml') ? text : fs.readFileSync(f, 'utf8'));
    const source = loadSource('scenarios/middle-corridor-spill.yaml', read);
    const base = buildScenario(source, set).model!;
    const defs = metricDefs(base);
    const cells = defs.length * base.years;
    const holder: BufferHolder = {};
    for (let run = 0; run < 30; run++) {
      const draw = drawParams(base, 7, run);
      // Warm: the draws as values on the source with the overrides applied once (Monte Carlo's path);
      // cold: everything as `--set` text, on a newly loaded source.
      const text = [...set, ...Object.entries(draw.values).map(([k, v]) => `${k}=${v}`)];
      const warm = buildWhatIf(source, set, draw.values).model!;
      // Warm text: the --set part applied once, the params on top (buildScenario splits a param tail).
      const warmText = buildScenario(source, text).model!;
      const cold = buildScenario(loadSource('scenarios/middle-corridor-spill.yaml', read), text).model!;
      const [a, b, c, d] = [new Float64Array(cells), new Float64Array(cells), new Float64Array(cells), new Float64Array(cells)];
      runValues(simulateWith(warm, holder, { eventApplies: drawEvents(warm, 7, run) }), defs, a);
      runValues(simulate(warm, { eventApplies: drawEvents(warm, 7, run) }), defs, b);
      runValues(simulate(cold, { eventApplies: drawEvents(cold, 7, run) }), defs, c);
      runValues(simulate(warmText, { eventApplies: drawEvents(warmText, 7, run) }), defs, d);
      expect(Array.from(a), `run ${run}`).toEqual(Array.from(b));
      expect(Array.from(b), `run ${run}`).toEqual(Array.from(c));
      expect(Array.from(d), `run ${run}`).toEqual(Array.from(c));
    }
  });
});

describe('the allocator (issue 15)', () => {
  it('finds the next constraint to fill by a scan or by the heap with the same bits, on random networks', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }), (s, scale) => {
        const model = buildScenario(sourceOf(stringify(s))).model!;
        const [scan, heap] = [new Allocator(model, { scan: true }), new Allocator(model, { scan: false })];
        const cap = Float64Array.from(simulate(model).capacity.filter((_, i) => i % model.years === 0));
        const volumes = (a: Allocator) =>
          scale.flatMap((k) => {
            const demand = Float64Array.from(model.flows, (f) => f.demand[0]! * k);
            const out = new Float64Array(model.routes.length);
            a.allocate(cap, demand, out);
            return Array.from(out);
          });
        expect(volumes(scan)).toEqual(volumes(heap));
      }),
      { numRuns: 200 },
    );
    // Generated networks where many flows spill over three routes each, over 30 years (npm run bench's).
    for (const [width, seed] of [[1, 'a'], [2, 'b'], [3, 'c']] as const) {
      const model = buildScenario(sourceOf(stringify(generateScenario({ width: 5 * width, layers: 6, flows: 30 * width, years: 30 }, seed)))).model!;
      const Y = model.years;
      const r = simulate(model);
      const run = (a: Allocator) => {
        const out: number[] = [];
        for (let y = 0; y < Y; y++) {
          const volume = new Float64Array(model.routes.length);
          const cap = Float64Array.from(model.constraints, (_, c) => r.capacity[c * Y + y]!);
          a.allocate(cap, Float64Array.from(model.flows, (_, f) => r.flowDemand[f * Y + y]!), volume);
          out.push(...volume);
        }
        return out;
      };
      expect(run(new Allocator(model, { scan: true })), `width ${width}`).toEqual(run(new Allocator(model, { scan: false })));
    }
  });

  it('keeps the heap of fill times in the order of a sort by (time, constraint), through any sets, moves and removals', () => {
    // Fill times in quarters up to 4, so that ties (broken by the smaller index) are common; sets three
    // times as often as removals and pops, so that the heap grows deep enough for a removal to move the
    // last entry up as well as down.
    const op = fc.tuple(fc.constantFrom('set', 'set', 'set', 'remove', 'pop'), fc.nat({ max: 19 }), fc.nat({ max: 16 }).map((q) => q / 4));
    fc.assert(
      fc.property(fc.array(op, { minLength: 40, maxLength: 120 }), (ops) => {
        const heap = new FillHeap(20);
        const naive = new Map<number, number>();
        /** The naive heap's entries sorted by (time, constraint). */
        const sorted = () => [...naive].sort(([c1, t1], [c2, t2]) => t1 - t2 || c1 - c2);
        for (const [kind, c, t] of ops) {
          if (kind === 'set') (heap.set(c, t), naive.set(c, t));
          else if (kind === 'remove') (heap.remove(c), naive.delete(c));
          else if (naive.size > 0) {
            expect([heap.top, heap.time[heap.top]]).toEqual(sorted()[0]);
            naive.delete(heap.top);
            heap.pop();
          }
          expect(heap.size).toBe(naive.size);
        }
        // Draining gives the whole order.
        const drained: number[] = [];
        for (; heap.size > 0; heap.pop()) drained.push(heap.top);
        expect(drained).toEqual(sorted().map(([c]) => c));
      }),
      { numRuns: 500 },
    );
  });
});

describe('bucket counts (issue 15)', () => {
  it('give the quantiles, min, max and count of a DDSketch fed value by value, added directly or batch by batch', () => {
    // Values with repeats (counted once with their weight), zeros, negatives and magnitudes from 1e-4 to 1e4
    // (DDSketch's own store overflows the call stack on spans of ~1e20 and more).
    const magnitude = fc.double({ min: 1e-4, max: 1e4, noNaN: true });
    const v = fc.oneof(fc.constantFrom(0, 1, 1, 0.5, -2, 1e-3), magnitude, magnitude.map((x) => -x));
    fc.assert(
      fc.property(fc.array(fc.tuple(v, fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 300 }), (values) => {
        const bins = new CellSketches(1, SKETCH_ACCURACY);
        const merged = new CellSketches(1, SKETCH_ACCURACY);
        const sketch = new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });
        // Batches of three values, bucketed apart and merged in reverse order.
        const batches: BatchBinsBuilder[] = [];
        let sum = 0;
        values.forEach(([x, n], k) => {
          bins.add(0, x, n);
          if (k % 3 === 0) batches.push(new BatchBinsBuilder(1, 3, SKETCH_ACCURACY));
          batches[batches.length - 1]!.add(0, x, n);
          for (let j = 0; j < n; j++) sketch.accept(x);
          sum += Math.round(x * 1e6) * n; // means are of values rounded to 1e-6 (docs/architecture.md, aggregation)
        });
        for (const b of batches.reverse()) merged.merge(b.finish());
        for (const cells of [bins, merged]) {
          const made = cells.sketch(0);
          expect([made.count, made.min, made.max, made.zeroCount]).toEqual([sketch.count, sketch.min, sketch.max, sketch.zeroCount]);
          for (let q = 0; q <= 1; q += 0.05) expect(made.getValueAtQuantile(q), `q=${q}`).toBe(sketch.getValueAtQuantile(q));
          expect(cells.mean(0)).toBe(sum / 1e6 / sketch.count);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('flow twins (issue 15)', () => {
  it('carry the same flow in every year, on random networks and what-ifs', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(0, 0.1, 0.5), fc.integer({ min: 0, max: 5 }), (s, ga, run) => {
        const model = buildScenario(sourceOf(withParams(s)), [`ga=${ga}`]).model!;
        const r = simulate(model, { eventApplies: drawEvents(model, 1, run) });
        const Y = model.years;
        const twins = flowTwins(model);
        model.elements.forEach((_, e) => {
          const t = twins[e]!;
          // The twin is the first element through exactly the same routes (worked out here from the routes' element lists).
          const through = (x: number) => model.routes.flatMap((route, i) => (route.elements.includes(x) ? [i] : [])).join(',');
          expect(t).toBe(model.elements.findIndex((_, x) => through(x) === through(e)));
          expect(Array.from(r.elementFlow.subarray(e * Y, (e + 1) * Y))).toEqual(Array.from(r.elementFlow.subarray(t * Y, (t + 1) * Y)));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('let the Monte Carlo aggregate bucket a cell once for all its copies: the same counts and means as every cell bucketed', () => {
    const source = loadSource('scenarios/middle-corridor-spill.yaml', (f) => fs.readFileSync(f, 'utf8'));
    const base = buildScenario(source).model!;
    const defs = metricDefs(base);
    const sources = cellSources(base, defs);
    const cells = sources.length;
    // The baseline: 44 elements, 14 distinct sets of routes through them (counted once from the routes' element
    // lists, as the test above works twins out), so 30 elements' flows, 30 × years cells, are copies.
    expect(sources.filter((src, i) => src !== i).length).toBe(30 * base.years);
    const runs = 60;
    const collector = new BatchCollector(base, defs, runs, true);
    for (let run = 0; run < runs; run++) collector.add(runOnce(source, base, [], 3, run));
    const batch = collector.result();
    const agg = new Aggregate(base, defs);
    agg.addBatch(batch);
    // Every cell bucketed on its own, value by value, as the collector rounds them.
    const every = new CellSketches(cells, SKETCH_ACCURACY);
    for (let i = 0; i < cells; i++) {
      for (let r = 0; r < runs; r++) {
        const x = batch.values[i * batch.stride + r]!;
        expect(Object.is(x, batch.values[sources[i]! * batch.stride + r]), `cell ${i} run ${r}`).toBe(true);
        const v = Math.round(x * 1e9) / 1e9;
        if (Number.isFinite(v)) every.add(i, v, 1);
      }
      expect(agg.count(i), `cell ${i}`).toBe(every.values(i));
      if (every.values(i) > 0) expect(agg.mean(i), `cell ${i}`).toBe(every.mean(i));
    }
  });
});
