// A year's route-choice equilibrium in WebAssembly, compiled by AssemblyScript
// (build.mjs): the logit's evaluation, the congested costs, the dual's
// projected Newton and the joint Newton on loads (the methods: choice.ts and
// choice-newton.ts; why here: docs/architecture.md, "WebAssembly kernels").
// Each function repeats the arithmetic of the JavaScript it replaced in the
// same order, with exp and log as V8's (fdlibm.ts) and `**` of a fractional β
// as V8's (imported), so that runs give the same bits as before the move.
//
// The arrays live in the instance's memory, laid out once per network by
// src/engine/kernels.ts; the globals below hold their addresses (bytes), set
// by name from there. An instance serves one ChoiceFlows: one year's state.
import { exp, log } from './fdlibm';

@external('env', 'pow')
declare function jsPow(x: f64, y: f64): f64;

/** Where the arrays may start: after this module's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

// Sizes: flows, routes, constraints (rows).
export let F: i32 = 0;
export let R: i32 = 0;
export let C: i32 = 0;

// The network (Int32 unless said; choice-flow.ts builds them). Flow → its routes
// (flat) and its nests (flat: nest → routes); route → its nest, its rows
// (flat), its flow, its elements (flat: per entry the route's rows on that
// element); per entry whether a load moves its days (Uint8) and its element's
// BPR α (Float64); per row its element's β (Float64); flow → the rows its
// routes use (flat, ascending); per row its position among the Hessian's free
// rows (−1 outside them) and per route the positions of its free rows (flat).
export let flowRouteStart: usize = 0;
export let flowRoutes: usize = 0;
export let flowNestStart: usize = 0;
export let nestRouteStart: usize = 0;
export let nestRoutes: usize = 0;
export let routeNest: usize = 0;
export let routeConStart: usize = 0;
export let routeCons: usize = 0;
export let routeFlow: usize = 0;
export let routeElStart: usize = 0;
export let elConStart: usize = 0;
export let elCons: usize = 0;
export let reTimed: usize = 0;
export let reAlpha: usize = 0;
export let rowBeta: usize = 0;
export let flowRowStart: usize = 0;
export let flowRows: usize = 0;
export let pos: usize = 0;
export let routeFreeStart: usize = 0;
export let routeFree: usize = 0;

// The year: per route its own days and value of time, per nest its spread, per route-element entry its days.
export let routeOwnDays: usize = 0;
export let routeVot: usize = 0;
export let nestSpreadNow: usize = 0;
export let entryBaseNow: usize = 0;
export let entryFixedNow: usize = 0;

// The state (FlowState).
export let K: usize = 0;
export let open: usize = 0;
export let routeOpen: usize = 0;
export let money: usize = 0;
export let cost: usize = 0;
export let spread: usize = 0;
export let demand: usize = 0;
export let choke: usize = 0;
export let composite: usize = 0;
export let served: usize = 0;
export let choked: usize = 0;
export let p: usize = 0;
export let within: usize = 0;
export let nestShare: usize = 0;
export let x: usize = 0;
export let rowLoad: usize = 0;

// The state's per-row twins' representative and whether some open route uses the row.
export let rep: usize = 0;
export let used: usize = 0;

// The dual's Newton (ChoiceAllocator): gradient and trial, right-hand side, factor and substitution, free rows and Hessian.
export let grad: usize = 0;
export let gradTrial: usize = 0;
export let trial: usize = 0;
export let rhs: usize = 0;
export let factor: usize = 0;
export let forward: usize = 0;
export let solution: usize = 0;
export let freeRows: usize = 0;
export let hBuffer: usize = 0;

// The dual's sparse Cholesky (many free rows): the free rows' graph as bitsets (rows × words), the
// elimination order, degrees, which rows are eliminated, per row the columns of L's
// nonzeros left of the diagonal (row-major, rows × rows, ascending) and their number, P H Pᵀ's factor
// (rows × rows), the permuted right-hand side and solution.
export let adjacency: usize = 0;
export let order: usize = 0;
export let degree: usize = 0;
export let eliminated: usize = 0;
export let structure: usize = 0;
export let structureCount: usize = 0;
export let sparseFactor: usize = 0;
export let sparseRhs: usize = 0;
export let sparseSolution: usize = 0;

// The joint Newton on loads (JointNewton): which rows' loads set a time, the route-element entries that can, and its buffers.
export let timed: usize = 0;
export let timedEntries: usize = 0;
export let timedEntryCount: i32 = 0;
export let slope: usize = 0;
export let slopeRow: usize = 0;
export let toLoad: usize = 0;
export let toPrice: usize = 0;
export let priced: usize = 0;
export let setsTime: usize = 0;
export let z: usize = 0;
export let zTrial: usize = 0;
export let lambdaTrial: usize = 0;
export let newtonRows: usize = 0;
export let newtonFree: usize = 0;
export let coupled: usize = 0;
export let system: usize = 0;
export let systemRhs: usize = 0;
export let solved: usize = 0;
export let stepBuffer: usize = 0;
/** Newton steps the last `newton` took. */
export let newtonSteps: i32 = 0;

// Scratch: per route its scarcity Λ = Σ λ over its rows and per nest its cost at c + Λ; per row (load/K)^β
// and its slope d u^β / d load; A (∂x/∂u), routes × rows.
export let routeScarcity: usize = 0;
export let nestCost: usize = 0;
export let congestPower: usize = 0;
export let rowSlope: usize = 0;
export let response: usize = 0;

@inline function f64at(a: usize, i: i32): f64 {
  return load<f64>(a + (<usize>i << 3));
}
@inline function setF64(a: usize, i: i32, v: f64): void {
  store<f64>(a + (<usize>i << 3), v);
}
@inline function i32at(a: usize, i: i32): i32 {
  return load<i32>(a + (<usize>i << 2));
}
@inline function setI32(a: usize, i: i32, v: i32): void {
  store<i32>(a + (<usize>i << 2), v);
}
@inline function u8at(a: usize, i: i32): i32 {
  return <i32>load<u8>(a + <usize>i);
}
@inline function setU8(a: usize, i: i32, v: i32): void {
  store<u8>(a + <usize>i, <u8>v);
}
@inline function fill(a: usize, n: i32): void {
  memory.fill(a, 0, <usize>n << 3);
}

// exp, log and u^β as the kernels take them, and H d = b by the sparse Cholesky (for tests/unit/kernels.test.ts).
export function sparseSolve(H: usize, b: usize, n: i32, d: usize): void {
  graphOf(H, n);
  factorSparse(H, n);
  substituteSparse(b, n, d);
}
export function expOf(x: f64): f64 {
  return exp(x);
}
export function logOf(x: f64): f64 {
  return log(x);
}
export function power(u: f64, beta: f64): f64 {
  return powerOf(u, beta);
}

/** Each row's load at route volumes xs into `loads` (Mt/year: the sum of the volumes of the routes through it). */
export function loadsOf(xs: usize, loads: usize): void {
  fill(loads, C);
  for (let r = 0; r < R; r++) {
    const v = f64at(xs, r);
    const end = i32at(routeConStart, r + 1);
    for (let j = i32at(routeConStart, r); j < end; j++) {
      const c = i32at(routeCons, j);
      setF64(loads, c, f64at(loads, c) + v);
    }
  }
}

/**
 * Φ(λ) at the state's costs: per flow the nested logit over its open routes
 * at c + Λ (nest costs and shares from the least cost, a nest or flow of one
 * skipping exp and log), served demand under the choke, then Σ λK + ε/2 λ²;
 * the shares, volumes and loads into the state, and with `grad` (not 0)
 * ∂Φ/∂λ = K − load + ελ there.
 */
export function evaluate(lambda: usize, grad: usize, epsilon: f64): f64 {
  let phi: f64 = 0;
  for (let r = 0; r < R; r++) {
    let sum: f64 = 0;
    if (u8at(routeOpen, r)) {
      const end = i32at(routeConStart, r + 1);
      for (let j = i32at(routeConStart, r); j < end; j++) sum += f64at(lambda, i32at(routeCons, j));
    }
    setF64(routeScarcity, r, sum);
  }
  for (let f = 0; f < F; f++) {
    const sf = f64at(spread, f);
    // Nest costs over open routes at c + Λ.
    let best: f64 = Infinity;
    const first = i32at(flowNestStart, f);
    const last = i32at(flowNestStart, f + 1);
    for (let n = first; n < last; n++) {
      const sn = f64at(nestSpreadNow, n);
      const a = i32at(nestRouteStart, n);
      const b = i32at(nestRouteStart, n + 1);
      if (b - a == 1) {
        const r = i32at(nestRoutes, a);
        const isOpen = u8at(routeOpen, r);
        const cn = isOpen ? f64at(cost, r) + f64at(routeScarcity, r) : Infinity;
        setF64(within, r, isOpen ? 1 : 0);
        setF64(nestCost, n, cn);
        best = Math.min(best, cn);
        continue;
      }
      let min: f64 = Infinity;
      for (let k = a; k < b; k++) {
        const r = i32at(nestRoutes, k);
        if (u8at(routeOpen, r)) min = Math.min(min, f64at(cost, r) + f64at(routeScarcity, r));
      }
      let sum: f64 = 0;
      for (let k = a; k < b; k++) {
        const r = i32at(nestRoutes, k);
        const e = u8at(routeOpen, r) ? exp(-(f64at(cost, r) + f64at(routeScarcity, r) - min) / sn) : 0;
        setF64(within, r, e);
        sum += e;
      }
      for (let k = a; k < b; k++) {
        const r = i32at(nestRoutes, k);
        setF64(within, r, sum > 0 ? f64at(within, r) / sum : 0);
      }
      const cn = sum > 0 ? min - sn * log(sum) : Infinity;
      setF64(nestCost, n, cn);
      best = Math.min(best, cn);
    }
    let total: f64 = 0;
    let Cf: f64 = Infinity;
    if (last - first == 1) {
      total = best < Infinity ? 1 : 0;
      setF64(nestShare, first, total);
      Cf = best;
    } else {
      for (let n = first; n < last; n++) {
        const e = f64at(nestCost, n) < Infinity ? exp(-(f64at(nestCost, n) - best) / sf) : 0;
        setF64(nestShare, n, e);
        total += e;
      }
      if (total > 0) Cf = best - sf * log(total);
    }
    const D = f64at(demand, f);
    const P = f64at(choke, f);
    const q = Cf <= P ? D : D * exp(-(Cf - P) / sf);
    phi += sf * q + D * Math.max(0, P - Cf);
    setF64(composite, f, Cf);
    setF64(served, f, q);
    setU8(choked, f, Cf > P ? 1 : 0);
    for (let n = first; n < last; n++) {
      const share = total > 0 ? f64at(nestShare, n) / total : 0;
      setF64(nestShare, n, share);
      const end = i32at(nestRouteStart, n + 1);
      for (let k = i32at(nestRouteStart, n); k < end; k++) {
        const r = i32at(nestRoutes, k);
        const pr = share * f64at(within, r);
        setF64(p, r, pr);
        setF64(x, r, q * pr);
      }
    }
  }
  loadsOf(x, rowLoad);
  for (let c = 0; c < C; c++) {
    if (!u8at(open, c)) continue;
    const l = f64at(lambda, c);
    const k = f64at(K, c);
    phi += l * k + 0.5 * epsilon * (l * l);
    if (grad) setF64(grad, c, k - f64at(rowLoad, c) + epsilon * l);
  }
  return phi;
}

/** u^β ≥ 0 for u ≥ 0: a whole β up to 32 (the congestion curves' 4 and 10) by squaring, within a few units in the last place of `**` and a third of its time; other β by V8's `**`. Monotone in u, as `**` is. */
@inline function powerOf(u: f64, beta: f64): f64 {
  if (!(beta >= 1 && beta <= 32 && beta == Math.floor(beta))) return jsPow(u, beta);
  let result: f64 = 1;
  let base = u;
  let e = <i32>beta;
  while (true) {
    if (e & 1) result *= base;
    e >>= 1;
    if (e == 0) break;
    base *= base;
  }
  return result;
}

/**
 * c_r with congested days at the rows' loads: money + value of time × (own
 * days + Σ base × (1 + α w)), w the largest u^β over the element's rows on
 * the route; with `slope` (not 0), each route-element's ∂c_r/∂load of the
 * row that sets its w (`slopeRow`, −1 where none does).
 */
export function congestLoads(loads: usize, slope: usize, slopeRow: usize): void {
  for (let c = 0; c < C; c++) setF64(congestPower, c, f64at(K, c) > 0 ? powerOf(f64at(loads, c) / f64at(K, c), f64at(rowBeta, c)) : 0);
  const slopes = slope != 0;
  if (slopes) {
    for (let c = 0; c < C; c++) {
      const k = f64at(K, c);
      const beta = f64at(rowBeta, c);
      const u = k > 0 ? f64at(loads, c) / k : 0;
      setF64(rowSlope, c, k > 0 && beta > 0 ? (beta * (u > 0 ? f64at(congestPower, c) / u : beta == 1 ? 1 : beta > 1 ? 0 : 1e12)) / k : 0);
    }
  }
  for (let r = 0; r < R; r++) {
    const vot = f64at(routeVot, r);
    let days = f64at(routeOwnDays, r);
    const end = i32at(routeElStart, r + 1);
    for (let i = i32at(routeElStart, r); i < end; i++) {
      if (u8at(reTimed, i) == 0) {
        days += f64at(entryFixedNow, i);
        if (slopes) {
          setI32(slopeRow, i, -1);
          setF64(slope, i, 0);
        }
        continue;
      }
      let w: f64 = 0;
      let arg = -1;
      const to = i32at(elConStart, i + 1);
      for (let j = i32at(elConStart, i); j < to; j++) {
        const c = i32at(elCons, j);
        if (f64at(K, c) > 0 && (arg < 0 || f64at(congestPower, c) > w)) {
          w = Math.max(w, f64at(congestPower, c));
          arg = c;
        }
      }
      const base = f64at(entryBaseNow, i);
      days += base * (1 + f64at(reAlpha, i) * w);
      if (slopes) {
        setI32(slopeRow, i, arg);
        setF64(slope, i, arg >= 0 ? vot * base * f64at(reAlpha, i) * f64at(rowSlope, arg) : 0);
      }
    }
    setF64(cost, r, f64at(money, r) + vot * days);
  }
}

/**
 * The rows' load responses at the last kept evaluation, column-major (C × C,
 * `[k·C + c]` row c's response to k): `toLoad` ∂load/∂load through the
 * congested costs (the slopes of `congestLoads`), `toPrice` ∂load/∂λ for the
 * rows marked in `priced`; both A (∂x/∂u) times the cost's derivative.
 */
function loadResponse(slope: usize, slopeRow: usize, toLoad: usize, toPrice: usize, priced: usize): void {
  const n = C;
  const T = response;
  fill(T, R * n);
  for (let f = 0; f < F; f++) {
    const q = f64at(served, f);
    if (q <= 0) continue;
    const sf = f64at(spread, f);
    const dq = u8at(choked, f) ? -q / sf : 0;
    const a = i32at(flowRouteStart, f);
    const b = i32at(flowRouteStart, f + 1);
    const flowTerm = -(1 / sf);
    for (let i = a; i < b; i++) {
      const r = i32at(flowRoutes, i);
      const first = i32at(routeConStart, r);
      const last = i32at(routeConStart, r + 1);
      if (!u8at(routeOpen, r) || first == last) continue;
      const nestTerm = 1 / f64at(nestSpreadNow, i32at(routeNest, r));
      const pr = f64at(p, r);
      for (let j = a; j < b; j++) {
        const r2 = i32at(flowRoutes, j);
        if (!u8at(routeOpen, r2)) continue;
        const dx = volumeResponse(r, r2, pr, flowTerm, nestTerm, q, dq);
        const t = r2 * n;
        for (let u = first; u < last; u++) {
          const at = t + i32at(routeCons, u);
          setF64(T, at, f64at(T, at) + dx);
        }
      }
    }
  }
  fill(toLoad, n * n);
  fill(toPrice, n * n);
  for (let r2 = 0; r2 < R; r2++) {
    const t = r2 * n;
    const f = i32at(routeFlow, r2);
    const from = i32at(flowRowStart, f);
    const to = i32at(flowRowStart, f + 1);
    const end = i32at(routeConStart, r2 + 1);
    for (let v = i32at(routeConStart, r2); v < end; v++) {
      const k = i32at(routeCons, v);
      if (!u8at(priced, k)) continue;
      const col = k * n;
      for (let i = from; i < to; i++) {
        const c = i32at(flowRows, i);
        setF64(toPrice, col + c, f64at(toPrice, col + c) + f64at(T, t + c));
      }
    }
    const last = i32at(routeElStart, r2 + 1);
    for (let e = i32at(routeElStart, r2); e < last; e++) {
      const c2 = i32at(slopeRow, e);
      if (c2 < 0) continue;
      const g = f64at(slope, e);
      const col = c2 * n;
      for (let i = from; i < to; i++) {
        const c = i32at(flowRows, i);
        setF64(toLoad, col + c, f64at(toLoad, col + c) + f64at(T, t + c) * g);
      }
    }
  }
}

/**
 * ∂x_r/∂u_r2 for two routes of one flow: q' p_r p_r2 + q ∂p_r/∂u_r2, the
 * nested logit's ∂p_r/∂u_r2 (choice.ts, header) from p_r = pr, the flow's
 * −1/s (flowTerm), 1 / r's nest spread (nestTerm), served q and dq = ∂q/∂C
 * (the quotients once per flow and route, where the caller loops).
 */
@inline function volumeResponse(r: i32, r2: i32, pr: f64, flowTerm: f64, nestTerm: f64, q: f64, dq: f64): f64 {
  const same: f64 = i32at(routeNest, r) == i32at(routeNest, r2) ? 1 : 0;
  const dp = flowTerm * pr * (same * f64at(within, r2) - f64at(p, r2)) - same * nestTerm * pr * ((r == r2 ? 1 : 0) - f64at(within, r2));
  return dq * pr * f64at(p, r2) + q * dp;
}

/** ∂²Φ/∂λ² = −A (∂x/∂u) Aᵀ over the n rows of `free` into H (row-major), at the last kept evaluation. */
function hessian(free: usize, n: i32, H: usize, graph: bool): void {
  fill(H, n * n);
  const words = (n + 31) >> 5;
  if (graph) memory.fill(adjacency, 0, <usize>(n * words) << 2);
  for (let i = 0; i < n; i++) setI32(pos, i32at(free, i), i);
  // Per open route, the positions of its free rows (in its rows' order): the pairs below read them many times.
  let at = 0;
  for (let r = 0; r < R; r++) {
    setI32(routeFreeStart, r, at);
    if (!u8at(routeOpen, r)) continue;
    const end = i32at(routeConStart, r + 1);
    for (let j = i32at(routeConStart, r); j < end; j++) {
      const ci = i32at(pos, i32at(routeCons, j));
      if (ci >= 0) setI32(routeFree, at++, ci);
    }
  }
  setI32(routeFreeStart, R, at);
  for (let f = 0; f < F; f++) {
    const q = f64at(served, f);
    if (q <= 0) continue;
    const sf = f64at(spread, f);
    const dq = u8at(choked, f) ? -q / sf : 0;
    const a = i32at(flowRouteStart, f);
    const b = i32at(flowRouteStart, f + 1);
    const flowTerm = -(1 / sf);
    for (let i = a; i < b; i++) {
      const r = i32at(flowRoutes, i);
      const fromU = i32at(routeFreeStart, r);
      const endU = i32at(routeFreeStart, r + 1);
      if (fromU == endU) continue;
      const nestTerm = 1 / f64at(nestSpreadNow, i32at(routeNest, r));
      const pr = f64at(p, r);
      for (let j = a; j < b; j++) {
        const r2 = i32at(flowRoutes, j);
        const fromV = i32at(routeFreeStart, r2);
        const endV = i32at(routeFreeStart, r2 + 1);
        if (fromV == endV) continue;
        const dx = volumeResponse(r, r2, pr, flowTerm, nestTerm, q, dq);
        if (dx == 0) continue;
        for (let u = fromU; u < endU; u++) {
          const ci = i32at(routeFree, u);
          const row = ci * n;
          for (let v = fromV; v < endV; v++) {
            const cj = i32at(routeFree, v);
            setF64(H, row + cj, f64at(H, row + cj) - dx);
            // The sparse Cholesky's graph, both ways (the pair's other order may give dx = 0 by rounding).
            if (graph && ci != cj) {
              setBit(ci, cj, words);
              setBit(cj, ci, words);
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) setI32(pos, i32at(free, i), -1);
}

/** The least pivot a Cholesky of H (n × n) takes: 1e-14 of H's largest diagonal entry (ε-regularised H may be near singular). */
@inline function pivotFloor(H: usize, n: i32): f64 {
  let largest: f64 = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(f64at(H, i * n + i)));
  return Math.max(largest * 1e-14, 1e-300);
}

/** Cholesky of a symmetric positive definite H (n × n, row-major) into L, a pivot below `pivotFloor` floored. */
export function factorSpd(H: usize, n: i32, L: usize): void {
  const floor = pivotFloor(H, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = f64at(H, i * n + j);
      for (let k = 0; k < j; k++) s -= f64at(L, i * n + k) * f64at(L, j * n + k);
      if (i == j) setF64(L, i * n + i, Math.sqrt(Math.max(s, floor)));
      else setF64(L, i * n + j, s / f64at(L, j * n + j));
    }
  }
}

/** Solves L Lᵀ d = b (the factor of `factorSpd`) into d, through z. */
export function substitute(L: usize, b: usize, n: i32, z: usize, d: usize): void {
  for (let i = 0; i < n; i++) {
    let s = f64at(b, i);
    for (let k = 0; k < i; k++) s -= f64at(L, i * n + k) * f64at(z, k);
    setF64(z, i, s / f64at(L, i * n + i));
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = f64at(z, i);
    for (let k = i + 1; k < n; k++) s -= f64at(L, k * n + i) * f64at(d, k);
    setF64(d, i, s / f64at(L, i * n + i));
  }
}

/**
 * From this many free rows the dual's Hessian is factorised as sparse: the
 * rows couple only through flows that use both, and in a minimum-degree
 * order its factor keeps a small part of the dense one's entries (on the
 * bench's generated network of 583 rows, 15,000 of 170,000), while below
 * it the dense Cholesky's simpler loops are quicker.
 */
const SPARSE_ROWS = 48;

@inline function setBit(i: i32, j: i32, words: i32): void {
  const at = adjacency + ((<usize>(i * words + (j >> 5))) << 2);
  store<u32>(at, load<u32>(at) | (<u32>1 << (j & 31)));
}

/** H's graph from its entries (`hessian` records it as it builds H; for a matrix given as it is, as in tests). */
function graphOf(H: usize, n: i32): void {
  const words = (n + 31) >> 5;
  memory.fill(adjacency, 0, <usize>(n * words) << 2);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j != i && (f64at(H, i * n + j) != 0 || f64at(H, j * n + i) != 0)) setBit(i, j, words);
}

/**
 * The elimination order of the free rows by minimum degree on H's graph
 * (in `adjacency`; ties to the first row), and per row the columns of L's
 * nonzeros left of its diagonal in that order: the exact elimination graph,
 * as bitsets.
 */
function orderRows(n: i32): void {
  const words = (n + 31) >> 5;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let w = 0; w < words; w++) d += <i32>popcnt(load<u32>(adjacency + ((<usize>(i * words + w)) << 2)));
    setI32(degree, i, d);
    setU8(eliminated, i, 0);
    setI32(structureCount, i, 0);
  }
  for (let p = 0; p < n; p++) {
    let v = -1;
    let least = i32.MAX_VALUE;
    for (let i = 0; i < n; i++) {
      if (!u8at(eliminated, i) && i32at(degree, i) < least) {
        least = i32at(degree, i);
        v = i;
      }
    }
    setI32(order, p, v);
    setU8(eliminated, v, 1);
    // v's remaining neighbours: each gets column p of L, loses v, and joins the others (the fill).
    const rowV = adjacency + ((<usize>(v * words)) << 2);
    for (let w = 0; w < words; w++) {
      let bits = load<u32>(rowV + (<usize>w << 2));
      while (bits != 0) {
        const u = (w << 5) + <i32>ctz(bits);
        bits &= bits - 1;
        const count = i32at(structureCount, u);
        setI32(structure, u * n + count, p);
        setI32(structureCount, u, count + 1);
        const rowU = adjacency + ((<usize>(u * words)) << 2);
        let d = 0;
        for (let x = 0; x < words; x++) {
          let merged = load<u32>(rowU + (<usize>x << 2)) | load<u32>(rowV + (<usize>x << 2));
          if (x == u >> 5) merged &= ~(<u32>1 << (u & 31));
          if (x == v >> 5) merged &= ~(<u32>1 << (v & 31));
          store<u32>(rowU + (<usize>x << 2), merged);
          d += <i32>popcnt(merged);
        }
        setI32(degree, u, d);
      }
    }
  }
}

/** Cholesky of the free rows' H (n × n, row-major; its graph in `adjacency`) in the order of `orderRows`, into `sparseFactor` (rows in that order), a tiny pivot floored as in `factorSpd`. */
function factorSparse(H: usize, n: i32): void {
  orderRows(n);
  const floor = pivotFloor(H, n);
  const L = sparseFactor;
  for (let i = 0; i < n; i++) {
    const oi = i32at(order, i);
    memory.fill(L + ((<usize>(i * n)) << 3), 0, <usize>n << 3);
    const count = i32at(structureCount, oi);
    for (let t = 0; t < count; t++) {
      const j = i32at(structure, oi * n + t);
      const oj = i32at(order, j);
      let s = f64at(H, oi * n + oj);
      const cj = i32at(structureCount, oj);
      for (let u = 0; u < cj; u++) {
        const k = i32at(structure, oj * n + u);
        s -= f64at(L, i * n + k) * f64at(L, j * n + k);
      }
      setF64(L, i * n + j, s / f64at(L, j * n + j));
    }
    let s = f64at(H, oi * n + oi);
    for (let t = 0; t < count; t++) {
      const k = i32at(structure, oi * n + t);
      s -= f64at(L, i * n + k) * f64at(L, i * n + k);
    }
    setF64(L, i * n + i, Math.sqrt(Math.max(s, floor)));
  }
}

/** Solves H d = b with the factor of `factorSparse` into d (free rows' order), through the permuted buffers. */
function substituteSparse(b: usize, n: i32, d: usize): void {
  const L = sparseFactor;
  const z = sparseRhs;
  for (let i = 0; i < n; i++) {
    const oi = i32at(order, i);
    let s = f64at(b, oi);
    const count = i32at(structureCount, oi);
    for (let t = 0; t < count; t++) {
      const k = i32at(structure, oi * n + t);
      s -= f64at(L, i * n + k) * f64at(z, k);
    }
    setF64(z, i, s / f64at(L, i * n + i));
  }
  // Lᵀ d' = z by columns of L (its rows here), from the last.
  const x = sparseSolution;
  for (let i = n - 1; i >= 0; i--) {
    const xi = f64at(z, i) / f64at(L, i * n + i);
    setF64(x, i, xi);
    const oi = i32at(order, i);
    const count = i32at(structureCount, oi);
    for (let t = 0; t < count; t++) {
      const k = i32at(structure, oi * n + t);
      setF64(z, k, f64at(z, k) - f64at(L, i * n + k) * xi);
    }
  }
  for (let i = 0; i < n; i++) setF64(d, i32at(order, i), f64at(x, i));
}

/** Solves M d = b (n × n, row-major, overwritten) by Gaussian elimination with partial pivoting; 0 where singular. */
function solveLu(M: usize, b: usize, n: i32, d: usize): i32 {
  for (let i = 0; i < n; i++) setF64(d, i, f64at(b, i));
  for (let k = 0; k < n; k++) {
    const kk = k * n;
    let pivot = k;
    let largest = Math.abs(f64at(M, kk + k));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(f64at(M, i * n + k));
      if (v > largest) {
        largest = v;
        pivot = i;
      }
    }
    const pp = pivot * n;
    const pv = f64at(M, pp + k);
    if (!(Math.abs(pv) > 1e-300)) return 0;
    if (pivot != k) {
      for (let j = 0; j < n; j++) {
        const t = f64at(M, kk + j);
        setF64(M, kk + j, f64at(M, pp + j));
        setF64(M, pp + j, t);
      }
      const t = f64at(d, k);
      setF64(d, k, f64at(d, pivot));
      setF64(d, pivot, t);
    }
    const dk = f64at(d, k);
    for (let i = k + 1; i < n; i++) {
      const ii = i * n;
      const fk = f64at(M, ii + k) / pv;
      if (fk == 0) continue;
      for (let j = k; j < n; j++) setF64(M, ii + j, f64at(M, ii + j) - fk * f64at(M, kk + j));
      setF64(d, i, f64at(d, i) - fk * dk);
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const ii = i * n;
    let s = f64at(d, i);
    for (let j = i + 1; j < n; j++) s -= f64at(M, ii + j) * f64at(d, j);
    setF64(d, i, s / f64at(M, ii + i));
  }
  return 1;
}

/** λ of each group of twins on its representative (the sum), 0 on the others: where solving starts. */
function gatherTwins(lambda: usize): void {
  for (let c = 0; c < C; c++) {
    const r = i32at(rep, c);
    if (r != c && f64at(lambda, c) != 0) {
      setF64(lambda, r, f64at(lambda, r) + f64at(lambda, c));
      setF64(lambda, c, 0);
    }
  }
}

/** The rows a Newton step moves into `freeRows`, their number: open, used, their twins' representative, and priced or overfilled. */
function findFree(lambda: usize, g: usize): i32 {
  let n = 0;
  for (let c = 0; c < C; c++) {
    if (u8at(open, c) && u8at(used, c) && i32at(rep, c) == c && (f64at(lambda, c) > 0 || f64at(g, c) < 0)) setI32(freeRows, n++, c);
  }
  return n;
}

/** The largest relative violation of the regularised optimality conditions: |∂Φ/∂λ| on priced rows, the overfill on free ones. */
function kkt(lambda: usize, g: usize): f64 {
  let worst: f64 = 0;
  for (let c = 0; c < C; c++) {
    if (!u8at(open, c) || !u8at(used, c)) continue;
    const v = f64at(lambda, c) > 0 ? Math.abs(f64at(g, c)) : Math.max(0, -f64at(g, c));
    worst = Math.max(worst, v / Math.max(f64at(K, c), 1e-12));
  }
  return worst;
}

/** The largest relative violation of capacity (overfill) and complementarity (a priced row not full) at the state's loads. */
function gap(lambda: usize, g: usize): f64 {
  let worst: f64 = 0;
  for (let c = 0; c < C; c++) {
    if (!u8at(open, c) || !u8at(used, c)) continue;
    const k = f64at(K, c);
    const slack = k - f64at(rowLoad, c);
    const rel = Math.max(k, 1e-12);
    const l = f64at(lambda, c);
    worst = Math.max(worst, Math.max(0, -slack) / rel);
    if (l > 0) worst = Math.max(worst, Math.abs(slack) / rel);
    if (l > 0 && Math.abs(f64at(g, c)) / rel > worst) worst = Math.max(worst, Math.abs(f64at(g, c)) / rel);
  }
  return worst;
}

/** Φ after the last accepted `step`. */
let stepPhi: f64 = 0;

/**
 * Armijo on Φ along the projected path λ + t d over the n free rows (t = 1,
 * ½, … up to `tries` times; with `descent`, only where the path goes down
 * at first): the first trial that lowers Φ enough becomes λ, with its
 * gradient and state; whether one did.
 */
function step(lambda: usize, n: i32, d: usize, phi: f64, tries: i32, descent: bool, epsilon: f64): bool {
  let t: f64 = 1;
  for (let k = 0; k < tries; k++) {
    memory.copy(trial, lambda, <usize>C << 3);
    let slope: f64 = 0;
    for (let i = 0; i < n; i++) {
      const c = i32at(freeRows, i);
      const v = Math.max(0, f64at(lambda, c) + t * f64at(d, i));
      setF64(trial, c, v);
      slope += f64at(grad, c) * (v - f64at(lambda, c));
    }
    // Evaluated into the state (a step is mostly accepted at once); a refused step's state is replaced by the caller.
    const next = evaluate(trial, gradTrial, epsilon);
    if ((!descent || slope < 0) && next <= phi + 1e-4 * slope + 1e-15 * Math.abs(phi)) {
      memory.copy(lambda, trial, <usize>C << 3);
      memory.copy(grad, gradTrial, <usize>C << 3);
      stepPhi = next;
      return true;
    }
    t /= 2;
  }
  return false;
}

/** A flat direction (no route responds to its price yet) gives a huge step: its first n entries kept to maxStep. */
function clip(d: usize, n: i32, maxStep: f64): usize {
  let longest: f64 = 0;
  for (let i = 0; i < n; i++) longest = Math.max(longest, Math.abs(f64at(d, i)));
  if (longest > maxStep) for (let i = 0; i < n; i++) setF64(d, i, (f64at(d, i) * maxStep) / longest);
  return d;
}

/** H d = rhs over the n free rows with the factor made this step (sparse or dense): d in `solution`. */
@inline function solveFree(n: i32, sparse: bool): usize {
  if (sparse) substituteSparse(rhs, n, solution);
  else substitute(factor, rhs, n, forward, solution);
  return solution;
}

/**
 * λ for the state's route costs by projected Newton from the current λ
 * (`grad` left at it); the relative gap. choice.ts (ChoiceAllocator.solve)
 * says the method. Not `exact`: λ as it is unless some row is more
 * than `roughStart` from its fill; converged where the KKT violation is at
 * most `tolerance`; at most `maxNewton` steps.
 */
export function dual(lambda: usize, exact: i32, epsilon: f64, maxStep: f64, tolerance: f64, roughStart: f64, maxNewton: i32): f64 {
  for (let c = 0; c < C; c++) if (!u8at(open, c)) setF64(lambda, c, 0);
  gatherTwins(lambda);
  let phi = evaluate(lambda, grad, epsilon);
  const steps = exact || kkt(lambda, grad) > roughStart ? maxNewton : 0;
  for (let it = 0; it < steps; it++) {
    const n = findFree(lambda, grad);
    if (n == 0 || kkt(lambda, grad) <= tolerance) break;
    const sparse = n >= SPARSE_ROWS;
    hessian(freeRows, n, hBuffer, sparse);
    for (let i = 0; i < n; i++) setF64(hBuffer, i * n + i, f64at(hBuffer, i * n + i) + epsilon);
    if (sparse) factorSparse(hBuffer, n);
    else factorSpd(hBuffer, n, factor);
    // Far from the fill, Newton on ln(load) − ln(K) first (the same Hessian, the same factor).
    let far = false;
    for (let i = 0; i < n; i++) {
      const c = i32at(freeRows, i);
      const k = f64at(K, c);
      const L = k - f64at(grad, c);
      if (!(L > 0) || Math.abs(log(L / k)) <= 0.1) setF64(rhs, i, -f64at(grad, c));
      else {
        far = true;
        setF64(rhs, i, L * log(L / k));
      }
    }
    let accepted = false;
    if (far) accepted = step(lambda, n, clip(solveFree(n, sparse), n, maxStep), phi, 1, true, epsilon);
    if (!accepted) {
      for (let i = 0; i < n; i++) setF64(rhs, i, -f64at(grad, i32at(freeRows, i)));
      accepted = step(lambda, n, clip(solveFree(n, sparse), n, maxStep), phi, 60, false, epsilon);
    }
    if (accepted) phi = stepPhi;
    else {
      evaluate(lambda, grad, epsilon);
      break;
    }
  }
  return gap(lambda, grad);
}

/** The open rows whose load sets a time (the loads the joint Newton moves) into `newtonRows`; their number. */
export function timedRows(): i32 {
  let n = 0;
  for (let c = 0; c < C; c++) if (u8at(timed, c) && f64at(K, c) > 0) setI32(newtonRows, n++, c);
  return n;
}

/** The largest |A X − z| over the nz rows in `newtonRows`, relative to 1 + the largest demand. */
function change(zs: usize, nz: i32, scale: f64): f64 {
  let worst: f64 = 0;
  for (let i = 0; i < nz; i++) {
    const c = i32at(newtonRows, i);
    worst = Math.max(worst, Math.abs(f64at(rowLoad, c) - f64at(zs, c)));
  }
  return worst / (1 + scale);
}

/** The Newton step (δz on the nz rows, then δλ on the nf free rows) into `stepBuffer` at the state's last evaluation; false where singular. */
function direction(nz: i32, nf: i32, epsilon: f64, maxStep: f64): bool {
  memory.fill(priced, 0, <usize>C);
  for (let i = 0; i < nf; i++) setU8(priced, i32at(newtonFree, i), 1);
  loadResponse(slope, slopeRow, toLoad, toPrice, priced);
  // Only the loads that set some element's time enter the costs: the system couples their δz and δλ.
  memory.fill(setsTime, 0, <usize>C);
  for (let k = 0; k < timedEntryCount; k++) {
    const c = i32at(slopeRow, i32at(timedEntries, k));
    if (c >= 0) setU8(setsTime, c, 1);
  }
  let na = 0;
  for (let i = 0; i < nz; i++) {
    const c = i32at(newtonRows, i);
    if (u8at(setsTime, c) == 1) setI32(coupled, na++, c);
  }
  const n = na + nf;
  const M = system;
  const b = systemRhs;
  // A X − z on the coupled rows: (∂load/∂z − I) δz + ∂load/∂λ δλ = −(load − z).
  for (let i = 0; i < na; i++) {
    const c = i32at(coupled, i);
    for (let j = 0; j < na; j++) setF64(M, i * n + j, f64at(toLoad, i32at(coupled, j) * C + c) - (i == j ? 1.0 : 0.0));
    for (let j = 0; j < nf; j++) setF64(M, i * n + na + j, f64at(toPrice, i32at(newtonFree, j) * C + c));
    setF64(b, i, -(f64at(rowLoad, c) - f64at(z, c)));
  }
  // K − load + ελ on the free rows: ∂load/∂z δz + (∂load/∂λ − ε) δλ = K − load + ελ.
  for (let i = 0; i < nf; i++) {
    const c = i32at(newtonFree, i);
    const row = (na + i) * n;
    for (let j = 0; j < na; j++) setF64(M, row + j, f64at(toLoad, i32at(coupled, j) * C + c));
    for (let j = 0; j < nf; j++) setF64(M, row + na + j, f64at(toPrice, i32at(newtonFree, j) * C + c) - (i == j ? epsilon : 0.0));
    setF64(b, na + i, f64at(grad, c));
  }
  if (!solveLu(M, b, n, solved)) return false;
  // δz on the rows (the uncoupled ones from their own equations), then δλ on the free rows.
  const d = stepBuffer;
  for (let k = 0; k < nf; k++) setF64(d, nz + k, f64at(solved, na + k));
  for (let i = 0, a = 0; i < nz; i++) {
    const c = i32at(newtonRows, i);
    if (u8at(setsTime, c) == 1) {
      setF64(d, i, f64at(solved, a++));
      continue;
    }
    let v = f64at(rowLoad, c) - f64at(z, c);
    for (let j = 0; j < na; j++) v += f64at(toLoad, i32at(coupled, j) * C + c) * f64at(solved, j);
    for (let k = 0; k < nf; k++) v += f64at(toPrice, i32at(newtonFree, k) * C + c) * f64at(solved, na + k);
    setF64(d, i, v);
  }
  // A flat direction (no route responds to a price yet) gives a huge step: keep λ's part to a sensible size.
  clip(d + (<usize>nz << 3), nf, maxStep);
  return true;
}

/**
 * The equilibrium of the state's year by Newton's method on the loads from
 * loads z0 and prices λ (updated in place), each trial priced by `dual`
 * (choice-newton.ts says the method). The gap, or Infinity
 * where it does not get to `tolerance` (the caller then restores λ).
 */
export function newton(lambda: usize, z0: usize, tolerance: f64, maxSteps: i32, maxHalvings: i32, epsilon: f64, maxStep: f64, scale: f64, dualTolerance: f64, roughStart: f64, maxNewton: i32): f64 {
  const nz = timedRows();
  const bytes = <usize>C << 3;
  memory.copy(z, z0, bytes);
  congestLoads(z, slope, slopeRow);
  let g = dual(lambda, 0, epsilon, maxStep, dualTolerance, roughStart, maxNewton);
  let merit = change(z, nz, scale);
  let exact = false;
  for (let it = 0; it < maxSteps; it++) {
    newtonSteps = it;
    if (merit <= tolerance && !exact) {
      g = dual(lambda, 1, epsilon, maxStep, dualTolerance, roughStart, maxNewton);
      exact = true;
      merit = change(z, nz, scale);
    }
    if (merit <= tolerance) return Math.max(g, merit);
    const nf = findFree(lambda, grad);
    memory.copy(newtonFree, freeRows, <usize>nf << 2);
    if (!direction(nz, nf, epsilon, maxStep)) return Infinity;
    // Backtrack on the loads' residual; each trial's prices from the dual's Newton at its times, from the linearisation's guess.
    let t: f64 = 1;
    let accepted = false;
    for (let h = 0; h <= maxHalvings; h++) {
      memory.copy(zTrial, z, bytes);
      memory.copy(lambdaTrial, lambda, bytes);
      for (let i = 0; i < nz; i++) {
        const c = i32at(newtonRows, i);
        setF64(zTrial, c, Math.max(0, f64at(z, c) + t * f64at(stepBuffer, i)));
      }
      for (let i = 0; i < nf; i++) {
        const c = i32at(newtonFree, i);
        setF64(lambdaTrial, c, Math.max(0, f64at(lambda, c) + t * f64at(stepBuffer, nz + i)));
      }
      congestLoads(zTrial, slope, slopeRow);
      const trialGap = dual(lambdaTrial, 1, epsilon, maxStep, dualTolerance, roughStart, maxNewton);
      const next = change(zTrial, nz, scale);
      if (next < (1 - 1e-4 * t) * merit) {
        memory.copy(z, zTrial, bytes);
        memory.copy(lambda, lambdaTrial, bytes);
        merit = next;
        g = trialGap;
        exact = true;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) return Infinity;
  }
  return Infinity;
}
