// Untrusted files and the user's own paths: a hostile file is refused fast,
// with a positioned problem and exit 2; a file-system mistake reads as a
// sentence with exit 2 and leaves the previous output as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../support/cli.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-hard-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};


// Each is refused by a stated limit (its message names it), before the work it would cause: no timing
// assertion, which would depend on the machine's speed.
describe('hostile files are refused by a limit, before the work they ask for', () => {
  it('an alias bomb (nine levels of nine aliases, 9^10 values if expanded)', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const r = await cli('validate', write('bomb.yaml', lines.join('\n')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bomb\.yaml:\d+:\d+: \(syntax\): more than 1000 aliases/);
  });

  it.each([
    ['flow lists', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['flow maps', `${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`],
  ])('%s nested 20,000 deep', async (_, value) => {
    const r = await cli('run', write('deep.yaml', `name: deep\nv: ${value}\n`), '--out', path.join(dir, 'out'));
    expect(r.code).toBe(2);
    // The 65th opening bracket is refused: "v: " takes 3 columns, so column 3 + 65 (lists) or 3 + 64 × 4 + 1 (maps).
    expect(r.err).toMatch(/deep\.yaml:2:(68|260): \(syntax\): lists and maps are nested more than 64 levels deep/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('block maps nested by indentation thousands deep', async () => {
    const lines = ['name: deep', ...Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`), `${' '.repeat(3000)}b: 1`];
    const r = await cli('validate', write('block.yaml', lines.join('\n')));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/block\.yaml:\d+:\d+: \(syntax\): lists and maps are nested more than 64 levels deep/);
    expect(r.err).not.toMatch(/call stack|at .*\.js/);
  });
});

describe('file-system errors on the user’s paths are sentences with exit 2', () => {
  const TABLES = ['summary.csv', 'flows.csv', 'routes.csv', 'links.csv', 'nodes.csv'];

  it('--out names an existing file', async () => {
    const file = write('taken', 'keep me');
    const r = await cli('run', 'scenarios/tutorial.yaml', '--out', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`corridor: cannot write to "${file}": "${file}" is a file, not a folder; nothing there was replaced\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('--out runs through a file (ENOTDIR)', async () => {
    const file = write('taken', 'keep me');
    const r = await cli('run', 'scenarios/tutorial.yaml', '--out', path.join(file, 'sub', 'out'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`"${file}" is a file, not a folder`);
  });

  it('a folder without write permission (EACCES, simulated: tests run as root, who may write anywhere)', async () => {
    const denied = Object.assign(new Error(`EACCES: permission denied, mkdir '${dir}/x'`), { code: 'EACCES', path: path.join(dir, 'x') });
    vi.spyOn(fs, 'mkdirSync').mockImplementation(() => {
      throw denied;
    });
    const r = await cli('run', 'scenarios/tutorial.yaml', '--out', path.join(dir, 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`corridor: cannot write to "${dir}/x": no permission to write in "${dir}/x"; nothing there was replaced\n`);
  });

  it('a full disk (ENOSPC, simulated on the third table) keeps the previous tables and leaves no temporary file', async () => {
    const out = path.join(dir, 'out');
    expect((await cli('run', 'scenarios/tutorial.yaml', '--out', out)).code).toBe(0);
    const before = TABLES.map((t) => fs.readFileSync(path.join(out, t), 'utf8'));
    const real = fs.writeFileSync;
    let writes = 0;
    vi.spyOn(fs, 'writeFileSync').mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
      if (++writes === 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return real(...args);
    });
    const r = await cli('run', 'scenarios/tutorial.yaml', '--set', 'growth=0.2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`corridor: cannot write to "${out}": the disk is full; nothing there was replaced\n`);
    expect(TABLES.map((t) => fs.readFileSync(path.join(out, t), 'utf8'))).toEqual(before);
    expect(fs.readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('init into a path through a file', async () => {
    const file = write('taken', 'keep me');
    const r = await cli('init', path.join(file, 'x.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot write "${file}/x.yaml": "${file}" is a file, not a folder`);
  });
});
