// corridor plan --adaptive --runs N: a rule per candidate (build when a signal
// says so) chosen on the same futures as the static robust plan, tested on
// the same fresh futures beside it, and the value of waiting and watching.
import { adaptiveTable, descentRules, pathwaysTable, ruleSearch, ruleText, startsOf, tippingTable, type AdaptivePlan, type AdaptiveSearchTask } from '../adaptive/plan.js';
import { presentValueOf, RuledFuture, type Rule } from '../adaptive/rules.js';
import { runParallel } from '../analysis/pool.js';
import { untilInterrupted } from './errors.js';
import type { Model } from '../engine/model.js';
import { targetYearIndices } from '../engine/targets.js';
import type { Robustness } from '../optimize/evaluate.js';
import { futuresNeeded } from '../optimize/robust.js';
import type { Decisions } from '../optimize/plan.js';
import type { ExtraPlan } from './plan-robust.js';
import type { Io } from './io.js';
import { progress } from './progress.js';

/** Where the workers find the scenario and the futures: the command's file, overrides and seed. */
export interface AdaptiveSource {
  file: string;
  set: string[];
  seed: number;
  /** Threads for the descents (one per start). */
  threads: number;
}

/** The adaptive plan as robustChoice's extra plan; `confidence` and `runs` as the robust plan's. */
export function adaptiveExtra(model: Model, confidence: number, io: Io, from: AdaptiveSource): ExtraPlan {
  const ids = model.candidates.map((k) => k.id);
  let found: AdaptivePlan | undefined;
  let need = 0;
  let robustOpen: Decisions = [];
  // Out of sample: each fresh future's PV under the rules, summed as evaluatePlan draws them.
  let freshPv = 0;
  let fresh = 0;
  return {
    name: 'adaptive',
    async make(futures, robust) {
      need = futuresNeeded(confidence, futures.length);
      robustOpen = robust;
      // A descent from each start, on the main thread and the workers (the same rules whichever runs which), then the best end.
      const starts = startsOf(model, robust);
      const ends: Rule[][] = [];
      const total = model.candidates.length;
      const bar = progress(io, total, 'adaptive rules (steps of the first pass)');
      let steps = 0;
      const onStep = () => bar.update(Math.min(++steps, total));
      const tasks: AdaptiveSearchTask[] = starts.map((start) => ({ file: from.file, set: from.set, seed: from.seed, runs: futures.length, need, start }));
      try {
        await untilInterrupted(tasks.length, (signal) =>
          runParallel({ name: 'adaptiveSearchTask', tasks, threads: from.threads, eager: true, signal, local: (t) => descentRules(model, futures, need, t.start, onStep), onResult: (r, i) => (ends[i] = r) }),
        );
      } finally {
        bar.stop();
      }
      const search = ruleSearch(model, futures, need);
      found = { score: search.best(ends.map((r) => search.evaluate(r))), futures: search.futures };
      if (found.score.deficit > 0) {
        io.stderr(noRulesText(model, found.score.counts, need, futures.length));
        return undefined;
      }
      const rules = found.score.rules;
      return (future) => {
        const f = new RuledFuture(future, ids);
        const { open } = f.apply(rules);
        freshPv += presentValueOf(f, open);
        fresh++;
        return new Map(open.flatMap((o, j) => (o === undefined ? [] : [[ids[j]!, o] as const])));
      };
    },
    finish(evaluated, robustPv) {
      const { score, futures } = found!;
      const rules = score.rules;
      const lowest = (name: string) => lowestShare(evaluated.find((e) => e.name === name)?.rows ?? []);
      const adaptivePv = fresh > 0 ? freshPv / fresh : score.pv;
      const m = (x: number) => `${+x.toFixed(1) + 0} M USD`;
      const pct = (x: number) => `${+(x * 100).toFixed(1)} %`;
      const lines = [
        `adaptive rules (each target-year met by behaviour in at least ${need} of ${futures.length} futures; in sample: ≥ ${pct(score.worst)}, expected PV of capex ${m(score.pv)}):`,
        ...model.candidates.map((k, j) => ({ k, j })).sort((a, b) => (a.k.id < b.k.id ? -1 : 1)).map(({ k, j }) => `  ${k.id}: ${ruleText(model, j, rules[j]!)}`),
        `value of flexibility: the static robust plan costs ${m(robustPv)} (behaviour meets every target-year in ≥ ${pct(lowest('robust'))} of the fresh futures); the adaptive rules cost ${m(adaptivePv)} expected (≥ ${pct(lowest('adaptive'))}): waiting and watching is worth ${m(robustPv - adaptivePv)}`,
      ];
      return {
        tables: [adaptiveTable(model, rules), pathwaysTable(model, score.runs.map((r) => r.open), robustOpen), tippingTable(model, futures)],
        text: lines.map((l) => `${l}\n`).join(''),
        manifest: {
          adaptive: {
            expected_pv_in_sample_musd: score.pv,
            expected_pv_out_of_sample_musd: adaptivePv,
            static_robust_pv_musd: robustPv,
            value_of_flexibility_musd: robustPv - adaptivePv,
            worst_share_in_sample: score.worst,
            search: 'coordinate search over candidates (by id), each step exact over its family: every window minimum of the signal as threshold, persist 1–3, fixed years, never (docs/planning.md)',
          },
        },
      };
    },
  };
}

/** The lowest out-of-sample share of futures in which behaviour meets a target-year. */
const lowestShare = (rows: readonly Robustness[]): number => rows.reduce((low, r) => Math.min(low, r.pMetBehaviour), 1);

function noRulesText(model: Model, counts: Int32Array, need: number, n: number): string {
  const short = targetYearIndices(model).flatMap(({ target, y }, i) =>
    counts[i]! < need ? [`  ${model.targets[target]!.id} ${model.startYear + y}: the best rules found meet it in ${counts[i]} of ${n} futures (needs ${need})`] : [],
  );
  return `corridor: no adaptive rules meet every target-year in ${need} of ${n} futures under behaviour; nothing was written.\n${short.join('\n')}\n`;
}
