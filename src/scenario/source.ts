// Plain JS values from YAML/JSON text, with the position of every key and value
// kept beside them, so that a problem found anywhere later can name its line.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
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

/** Parses YAML or JSON text (JSON is read as YAML 1.2) into plain values with positions. */
export function parseSource(text: string, file: string, positions: Positions): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  for (const err of [...doc.errors]) {
    const pos = positionOf(file, lineCounter, err.pos[0]);
    problems.push({ ...pos, severity: 'error', path: '(syntax)', message: err.message.split('\n')[0] ?? err.message });
  }
  if (problems.length > 0) return { value: undefined, problems };
  const at = (node: Node | null | undefined) => positionOf(file, lineCounter, node?.range?.[0]);
  const value = convert(doc, doc.contents as Node | null, at, positions);
  return { value, problems };
}

function convert(doc: Document, node: Node | null, at: (n: Node | null | undefined) => Position, positions: Positions): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return convert(doc, node.resolve(doc) as Node, at, positions);
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    const out: unknown[] = [];
    const located: Located = { self: at(node), keys: new Map(), values: new Map() };
    node.items.forEach((item, i) => {
      located.keys.set(i, at(item as Node));
      located.values.set(i, at(item as Node));
      out.push(convert(doc, item as Node, at, positions));
    });
    positions.set(out, located);
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const located: Located = { self: at(node), keys: new Map(), values: new Map() };
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
      located.keys.set(key, at(keyNode));
      located.values.set(key, at((pair.value as Node | null) ?? keyNode));
      out[key] = convert(doc, pair.value as Node | null, at, positions);
    }
    positions.set(out, located);
    return out;
  }
  return (node as { toJSON(): unknown }).toJSON();
}

/**
 * Position for a problem at `path` in a tree built by `parseSource`: the value at
 * the path (or its key, with `atKey`), else the deepest container that exists.
 */
export function locate(root: unknown, path: KeyPath, positions: Positions, fallbackFile: string, atKey = false): Position {
  let current: unknown = root;
  let best: Position = { file: fallbackFile };
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
