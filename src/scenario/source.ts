// Plain JS values from YAML/JSON text, with the position of every key and value
// kept beside them, so that a problem found anywhere later can name its line.
import { isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { KeyPath, Position, Problem } from './problems.js';
import { formatPath } from './problems.js';

export interface Located {
  /** Where the object or array itself starts. */
  self: Position;
  keys: Map<string | number, Position>;
  values: Map<string | number, Position>;
}

/** Positions of every object and array created by `parseSource` or merged from them. */
export type Positions = WeakMap<object, Located>;

export interface ParsedSource {
  value: unknown;
  problems: Problem[];
}

function positionOf(file: string, lc: LineCounter, offset: number | undefined): Position {
  if (offset === undefined) return { file };
  const { line, col } = lc.linePos(offset);
  return { file, line, col };
}

/**
 * Limits on what a shared file may ask of the reader. Real scenarios nest
 * about six levels deep, use a handful of aliases, and are well under a
 * megabyte; an "alias bomb" (nine levels of `&a [*a, *a, …]`) would expand
 * to billions of values, and `[[[[…` twenty thousand deep stalls the parser.
 */
export const SOURCE_LIMITS = {
  /** Characters in one file. */
  maxChars: 20_000_000,
  /** Nesting of maps and lists, after aliases are expanded. */
  maxDepth: 64,
  /** Aliases (`*name`) resolved while reading one file. */
  maxAliases: 1_000,
  /** Values created by expanding aliases, in all. */
  maxAliasValues: 100_000,
} as const;

const NESTED_TOO_DEEP = `lists and maps are nested more than ${SOURCE_LIMITS.maxDepth} levels deep`;

/** Raised while converting a document that exceeds SOURCE_LIMITS; becomes one positioned problem. */
class LimitExceeded extends Error {
  constructor(message: string, readonly node: Node | null | undefined, readonly hint: string) {
    super(message);
  }
}

/** Parses YAML or JSON text (JSON is read as YAML 1.2) into plain values with positions. */
export function parseSource(text: string, file: string, positions: Positions): ParsedSource {
  const lineCounter = new LineCounter();
  const tooBig = checkSize(text);
  if (tooBig) {
    const before = text.slice(0, tooBig.offset);
    const line = before.split('\n').length;
    const col = tooBig.offset - before.lastIndexOf('\n');
    return { value: undefined, problems: [{ file, line, col, severity: 'error', path: '(syntax)', message: tooBig.message, hint: tooBig.hint }] };
  }
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  for (const err of [...doc.errors]) {
    const pos = positionOf(file, lineCounter, err.pos[0]);
    const message = err.message.split('\n')[0] ?? err.message;
    // Block nesting (by indentation) thousands deep exhausts the parser's stack.
    problems.push(/call stack/i.test(message) ? { ...pos, severity: 'error', path: '(syntax)', message: NESTED_TOO_DEEP, hint: 'a scenario needs only a few levels' } : { ...pos, severity: 'error', path: '(syntax)', message });
  }
  if (problems.length > 0) return { value: undefined, problems };
  const at = (node: Node | null | undefined) => positionOf(file, lineCounter, node?.range?.[0]);
  try {
    const value = new Converter(doc, at, positions).convert(doc.contents as Node | null, 0, false);
    return { value, problems };
  } catch (err) {
    if (!(err instanceof LimitExceeded)) throw err;
    return { value: undefined, problems: [{ ...at(err.node), severity: 'error', path: '(syntax)', message: err.message, hint: err.hint }] };
  }
}

/**
 * Refuses, before parsing, a file too large or with flow collections (`[`, `{`)
 * nested deeper than the limit: the parser's time grows with the depth. The
 * lexer tells flow indicators from brackets inside quoted or plain text.
 */
function checkSize(text: string): { offset: number; message: string; hint: string } | undefined {
  if (text.length > SOURCE_LIMITS.maxChars) {
    return { offset: 0, message: `the file has ${text.length} characters, more than the ${SOURCE_LIMITS.maxChars} a scenario may have`, hint: 'is this the right file?' };
  }
  let offset = 0;
  let depth = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > SOURCE_LIMITS.maxDepth) {
        return { offset, message: NESTED_TOO_DEEP, hint: 'a scenario needs only a few levels' };
      }
    } else if (token === ']' || token === '}') depth--;
    // Control tokens (document start, scalar and flow markers) are one character below 0x20 that stands for no text.
    if (!(token.length === 1 && token < ' ' && token !== '\t' && token !== '\n') && token !== '\u{feff}') offset += token.length;
  }
  return undefined;
}

/** YAML nodes → plain values with positions, within SOURCE_LIMITS. */
class Converter {
  private aliases = 0;
  private aliasValues = 0;

  constructor(
    private readonly doc: Document,
    private readonly at: (n: Node | null | undefined) => Position,
    private readonly positions: Positions,
  ) {}

  convert(node: Node | null, depth: number, viaAlias: boolean): unknown {
    if (node === null || node === undefined) return null;
    if (viaAlias && ++this.aliasValues > SOURCE_LIMITS.maxAliasValues) {
      throw new LimitExceeded(`aliases expand to more than ${SOURCE_LIMITS.maxAliasValues} values`, node, 'a file that repeats itself through aliases (*name) this much is refused; write the values out');
    }
    if (isAlias(node)) {
      if (++this.aliases > SOURCE_LIMITS.maxAliases) {
        throw new LimitExceeded(`more than ${SOURCE_LIMITS.maxAliases} aliases (*name)`, node, 'write the values out');
      }
      return this.convert(node.resolve(this.doc) as Node, depth, true);
    }
    if (isScalar(node)) return node.value;
    if (depth >= SOURCE_LIMITS.maxDepth) {
      throw new LimitExceeded(NESTED_TOO_DEEP, node, viaAlias ? 'an alias (*name) may not refer to a list or map that contains it' : 'a scenario needs only a few levels');
    }
    if (isSeq(node)) {
      const out: unknown[] = [];
      const located: Located = { self: this.at(node), keys: new Map(), values: new Map() };
      node.items.forEach((item, i) => {
        located.keys.set(i, this.at(item as Node));
        located.values.set(i, this.at(item as Node));
        out.push(this.convert(item as Node, depth + 1, viaAlias));
      });
      this.positions.set(out, located);
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const located: Located = { self: this.at(node), keys: new Map(), values: new Map() };
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
        located.keys.set(key, this.at(keyNode));
        located.values.set(key, this.at((pair.value as Node | null) ?? keyNode));
        out[key] = this.convert(pair.value as Node | null, depth + 1, viaAlias);
      }
      this.positions.set(out, located);
      return out;
    }
    return (node as { toJSON(): unknown }).toJSON();
  }
}

/**
 * Position for a problem at `path` in a tree built by `parseSource`: the value at
 * the path (or its key, with `atKey`), else the deepest container that exists.
 */
export function locate(root: unknown, path: KeyPath, positions: Positions, fallbackFile: string, atKey = false): Position {
  let current: unknown = root;
  // A problem with the whole file (it is a list, a number, empty) sits at its start.
  let best: Position = positions.get(root as object)?.self ?? { file: fallbackFile, line: 1, col: 1 };
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') break;
    const located = positions.get(current);
    const key = path[i]!;
    if (located) {
      best = located.self;
      const last = i === path.length - 1;
      const pos = last && atKey ? located.keys.get(key) : located.values.get(key);
      if (pos) best = pos;
      else break;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return best;
}

/** Builds a problem located at `path`. */
export function problemAt(
  root: unknown,
  positions: Positions,
  file: string,
  path: KeyPath,
  message: string,
  extra: { hint?: string; severity?: 'error' | 'warning'; atKey?: boolean } = {},
): Problem {
  const pos = locate(root, path, positions, file, extra.atKey);
  return {
    ...pos,
    severity: extra.severity ?? 'error',
    path: formatPath(path),
    message,
    ...(extra.hint ? { hint: extra.hint } : {}),
  };
}
