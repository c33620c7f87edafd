// CSV formatting, pure. Numbers: plain decimals rounded to 6 places with
// trailing zeros dropped, never an exponent; booleans `true`/`false`; empty
// cells for missing values; text cells that a spreadsheet would read as a
// formula (=, +, -, @) are prefixed with a quote.
import { stringify } from 'csv-stringify/sync';

export type Cell = string | number | boolean | null | undefined;

export interface CsvDialect {
  readonly delimiter: ',' | ';';
  readonly decimal: '.' | ',';
  /** UTF-8 byte-order mark, so that spreadsheets detect the encoding. */
  readonly bom: boolean;
}

export const STANDARD: CsvDialect = { delimiter: ',', decimal: '.', bom: false };
/** For spreadsheets set to a decimal-comma locale (kk, ru, de, fr…). */
export const DECIMAL_COMMA: CsvDialect = { delimiter: ';', decimal: ',', bom: true };

export const DECIMALS = 6;

export function formatNumber(x: number, decimal: '.' | ',' = '.'): string {
  if (!Number.isFinite(x)) return '';
  // Whole numbers (years, runs, counts) up to 2^53 as String writes them: the same digits, −0 as "0"
  // (above, String rounds to the shortest digits that read back, toFixed writes the exact value).
  if (Number.isSafeInteger(x)) return String(x);
  // toFixed switches to an exponent from 1e21 on; such numbers are integers anyway.
  let s = Math.abs(x) >= 1e21 ? BigInt(x).toString() : x.toFixed(DECIMALS);
  if (s.includes('.')) {
    // Trailing zeros, then a trailing point, dropped.
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46) end--;
    s = s.slice(0, end);
  }
  if (s === '-0') s = '0';
  return decimal === ',' ? s.replace('.', ',') : s;
}

/** A cell as the CSV writes it: numbers by formatNumber, booleans as true/false, missing values empty. */
export function formatCell(cell: Cell, decimal: '.' | ',' = '.'): string {
  if (typeof cell === 'number') return formatNumber(cell, decimal);
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return cell ?? '';
}

export interface Table {
  /** File name, e.g. `summary.csv`. */
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export function toCsv(table: Table, dialect: CsvDialect = STANDARD): string {
  return stringify([table.header as Cell[]], options(dialect, dialect.bom)) + toCsvRows(table.rows, dialect);
}

/**
 * Rows only, no header and no BOM: for tables written in pieces (runs.csv,
 * sweep.csv). A row of numbers, booleans, missing values and text that
 * csv-stringify writes as it is (plainText) is joined here, which is what
 * the library would write for it; any other row goes through the library.
 * A sweep or a Monte Carlo run writes tens of rows of numbers per run, and
 * the library's per-field work (casts, quoting and formula checks) was half
 * of a sweep's time. A property test compares the two on random rows.
 */
export function toCsvRows(rows: readonly (readonly Cell[])[], dialect: CsvDialect = STANDARD): string {
  let out = '';
  for (const row of rows) out += plainRow(row, dialect) ?? stringify([row as Cell[]], options(dialect, false));
  return out;
}

/** The row as csv-stringify writes it with our options, when no cell needs quoting or a formula guard; undefined otherwise. */
function plainRow(row: readonly Cell[], dialect: CsvDialect): string | undefined {
  let out = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) out += dialect.delimiter;
    const cell = row[i];
    // A number's text holds digits, its decimal mark and a leading minus (not guarded: it is a number), never the delimiter.
    if (typeof cell === 'number') out += formatNumber(cell, dialect.decimal);
    else if (typeof cell === 'boolean') out += cell ? 'true' : 'false';
    else if (typeof cell === 'string') {
      if (!plainText(cell, dialect.delimiter)) return undefined;
      out += cell;
    } else if (cell !== null && cell !== undefined) return undefined;
  }
  return `${out}\n`;
}

/**
 * Whether csv-stringify writes text as it is: it quotes text holding the
 * delimiter, a quote or a line break, and guards text starting with a
 * formula character (=, +, -, @, tab, CR and their full-width forms).
 */
function plainText(text: string, delimiter: string): boolean {
  if (text.length > 0 && FORMULA_START.includes(text[0]!)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === delimiter || c === '"' || c === '\n' || c === '\r') return false;
  }
  return true;
}

const FORMULA_START = '=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20';

function options(dialect: CsvDialect, bom: boolean) {
  return {
    delimiter: dialect.delimiter,
    bom,
    escape_formulas: true,
    record_delimiter: 'unix' as const,
    cast: {
      number: (x: number) => formatCell(x, dialect.decimal),
      boolean: (b: boolean) => formatCell(b),
    },
  };
}
