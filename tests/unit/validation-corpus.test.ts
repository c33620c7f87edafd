// Every malformed scenario in tests/fixtures/bad states the problems it must
// produce, as `# expect: LINE:COL PATH :: MESSAGE` comments at its top (for
// JSON files, in a `.expect` file beside it). Positions were checked by hand
// against the offending token in each file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/index.js';

const dir = 'tests/fixtures/bad';
const cases = fs.readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

function expectations(file: string): { line: number; col: number; path: string; message: string }[] {
  const full = path.join(dir, file);
  const sidecar = full.replace(/\.json$/, '.expect');
  const text = file.endsWith('.json') ? fs.readFileSync(sidecar, 'utf8') : fs.readFileSync(full, 'utf8');
  return [...text.matchAll(/^(?:# expect: )?(\d+):(\d+) (\(top level\)|\S+) :: (.*)$/gm)].map((m) => ({
    line: Number(m[1]), col: Number(m[2]), path: m[3]!, message: m[4]!,
  }));
}

describe('malformed scenario corpus', () => {
  it('has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases)('%s', (file) => {
    const wanted = expectations(file);
    expect(wanted.length).toBeGreaterThan(0);
    const { problems, model } = loadScenario(path.join(dir, file), { readText: (f) => fs.readFileSync(f, 'utf8') });
    expect(model).toBeUndefined();
    const errors = problems.filter((p) => p.severity === 'error');
    for (const w of wanted) {
      const hit = errors.find((p) => p.path === w.path && p.line === w.line && p.col === w.col);
      expect(hit, `${file}: no problem at ${w.line}:${w.col} ${w.path}; got\n${errors.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`).join('\n')}`).toBeDefined();
      expect(`${hit!.message}${hit!.hint ? ` (${hit!.hint})` : ''}`).toContain(w.message);
    }
    expect(errors.length).toBe(wanted.length);
  });
});
