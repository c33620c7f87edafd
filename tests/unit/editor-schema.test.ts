// The editor schema (`corridor schema`, docs/scenario.schema.json) checked by
// a real JSON Schema validator (ajv, draft 2020-12): it accepts every file the
// CLI accepts (shipped scenarios, the `init` starter, the docs' examples) and
// still rejects a wrong one.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { STARTER_SCENARIO } from '../../src/cli/starter.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';
import { editorSchemaText } from '../../scripts/gen-docs.js';
import { cli } from '../support/cli.js';

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(scenarioJsonSchema());
const errorsOf = (doc: unknown): string[] =>
  validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

/** ```yaml blocks of a Markdown file. */
function yamlBlocks(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('the editor schema', () => {
  const shipped = fs.readdirSync('scenarios').filter((f) => /\.(ya?ml|json)$/.test(f));

  it.each(shipped)('accepts scenarios/%s, which names it on its first line', (f) => {
    const text = fs.readFileSync(path.join('scenarios', f), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/scenario.schema.json');
    expect(errorsOf(parse(text))).toEqual([]);
  });

  it('accepts the init starter', () => {
    expect(errorsOf(parse(STARTER_SCENARIO))).toEqual([]);
  });

  it('accepts every YAML example in README.md and docs/ (a fragment as part of a file that extends another)', () => {
    const blocks = ['README.md', ...fs.readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)].flatMap(yamlBlocks);
    expect(blocks.length).toBeGreaterThanOrEqual(2); // docs/planning.md's targets and candidate examples at least
    for (const block of blocks) {
      const doc = parse(block) as Record<string, unknown>;
      const asFile = 'name' in doc && 'years' in doc ? doc : { extends: 'base.yaml', ...doc };
      expect(errorsOf(asFile), block).toEqual([]);
    }
  });

  it('rejects what the CLI rejects in a complete file: a missing key, an unknown key, a wrong type', () => {
    const good = parse(fs.readFileSync('scenarios/tutorial.yaml', 'utf8')) as Record<string, unknown>;
    const { years: _, ...noYears } = good;
    expect(errorsOf(noYears).join('\n')).toMatch(/required.*years/);
    expect(errorsOf({ ...good, yeras: good.years }).join('\n')).toMatch(/additional properties.*yeras/);
    expect(errorsOf({ ...good, years: { start: 'soon', end: 2030 } }).join('\n')).toMatch(/\/years\/start must be integer/);
  });

  it('in a file that extends another: keys are optional and items need only an id, but types and ids still count', () => {
    expect(errorsOf({ extends: 'b.yaml', projects: [{ id: 'p', remove: true }], years: { end: 2050 } })).toEqual([]);
    expect(errorsOf({ extends: 'b.yaml', projects: [{ remove: true }] }).join('\n')).toMatch(/required.*id/);
    expect(errorsOf({ extends: 'b.yaml', links: [{ id: 'x', lenght_km: 3 }] }).join('\n')).toMatch(/additional properties.*lenght_km/);
    expect(errorsOf({ extends: 'b.yaml', flows: [{ id: 'f', routes: [{ id: 'r', via: 'a-b' }] }] }).join('\n')).toMatch(/via must be array/);
  });

  it('is what `corridor schema` prints, and docs/scenario.schema.json is current', async () => {
    const r = await cli('schema');
    expect(r.out).toBe(editorSchemaText());
    expect(fs.readFileSync('docs/scenario.schema.json', 'utf8')).toBe(r.out);
  });
});
