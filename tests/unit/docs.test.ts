// The format reference is generated from the schema; the committed copy must match.
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { formatReference } from '../../scripts/gen-docs.js';

it('docs/format.md is what `npm run docs` generates from the schema', () => {
  expect(fs.readFileSync('docs/format.md', 'utf8')).toBe(formatReference());
});
