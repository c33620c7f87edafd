// The route choice's WebAssembly kernels (src/engine/wasm/): the same bits as
// the JavaScript they replaced. exp and log there are fdlibm's algorithms as
// V8 computes Math.exp and Math.log; checked here against V8 itself on the
// arguments the logit takes (exp of −(c − min)/s ≤ 0, log of a sum ≥ 1) and on
// random bit patterns over the whole range. The run-level check (the default
// run's tables byte for byte) is the golden comparison of the Middle Corridor.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ChoiceFlows } from '../../src/engine/choice-flow.js';
import { ChoiceAllocator, choiceOutputs } from '../../src/engine/choice.js';
import { Kernels } from '../../src/engine/kernels.js';
import { modelOf } from '../support/build.js';

const { expOf, logOf } = new Kernels(0).exports;

/** A double from 64 random bits (every sign, exponent and mantissa). */
function anyDouble(rng: () => number): number {
  const words = new Uint32Array([Math.floor(rng() * 2 ** 32), Math.floor(rng() * 2 ** 32)]);
  return new Float64Array(words.buffer)[0]!;
}

describe('kernels: exp and log as V8 gives them', () => {
  it('exp equals Math.exp bit for bit', () => {
    const rng = seedrandom('exp');
    const args = [0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 709.78, 709.79, -745.1, -745.2, 5e-324, 0.5 * Math.LN2, 1.5 * Math.LN2];
    for (let i = 0; i < 200_000; i++) args.push(-rng() * 60, (rng() - 0.5) * 1500, (rng() - 0.5) * 1e-6, anyDouble(rng));
    const differ = args.filter((x) => !Object.is(expOf(x), Math.exp(x)));
    expect(differ).toEqual([]);
  });

  it('log equals Math.log bit for bit', () => {
    const rng = seedrandom('log');
    const args = [0, -0, 1, -1, 2, Math.E, Infinity, -Infinity, NaN, 5e-324, 1e-310];
    for (let i = 0; i < 200_000; i++) args.push(1 + rng() * 40, 1 + (rng() - 0.5) * 1e-5, Math.exp((rng() - 0.5) * 1400), anyDouble(rng));
    const differ = args.filter((x) => !Object.is(logOf(x), Math.log(x)));
    expect(differ).toEqual([]);
  });
});

describe('kernels: the sparse Cholesky of the dual (48 free rows and more)', () => {
  // A random symmetric positive definite matrix with the dual Hessian's shape: rows coupled in small groups (the
  // rows of one flow's routes), diagonally dominant. H d = b is checked by its residual, worked out here in
  // JavaScript, and d against the dense Cholesky's.
  function system(n: number, seed: string): { H: number[]; b: number[] } {
    const rng = seedrandom(seed);
    const H = new Array<number>(n * n).fill(0);
    for (let g = 0; g < n; g++) {
      const group = Array.from({ length: 2 + Math.floor(rng() * 6) }, () => Math.floor(rng() * n));
      for (const i of group) for (const j of group) if (i !== j) H[i * n + j] = H[i * n + j]! - rng();
    }
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) if (j !== i) sum += Math.abs(H[i * n + j]! + H[j * n + i]!) / 2;
      for (let j = 0; j < i; j++) H[i * n + j] = H[j * n + i] = (H[i * n + j]! + H[j * n + i]!) / 2;
      H[i * n + i] = sum + 0.1 + rng();
    }
    return { H, b: Array.from({ length: n }, () => rng() * 10 - 5) };
  }

  for (const n of [48, 97, 200]) {
    it(`${n} rows: the residual of H d = b is at rounding level, and d is the dense solution's`, () => {
      // Room for the largest case (C rows): H, the dense and sparse factors and the structure (4 bytes an
      // entry) are under 4 C² doubles, the row-sized buffers a few C; 6 C² + 64 C leaves a margin (Kernels throws beyond).
      const C = 200;
      const k = new Kernels(8 * (6 * C * C + 64 * C));
      k.point({
        adjacency: k.i32(C * ((C >> 5) + 1)), order: k.i32(C), degree: k.i32(C), eliminated: k.u8(C),
        structure: k.i32(C * C), structureCount: k.i32(C), sparseFactor: k.f64(C * C), sparseRhs: k.f64(C), sparseSolution: k.f64(C),
      });
      const { H, b } = system(n, `sparse-${n}`);
      const [h, rhs, d] = [k.f64From(H), k.f64From(b), k.f64(n)];
      k.exports.sparseSolve(k.address(h), k.address(rhs), n, k.address(d));
      let worst = 0;
      for (let i = 0; i < n; i++) {
        let r = -b[i]!;
        for (let j = 0; j < n; j++) r += H[i * n + j]! * d[j]!;
        worst = Math.max(worst, Math.abs(r) / (1 + Math.abs(b[i]!)));
      }
      expect(worst).toBeLessThan(1e-12);
      const [factor, forward, dense] = [k.f64(n * n), k.f64(n), k.f64(n)];
      h.set(H);
      k.exports.factorSpd(k.address(h), n, k.address(factor));
      k.exports.substitute(k.address(factor), k.address(rhs), n, k.address(forward), k.address(dense));
      for (let i = 0; i < n; i++) expect(Math.abs(d[i]! - dense[i]!)).toBeLessThan(1e-12 * (1 + Math.abs(dense[i]!)));
    });
  }
});

describe('kernels: memory', () => {
  const model = modelOf(`name: k
years: { start: 2030, end: 2031 }
defaults: { allocation: choice, spread: 10 }
nodes: [{ id: a }, { id: b }]
links:
  - { id: rail, from: a, to: b, capacity: 10, cost_per_t: 100, transit_days: 10, bpr_alpha: 2, bpr_beta: 4 }
flows:
  - id: f
    origin: a
    destination: b
    demand: 8
    routes:
      - { id: r, via: [rail] }
      - { id: sea, off_network: { cost_per_t: 150, transit_days: 30 } }
economics:
  value_of_time_per_t_day: 4
  value_per_t: 1000
`);

  it('every array the kernels read is laid out (no address left at 0)', () => {
    // The flows, the dual's and the Newton method's buffers: an allocator lays them all out.
    const allocator = new ChoiceAllocator(model, choiceOutputs(model));
    const { kernels } = (allocator as unknown as { flows: ChoiceFlows }).flows;
    // Sizes and counts here are all above 0; newtonSteps is an output (0 before any solve).
    expect(kernels.unset().filter((name) => name !== 'newtonSteps')).toEqual([]);
  });

  it('an array outside the kernels\' memory is refused, not read at a wrong address', () => {
    const flows = new ChoiceFlows(model);
    const state = flows.year(0, new Float64Array(model.constraints.length).fill(10), new Float64Array([4]), 0);
    expect(() => flows.evaluate(state, new Float64Array(model.constraints.length))).toThrow(/outside the route choice's kernel memory/);
    expect(() => flows.evaluate(state, flows.kernels.f64(model.constraints.length))).not.toThrow();
  });
});
