// npm run bench: engine cost against network size, and CLI start-up.
// A benchmark, not a test: machines here are shared and noisy, so it reports
// medians of several repetitions and ratios, and asserts nothing.
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import { simulate } from '../src/engine/simulate.js';
import { loadScenario } from '../src/scenario/index.js';
import { generateScenario, type NetworkSize } from './network.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

function timeMs(fn: () => void, reps: number): number {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

function engine(): void {
  console.log('Engine: simulate() on generated networks (6 layers, 3 routes per flow, 50 years)');
  console.log('scale  nodes  links  flows  flow·route·element·years  median ms  ns per unit  × time vs scale 1');
  let base = 0;
  for (const scale of [1, 2, 5, 10, 20]) {
    const size: NetworkSize = { width: 5 * scale, layers: 6, flows: 30 * scale, years: 50 };
    const text = stringify(generateScenario(size));
    const loaded = loadScenario('bench.yaml', { readText: () => text });
    const model = loaded.model;
    if (!model) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
    let units = 0;
    for (const f of model.flows) for (const r of f.routes) units += model.routes[r]!.elements.length * model.years;
    simulate(model); // warm-up
    const ms = timeMs(() => simulate(model), 7);
    if (scale === 1) base = ms;
    const links = model.elements.filter((e) => e.kind === 'link').length;
    console.log(
      [scale, model.elements.length - links, links, model.flows.length, units, ms.toFixed(2), ((ms * 1e6) / units).toFixed(1), (ms / base).toFixed(2)]
        .map((v, i) => String(v).padStart([5, 6, 6, 6, 25, 10, 12, 18][i]!)).join(' '),
    );
  }
  console.log('Aim: a network 10× larger costs ≤ 12× the time (compare scale 10 with scale 1).\n');
}

function startup(): void {
  const reps = 9;
  const run = (args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(times);
  };
  const out = `/tmp/corridor-bench-${process.pid}`;
  const bare = [] as number[];
  const cli = [] as number[];
  for (let round = 0; round < 3; round++) {
    bare.push(run(['-e', '0']));
    cli.push(run(['bin/corridor.cjs', 'run', 'scenarios/tutorial.yaml', '--quiet', '--out', out]));
  }
  spawnSync('rm', ['-rf', out]);
  const b = median(bare);
  const c = median(cli);
  console.log(`Start-up (median of ${reps} runs × 3 alternating rounds): node -e 0 ${b.toFixed(0)} ms; corridor run tutorial ${c.toFixed(0)} ms; ratio ${(c / b).toFixed(2)}× (aim ≤ 4×)`);
}

function sweep(): void {
  const out = `/tmp/corridor-bench-sweep-${process.pid}`;
  const args = (w: number) => ['bin/corridor.cjs', 'sweep', 'scenarios/middle-corridor.yaml', '--param', 'titr_growth=0.05:0.25:0.0002', '--workers', String(w), '--out', out];
  const times = new Map<number, number[]>([[1, []], [2, []]]);
  for (let round = 0; round < 3; round++) {
    for (const w of [1, 2]) {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, args(w), { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`sweep with ${w} workers exited ${r.status}`);
      times.get(w)!.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
  }
  spawnSync('rm', ['-rf', out]);
  const [one, two] = [median(times.get(1)!), median(times.get(2)!)];
  console.log(`Sweep of the Middle Corridor baseline, 1,001 combinations × 22 years (median of 3, whole command):`);
  console.log(`  1 worker ${one.toFixed(2)} s (${(1001 / one).toFixed(0)} runs/s); 2 workers ${two.toFixed(2)} s (${(1001 / two).toFixed(0)} runs/s); speed-up ${(one / two).toFixed(2)}× (aim ≥ 1.7×)`);
}

/** Runs the CLI with `args`; returns wall seconds and peak RSS in MiB. */
function timed(args: string[]): { seconds: number; rssMiB: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', './bench/rss.cjs', 'bin/corridor.cjs', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`corridor ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const kb = Number(/maxrss_kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, rssMiB: kb / 1024 };
}

function montecarlo(): void {
  const out = `/tmp/corridor-bench-mc-${process.pid}`;
  const mc = (runs: number, workers: number) => ['montecarlo', 'scenarios/middle-corridor.yaml', '--runs', String(runs), '--workers', String(workers), '--out', out];
  const times = new Map<number, number[]>([[1, []], [2, []]]);
  for (let round = 0; round < 3; round++) for (const w of [1, 2]) times.get(w)!.push(timed(mc(2000, w)).seconds);
  const [one, two] = [median(times.get(1)!), median(times.get(2)!)];
  console.log('Monte Carlo of the Middle Corridor baseline, 2,000 runs (median of 3, whole command):');
  console.log(`  1 worker ${(2000 / one).toFixed(0)} runs/s; 2 workers ${(2000 / two).toFixed(0)} runs/s; speed-up ${(one / two).toFixed(2)}× (aim ≥ 1.7×)`);
  const runs = (process.env.BENCH_MC_RUNS ?? '10000,100000').split(',').map(Number).filter((n) => n > 0);
  for (const n of runs) {
    const r = timed(mc(n, 2));
    console.log(`  ${n.toLocaleString('en-US')} runs, 2 workers: ${r.seconds.toFixed(1)} s, peak RSS ${r.rssMiB.toFixed(0)} MiB (aim for 100,000: < 1024 MiB)`);
  }
  spawnSync('rm', ['-rf', out]);
}

function report(): void {
  const out = `/tmp/corridor-bench-report-${process.pid}`;
  const run = ['run', 'scenarios/middle-corridor.yaml', '--quiet', '--out', out];
  const plain: number[] = [];
  const withReport: number[] = [];
  for (let round = 0; round < 5; round++) {
    plain.push(timed(run).seconds);
    withReport.push(timed([...run, '--report']).seconds);
  }
  spawnSync('rm', ['-rf', out]);
  const [a, b] = [median(plain), median(withReport)];
  console.log(`Report: corridor run of the baseline ${(a * 1000).toFixed(0)} ms; with --report ${(b * 1000).toFixed(0)} ms; the report adds ${((b - a) * 1000).toFixed(0)} ms (median of 5; aim: well under a second)`);
}

const only = process.argv[2];
if (!only || only === 'engine') engine();
if (!only || only === 'startup') startup();
if (!only || only === 'sweep') sweep();
if (!only || only === 'report') report();
if (!only || only === 'montecarlo') montecarlo();
