// The CLI end to end: in-process through main() with captured streams, and
// once through the built bundle for exit codes and stack traces.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { writeFilesAtomically } from '../../src/io/write.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
const TABLES = ['summary.csv', 'flows.csv', 'routes.csv', 'links.csv', 'nodes.csv'];

describe('corridor run', () => {
  it('writes the five tables with the contract’s columns, targets.csv (the tutorial has targets), and manifest.json', async () => {
    const r = await cli('run', 'scenarios/tutorial.yaml', '--out', dir);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual([...TABLES, 'targets.csv', 'manifest.json'].sort());
    expect(read('summary.csv').split('\n')[0]).toBe('scenario,year,demand_mt,served_mt,unserved_mt,max_utilization,bottleneck,binding');
    expect(read('flows.csv').split('\n')[0]).toBe('scenario,year,flow,cargo,demand_mt,served_mt,unserved_mt');
    expect(read('routes.csv').split('\n')[0]).toBe('scenario,year,flow,route,volume_mt,share,transit_days,bottleneck');
    expect(read('links.csv').split('\n')[0]).toBe('scenario,year,link,from,to,cargo,capacity_mt,flow_mt,utilization,binding');
    expect(read('nodes.csv').split('\n')[0]).toBe('scenario,year,node,cargo,capacity_mt,flow_mt,utilization,binding');
    const manifest = JSON.parse(read('manifest.json'));
    expect(manifest.params).toEqual({ growth: 0.1, track_online: 2026 });
    expect(manifest.scenario.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.out).toMatch(/year\s+demand\s+served\s+unserved\s+max_util\s+bottleneck/);
  });

  it('rows are sorted by year, then id', async () => {
    await cli('run', 'scenarios/tutorial.yaml', '--out', dir);
    const rows = read('links.csv').trim().split('\n').slice(1).map((l) => l.split(','));
    const keys = rows.map((r) => `${r[1]}/${r[2]}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('the same inputs give byte-identical CSV', async () => {
    await cli('run', 'scenarios/tutorial.yaml', '--out', path.join(dir, 'a'));
    await cli('run', 'scenarios/tutorial.yaml', '--out', path.join(dir, 'b'));
    for (const t of TABLES) expect(read(`a/${t}`)).toBe(read(`b/${t}`));
  });

  it('--set changes a param and is recorded in the manifest', async () => {
    await cli('run', 'scenarios/tutorial.yaml', '--out', path.join(dir, 'base'));
    const r = await cli('run', 'scenarios/tutorial.yaml', '--set', 'growth=0.2', '--out', path.join(dir, 'fast'));
    expect(r.code).toBe(0);
    expect(JSON.parse(read('fast/manifest.json')).overrides).toEqual(['growth=0.2']);
    // 2036 is the 13th year: demand there grows with the growth param (bulk at half the rate).
    const demand2036 = (f: string) => Number(read(f).split('\n')[13]!.split(',')[2]);
    expect(demand2036('fast/summary.csv')).toBeGreaterThan(demand2036('base/summary.csv'));
  });

  it('a failing run leaves the previous output intact and writes nothing partial', async () => {
    await cli('run', 'scenarios/tutorial.yaml', '--out', dir);
    const before = Object.fromEntries(TABLES.map((t) => [t, read(t)]));
    // A bad override fails validation before anything is written.
    const r = await cli('run', 'scenarios/tutorial.yaml', '--set', 'growth=fast', '--out', dir);
    expect(r.code).toBe(2);
    for (const t of TABLES) expect(read(t)).toBe(before[t]);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a write that fails midway leaves the previous tables intact and no temporary files', async () => {
    await cli('run', 'scenarios/tutorial.yaml', '--out', dir);
    const before = Object.fromEntries(TABLES.map((t) => [t, read(t)]));
    // The third file cannot be created (its folder does not exist) after two were written.
    const files = [
      { name: 'summary.csv', content: 'new' },
      { name: 'flows.csv', content: 'new' },
      { name: 'missing/links.csv', content: 'new' },
    ];
    expect(() => writeFilesAtomically(dir, files)).toThrow(/ENOENT/);
    for (const t of TABLES) expect(read(t)).toBe(before[t]);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('--decimal-comma writes semicolons, decimal commas and a BOM', async () => {
    await cli('run', 'scenarios/tutorial.yaml', '--out', dir, '--decimal-comma');
    const s = read('summary.csv');
    expect(s.startsWith('\uFEFFscenario;year;demand_mt')).toBe(true);
    // 2025: containers 2.4 + bulk 3 · 1.05 = 5.55 Mt, all served; the ferry (5.42 Mt) is full.
    expect(s.split('\n')[2]).toBe('tutorial;2025;5,55;5,55;0;1;ferry;ferry');
  });

  it('names in Cyrillic survive, and ids cannot become formulas', async () => {
    fs.writeFileSync(path.join(dir, 's.yaml'), [
      'name: kz', 'years: { start: 2025, end: 2025 }',
      'nodes: [{ id: Достык, capacity: 5 }, { id: "=HYPERLINK(1)" }]',
      'links: [{ id: Достык-Мойынты, from: Достык, to: "=HYPERLINK(1)" }]',
      'flows: [{ id: "@flow", origin: Достык, destination: "=HYPERLINK(1)", demand: 1, routes: [{ id: r, via: [Достык-Мойынты] }] }]',
    ].join('\n'));
    const r = await cli('run', path.join(dir, 's.yaml'), '--out', path.join(dir, 'out'));
    expect(r.err).toBe('');
    const links = read('out/links.csv');
    expect(links).toContain("kz,2025,Достык-Мойынты,Достык,'=HYPERLINK(1),total,,1,,");
    expect(read('out/flows.csv')).toContain("kz,2025,'@flow,general,1,1,0");
  });
});

describe('corridor validate, schema, init', () => {
  it('validate lists every problem and exits 2', async () => {
    const r = await cli('validate', 'tests/fixtures/bad/26-many-problems.yaml');
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter((l) => /:\d+:\d+: /.test(l))).toHaveLength(4);
    expect(r.err).toContain('4 errors');
  });

  it('validate passes the shipped scenarios', async () => {
    const files = fs.readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => `scenarios/${f}`);
    const r = await cli('validate', ...files);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('schema prints a JSON Schema', async () => {
    const r = await cli('schema');
    const schema = JSON.parse(r.out);
    expect(schema.$schema).toMatch(/json-schema/);
    // A complete file (else) and one that extends another (then); tests/unit/editor-schema.test.ts checks both with ajv.
    expect(schema.if).toEqual({ type: 'object', required: ['extends'] });
    expect(Object.keys(schema.else.properties)).toEqual(expect.arrayContaining(['name', 'years', 'nodes', 'links', 'projects', 'events', 'flows']));
    expect(schema.else.required).toEqual(expect.arrayContaining(['name', 'years']));
    expect(schema.then.required).toBeUndefined();
  });

  it('init writes a starter that runs, and will not overwrite it', async () => {
    const file = path.join(dir, 'new.yaml');
    expect((await cli('init', file)).code).toBe(0);
    expect((await cli('run', file, '--out', path.join(dir, 'o'), '--quiet')).code).toBe(0);
    // Its target has neither from nor to: every year 2025–2035. Demand 3 × 1.1^(yr − 2025) outgrows
    // port-b's 400000 TEU/year × 10 t = 4 Mt/year in 2029 (3 × 1.1^4 = 4.3923; 2028: 3.993): 7 years missed.
    const check = await cli('check', file);
    expect(check.code).toBe(3);
    expect(check.out.split('\n').slice(-2)[0]).toBe('4 met, 7 missed');
    expect(check.out).toMatch(/missed export-in-full 2029: served 4 of 4\.392/);
    const again = await cli('init', file);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists.*--force/);
  });

  it('usage errors exit 2 with a hint', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Unknown argument|Unknown command/i);
    const missing = await cli('run', path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read scenario file .*nope.yaml.*no such file/);
  });
});

describe('the installed command', () => {
  const bin = path.resolve('bin/corridor.cjs');

  it('--version and --help work', () => {
    expect(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = execFileSync('node', [bin, 'run', '--help'], { encoding: 'utf8' });
    expect(help).toMatch(/--set/);
    expect(help).toMatch(/--decimal-comma/);
  });

  it('help and usage errors read the entry bundle alone; a command reads the commands’ bundle too', () => {
    // A preloaded script lists every dist/ file the process reads (docs/architecture.md, "Start-up").
    const spy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-spy-')), 'spy.cjs');
    fs.writeFileSync(spy, "const fs = require('fs'), read = fs.readFileSync;\nfs.readFileSync = function (f, ...a) { if (String(f).includes('/dist/')) process.stderr.write('read ' + require('path').basename(String(f)) + '\\n'); return read.call(this, f, ...a); };\n");
    const reads = (...args: string[]) => [...spawnSync('node', ['-r', spy, bin, ...args], { encoding: 'utf8' }).stderr.matchAll(/^read (.+)$/gm)].map((m) => m[1]);
    expect(reads('--help')).toEqual(['corridor.cjs', 'corridor.cjs.cache']);
    expect(reads('frobnicate')).toEqual(['corridor.cjs', 'corridor.cjs.cache']);
    expect(reads('validate', 'scenarios/tutorial.yaml')).toEqual(['corridor.cjs', 'corridor.cjs.cache', 'commands.cjs', 'commands.cjs.cache']);
    fs.rmSync(path.dirname(spy), { recursive: true, force: true });
  });

  it('bad input exits 2 with no stack trace', () => {
    const r = spawnSync('node', [bin, 'validate', 'tests/fixtures/bad/14-incompatible-units.yaml'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('links[0].capacity');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
