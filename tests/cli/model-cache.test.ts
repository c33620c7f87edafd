// The model cache of `corridor run` (src/scenario/model-cache.ts): an unchanged
// scenario runs from its kept model with the same bytes; a change to the file
// or to a base it extends is seen; a damaged entry is a miss, never an error;
// warnings are printed again. (Issue 33, item 16: start-up.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { readRegularFile } from '../../src/io/read.js';

let dir: string;
let before: string | undefined;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-cache-'));
  before = process.env.CORRIDOR_CACHE_DIR;
  process.env.CORRIDOR_CACHE_DIR = path.join(dir, 'cache');
});
afterEach(() => {
  if (before === undefined) delete process.env.CORRIDOR_CACHE_DIR;
  else process.env.CORRIDOR_CACHE_DIR = before;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(file: string, out: string): Promise<{ code: number; err: string }> {
  let err = '';
  const io: Io = { stdout: () => {}, stderr: (t) => (err += t), readText: readRegularFile, isTty: false, now: () => new Date('2026-01-01T00:00:00Z'), modelCache: true };
  return { code: await main(['run', file, '--quiet', '--out', path.join(dir, out)], io), err };
}

const tables = (out: string) => ['summary.csv', 'flows.csv', 'routes.csv', 'links.csv', 'nodes.csv', 'manifest.json'].map((t) => fs.readFileSync(path.join(dir, out, t), 'utf8'));
const entries = () => (fs.existsSync(path.join(dir, 'cache')) ? fs.readdirSync(path.join(dir, 'cache')) : []);

it('a second run of an unchanged scenario reads the kept model and writes the same bytes', async () => {
  expect((await run('scenarios/middle-corridor-spill.yaml', 'a')).code).toBe(0);
  expect(entries()).toHaveLength(1);
  expect((await run('scenarios/middle-corridor-spill.yaml', 'b')).code).toBe(0);
  expect(tables('b').slice(0, 5)).toEqual(tables('a').slice(0, 5));
  expect(tables('b')[5]!.replace(/"run_at".*/, '')).toBe(tables('a')[5]!.replace(/"run_at".*/, ''));
  // That the second run read the entry: mark the kept model's name, and a third run writes the mark.
  const entry = path.join(dir, 'cache', entries()[0]!);
  fs.writeFileSync(entry, fs.readFileSync(entry, 'utf8').replace('"name":"middle-corridor-spill"', '"name":"from-the-cache"'));
  expect((await run('scenarios/middle-corridor-spill.yaml', 'c')).code).toBe(0);
  expect(tables('c')[0]!.split('\n')[1]).toMatch(/^from-the-cache,2019,/);
});

it('a change to a base the scenario extends is seen', async () => {
  const base = path.join(dir, 'base.yaml');
  const file = path.join(dir, 'top.yaml');
  fs.copyFileSync('scenarios/tutorial.yaml', base);
  fs.writeFileSync(file, 'name: top\nextends: base.yaml\n');
  expect((await run(file, 'a')).code).toBe(0);
  fs.writeFileSync(base, fs.readFileSync(base, 'utf8').replace('value: 0.10', 'value: 0.20'));
  expect((await run(file, 'b')).code).toBe(0);
  expect(tables('b')[0]).not.toBe(tables('a')[0]);
  // The same as a run without the cache.
  process.env.CORRIDOR_CACHE = '0';
  try {
    expect((await run(file, 'c')).code).toBe(0);
  } finally {
    delete process.env.CORRIDOR_CACHE;
  }
  expect(tables('b').slice(0, 5)).toEqual(tables('c').slice(0, 5));
});

it('a damaged entry is a miss: the run loads the file and succeeds', async () => {
  expect((await run('scenarios/tutorial.yaml', 'a')).code).toBe(0);
  for (const e of entries()) fs.writeFileSync(path.join(dir, 'cache', e), '{"format": 1, "files": [');
  const r = await run('scenarios/tutorial.yaml', 'b');
  expect(r.code).toBe(0);
  expect(r.err).toBe('');
  expect(tables('b').slice(0, 5)).toEqual(tables('a').slice(0, 5));
});

it('warnings are printed again from the kept model', async () => {
  const file = path.join(dir, 'warn.yaml');
  // The flow's cargo (the last `cargo: container` in the file) misspelt: a class no element has, a warning.
  const text = fs.readFileSync('scenarios/tutorial.yaml', 'utf8');
  const at = text.lastIndexOf('cargo: container');
  fs.writeFileSync(file, `${text.slice(0, at)}cargo: containr${text.slice(at + 'cargo: container'.length)}`);
  const first = await run(file, 'a');
  expect(first.err).toMatch(/warning: .*cargo class "containr"/);
  const second = await run(file, 'b');
  expect(second.err).toBe(first.err);
});
