// Mutation fuzzing of the shipped scenarios: seeded random edits (lines
// deleted or duplicated, tokens replaced by junk) run through `validate` and
// `run` in-process. Every outcome must be exit 0, or exit 2 with every
// problem positioned (file:line:col); never a crash (exit 1), a stack trace
// or a hang.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const JUNK = ['{', '}', '[', ']', '1e309', '-1e309', 'NaN', '.nan', '&x', '*x', '"=cmd"', '-5', '0', '~', 'null', '"', "'", ':', '- x', '2.5', 'yes', '"1/0"', '"yr ^ 1e6"', '!!binary x', '<<: *x'];
const CASES = 300;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-fuzz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One random edit of `text`: delete or duplicate a line, or replace a token with junk. */
function mutate(text: string, rng: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const i = Math.floor(rng() * lines.length);
  const kind = rng();
  if (kind < 0.2) lines.splice(i, 1);
  else if (kind < 0.35) lines.splice(i, 0, lines[i]!);
  else {
    const tokens = [...lines[i]!.matchAll(/[^\s,:{}[\]]+/g)];
    if (tokens.length === 0) lines[i] = pick(JUNK);
    else {
      const t = pick(tokens);
      lines[i] = lines[i]!.slice(0, t.index) + pick(JUNK) + lines[i]!.slice(t.index! + t[0].length);
    }
  }
  return lines.join('\n');
}

describe('mutation fuzz of the shipped scenarios', () => {
  const shipped = fs.readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();

  it(`${CASES} seeded edits: exit 0, or exit 2 with positioned problems; never a crash`, async () => {
    const rng = seedrandom.alea('corridor-fuzz');
    const outcomes = { 0: 0, 2: 0 };
    for (let n = 0; n < CASES; n++) {
      const folder = path.join(dir, String(n));
      fs.mkdirSync(folder);
      for (const f of shipped) fs.copyFileSync(path.join('scenarios', f), path.join(folder, f));
      const target = shipped[Math.floor(rng() * shipped.length)]!;
      let text = fs.readFileSync(path.join(folder, target), 'utf8');
      const edits = 1 + Math.floor(rng() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, rng);
      fs.writeFileSync(path.join(folder, target), text);
      for (const argv of [['validate', path.join(folder, target)], ['run', path.join(folder, target), '--quiet', '--out', path.join(folder, 'out')]]) {
        const r = await cli(...argv);
        const what = `case ${n}, ${argv[0]} ${target}:\n${r.err}`;
        if (process.env.FUZZ_DEBUG && r.code === 2 && n % 25 === 0) console.log(what.slice(0, 400));
        expect([0, 2], what).toContain(r.code);
        expect(r.err, what).not.toMatch(/\n\s+at |--debug|TypeError|RangeError|undefined is not|Cannot read/);
        if (r.code === 2 && argv[0] === 'validate') {
          const problems = r.err.split('\n').filter((l) => l.includes(': ') && !/: \d+ errors?$/.test(l) && !l.includes('warning:'));
          for (const p of problems) expect(p, what).toMatch(/^[^:]+:\d+:\d+: /);
        }
        outcomes[r.code as 0 | 2]++;
      }
      fs.rmSync(folder, { recursive: true, force: true });
    }
    // The edits must exercise both paths: many are harmless (a comment), many are not.
    if (process.env.FUZZ_DEBUG) console.log(outcomes);
    expect(outcomes[0]).toBeGreaterThan(CASES / 10);
    expect(outcomes[2]).toBeGreaterThan(CASES / 10);
  });
});
