// extends (deep merge, merge by id, remove) and --set overrides.
import { describe, expect, it } from 'vitest';
import { buildScenario, loadSource } from '../../src/scenario/index.js';
import { formatProblem } from '../../src/scenario/problems.js';
import { loadText } from '../support/build.js';

const base = `
name: base
years: { start: 2024, end: 2030 }
params: { growth: 0.1, other: 1 }
nodes:
  - { id: a, name: Alpha }
  - { id: b, capacity: 5, dwell_days: 1 }
  - { id: c }
links:
  - { id: ab, from: a, to: b, capacity: 10 }
projects:
  - { id: p1, target: ab, effect: { multiply: 5 }, online: 2026, ramp_years: 2 }
flows:
  - { id: f, origin: a, destination: b, demand: "2 * (1 + growth)^(yr - 2024)", routes: [{ id: r, via: [ab] }] }
`;

describe('extends', () => {
  const variant = `
name: variant
extends: base.yaml
params: { growth: 0.2 }
nodes:
  - { id: b, capacity: 7 }
  - { id: c, remove: true }
  - { id: d }
projects:
  - { id: p1, online: 2028 }
`;
  const loaded = loadText({ 'dir/variant.yaml': variant, 'dir/base.yaml': base }, 'dir/variant.yaml');

  it('loads without problems and reads base files first', () => {
    expect(loaded.problems.map(formatProblem)).toEqual([]);
    expect(loaded.files.map((f) => f.path)).toEqual(['dir/base.yaml', 'dir/variant.yaml']);
  });

  it('maps merge deeply: one param changes, the others stay', () => {
    expect(loaded.model!.params).toEqual({ growth: 0.2, other: 1 });
  });

  it('elements merge by id: changed keys override, the rest is kept', () => {
    const m = loaded.model!;
    const b = m.elements.find((e) => e.id === 'b')!;
    expect(m.constraints[b.constraints[0]!]!.nameplate[0]).toBe(7);
    expect(b.baseDays[0]).toBe(1); // dwell_days kept from the base
    const p1 = m.projects.find((p) => p.id === 'p1')!;
    expect([p1.online, p1.rampYears, p1.effect]).toEqual([2028, 2, 'multiply']);
  });

  it('remove: true drops an element and new ids are added', () => {
    expect(loaded.model!.elements.map((e) => e.id)).toEqual(['a', 'ab', 'b', 'd']);
  });

  it('removing an id the base lacks is an error at its position', () => {
    const bad = loadText({ 'v.yaml': 'name: v\nextends: base.yaml\nnodes:\n  - { id: zz, remove: true }\n', 'base.yaml': base }, 'v.yaml');
    expect(bad.problems.map(formatProblem)).toEqual(['v.yaml:4:11: nodes[0].id: remove: true, but the base has no element "zz" at nodes (check the id)']);
  });
});

describe('--set overrides', () => {
  const files = { 's.yaml': base };

  it('a bare name sets a param', () => {
    expect(loadText(files, 's.yaml', ['growth=0.15']).model!.params.growth).toBe(0.15);
  });

  it('a dotted path addresses elements by id', () => {
    const m = loadText(files, 's.yaml', ['projects.p1.online=2027', 'nodes.b.capacity=9']).model!;
    expect(m.projects[0]!.online).toBe(2027);
    const b = m.elements.find((e) => e.id === 'b')!;
    expect(m.constraints[b.constraints[0]!]!.nameplate[0]).toBe(9);
  });

  it('does not change the tree it was given (what-if makes a new scenario)', () => {
    const a = loadText(files, 's.yaml', ['growth=0.3']);
    const b = loadText(files, 's.yaml');
    expect([a.model!.params.growth, b.model!.params.growth]).toEqual([0.3, 0.1]);
  });

  it('reports every bad override at once', () => {
    const r = loadText(files, 's.yaml', ['grwth=0.2', 'projects.p9.online=2027', 'projects.p1.online=soon', 'nonsense']);
    expect(r.problems.map(formatProblem)).toEqual([
      '--set grwth=0.2: grwth: unknown param "grwth"; did you mean `growth`? (params: growth, other)',
      '--set nonsense: nonsense: expected name=value or path.to.key=value, got "nonsense"',
      '--set projects.p1.online=soon: projects[0].online: unknown name "soon": not a param, time variable or unit',
      '--set projects.p9.online=2027: projects.p9.online: no element with id "p9"; did you mean `p1`?',
    ]);
  });
});

describe('param-only overrides take a fast path to the same model', () => {
  it('name=value (fast) and params.name=value (the general path) give equal models', () => {
    const fast = loadText({ 's.yaml': base }, 's.yaml', ['growth=0.15', 'other=2']).model!;
    const general = loadText({ 's.yaml': base }, 's.yaml', ['params.growth=0.15', 'params.other=2']).model!;
    expect(JSON.stringify(fast)).toBe(JSON.stringify(general));
    expect(fast.params).toEqual({ growth: 0.15, other: 2 });
  });

  it('a bad value still gets its positioned error', () => {
    const r = loadText({ 's.yaml': base }, 's.yaml', ['growth=-30']);
    expect(r.model).toBeUndefined();
    expect(r.problems.map(formatProblem).join('\n')).toMatch(/flows\[0\]\.demand: .* is negative/);
  });
});

describe('the param fast path keeps the file’s own problems', () => {
  it('a schema error elsewhere in the file is still reported with --set name=value', () => {
    // `description: 5` is the only problem in the file; it must not vanish because a param is set.
    const text = `name: t\ndescription: 5\nyears: { start: 2024, end: 2026 }\nparams: { growth: 0.1 }\nnodes: [{ id: a }, { id: b }]\nlinks: [{ id: ab, from: a, to: b }]\nflows: [{ id: f, origin: a, destination: b, demand: "1 + growth", routes: [{ id: r, via: [ab] }] }]\n`;
    const r = loadText({ 's.yaml': text }, 's.yaml', ['growth=0.2']);
    expect(r.model).toBeUndefined();
    expect(r.problems.map(formatProblem)).toContain('s.yaml:2:14: description: expected string, received number');
  });
});

describe('param-only what-ifs reuse the normalisation stages their params do not reach', () => {
  // Capacity of b reads `other`; the demand of f reads `growth`; f's cargo class is unknown (a warning).
  const text = base
    .replace('{ id: b, capacity: 5, dwell_days: 1 }', '{ id: b, capacity: "5 * other", dwell_days: 1 }')
    .replace('{ id: f, origin', '{ id: f, cargo: grain, origin');
  const files = { 's.yaml': text };
  const readText = (f: string) => files[f as 's.yaml'];
  const fresh = (overrides: string[]) => loadText(files, 's.yaml', overrides);

  it('gives the model and problems of a fresh load, whatever came before', () => {
    const source = loadSource('s.yaml', readText);
    // Alternating values: a stage reused from the wrong run would show up as a mismatch.
    const sequence = [['growth=0.15'], ['growth=0.2'], ['other=3'], ['growth=0.15'], ['other=3', 'growth=0.2'], ['other=1']];
    for (const overrides of sequence) {
      const reused = buildScenario(source, overrides);
      const expected = fresh(overrides);
      expect(JSON.stringify(reused.model)).toBe(JSON.stringify(expected.model));
      expect(reused.problems.map(formatProblem)).toEqual(expected.problems.map(formatProblem));
      // The unknown cargo class warning is reported by the flows stage, reused or not.
      expect(reused.problems.map((p) => p.message).join('\n')).toMatch(/cargo class "grain"/);
    }
  });

  it('shares the stages whose params are unchanged and rebuilds the others', () => {
    const source = loadSource('s.yaml', readText);
    const a = buildScenario(source, ['growth=0.15']).model!;
    const b = buildScenario(source, ['growth=0.2']).model!;
    // growth reaches only the flows: the network is the same object, the demand is new.
    expect(b.elements).toBe(a.elements);
    expect(b.projects).toBe(a.projects);
    expect(b.flows).not.toBe(a.flows);
    // By hand: demand in 2025 is 2 · 1.2.
    expect(b.flows[0]!.demand[1]).toBeCloseTo(2.4, 12);
    const c = buildScenario(source, ['growth=0.2', 'other=3']).model!;
    // other reaches b's capacity: elements are rebuilt, and so is everything built on them.
    expect(c.elements).not.toBe(b.elements);
    expect(c.flows).not.toBe(b.flows);
    const b0 = c.constraints.find((k) => c.elements[k.element]!.id === 'b')!;
    expect(b0.nameplate[0]).toBe(15); // "5 * other" with other = 3
  });
});
