// Generates docs/format.md and docs/scenario.schema.json (the editor schema
// that the shipped scenarios name in their first line) from the scenario
// schema (src/scenario/schema.ts), so neither can drift from the code.
// `npm run docs` writes them; a test fails when a committed file differs
// from what this produces.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatJsonSchema, scenarioJsonSchema } from '../src/scenario/schema.js';

type Schema = {
  type?: string; description?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema;
  anyOf?: Schema[]; enum?: unknown[]; const?: unknown; additionalProperties?: Schema | boolean; default?: unknown;
  minimum?: number; maximum?: number;
};

const HEADER = `# Scenario format reference

Generated from \`src/scenario/schema.ts\` by \`npm run docs\`; do not edit by hand.
The same schema is printed as JSON Schema by \`corridor schema\` and kept in
[scenario.schema.json](scenario.schema.json); see "Checks in your editor" below.

Values (capacities, demands, \`online\` years, utilization factors) accept a number, a
quantity with units in quotes (\`"60 train/day"\`, \`"120000 TEU/year"\`), an expression
over params and \`yr\` (the simulated year), or a yearly series. A bare number for a volume
means Mt/year; for transit and dwell times, days. Expressions may use \`+ - * / ^ mod\`,
comparisons, \`and or not\`, \`cond ? a : b\`, the functions \`min max abs sqrt exp log round
floor ceil pow mod\`, the constants \`pi\` and \`e\`, params, \`yr\`, and units; nothing else
(see docs/architecture.md, "Untrusted expressions").

## Checks in your editor

\`corridor schema > scenario.schema.json\` saves the JSON Schema (draft 2020-12). It accepts
what the CLI's schema check accepts, file by file: a complete scenario, or a file that
\`extends\` another and gives only what differs (every key optional, a list item needs only
its \`id\`). Cross-references, units and expressions are checked by \`corridor validate\`.

- VS Code with the YAML extension (and any editor running \`yaml-language-server\`): put
  \`# yaml-language-server: $schema=scenario.schema.json\` (a path relative to the scenario,
  or a URL) on the first line, as the shipped scenarios do with
  [docs/scenario.schema.json](scenario.schema.json); or map files to the schema in
  \`settings.json\`: \`"yaml.schemas": { "./scenario.schema.json": ["scenarios/*.yaml"] }\`.
- JSON scenarios: \`"json.schemas": [{ "fileMatch": ["scenarios/*.json"], "url": "./scenario.schema.json" }]\`
  in \`settings.json\`, or a top-level \`"$schema": "scenario.schema.json"\` key (the CLI ignores it).
`;

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object') {
    if (s.properties && Object.keys(s.properties).length > 0) return 'mapping';
    if (typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties)}`;
    return 'mapping';
  }
  let t = s.type ?? 'any';
  if (s.minimum !== undefined || s.maximum !== undefined) t += ` (${s.minimum ?? ''}–${s.maximum ?? ''})`;
  return t;
}

const objectOf = (s: Schema): Schema | undefined => {
  if (s.type === 'object' && s.properties && Object.keys(s.properties).length > 0) return s;
  if (s.type === 'array' && s.items) return objectOf(s.items);
  return undefined;
};

function section(title: string, s: Schema, out: string[], depth: number): void {
  out.push(`${'#'.repeat(depth)} \`${title}\``, '');
  if (s.description) out.push(s.description, '');
  out.push('| key | type | required | description |', '|---|---|---|---|');
  const nested: [string, Schema][] = [];
  for (const [key, p] of Object.entries(s.properties ?? {})) {
    const required = s.required?.includes(key) && p.default === undefined ? 'yes' : '';
    const desc = (p.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    out.push(`| \`${key}\` | ${typeOf(p)} | ${required} | ${desc} |`);
    const inner = objectOf(p);
    if (inner) nested.push([`${title === 'scenario' ? '' : `${title}.`}${key}${p.type === 'array' ? '[]' : ''}`, { ...inner, description: p.description ?? inner.description }]);
  }
  out.push('');
  for (const [name, inner] of nested) section(name, inner, out, Math.min(depth + 1, 4));
}

export function formatReference(): string {
  const out = [HEADER];
  section('scenario', formatJsonSchema() as Schema, out, 2);
  return `${out.join('\n').trimEnd()}\n`;
}

/** docs/scenario.schema.json: what `corridor schema` prints. */
export const editorSchemaText = (): string => `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync('docs/format.md', formatReference());
  fs.writeFileSync('docs/scenario.schema.json', editorSchemaText());
  console.log('wrote docs/format.md and docs/scenario.schema.json');
}
