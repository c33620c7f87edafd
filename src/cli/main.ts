// The `corridor` entry point: parses arguments, runs one command, maps errors
// to exit codes (0 ok, 2 bad input or usage, 3 a target missed or no plan,
// 130 interrupted, 1 anything else). It returns the code; only bin/corridor.cjs ends the process.
// The commands themselves load only when one runs (commands.ts; in the
// installed CLI a bundle of its own, dist/commands.cjs): `--help` and usage
// errors pay for yargs alone. So errors are told apart by name, not class: the
// commands' bundle has its own copies of the classes.
import yargs, { type Argv } from 'yargs';
import type { Problem } from '../scenario/problems.js';
import { VERSION } from '../version.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, STOP_SIGNALS, UsageError, type Interrupted } from './errors.js';
import { DEFAULT_SEED } from '../random/seed.js';
import { processIo, type Io } from './io.js';

type Commands = typeof import('./commands.js');

/**
 * The commands' code: from dist/commands.cjs with its code cache when the CLI
 * runs from its bundle (bin/load.cjs sets the hook), else (tests, tsx) the
 * module itself. build.mjs leaves this import out of the entry's bundle.
 */
function commands(): Promise<Commands> {
  const hook = (globalThis as { __corridorCommands?: () => Commands }).__corridorCommands;
  return hook ? Promise.resolve(hook()) : import('./commands.js');
}

const reportOption = { type: 'boolean', default: false, describe: 'Also write report.html next to the tables' } as const;
const xlsxOption = { type: 'boolean', default: false, describe: 'Also write the tables as one Excel workbook (an About sheet, a sheet per table, formats and frozen filtered headers)' } as const;
const decimalCommaOption = { type: 'boolean', default: false, describe: 'CSV for decimal-comma spreadsheets' } as const;
const quietOption = { type: 'boolean', default: false, describe: 'Print nothing on success' } as const;

const setOption = {
  type: 'string',
  array: true,
  default: [] as string[],
  describe: 'Override a param (name=value) or a key by dotted path (projects.ID.online=2027); repeatable. `corridor params <scenario>` lists the params, their units and ranges',
} as const;

function parser(argv: string[], io: Io, done: (code: number) => void): Argv {
  return yargs(argv)
    .scriptName('corridor')
    .usage('$0 <command> [options]\n\nLogistics capacity simulator: where does a freight corridor bind next, and when?')
    .command(
      'run <scenario>',
      'Simulate a scenario; write summary/flows/routes/links/nodes.csv and manifest.json',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (.yaml, .yml or .json)' })
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>; with --set: …--<overrides>)' })
          .option('set', setOption)
          .option('decimal-comma', { type: 'boolean', default: false, describe: 'CSV for decimal-comma spreadsheets: ";" separator, "," decimals, UTF-8 with BOM' })
          .option('quiet', quietOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .example('$0 run scenarios/tutorial.yaml --set growth=0.2', 'faster demand growth'),
      async (a) => done(await (await commands()).runCommand({ scenario: a.scenario, out: a.out, set: a.set, decimalComma: a['decimal-comma'], quiet: a.quiet, report: a.report, xlsx: a.xlsx }, io)),
    )
    .command(
      'validate <scenarios..>',
      'Check scenario files and print every problem (exit 2 if any)',
      (y) => y.positional('scenarios', { type: 'string', array: true, demandOption: true }).option('set', setOption),
      async (a) => done((await commands()).validateCommand({ scenarios: a.scenarios as string[], set: a.set }, io)),
    )
    .command(
      'params <scenario>',
      'List the scenario\'s params: value, unit, range, description and distribution (what --set moves)',
      (y) => y.positional('scenario', { type: 'string', demandOption: true }).option('set', setOption).example('$0 params scenarios/middle-corridor.yaml', 'the knobs of the baseline'),
      async (a) => done((await commands()).paramsCommand({ scenario: a.scenario, set: a.set }, io)),
    )
    .command(
      'optimum <scenario>',
      'Per year, the most the network could carry with free routing, and what one more Mt/year of each capacity is worth',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file' })
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>-optimum; with --set: …--<overrides>)' })
          .option('set', setOption)
          .option('decimal-comma', decimalCommaOption)
          .option('quiet', quietOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .example('$0 optimum scenarios/middle-corridor.yaml', 'routing loss and the value of capacity, per year'),
      async (a) => done(await (await commands()).optimumCommand({ scenario: a.scenario, out: a.out, set: a.set, decimalComma: a['decimal-comma'], quiet: a.quiet, report: a.report, xlsx: a.xlsx }, io)),
    )
    .command(
      'plan <scenario>',
      'Choose which candidate projects to build, and when: the least PV of capex that meets every target, or (--objective npv) the most net present value',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file with targets and candidate projects' })
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>-plan, -plan-npv with --objective npv, -plan-robust with --runs, -plan-adaptive with --adaptive; with --set: …--<overrides>)' })
          .option('set', setOption)
          .option('decimal-comma', decimalCommaOption)
          .option('quiet', quietOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .option('objective', { choices: ['capex', 'npv'] as const, default: 'capex' as const, describe: 'capex: the least PV of capex meeting the targets; npv: the most net present value (economics block), targets as constraints' })
          .example('$0 plan scenarios/middle-corridor-plan.yaml', 'the cheapest way to the official targets')
          .option('runs', { type: 'number', describe: 'Plan for N futures drawn from the uncertainty block (the Monte Carlo streams): builds shared, routing per future (1 to 10,000)' })
          .option('seed', { type: 'number', describe: `With --runs: master seed, a whole number from 0 to 2^53 − 1 (default ${DEFAULT_SEED}); run i is montecarlo's run i` })
          .option('confidence', { type: 'number', describe: 'With --runs: each target-year met in at least this share of the futures, in (0, 1] (default 1: all)' })
          .option('evaluate', { type: 'number', describe: 'With --runs: fresh futures to test both plans on (behaviour), written to plan-robustness.csv (default 2000, at most 1,000,000); plan-regret.csv weighs both in named futures' })
          .option('time-limit', { type: 'number', describe: 'With --runs: seconds for the solve (default 300); then the best plan found, marked unproven, with its gap' })
          .option('workers', { type: 'number', describe: 'With --adaptive: threads for the rule search, 1 to 256 (default: the number of cores; it searches from two starts, so at most two are busy); the same output for any number' })
          .option('adaptive', { type: 'boolean', describe: 'With --runs: a rule per candidate ("commit when its crossing has been ≥ 92 % full for 2 years"), chosen on the futures at least expected PV of capex; writes plan-adaptive.csv, plan-pathways.csv, tipping-points.csv beside the static robust plan' })
          .example('$0 plan scenarios/middle-corridor-plan.yaml --objective npv', 'what is worth building, and what the targets cost')
          .example('$0 plan scenarios/middle-corridor-plan.yaml --runs 100 --confidence 0.8', 'a plan that meets 10 Mt in 8 futures of 10')
          .example('$0 plan scenarios/middle-corridor-plan.yaml --adaptive --runs 200 --confidence 0.8', 'build when a signal says so: the rules, the pathways, the value of waiting')
          .epilog('Exit 0 with a plan (possibly "build nothing"), 3 when no choice of candidates meets the targets, 2 for bad input.'),
      async (a) => done(await (await commands()).planCommand({ scenario: a.scenario, out: a.out, set: a.set, decimalComma: a['decimal-comma'], quiet: a.quiet, report: a.report, xlsx: a.xlsx, objective: a.objective,
          runs: a.runs, seed: a.seed, confidence: a.confidence, evaluate: a.evaluate, timeLimit: a['time-limit'], adaptive: a.adaptive, workers: a.workers }, io)),
    )
    .command(
      'appraise <scenario>',
      'Is each project worth its cost? NPV, BCR, EIRR, switching values, the standard tests and who gains (the ledger by country), with against without each project',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file (its `economics` block gives the values; defaults in docs/appraisal.md)' })
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>-appraisal; with --set: …--<overrides>)' })
          .option('set', setOption)
          .option('decimal-comma', decimalCommaOption)
          .option('quiet', quietOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .option('runs', { type: 'number', describe: 'Also appraise N futures drawn from the uncertainty block (run i is montecarlo\'s run i) → appraisal-risk.csv: NPV percentiles and P(NPV < 0) (1 to 1,000,000)' })
          .option('seed', { type: 'number', describe: `With --runs: master seed, a whole number from 0 to 2^53 − 1 (default ${DEFAULT_SEED}); the same seed gives the same bytes` })
          .option('workers', WORKERS_OPTION)
          .example('$0 appraise scenarios/middle-corridor.yaml', 'each announced project’s NPV, BCR and EIRR')
          .example('$0 appraise scenarios/middle-corridor.yaml --runs 1000', 'and how likely each is to lose money'),
      async (a) => done(await (await commands()).appraiseCommand({
        scenario: a.scenario, out: a.out, set: a.set, decimalComma: a['decimal-comma'], quiet: a.quiet, report: a.report, xlsx: a.xlsx, runs: a.runs, seed: a.seed, workers: a.workers,
      }, io)),
    )
    .command(
      'calibrate <scenario>',
      'Fit route constants (allocation: choice) to observed volumes: calibrated.yaml and calibration.csv',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file with defaults.allocation: choice' })
          .option('observed', { type: 'string', demandOption: true, describe: 'CSV of observed volumes: year,flow,route,volume_mt (route empty for a flow’s total)' })
          .option('fit', { choices: ['constants', 'spread'] as const, default: 'constants' as const, describe: 'What to fit: the route constants, or with spread also each flow\'s spread (within ×1/4 … ×4 of the written one)' })
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>-calibrated; with --set: …--<overrides>)' })
          .option('set', setOption)
          .option('decimal-comma', decimalCommaOption)
          .option('quiet', quietOption)
          .option('xlsx', xlsxOption)
          .example('$0 calibrate scenarios/middle-corridor.yaml --observed scenarios/middle-corridor-observed.csv', 'the route constants that reproduce 2019–2025'),
      async (a) => done(await (await commands()).calibrateCommand({ scenario: a.scenario, observed: a.observed, fit: a.fit, out: a.out, set: a.set, decimalComma: a['decimal-comma'], quiet: a.quiet, report: false, xlsx: a.xlsx }, io)),
    )
    .command(
      'check <scenarios..>',
      'Run scenarios and test their targets: one line per missed target-year (exit 3 if any)',
      (y) =>
        y
          .positional('scenarios', { type: 'string', array: true, demandOption: true })
          .option('set', setOption)
          .example('$0 check scenarios/middle-corridor.yaml', 'which official targets the baseline misses, and when'),
      async (a) => done((await commands()).checkCommand({ scenarios: a.scenarios as string[], set: a.set }, io)),
    )
    .command(
      'compare <base> [others..]',
      'Run several scenarios (files, or the base with --variant overrides) and write their differences',
      (y) =>
        y
          .positional('base', { type: 'string', demandOption: true, describe: 'Base scenario file' })
          .positional('others', { type: 'string', array: true, default: [] as string[], describe: 'Other scenario files' })
          .option('variant', { type: 'string', array: true, default: [] as string[], describe: 'NAME:name=value,... — the base with overrides, as a column NAME; repeatable' })
          .option('set', setOption)
          .option('out', { type: 'string', describe: 'Output folder (default: output/compare-<base name>)' })
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'What to print: sentences, or JSON for scripts' })
          .option('decimal-comma', decimalCommaOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .example('$0 compare scenarios/middle-corridor.yaml --variant late:dm_online=2027 --variant fast:titr_growth=0.15', 'two what-ifs against the baseline'),
      async (a) =>
        done(await (await commands()).compareCommand({
          base: a.base, others: (a.others ?? []) as string[], variants: a.variant, set: a.set, out: a.out, format: a.format, decimalComma: a['decimal-comma'], report: a.report, xlsx: a.xlsx,
        }, io)),
    )
    .command(
      'sweep <scenario>',
      'Run a grid of param values and write sweep.csv (one row per combination and year)',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true })
          .option('param', { type: 'string', array: true, default: [] as string[], describe: 'name=start:stop:step (stop included) or name=v1,v2,...; several make a grid (at most 1,000,000 combinations)' })
          .option('set', setOption)
          .option('workers', WORKERS_OPTION)
          .option('out', { type: 'string', describe: 'Output folder (default: output/sweep-<scenario name>; with --set: …--<overrides>)' })
          .option('decimal-comma', decimalCommaOption)
          .option('xlsx', xlsxOption)
          .example('$0 sweep scenarios/middle-corridor.yaml --param titr_growth=0.05:0.20:0.05 --param vessels_online=2027,2029', 'a 4 × 2 grid'),
      async (a) => done(await (await commands()).sweepCommand({ scenario: a.scenario, param: a.param, set: a.set, workers: a.workers, out: a.out, decimalComma: a['decimal-comma'], xlsx: a.xlsx }, io)),
    )
    .command(
      'montecarlo <scenario>',
      'Sample the uncertainty block, run N times, write percentiles per year and element',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true })
          .option('runs', { type: 'number', default: 1000, describe: 'Number of runs (1 to 1,000,000)' })
          .option('seed', { type: 'number', describe: `Master seed, a whole number from 0 to 2^53 − 1 (default ${DEFAULT_SEED}); the same seed gives the same bytes` })
          .option('workers', WORKERS_OPTION)
          .option('keep-runs', { type: 'boolean', default: false, describe: 'Also write runs.csv: one row per run and year' })
          .option('set', setOption)
          .option('out', { type: 'string', describe: 'Output folder (default: output/montecarlo-<scenario name>; with --set: …--<overrides>)' })
          .option('decimal-comma', decimalCommaOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .example('$0 montecarlo scenarios/middle-corridor.yaml --runs 2000 --seed 7', 'the baseline’s fan of outcomes'),
      async (a) =>
        done(await (await commands()).monteCarloCommand({
          scenario: a.scenario, runs: a.runs, seed: a.seed, workers: a.workers, set: a.set, out: a.out, keepRuns: a['keep-runs'], decimalComma: a['decimal-comma'], report: a.report, xlsx: a.xlsx,
        }, io)),
    )
    .command(
      'sensitivity <scenario>',
      'Which assumption matters most: a tornado (one factor at a time) and Spearman and first-order indices from a Monte Carlo sample',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true })
          .option('year', { type: 'number', describe: 'Year of the served and unserved metrics in tornado.csv (default: the last)' })
          .option('runs', { type: 'number', default: 2000, describe: 'Runs of the global sample (1 to 1,000,000)' })
          .option('seed', { type: 'number', describe: `Master seed, a whole number from 0 to 2^53 − 1 (default ${DEFAULT_SEED}); the same seed gives the same bytes` })
          .option('workers', WORKERS_OPTION)
          .option('set', setOption)
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>-sensitivity; with --set: …--<overrides>)' })
          .option('decimal-comma', decimalCommaOption)
          .option('report', reportOption)
          .option('xlsx', xlsxOption)
          .example('$0 sensitivity scenarios/middle-corridor.yaml --year 2030', 'what drives served volume in 2030'),
      async (a) =>
        done(await (await commands()).sensitivityCommand({
          scenario: a.scenario, year: a.year, runs: a.runs, seed: a.seed, workers: a.workers, set: a.set, out: a.out, decimalComma: a['decimal-comma'], report: a.report, xlsx: a.xlsx,
        }, io)),
    )
    .command(
      'explore <scenario>',
      'Write explorer.html: one offline page that re-simulates the scenario as you move its params and projects',
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario file' })
          .option('out', { type: 'string', describe: 'Output folder (default: output/<scenario name>; with --set: …--<overrides>)' })
          .option('set', setOption)
          .example('$0 explore scenarios/middle-corridor.yaml', 'open output/middle-corridor/explorer.html in a browser'),
      async (a) => done(await (await commands()).exploreCommand({ scenario: a.scenario, out: a.out, set: a.set }, io)),
    )
    .command(
      'report <dir>',
      'Write report.html (charts and findings, self-contained) into an output folder of run, compare, montecarlo, optimum, plan, sensitivity or appraise',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, describe: 'Output folder' })
          .option('svg', { type: 'boolean', default: false, describe: 'Also write each chart as its own .svg file' })
          .example('$0 report output/middle-corridor', 'the baseline run’s report'),
      async (a) => done(await (await commands()).reportCommand({ dir: a.dir, svg: a.svg }, io)),
    )
    .command(
      'schema',
      'Print the JSON Schema of the scenario format, for editors',
      (y) =>
        y
          .example('$0 schema > scenario.schema.json', 'save it beside your scenarios')
          .epilog(
            'Then put "# yaml-language-server: $schema=scenario.schema.json" on the first line of a scenario\n' +
              '(VS Code\'s YAML extension and other editors running yaml-language-server read it), or map\n' +
              'files to it in VS Code\'s settings.json: "yaml.schemas": { "./scenario.schema.json": ["scenarios/*.yaml"] }.\n' +
              'A file that extends another needs only what differs. See docs/format.md, "Checks in your editor".',
          ),
      async () => done((await commands()).schemaCommand(io)),
    )
    .command(
      'init [file]',
      'Write a commented starter scenario',
      (y) =>
        y
          .positional('file', { type: 'string', default: 'scenario.yaml' })
          .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' }),
      async (a) => done((await commands()).initCommand({ file: a.file, force: a.force }, io)),
    )
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for unexpected errors' })
    .demandCommand(1, 'Name a command: run, validate, params, check, optimum, plan, appraise, calibrate, compare, sweep, montecarlo, sensitivity, explore, report, schema or init')
    .strict()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    // yargs lays out the help text before every command (to show it later on demand); wrapping it to the
    // terminal's width was ~15 ms of `corridor run`. Wrapped only where help is printed.
    .wrap(argv.length === 0 || argv.includes('--help') || argv.includes('-h') ? Math.min(100, process.stdout.columns || 100) : null)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
}

/** --workers of sweep and montecarlo (see src/analysis/pool.ts for when workers start). */
const WORKERS_OPTION = {
  type: 'number',
  describe: 'Threads to use at most, 1 to 256 (default: the number of cores); jobs that one thread finishes in a few seconds stay on one',
} as const;

/** Runs the CLI on `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const debug = argv.includes('--debug');
  try {
    await parser(argv, io, (c) => (code = c)).parseAsync();
    return code;
  } catch (caught) {
    const err = caught as Error;
    switch (err.name) {
      case 'ScenarioError': {
        io.stderr(`${err.message}\n`);
        const n = (err as Error & { problems: Problem[] }).problems.filter((p) => p.severity === 'error').length;
        io.stderr(`${n} problem${n === 1 ? '' : 's'}; nothing was written\n`);
        return EXIT_BAD_INPUT;
      }
      case 'Interrupted': {
        const signal = (err as Interrupted).signal;
        io.stderr(`corridor: interrupted; nothing was written (${signal})\n`);
        return STOP_SIGNALS[signal];
      }
      case 'SolverError':
        io.stderr(debug ? `${err.stack}\n` : `corridor: ${err.message}; nothing was written\n`);
        return EXIT_FAILURE;
      case 'EquilibriumError':
        io.stderr(`corridor: ${err.message}; nothing was written\n`);
        return EXIT_FAILURE;
      case 'ChoiceInputError':
      case 'OutputError':
      case 'BadFolder':
      case 'UnreadableFile':
        io.stderr(`corridor: ${err.message}\n`);
        return EXIT_BAD_INPUT;
      case 'UsageError':
      case 'YError':
        io.stderr(`corridor: ${err.message}\nRun "corridor --help" for usage.\n`);
        return EXIT_BAD_INPUT;
      default:
        io.stderr(debug ? `${err.stack}\n` : `corridor: ${err.message} (run with --debug for details)\n`);
        return EXIT_FAILURE;
    }
  }
}
