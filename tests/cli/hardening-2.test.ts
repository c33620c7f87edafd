// Hardening, round two (issue 33): special files, unbounded inputs, stale
// outputs. Each case failed on main before the fix (noted per block).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, signalledCli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-hard2-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};


const fifo = (name: string): string => {
  const file = path.join(dir, name);
  execFileSync('mkfifo', [file]);
  return file;
};

// Before: /dev/zero read without limit (16.8 GB, then a native abort); a FIFO blocked for ever.
describe('only regular files are read, and their size is checked first', () => {
  it('validate /dev/zero is refused by name at once', async () => {
    const r = await cli('validate', '/dev/zero');
    expect(r.code).toBe(2);
    expect(r.err).toContain('"/dev/zero" is a character device, not a regular file');
  });

  it('run of a FIFO is refused without blocking', async () => {
    const r = await cli('run', fifo('scenario.yaml'), '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a named pipe \(FIFO\), not a regular file/);
  });

  it('a base that is a FIFO, or a link to /dev/zero, is one positioned problem', async () => {
    fifo('pipe.yaml');
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    for (const base of ['pipe.yaml', 'zero.yaml']) {
      const file = write(`on-${base}`, `name: x\nextends: ${base}\n`);
      const r = await cli('validate', file);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`on-${base.replace('.', '\\.')}:2:10: extends: cannot read base scenario .*not a regular file`));
      }
  });

  it('extends: /dev/zero (not a scenario file name) is refused before it is opened', async () => {
    const r = await cli('validate', write('z.yaml', 'name: x\nextends: /dev/zero\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('z.yaml:2:10: extends: cannot read base scenario "/dev/zero": it is not a .yaml, .yml or .json file');
  });

  it('a FIFO in a report folder is refused, not waited on', async () => {
    const out = path.join(dir, 'out');
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out)).code).toBe(0);
    fs.rmSync(path.join(out, 'summary.csv'));
    execFileSync('mkfifo', [path.join(out, 'summary.csv')]);
    const r = await cli('report', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('summary.csv" is a named pipe (FIFO), not a regular file');
  });
});

// Before: a base file's keys and values were quoted in "unknown key" problems.
describe('a base that is not a scenario is never quoted', () => {
  it('a secret in a YAML file named by extends does not reach the terminal', async () => {
    write('secrets.yaml', 'api_token: hunter2-very-secret\n');
    const r = await cli('validate', write('a.yaml', 'name: x\nextends: secrets.yaml\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('a.yaml:2:10: extends: cannot read base scenario');
    expect(r.err).toContain('none of its top-level keys is a scenario key');
    expect(r.err).not.toMatch(/api_token|hunter2/);
  });

  it('/etc/passwd named by extends is refused by its name', async () => {
    const r = await cli('validate', write('p.yaml', 'name: x\nextends: /etc/passwd\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('it is not a .yaml, .yml or .json file');
    expect(r.err).not.toMatch(/root:/);
  });
});

// Before: --runs 1e12 ran out of heap (exit 134); --seed abc and 1e400 ran as NaN and Infinity.
describe('counts and seeds are bounded', () => {
  it.each([
    [['montecarlo', 'scenarios/tutorial.yaml', '--runs', '1e12'], '--runs must be a whole number from 1 to 1,000,000, got 1000000000000'],
    [['sensitivity', 'scenarios/tutorial.yaml', '--runs', '2000001'], '--runs must be a whole number from 1 to 1,000,000'],
    [['montecarlo', 'scenarios/tutorial.yaml', '--runs', '10', '--seed', 'abc'], '--seed must be a whole number from 0 to 9007199254740991, got NaN'],
    [['montecarlo', 'scenarios/tutorial.yaml', '--runs', '10', '--seed', '1e400'], '--seed must be a whole number from 0 to 9007199254740991, got Infinity'],
    [['montecarlo', 'scenarios/tutorial.yaml', '--runs', '10', '--workers', '100000'], '--workers must be a whole number from 1 to 256'],
    [['plan', 'scenarios/middle-corridor-plan.yaml', '--runs', '20000'], '--runs must be a whole number from 1 to 10,000'],
    [['plan', 'scenarios/middle-corridor-plan.yaml', '--runs', '10', '--seed', '-1'], '--seed must be a whole number'],
  ])('%j', async (argv, message) => {
    const r = await cli(...argv, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});

// Before: `--out /` wrote into the root folder; `--out /proc/self` and a malformed manifest exited 1 with a raw message.
describe('system folders and broken manifests are usage errors', () => {
  it.each(['/', '/proc/self', '/sys/kernel', '/dev'])('--out %s', async (out) => {
    const r = await cli('run', 'scenarios/tutorial.yaml', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out .*: output may not go into (the root folder|a system folder)/);
  });

  it.each([['not JSON', '{"command": "run",'], ['JSON without a command', '[1, 2]']])('report on a manifest that is %s', async (_, text) => {
    const out = path.join(dir, 'out');
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out)).code).toBe(0);
    fs.writeFileSync(path.join(out, 'manifest.json'), text);
    const r = await cli('report', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/manifest\.json (cannot be read as a manifest|is not a corridor manifest)/);
    expect(r.err).not.toContain('--debug');
  });
});

// Before: a second run into a folder left the first run's targets.csv, runs.csv and report.html behind.
describe('output folders hold only the last run’s files', () => {
  it('files the previous run listed and this run did not write are removed; the manifest lists what was written', async () => {
    const out = path.join(dir, 'out');
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out, '--report')).code).toBe(0);
    expect(fs.existsSync(path.join(out, 'targets.csv'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'report.html'))).toBe(true);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const other = write('other.yaml', fs.readFileSync('scenarios/tutorial.yaml', 'utf8').replace(/\ntargets:[\s\S]*?(?=\n\w)/, '\n'));
    const r = await cli('run', other, '--out', out);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toEqual(['flows.csv', 'links.csv', 'manifest.json', 'nodes.csv', 'routes.csv', 'summary.csv']);
    expect(fs.readdirSync(out).sort()).toEqual([...manifest.files, 'notes.txt'].sort());
  });

  it('a report joins its run: the manifest lists report.html', async () => {
    const out = path.join(dir, 'out');
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out, '--report')).code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('report.html');
  });

  it('a manifest.json that corridor-sim did not write removes nothing (a user’s file it lists stays)', async () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'budget.csv'), 'mine');
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ files: ['budget.csv'] }));
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out)).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'budget.csv'), 'utf8')).toBe('mine');
  });

  it('a manifest that lists paths outside its folder removes nothing there', async () => {
    const out = path.join(dir, 'out');
    const victim = write('victim.csv', 'keep');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ tool: 'corridor-sim', command: 'run', files: ['../victim.csv', '/etc/hostname'] }));
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out)).code).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
  });
});

// Before: every --set variant overwrote output/<name>/, and the plan modes shared one folder.
describe('what-ifs and plan modes get folders of their own', () => {
  it('--set writes to output/<name>--<slug>, a short readable name', async () => {
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      fs.cpSync(path.join(cwd, 'scenarios/tutorial.yaml'), 'tutorial.yaml');
      expect((await cli('run', 'tutorial.yaml', '--quiet')).code).toBe(0);
      expect((await cli('run', 'tutorial.yaml', '--quiet', '--set', 'growth=0.2', '--set', 'projects.second-track.online=2029')).code).toBe(0);
      expect(fs.readdirSync('output').sort()).toEqual(['tutorial', 'tutorial--growth-0.2_second-track.online-2029']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a long list of overrides ends in a hash and stays under 80 characters', async () => {
    const { overridesSlug } = await import('../../src/cli/common.js');
    const set = Array.from({ length: 12 }, (_, i) => `param_number_${i}=${i / 7}`);
    const slug = overridesSlug(set);
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(slug).toMatch(/^param_number_0-0_param_number_1-0\.142857142857142[\w.-]*-[0-9a-f]{8}$/);
    expect(overridesSlug([...set.slice(0, 11), 'param_number_11=2'])).not.toBe(slug);
  });
});

// Before: SIGTERM and SIGHUP killed montecarlo --keep-runs with its hidden .runs.csv.tmp-* left behind; plan --runs printed nothing.
describe('every stop signal cleans up and says so', () => {
  it.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s during montecarlo --keep-runs into an existing folder', async (signal, code) => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'mine.txt'), 'keep');
    const r = await signalledCli(signal, 1500, 'montecarlo', 'scenarios/middle-corridor-spill.yaml', '--runs', '100000', '--workers', '1', '--keep-runs', '--out', out);
    expect(r.code).toBe(code);
    expect(r.err).toContain(`interrupted; nothing was written (${signal})`);
    expect(fs.readdirSync(out)).toEqual(['mine.txt']);
  });

  it('Ctrl-C during plan --runs', async () => {
    const out = path.join(dir, 'plan');
    const r = await signalledCli('SIGINT', 1000, 'plan', 'scenarios/middle-corridor-plan.yaml', '--runs', '20', '--confidence', '0.75', '--evaluate', '200000', '--out', out);
    expect(r.code).toBe(130);
    expect(r.err).toContain('interrupted; nothing was written (SIGINT)');
    expect(fs.existsSync(out)).toBe(false);
  });
});

// Before: 15% and 0,15 were refused with 18 problems, 17 of them false; abc the same.
describe('--set reads a number as a user types it', () => {
  it.each([['15%'], ['0,15'], ['0.15']])('titr_growth=%s runs as 0.15', async (value) => {
    const r = await cli('run', 'scenarios/middle-corridor-spill.yaml', '--quiet', '--set', `titr_growth=${value}`, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'manifest.json'), 'utf8')) as { params: Record<string, number> };
    expect(manifest.params.titr_growth).toBe(0.15);
  });

  it('titr_growth=abc is exactly one problem naming the param, the value and the form', async () => {
    const r = await cli('run', 'scenarios/middle-corridor-spill.yaml', '--set', 'titr_growth=abc', '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toBe('--set titr_growth=abc: titr_growth: param "titr_growth" takes a number, got "abc" (write e.g. titr_growth=0.15, titr_growth=15% or titr_growth=0,15)\n1 problem; nothing was written\n');
  });
});

// Before: a file name with a line break wrote a key of its own into plan.yaml's header comment.
it('a scenario file name with a line break stays inside plan.yaml’s comment', async () => {
  const file = path.join(dir, 'evil\nname: injected.yaml');
  fs.cpSync('scenarios/tutorial.yaml', file);
  const out = path.join(dir, 'plan');
  expect((await cli('plan', file, '--quiet', '--out', out)).code).toBe(0);
  const text = fs.readFileSync(path.join(out, 'plan.yaml'), 'utf8');
  expect(text).toContain('evil\\u000aname: injected.yaml');
  expect(text.split('\n').filter((l) => l.startsWith('name:'))).toEqual(['name: tutorial-planned']);
});

// Before: 0.0004 Mt on one flow made 2029 "the first year with unserved demand (0 Mt)"; a closed element was binding=true.
describe('statements about unserved volume and binding are about real amounts', () => {
  const twoYears = (unserved: number, threshold?: number) => `name: tiny
years: { start: 2024, end: 2026 }
nodes: [{ id: a }, { id: b }]
links:
  - { id: ab, from: a, to: b, capacity: 5 }
  - { id: closed, from: a, to: b, capacity: 0 }
flows:
  # 5 Mt/year fits; ${unserved} Mt/year more from 2025 does not.
  - { id: f, origin: a, destination: b, demand: { 2024: 5, 2025: ${5 + unserved} }, routes: [{ id: r, via: [ab] }] }
${threshold === undefined ? '' : `output: { unserved_threshold: ${threshold} }\n`}`;

  it('0.0004 Mt/year short is not a first unserved year (below 0.001, the default threshold); 0.002 is', async () => {
    const small = await cli('compare', write('small.yaml', twoYears(0.0004)), write('big.yaml', twoYears(0.002).replace('name: tiny', 'name: big')), '--out', path.join(dir, 'cmp'));
    expect(small.code).toBe(0);
    const rows = fs.readFileSync(path.join(dir, 'cmp', 'compare-summary.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const col = rows[0]!.indexOf('first_unserved_year');
    expect(rows.slice(1).map((r) => [r[0], r[col]])).toEqual([['tiny', ''], ['big', '2025']]);
  });

  it('output.unserved_threshold sets it (here 0.0001, so 0.0004 counts)', async () => {
    const r = await cli('compare', write('t.yaml', twoYears(0.0004, 0.0001)), write('u.yaml', twoYears(0, 0.0001).replace('name: tiny', 'name: none')), '--out', path.join(dir, 'cmp'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('first year with unserved demand: 2025 → none');
  });

  it('a closed element (capacity 0, no flow) is not binding', async () => {
    const out = path.join(dir, 'run');
    expect((await cli('run', write('c.yaml', twoYears(0)), '--quiet', '--out', out)).code).toBe(0);
    const closed = fs.readFileSync(path.join(out, 'links.csv'), 'utf8').split('\n').filter((l) => l.includes(',closed,'));
    expect(closed).toEqual(['tiny,2024,closed,a,b,total,0,0,,false', 'tiny,2025,closed,a,b,total,0,0,,false', 'tiny,2026,closed,a,b,total,0,0,,false']);
  });
});

// Before: the README's compare example showed findings the command no longer printed.
it('the README’s compare example is what the command prints', async () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const m = /\$ npx corridor compare (.+)\n[^\n]*\n\n([\s\S]*?)```/.exec(readme);
  expect(m).not.toBeNull();
  const argv = m![1]!.split(' ');
  const r = await cli('compare', ...argv, '--out', path.join(dir, 'cmp'));
  expect(r.code).toBe(0);
  expect(r.out.split('\n').slice(2).join('\n').trimEnd()).toBe(m![2]!.trimEnd());
});

// Before: three params of 1,000 values each built a list of 10^9 combinations (out of heap).
it('a sweep grid larger than 1,000,000 combinations is refused before it is built', async () => {
  const r = await cli('sweep', 'scenarios/tutorial.yaml', '--param', 'growth=0:0.999:0.001', '--param', 'track_online=1001:2000:1', '--param', 'growth=0:0.999:0.001', '--out', path.join(dir, 'out'));
  expect(r.code).toBe(2);
  expect(r.err).toContain('the grid has 1,000,000,000 combinations, more than the 1,000,000 a sweep may run');
});
