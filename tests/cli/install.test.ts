// The package installs from its tarball outside the clone (issue 33, item 15):
// `npm pack`, then `npm install` of the tarball into an empty folder, and the
// installed `corridor` answers --version and runs a shipped scenario. Nothing
// here reaches the clone's node_modules or asks the registry for a package
// named `corridor`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';

let dir: string;
let bin: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-install-'));
  const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tarball = npm(['pack', '--silent', '--pack-destination', dir], process.cwd()).trim().split('\n').pop()!;
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true }\n');
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(dir, tarball)], app);
  bin = path.join(app, 'node_modules', '.bin', 'corridor');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('installed from the packed tarball, in an empty folder', () => {
  it('corridor --version', () => {
    expect(execFileSync(bin, ['--version'], { cwd: dir, encoding: 'utf8' }).trim()).toBe(VERSION);
  });

  it('corridor run of a shipped scenario', () => {
    const scenario = path.join(dir, 'app', 'node_modules', 'corridor-sim', 'scenarios', 'tutorial.yaml');
    const out = execFileSync(bin, ['run', scenario, '--out', path.join(dir, 'out')], { cwd: dir, encoding: 'utf8' });
    expect(out).toMatch(/^tutorial: 2024–2036, volumes in Mt\/year/);
    // The same bytes as the clone's own run.
    execFileSync(process.execPath, ['bin/corridor.cjs', 'run', 'scenarios/tutorial.yaml', '--quiet', '--out', path.join(dir, 'clone')]);
    for (const table of ['summary.csv', 'flows.csv', 'links.csv']) {
      expect(fs.readFileSync(path.join(dir, 'out', table), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'clone', table), 'utf8'));
    }
  });
});
