// The flows' side of route choice (src/engine/choice.ts): per year, route
// costs (money + value of time × days, congested), the nested logit's
// shares, served volumes with the choke, the dual Φ and its derivatives.
// Index arrays are built once per network shape (a thread reuses them for runs
// of the same network: `bind`, choice.ts); a year's numbers live in FlowState.
// A year's equilibrium (the logit's evaluation, the congested costs, the
// dual's and the joint Newton: src/engine/wasm/kernels.ts) runs in
// WebAssembly on arrays laid out in its memory (kernels.ts); what is done
// once a year or rarer (setting the year up, the outputs) stays here.
import { ChoiceInputError, type ChoiceOutputs } from './choice.js';
import { newtonSystemSize, type DualSettings } from './choice-newton.js';
import { Kernels } from './kernels.js';
import type { Model, Series } from './model.js';

/** One year's inputs and the logit's state at the last λ evaluated. */
export interface FlowState {
  readonly y: number;
  /** Per constraint: capacity, whether open (> 0), whether some open route uses it. */
  readonly K: Float64Array;
  readonly open: Uint8Array;
  readonly used: Uint8Array;
  /** Per route: open (all its rows open), money (USD/t), generalised cost c_r, volume. */
  readonly routeOpen: Uint8Array;
  readonly money: Float64Array;
  readonly c: Float64Array;
  readonly x: Float64Array;
  /** Per flow: demand (after elasticity), choke price P, spread s, C⁰, composite C, served q, whether choked. */
  readonly demand: Float64Array;
  readonly choke: Float64Array;
  readonly spread: Float64Array;
  readonly freeFlow: Float64Array;
  readonly composite: Float64Array;
  readonly served: Float64Array;
  readonly choked: Uint8Array;
  /** Per route: share p_r, within-nest share; per nest: share of the flow. */
  readonly p: Float64Array;
  readonly within: Float64Array;
  readonly nestShare: Float64Array;
  /** Flow through each constraint at the last evaluation. */
  readonly load: Float64Array;
  /**
   * Per constraint: the row that prices its twins this year (rows that the
   * same routes use: an element's cargo row and its total, a link and its
   * node): the open twin of least capacity, ties to the first. Only these
   * are priced while solving (twins make the dual's Hessian singular but for
   * ε); `scatterTwins` then shares λ among twins of equal capacity.
   */
  readonly rep: Int32Array;
  /** Largest demand (for relative measures), the least-norm weight ε, the largest sensible Newton step. */
  scale: number;
  epsilon: number;
  maxStep: number;
}

export class ChoiceFlows {
  private readonly F: number;
  private readonly R: number;
  private readonly C: number;
  /** Flow → its routes (flat, FlowModel.routes order) and its nests (flat: nest → routes). */
  private readonly flowRouteStart: Int32Array;
  private readonly flowRoutes: Int32Array;
  private readonly flowNestStart: Int32Array;
  private readonly nestRouteStart: Int32Array;
  private readonly nestRoutes: Int32Array;
  private readonly nestOf: { flow: number; index: number }[];
  /** Route → its constraints (flat), its flow, its position among its flow's routes (for routeMoney / routeDays). */
  private readonly routeConStart: Int32Array;
  private readonly routeCons: Int32Array;
  private readonly routeFlow: Int32Array;
  private readonly routePos: Int32Array;
  /** Whether some element has a congestion curve and some flow values time (then loads move costs). */
  congestible = false;
  /**
   * The kernels' instance: its memory holds the state, the arrays below
   * that the kernels read, those only they read (laid out in the
   * constructor, described at the module's globals) and the allocator's and
   * Newton method's buffers.
   */
  readonly kernels: Kernels;
  private readonly k: Kernels['exports'];
  private readonly state: FlowState;
  /** Each nest's spread in the state's year; each nest's logsum in `compositeAll`. */
  private readonly nestSpreadNow: Float64Array;
  private readonly nestLogsum: Float64Array;
  /** Each nest's spread, per year (the bound model's). */
  private nestSeries: Series[] = [];
  /** Route → its elements (flat). */
  private readonly routeElStart: Int32Array;
  private readonly routeEls: Int32Array;
  /** Loads at the volumes `congest` was given, and those volumes. */
  private readonly congestLoad: Float64Array;
  private readonly volumes: Float64Array;
  /** Per constraint: whether its load sets a time (its element's BPR α and β both > 0). */
  readonly timed: Uint8Array;
  /** The route-element entries whose days depend on a load (ascending; its element is timed and the route uses one of its rows): only they can have a slope. */
  readonly timedEntries: Int32Array;
  /** Per route, its own days and its flow's value of time in the state's year. */
  private readonly routeOwnDays: Float64Array;
  private readonly routeVot: Float64Array;
  /**
   * Per year and route-element entry (`[y · entries + i]`): the element's
   * money, its base days and, where no load moves them, its days (base ×
   * (1 + α w₀), w₀ = 1 for β = 0 else 0: what the rows would give); built
   * for the elements array they were read from (the runs of a Monte Carlo
   * share it: once per thread).
   */
  private entryMoney = new Float64Array(0);
  private entryBase = new Float64Array(0);
  private entryFixed = new Float64Array(0);
  private tablesOf: Model['elements'] | undefined;
  /**
   * Per year and route (`[y · R + r]`): its money (own + its elements'), its
   * free-flow days (own + its elements' base days), its own days and its
   * flow's value of time; rebuilt by `bind` only when a route's series or
   * the entry tables change (a Monte Carlo's runs mostly share them), so
   * that a year reads typed arrays instead of each flow's series.
   */
  private routeMoneyTable = new Float64Array(0);
  private routeDaysTable = new Float64Array(0);
  private ownDaysTable = new Float64Array(0);
  private votTable = new Float64Array(0);
  /** The series the route tables were built from (per route: own money, own days, value of time) and the entry tables. */
  private readonly routeSeries: (Series | undefined)[];
  private routeTablesOf: Float64Array | undefined;
  /** The state's year's rows of entryBase and entryFixed (for the congested costs). */
  private readonly entryBaseNow: Float64Array;
  private readonly entryFixedNow: Float64Array;
  /** `yearInputs`' buffer. */
  private inputs = new Float64Array(0);
  /** Per constraint: the first row used by the same routes (itself where none before it is). */
  private readonly twin: Int32Array;
  /** Each flow's C⁰ in the reference year (NaN until asked for). */
  private readonly reference: Float64Array;

  private model: Model;

  /** The index arrays of the model's network; `bind` then sets the model whose data it reads. */
  constructor(model: Model) {
    this.model = model;
    const { flows, routes, constraints, elements } = model;
    const [F, R, C] = [(this.F = flows.length), (this.R = routes.length), (this.C = constraints.length)];
    const k = (this.kernels = new Kernels(ChoiceFlows.bytes(model)));
    this.k = k.exports;
    this.flowRouteStart = k.i32(F + 1);
    const fr: number[] = [];
    const nestStart: number[] = [];
    const nestRouteStart: number[] = [0];
    const nestRoutes: number[] = [];
    const routeNest = k.i32(R);
    this.routePos = new Int32Array(R);
    this.routeFlow = k.i32(R);
    this.nestOf = [];
    flows.forEach((f, i) => {
      this.flowRouteStart[i] = fr.length;
      f.routes.forEach((r, k) => {
        fr.push(r);
        this.routePos[r] = k;
        this.routeFlow[r] = i;
      });
      nestStart.push(this.nestOf.length);
      f.choice!.nests.forEach((n, k) => {
        for (const r of n.routes) {
          routeNest[r] = this.nestOf.length;
          nestRoutes.push(r);
        }
        nestRouteStart.push(nestRoutes.length);
        this.nestOf.push({ flow: i, index: k });
      });
    });
    this.flowRouteStart[F] = fr.length;
    nestStart.push(this.nestOf.length);
    this.flowRoutes = k.i32From(fr);
    this.flowNestStart = k.i32From(nestStart);
    this.nestRouteStart = k.i32From(nestRouteStart);
    this.nestRoutes = k.i32From(nestRoutes);
    this.routeConStart = k.i32(R + 1);
    const rc: number[] = [];
    routes.forEach((r, i) => {
      this.routeConStart[i] = rc.length;
      rc.push(...r.constraints);
    });
    this.routeConStart[R] = rc.length;
    this.routeCons = k.i32From(rc);
    // Route → its elements, and per element of a route the route's constraints on it (flat).
    const re: number[] = [];
    const ecStart: number[] = [];
    const ec: number[] = [];
    this.routeElStart = k.i32(R + 1);
    routes.forEach((route, r) => {
      this.routeElStart[r] = re.length;
      for (const e of route.elements) {
        re.push(e);
        ecStart.push(ec.length);
        for (const c of route.constraints) if (constraints[c]!.element === e) ec.push(c);
      }
    });
    this.routeElStart[R] = re.length;
    ecStart.push(ec.length);
    this.routeEls = Int32Array.from(re);
    this.congestLoad = k.f64(C);
    this.volumes = k.f64(R);
    this.timed = Uint8Array.from(constraints, (c) => (elements[c.element]!.bprAlpha > 0 && elements[c.element]!.bprBeta > 0 ? 1 : 0));
    this.reference = new Float64Array(F).fill(NaN);
    this.routeSeries = new Array<Series | undefined>(3 * R).fill(undefined);
    // An entry is timed where the route uses a row of its element and that row is timed (an element's rows all are, or none).
    const reTimed = re.map((_, i) => (ecStart[i + 1]! > ecStart[i]! && this.timed[ec[ecStart[i]!]!] === 1 ? 1 : 0));
    this.timedEntries = Int32Array.from(re.map((_, i) => i).filter((i) => reTimed[i] === 1));
    this.entryBaseNow = k.f64(re.length);
    this.entryFixedNow = k.f64(re.length);
    this.routeOwnDays = k.f64(R);
    this.routeVot = k.f64(R);
    const usedBy = constraints.map(() => [] as number[]);
    routes.forEach((route, r) => route.constraints.forEach((c) => usedBy[c]!.push(r)));
    const first = new Map<string, number>();
    this.twin = Int32Array.from(usedBy, (list, c) => {
      const key = list.length === 0 ? `-${c}` : list.join(',');
      if (!first.has(key)) first.set(key, c);
      return first.get(key)!;
    });
    // Per flow, the rows its routes use (ascending).
    const flowRowStart = [0];
    const flowRows: number[] = [];
    for (const f of flows) {
      flowRows.push(...[...new Set(f.routes.flatMap((r) => routes[r]!.constraints))].sort((a, b) => a - b));
      flowRowStart.push(flowRows.length);
    }
    const N = this.nestOf.length;
    this.nestSpreadNow = k.f64(N);
    this.nestLogsum = new Float64Array(N);
    const s = (this.state = this.fresh(k));
    k.point({
      F, R, C,
      flowRouteStart: this.flowRouteStart, flowRoutes: this.flowRoutes, flowNestStart: this.flowNestStart, nestRouteStart: this.nestRouteStart,
      nestRoutes: this.nestRoutes, routeNest, routeConStart: this.routeConStart, routeCons: this.routeCons, routeFlow: this.routeFlow,
      routeElStart: this.routeElStart, elConStart: k.i32From(ecStart), elCons: k.i32From(ec), reTimed: k.u8From(reTimed),
      reAlpha: k.f64From(re.map((e) => elements[e]!.bprAlpha)), rowBeta: k.f64From(constraints.map((c) => elements[c.element]!.bprBeta)),
      flowRowStart: k.i32From(flowRowStart), flowRows: k.i32From(flowRows), pos: k.i32(C).fill(-1), routeFreeStart: k.i32(R + 1), routeFree: k.i32(rc.length),
      routeOwnDays: this.routeOwnDays, routeVot: this.routeVot, nestSpreadNow: this.nestSpreadNow, entryBaseNow: this.entryBaseNow, entryFixedNow: this.entryFixedNow,
      K: s.K, open: s.open, routeOpen: s.routeOpen, money: s.money, cost: s.c, spread: s.spread, demand: s.demand, choke: s.choke, composite: s.composite,
      served: s.served, choked: s.choked, p: s.p, within: s.within, nestShare: s.nestShare, x: s.x, rowLoad: s.load, rep: s.rep, used: s.used,
      freeRows: k.i32(C), hBuffer: k.f64(C * C),
      adjacency: k.i32(C * ((C >> 5) + 1)), order: k.i32(C), degree: k.i32(C), eliminated: k.u8(C),
      structure: k.i32(C * C), structureCount: k.i32(C), sparseFactor: k.f64(C * C), sparseRhs: k.f64(C), sparseSolution: k.f64(C),
      routeScarcity: k.f64(R), nestCost: k.f64(N), congestPower: k.f64(C), rowSlope: k.f64(C), response: k.f64(R * C),
    });
    this.bind(model);
  }

  /**
   * Bytes enough for every array in the kernels' memory: the flows' own and
   * those that the allocator and the Newton method take there (per row about
   * a dozen; rows × rows six times: the load responses to loads and to
   * prices, the dual's Hessian and its factor, which Anderson's systems of
   * up to 5 share, its sparse factor and that factor's structure (half as
   * large, 4-byte entries) with the graph's bitsets; the Newton system,
   * `newtonSystemSize` square). An
   * allocator that asks for more fails loudly (`Kernels`).
   */
  private static bytes(model: Model): number {
    const C = model.constraints.length;
    const R = model.routes.length;
    const F = model.flows.length;
    const N = model.flows.reduce((n, f) => n + f.choice!.nests.length, 0);
    const entries = model.routes.reduce((n, r) => n + r.elements.length, 0);
    const incidences = model.routes.reduce((n, r) => n + r.constraints.length, 0);
    const timed = model.constraints.filter((c) => model.elements[c.element]!.bprAlpha > 0 && model.elements[c.element]!.bprBeta > 0).length;
    return 8 * (R * C + 6 * Math.max(C, 8) ** 2 + newtonSystemSize(C, timed) ** 2 + 48 * (C + R + F + N + entries) + 3 * incidences + 1024);
  }

  /**
   * Reads another model of the same network (choice-prefix.ts, `networkKey`)
   * from now on: its series, values of time and reference costs; nothing of
   * the last model's stays that a year would read.
   */
  bind(model: Model): void {
    this.model = model;
    this.nestSeries = this.nestOf.map(({ flow, index }) => model.flows[flow]!.choice!.nests[index]!.spread);
    this.reference.fill(NaN);
    if (model.elements !== this.tablesOf) this.entryTables();
    this.routeTables();
    this.congestible = model.elements.some((e) => e.bprAlpha > 0) && model.economics.valueOfTime.some((s) => Array.prototype.some.call(s, (v: number) => v > 0));
  }

  /** A state in the kernels' memory (the flows' own), or in arrays of its own (`freeFlowAt`'s, which no kernel reads). */
  private fresh(k?: Kernels): FlowState {
    const { F, R, C } = this;
    const N = this.nestOf.length;
    const f64 = (n: number) => (k ? k.f64(n) : new Float64Array(n));
    const u8 = (n: number) => (k ? k.u8(n) : new Uint8Array(n));
    return {
      y: 0, K: f64(C), open: u8(C), used: u8(C),
      routeOpen: u8(R), money: f64(R), c: f64(R), x: f64(R),
      demand: f64(F), choke: f64(F), spread: f64(F), freeFlow: new Float64Array(F),
      composite: f64(F), served: f64(F), choked: u8(F),
      p: f64(R), within: f64(R), nestShare: f64(N), load: f64(C),
      rep: k ? k.i32(C) : new Int32Array(C), scale: 0, epsilon: 0, maxStep: 0,
    };
  }

  /** The state `year` set up last. */
  get current(): FlowState {
    return this.state;
  }

  /** Year y's state: capacities, open rows and routes, free-flow costs c_r (in s.c), choke prices and demand after elasticity. */
  year(y: number, capacity: Float64Array, demand: Float64Array, reference: number): FlowState {
    const s = this.state;
    (s as { y: number }).y = y;
    const { model } = this;
    for (let n = 0; n < this.nestOf.length; n++) this.nestSpreadNow[n] = this.nestSeries[n]![y]!;
    this.yearDays(y);
    const { routeConStart, routeCons, flowRoutes, flowRouteStart } = this;
    const { open: isOpen, used, money, routeOpen } = s;
    used.fill(0);
    for (let c = 0; c < this.C; c++) {
      s.K[c] = capacity[c]!;
      isOpen[c] = capacity[c]! > 0 ? 1 : 0;
    }
    let scale = 0;
    let costScale = 0;
    for (let f = 0; f < this.F; f++) {
      const flow = model.flows[f]!;
      const choice = flow.choice!;
      s.spread[f] = choice.spread[y]!;
      for (let k = flowRouteStart[f]!; k < flowRouteStart[f + 1]!; k++) {
        const r = flowRoutes[k]!;
        money[r] = this.routeMoney(r, y);
        let open = 1;
        for (let j = routeConStart[r]!; j < routeConStart[r + 1]!; j++) if (!isOpen[routeCons[j]!]) open = 0;
        routeOpen[r] = open;
        if (open) for (let j = routeConStart[r]!; j < routeConStart[r + 1]!; j++) used[routeCons[j]!] = 1;
      }
      this.freeFlowCosts(s, f, y);
      const c0 = this.compositeAll(s, f);
      s.freeFlow[f] = c0;
      let d = demand[f]!;
      if (choice.elasticity !== 0) {
        const ref = this.referenceCost(f, reference);
        if (!(c0 > 0) || !(ref > 0)) {
          throw new ChoiceInputError(`flow "${flow.id}": its free-flow cost is ${(c0 > 0 ? ref : c0).toFixed(3)} USD/t in ${model.startYear + (c0 > 0 ? reference : y)}; an elasticity needs a positive cost (give the routes their money and days)`);
        }
        d *= (c0 / ref) ** choice.elasticity;
      }
      s.demand[f] = d;
      s.choke[f] = model.fixedChoke ? model.fixedChoke[f * model.years + y]! : c0 + model.economics.valuePerT[f]![y]!;
      scale = Math.max(scale, d);
      costScale = Math.max(costScale, Math.abs(s.choke[f]!), s.spread[f]!);
    }
    s.scale = scale;
    s.maxStep = 10 * (costScale + 1);
    // The least-norm weight: small enough that the overfill it allows (ελ) stays below 1e-12 of the
    // smallest capacity in use for any λ up to the step scale, yet nonzero, so that a flat direction
    // (λ not determined by the volumes) goes to the least norm.
    let minK = Infinity;
    for (let c = 0; c < this.C; c++) if (s.open[c] && s.used[c]) minK = Math.min(minK, s.K[c]!);
    s.epsilon = (1e-12 * (minK === Infinity ? 1 : minK)) / s.maxStep;
    // Each group's best row so far at its first row (a group's first row comes before its others).
    for (let c = 0; c < this.C; c++) {
      const g = this.twin[c]!;
      if (g === c) s.rep[g] = c;
      else if (s.open[c] && (!s.open[s.rep[g]!] || s.K[c]! < s.K[s.rep[g]!]!)) s.rep[g] = c;
    }
    for (let c = 0; c < this.C; c++) s.rep[c] = s.rep[this.twin[c]!]!;
    return s;
  }

  /**
   * Everything year y's equilibrium depends on beyond the network's shape
   * (choice-prefix.ts), after `year`: capacities, money, free-flow costs,
   * demand after elasticity, choke prices, spreads, nest spreads, values of
   * time and base days; in a buffer that the next call overwrites.
   */
  yearInputs(s: FlowState): Float64Array {
    const { model } = this;
    const parts = [s.K, s.money, s.c, s.demand, s.choke, s.spread, this.nestSpreadNow];
    const E = model.elements.length;
    const length = parts.reduce((n, p) => n + p.length, 0) + this.F + E;
    // One buffer, overwritten each year (choice-prefix.ts copies what it keeps).
    if (this.inputs.length !== length) this.inputs = new Float64Array(length);
    const out = this.inputs;
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    for (let f = 0; f < this.F; f++) out[at++] = model.economics.valueOfTime[f]![s.y]!;
    for (let e = 0; e < E; e++) out[at++] = model.elements[e]!.baseDays[s.y]!;
    return out;
  }

  /** A route's money in year y: its own (route cost_per_t, constant, off-network cost) plus its elements' (the route tables). */
  private routeMoney(r: number, y: number): number {
    return this.routeMoneyTable[y * this.R + r]!;
  }

  /** c_r at free flow (no congestion) into s.c for flow f's routes in year y: money + value of time × (own + elements' base days). */
  private freeFlowCosts(s: FlowState, f: number, y: number): void {
    const { flowRoutes, routeDaysTable, votTable, R } = this;
    for (let k = this.flowRouteStart[f]!; k < this.flowRouteStart[f + 1]!; k++) {
      const r = flowRoutes[k]!;
      s.c[r] = s.money[r]! + votTable[y * R + r]! * routeDaysTable[y * R + r]!;
    }
  }

  /**
   * The route tables of the bound model, every year, where a route's series
   * or the entry tables changed since they were built: the money and days
   * where the route's or the entry tables did, the value of time (which a
   * Monte Carlo's economics rebuild each run) where the flow's did.
   */
  private routeTables(): void {
    const { model, R, routeSeries, routeElStart, routeFlow, routePos } = this;
    const Y = model.years;
    const n = this.routeEls.length;
    const { entryMoney, entryBase } = this;
    const all = this.routeTablesOf !== entryMoney || this.routeMoneyTable.length !== Y * R;
    if (this.routeMoneyTable.length !== Y * R) {
      this.routeMoneyTable = new Float64Array(Y * R);
      this.routeDaysTable = new Float64Array(Y * R);
      this.ownDaysTable = new Float64Array(Y * R);
      this.votTable = new Float64Array(Y * R);
    }
    for (let r = 0; r < R; r++) {
      const flow = model.flows[routeFlow[r]!]!;
      const money = flow.routeMoney[routePos[r]!]!;
      const days = flow.routeDays[routePos[r]!]!;
      const vot = model.economics.valueOfTime[routeFlow[r]!]!;
      if (all || routeSeries[3 * r] !== money || routeSeries[3 * r + 1] !== days) {
        for (let y = 0; y < Y; y++) {
          // Own, then each element's in the route's order (the sums a year used to add up: the same bits).
          let m = money[y]!;
          let d = days[y]!;
          for (let i = routeElStart[r]!; i < routeElStart[r + 1]!; i++) {
            m += entryMoney[y * n + i]!;
            d += entryBase[y * n + i]!;
          }
          this.routeMoneyTable[y * R + r] = m;
          this.routeDaysTable[y * R + r] = d;
          this.ownDaysTable[y * R + r] = days[y]!;
        }
        routeSeries[3 * r] = money;
        routeSeries[3 * r + 1] = days;
      }
      if (all || routeSeries[3 * r + 2] !== vot) {
        for (let y = 0; y < Y; y++) this.votTable[y * R + r] = vot[y]!;
        routeSeries[3 * r + 2] = vot;
      }
    }
    this.routeTablesOf = entryMoney;
  }

  /** The entry tables of the bound model's elements, every year: per element once, then per entry (an element is on many routes). */
  private entryTables(): void {
    const { model, routeEls } = this;
    const E = model.elements.length;
    const n = routeEls.length;
    const money = new Float64Array(E);
    const base = new Float64Array(E);
    const fixed = new Float64Array(E);
    this.entryMoney = new Float64Array(model.years * n);
    this.entryBase = new Float64Array(model.years * n);
    this.entryFixed = new Float64Array(model.years * n);
    for (let y = 0; y < model.years; y++) {
      for (let e = 0; e < E; e++) {
        const el = model.elements[e]!;
        money[e] = el.money[y]!;
        base[e] = el.baseDays[y]!;
        fixed[e] = base[e]! * (1 + el.bprAlpha * (el.bprBeta === 0 ? 1 : 0));
      }
      for (let i = 0, at = y * n; i < n; i++, at++) {
        const e = routeEls[i]!;
        this.entryMoney[at] = money[e]!;
        this.entryBase[at] = base[e]!;
        this.entryFixed[at] = fixed[e]!;
      }
    }
    this.tablesOf = model.elements;
  }

  /** Year y's rows of the entry tables, each route's own days and its value of time (for `congestLoads`). */
  private yearDays(y: number): void {
    const { model } = this;
    const n = this.routeEls.length;
    this.entryBaseNow.set(this.entryBase.subarray(y * n, (y + 1) * n));
    this.entryFixedNow.set(this.entryFixed.subarray(y * n, (y + 1) * n));
    this.routeOwnDays.set(this.ownDaysTable.subarray(y * this.R, (y + 1) * this.R));
    this.routeVot.set(this.votTable.subarray(y * this.R, (y + 1) * this.R));
  }

  /** C⁰ of flow f in the reference year (the elasticity's), worked out once per model. */
  private referenceCost(f: number, y: number): number {
    if (Number.isNaN(this.reference[f]!)) this.reference[f] = this.freeFlowAt(f, y);
    return this.reference[f]!;
  }

  /** C⁰ of flow f in another year, in a state of its own. */
  private freeFlowAt(f: number, y: number): number {
    const s = this.fresh();
    for (let k = this.flowRouteStart[f]!; k < this.flowRouteStart[f + 1]!; k++) {
      const r = this.flowRoutes[k]!;
      s.money[r] = this.routeMoney(r, y);
    }
    s.spread[f] = this.model.flows[f]!.choice!.spread[y]!;
    this.freeFlowCosts(s, f, y);
    return this.compositeAll(s, f, y);
  }

  /**
   * The nested logsum −s ln Σ exp(−c/s) of flow f over all its routes at cost
   * s.c (no scarcity), stable (from the least cost), with the nests' spreads
   * of year y.
   */
  private compositeAll(s: FlowState, f: number, y = s.y): number {
    const first = this.flowNestStart[f]!;
    const last = this.flowNestStart[f + 1]!;
    const nests = this.nestLogsum;
    for (let n = first; n < last; n++) {
      const sn = this.nestSeries[n]![y]!;
      const a = this.nestRouteStart[n]!;
      const b = this.nestRouteStart[n + 1]!;
      if (b - a === 1) {
        // One route: its cost (what the sums below give, exactly).
        const c = s.c[this.nestRoutes[a]!]!;
        nests[n] = Number.isFinite(c) ? c : Infinity;
        continue;
      }
      let min = Infinity;
      for (let k = a; k < b; k++) min = Math.min(min, s.c[this.nestRoutes[k]!]!);
      let sum = 0;
      if (Number.isFinite(min)) for (let k = a; k < b; k++) sum += Math.exp(-(s.c[this.nestRoutes[k]!]! - min) / sn);
      nests[n] = Number.isFinite(min) ? min - sn * Math.log(sum) : Infinity;
    }
    let min = Infinity;
    for (let n = first; n < last; n++) min = Math.min(min, nests[n]!);
    if (!Number.isFinite(min)) return Infinity;
    if (last - first === 1) return min;
    const sf = s.spread[f]!;
    let sum = 0;
    for (let n = first; n < last; n++) sum += Math.exp(-(nests[n]! - min) / sf);
    return min - sf * Math.log(sum);
  }

  /**
   * c_r (into s.c) with congested days at volumes x (`year` leaves the
   * free-flow costs): money + value of time × (own days + Σ base × (1 + α
   * w)), w the largest (load / capacity)^β over the element's rows on the
   * route, u^β by squaring for a whole β up to 32 (the congestion curves' 4
   * and 10), else `**`. In the kernels (`congestLoads`, which the Newton
   * method also takes with each route-element's slope ∂c_r/∂load).
   */
  congest(x: Float64Array): void {
    this.volumes.set(x);
    this.loadsOf(this.volumes, this.congestLoad);
    this.k.congestLoads(this.kernels.address(this.congestLoad), 0, 0);
  }

  /** Each row's load (Mt/year) at route volumes x, into `load`, which it returns (both in the kernels' memory). */
  loadsOf(x: Float64Array, load: Float64Array): Float64Array {
    this.k.loadsOf(this.kernels.address(x), this.kernels.address(load));
    return load;
  }

  /** How many route-element entries there are (the length of `congestLoads`' slope arrays). */
  get routeElementCount(): number {
    return this.routeEls.length;
  }

  /** Φ(λ) at the state's costs; the shares, volumes and loads go into the state, and `grad` (if given) gets ∂Φ/∂λ = K − load + ελ. */
  evaluate(s: FlowState, lambda: Float64Array, grad?: Float64Array): number {
    const k = this.kernels;
    return this.k.evaluate(k.address(lambda), grad ? k.address(grad) : 0, s.epsilon);
  }

  private scarcityOf(r: number, lambda: Float64Array): number {
    const { routeConStart, routeCons } = this;
    let sum = 0;
    for (let j = routeConStart[r]!; j < routeConStart[r + 1]!; j++) sum += lambda[routeCons[j]!]!;
    return sum;
  }

  /**
   * λ for the state's route costs by the dual's projected Newton from λ as
   * it is (in the kernels: `dual`; choice.ts says the method), leaving the
   * state and `grad` (the allocator's, pointed to by `dualBuffers`)
   * evaluated at it; the relative gap. With `exact` false, λ stays as it is
   * unless some row is more than `roughStart` from its fill.
   */
  dual(s: FlowState, lambda: Float64Array, exact: boolean, settings: DualSettings): number {
    return this.k.dual(this.kernels.address(lambda), exact ? 1 : 0, s.epsilon, s.maxStep, settings.tolerance, settings.roughStart, settings.maxNewton);
  }

  /** The representative's λ shared evenly among its open twins of the same capacity (the least-norm split). */
  scatterTwins(s: FlowState, lambda: Float64Array): void {
    for (let c = 0; c < this.C; c++) {
      if (s.rep[c] !== c || !(lambda[c]! > 0)) continue;
      let n = 0;
      for (let k = c; k < this.C; k++) if (s.rep[k] === c && s.open[k] && s.K[k] === s.K[c]) n++;
      if (n === 1) continue;
      const share = lambda[c]! / n;
      for (let k = c; k < this.C; k++) if (s.rep[k] === c && s.open[k] && s.K[k] === s.K[c]) lambda[k] = share;
    }
  }

  /** The year's outputs: λ (NaN on closed rows), c_r, Λ_r (NaN on closed routes), C⁰, C. */
  write(s: FlowState, lambda: Float64Array, out: ChoiceOutputs, y: number, Y: number): void {
    const { scarcity, routeCost, routeScarcity } = out;
    const { open, routeOpen } = s;
    for (let c = 0; c < this.C; c++) scarcity[c * Y + y] = open[c] ? lambda[c]! : NaN;
    for (let r = 0; r < this.R; r++) {
      routeCost[r * Y + y] = s.c[r]!;
      routeScarcity[r * Y + y] = routeOpen[r] ? this.scarcityOf(r, lambda) : NaN;
    }
    for (let f = 0; f < this.F; f++) {
      out.freeFlowCost[f * Y + y] = s.freeFlow[f]!;
      out.choke[f * Y + y] = s.choke[f]!;
      out.compositeCost[f * Y + y] = Number.isFinite(s.composite[f]!) ? s.composite[f]! : NaN;
    }
  }
}
