// Hardening, round two (issue 33): special files, unbounded inputs, stale
// outputs. Each case failed on main before the fix (noted per block).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

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

async function timed(...argv: string[]) {
  const started = performance.now();
  const r = await cli(...argv);
  return { ...r, ms: performance.now() - started };
}

const fifo = (name: string): string => {
  const file = path.join(dir, name);
  execFileSync('mkfifo', [file]);
  return file;
};

// Before: /dev/zero read without limit (16.8 GB, then a native abort); a FIFO blocked for ever.
describe('only regular files are read, and their size is checked first', () => {
  it('validate /dev/zero is refused by name at once', async () => {
    const r = await timed('validate', '/dev/zero');
    expect(r.code).toBe(2);
    expect(r.err).toContain('"/dev/zero" is a character device, not a regular file');
    expect(r.ms).toBeLessThan(1000);
  });

  it('run of a FIFO is refused without blocking', async () => {
    const r = await timed('run', fifo('scenario.yaml'), '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a named pipe \(FIFO\), not a regular file/);
    expect(r.ms).toBeLessThan(1000);
  });

  it('a base that is a FIFO, or a link to /dev/zero, is one positioned problem', async () => {
    fifo('pipe.yaml');
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    for (const base of ['pipe.yaml', 'zero.yaml']) {
      const file = write(`on-${base}`, `name: x\nextends: ${base}\n`);
      const r = await timed('validate', file);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`on-${base.replace('.', '\\.')}:2:10: extends: cannot read base scenario .*not a regular file`));
      expect(r.ms).toBeLessThan(1000);
    }
  });

  it('extends: /dev/zero (not a scenario file name) is refused before it is opened', async () => {
    const r = await timed('validate', write('z.yaml', 'name: x\nextends: /dev/zero\n'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('z.yaml:2:10: extends: cannot read base scenario "/dev/zero": it is not a .yaml, .yml or .json file');
  });

  it('a FIFO in a report folder is refused, not waited on', async () => {
    const out = path.join(dir, 'out');
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out)).code).toBe(0);
    fs.rmSync(path.join(out, 'summary.csv'));
    execFileSync('mkfifo', [path.join(out, 'summary.csv')]);
    const r = await timed('report', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('summary.csv" is a named pipe (FIFO), not a regular file');
    expect(r.ms).toBeLessThan(2000);
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
    const r = await timed(...argv, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.ms).toBeLessThan(2000);
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

  it('a manifest that lists paths outside its folder removes nothing there', async () => {
    const out = path.join(dir, 'out');
    const victim = write('victim.csv', 'keep');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ command: 'run', files: ['../victim.csv', '/etc/hostname'] }));
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
