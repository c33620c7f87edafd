// `--xlsx`: the tables a command writes, as one workbook an analyst can hand
// on (product.md, "Workbooks"): a first sheet "About" (scenario, command,
// version, seed, and per sheet what it holds and the unit of every column),
// then one sheet per table named after its CSV, numbers stored as numbers
// with formats by unit (volumes to three decimals, utilization and shares in
// %, money with thousands separators), booleans as booleans, empty cells
// empty, the header row frozen and filtered, column widths set. Written by
// ExcelJS, loaded only when --xlsx is given (docs/architecture.md says why
// that library).
import { importModule } from './lazy.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { formatNumber, type Cell, type Table } from './csv.js';

export interface WorkbookMeta {
  readonly scenario: string;
  readonly command: string;
  readonly version: string;
  readonly seed?: number | string | undefined;
  /** The volume unit's name, e.g. Mt or TEU (columns ending in its suffix are volumes per year). */
  readonly volumeUnit: string;
  /** What each table holds, by file name (the About sheet's second column). */
  readonly about?: Readonly<Record<string, string>>;
}

/** A column's unit in words and its number format, from its name (the CSVs' conventions: docs/format.md, "Output"). */
export function columnUnit(column: string, volumeUnit: string): { unit: string; format: string } {
  const c = column.toLowerCase();
  const volume = `_${volumeUnit.toLowerCase()}`;
  if (c === 'year' || c.endsWith('_year') || c === 'online' || c === 'from' || c === 'to') return { unit: 'year', format: '0' };
  if (c.endsWith(volume)) return { unit: `${volumeUnit}/year`, format: '#,##0.000' };
  if (c.endsWith('_musd')) return { unit: 'million USD', format: '#,##0.0' };
  if (c.endsWith('_usd_per_t')) return { unit: 'USD per tonne', format: '#,##0.00' };
  if (c.endsWith('_days') || c === 'transit_days' || c === 'wait_days') return { unit: 'days', format: '0.00' };
  if (c.endsWith('_pct')) return { unit: '%', format: '0.0' };
  if (c.endsWith('_pp')) return { unit: 'points per year', format: '0.00' };
  if (c.includes('utilization') || c.includes('share') || c.startsWith('p_') || c === 'eirr' || c.startsWith('eirr_p') || c === 'discount_rate') {
    return { unit: 'share (shown in %)', format: '0.0%' };
  }
  if (c.endsWith('_t')) return { unit: 'tonnes', format: '#,##0' };
  return { unit: '', format: 'General' };
}

/**
 * A long table made wide for a sheet (`<name>-wide`): one row per year, one
 * column per combination of the `keys` columns and each of the `values`
 * columns, named "<keys…> <value> <metric>" so that the column's unit still
 * reads from its end (a metric such as `served_mt` last).
 */
export function wideByYear(t: Table, keys: readonly string[], values: readonly string[], metric: string): Table {
  const at = (name: string) => t.header.indexOf(name);
  const [year, m] = [at('year'), at(metric)];
  const ks = keys.map(at);
  const vs = values.map(at);
  const columns = new Map<string, number>();
  const byYear = new Map<number, Map<number, Cell>>();
  for (const r of t.rows) {
    const label = ks.map((k) => r[k]).filter((x) => x !== '' && x !== null && x !== undefined).join(' ');
    vs.forEach((v, j) => {
      const name = `${label ? `${label} ` : ''}${values[j]} ${r[m]}`;
      if (!columns.has(name)) columns.set(name, columns.size);
      const y = Number(r[year]);
      if (!byYear.has(y)) byYear.set(y, new Map());
      byYear.get(y)!.set(columns.get(name)!, r[v]);
    });
  }
  const names = [...columns.keys()];
  const rows = [...byYear.keys()].sort((a, b) => a - b).map((y) => [y, ...names.map((_, i) => byYear.get(y)!.get(i) ?? null)]);
  return { file: t.file.replace(/\.csv$/, '-wide.csv'), header: ['year', ...names], rows };
}

/** A CSV as this tool writes it, read back as a table: numbers as numbers, `true`/`false` as booleans, empty cells null. */
export function tableOfCsv(file: string, text: string, decimalComma = false): Table {
  const [header = [], ...rows] = parseCsv(text, { delimiter: decimalComma ? ';' : ',', bom: true }) as string[][];
  const cell = (c: string): Cell => {
    if (c === '') return null;
    if (c === 'true' || c === 'false') return c === 'true';
    const n = Number(decimalComma ? c.replace(',', '.') : c);
    return /^-?[\d.,]+$/.test(c) && Number.isFinite(n) ? n : c;
  };
  return { file, header, rows: rows.map((r) => r.map(cell)) };
}

/** Excel's limit on a sheet name, and the characters it refuses. */
const sheetName = (file: string) => file.replace(/\.csv$/, '').replace(/[\\/?*[\]:]/g, '-').slice(0, 31);

type ExcelJs = typeof import('exceljs');

/**
 * An appraisal annex as a bank lays it out (`EA <id>`): years down, benefit
 * lines and costs across, the discount factor written out from the rate and
 * the base year in cells of their own, net and discounted net; below, NPV,
 * EIRR and BCR as live formulas (their cached results the tool's own).
 */
export interface AnnexSheet {
  readonly name: string;
  readonly title: string;
  readonly discountRate: number;
  readonly baseYear: number;
  /** Costs and benefits before the base year left out (`sunk: exclude`). */
  readonly excludeBeforeBase: boolean;
  readonly years: readonly number[];
  /** Benefit lines (million USD per year), residual value among them. */
  readonly benefits: readonly { readonly header: string; readonly values: readonly number[] }[];
  readonly costs: readonly number[];
  readonly npv: number;
  readonly bcr: number | undefined;
  readonly eirr: number | undefined;
  /** Why there is no EIRR, where there is none. */
  readonly note?: string | undefined;
}

/** The workbook's bytes. */
export async function workbook(meta: WorkbookMeta, tables: readonly Table[], annexes: readonly AnnexSheet[] = []): Promise<Uint8Array> {
  // A CommonJS package: imported, its exports are the module's default (or, through the bundle's hook, the module itself).
  const loaded = (await importModule('exceljs')) as { default?: ExcelJs } & ExcelJs;
  const ExcelJS = loaded.default ?? loaded;
  const wb = new ExcelJS.Workbook();
  wb.creator = `corridor-sim ${meta.version}`;
  wb.calcProperties.fullCalcOnLoad = true;
  const about = wb.addWorksheet('About');
  about.columns = [{ width: 28 }, { width: 60 }, { width: 90 }];
  about.addRow(['corridor-sim', meta.version]);
  about.addRow(['command', meta.command]);
  about.addRow(['scenario', meta.scenario]);
  if (meta.seed !== undefined) about.addRow(['seed', meta.seed]);
  about.addRow([]);
  const head = about.addRow(['sheet', 'what it holds', 'columns and their units']);
  head.font = { bold: true };
  for (const t of tables) {
    const units = t.header.map((h) => {
      const u = columnUnit(h, meta.volumeUnit).unit;
      return u ? `${h} (${u})` : h;
    });
    about.addRow([sheetName(t.file), meta.about?.[t.file] ?? `${t.file}, as the CSV`, units.join(', ')]);
  }
  for (const a of annexes) about.addRow([a.name, a.title, 'years down; benefits, costs, discount factor, net and discounted net across (million USD); NPV, EIRR and BCR as live formulas below']);
  for (const t of tables) addTable(wb, t, meta.volumeUnit);
  for (const a of annexes) addAnnex(wb, a);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** Column letter of a 1-based index (A … Z, AA …). */
const col = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : col(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

function addAnnex(wb: import('exceljs').Workbook, a: AnnexSheet): void {
  const ws = wb.addWorksheet(a.name.slice(0, 31));
  ws.getCell('A1').value = a.title;
  ws.getCell('A1').font = { bold: true };
  ws.getCell('A2').value = 'discount rate';
  ws.getCell('B2').value = a.discountRate;
  ws.getCell('B2').numFmt = '0.0%';
  ws.getCell('A3').value = 'base year';
  ws.getCell('B3').value = a.baseYear;
  ws.getCell('A4').value = 'costs and benefits before the base year';
  ws.getCell('B4').value = a.excludeBeforeBase ? 'excluded' : 'compounded';
  const HEAD = 6;
  const first = HEAD + 1;
  const last = HEAD + a.years.length;
  const B = a.benefits.length;
  // Columns: year, the benefit lines, total benefits, costs, net, discount factor, discounted net.
  const [cTotal, cCosts, cNet, cFactor, cDisc] = [B + 2, B + 3, B + 4, B + 5, B + 6].map(col) as [string, string, string, string, string];
  const header = ['year', ...a.benefits.map((b) => b.header), 'benefits (M USD)', 'costs (M USD)', 'net (M USD)', 'discount factor', 'discounted net (M USD)'];
  const headRow = ws.getRow(HEAD);
  header.forEach((h, i) => (headRow.getCell(i + 1).value = h));
  headRow.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: HEAD }];
  const factorOf = (year: number) => (a.excludeBeforeBase && year < a.baseYear ? 0 : (1 + a.discountRate) ** -(year - a.baseYear));
  a.years.forEach((year, i) => {
    const r = first + i;
    const row = ws.getRow(r);
    row.getCell(1).value = year;
    a.benefits.forEach((b, k) => {
      row.getCell(k + 2).value = b.values[i]!;
      row.getCell(k + 2).numFmt = '#,##0.000';
    });
    const total = a.benefits.reduce((s, b) => s + b.values[i]!, 0);
    const net = total - a.costs[i]!;
    row.getCell(B + 2).value = { formula: B > 0 ? `SUM(B${r}:${col(B + 1)}${r})` : '0', result: total };
    row.getCell(B + 3).value = a.costs[i]!;
    row.getCell(B + 4).value = { formula: `${cTotal}${r}-${cCosts}${r}`, result: net };
    // The discounting written out: (1 + rate)^−(year − base year), 0 before the base year when sunk costs are excluded.
    row.getCell(B + 5).value = { formula: `IF(AND($B$4="excluded",A${r}<$B$3),0,(1+$B$2)^-(A${r}-$B$3))`, result: factorOf(year) };
    row.getCell(B + 6).value = { formula: `${cNet}${r}*${cFactor}${r}`, result: net * factorOf(year) };
    for (const c of [B + 2, B + 3, B + 4, B + 6]) row.getCell(c).numFmt = '#,##0.000';
    row.getCell(B + 5).numFmt = '0.000000';
  });
  ws.getColumn(1).width = 40;
  for (let c = 2; c <= B + 6; c++) ws.getColumn(c).width = 16;
  // IRR runs over the years counted: from the base year when earlier ones are excluded.
  const from = a.excludeBeforeBase ? first + Math.max(0, a.years.findIndex((y) => y >= a.baseYear)) : first;
  const put = (r: number, label: string, formula: string, result: number | undefined, fmt: string) => {
    ws.getCell(`A${r}`).value = label;
    ws.getCell(`B${r}`).value = result === undefined ? { formula } : { formula, result };
    ws.getCell(`B${r}`).numFmt = fmt;
  };
  const below = last + 2;
  put(below, 'NPV (M USD)', `SUM(${cDisc}${first}:${cDisc}${last})`, a.npv, '#,##0.000000');
  put(below + 1, 'EIRR', `IRR(${cNet}${from}:${cNet}${last},${a.eirr ?? 0.1})`, a.eirr, '0.0000%');
  put(below + 2, 'BCR', `SUMPRODUCT(${cTotal}${first}:${cTotal}${last},${cFactor}${first}:${cFactor}${last})/SUMPRODUCT(${cCosts}${first}:${cCosts}${last},${cFactor}${first}:${cFactor}${last})`, a.bcr, '0.000000');
  if (a.note) ws.getCell(`C${below + 1}`).value = a.note;
}

function addTable(wb: import('exceljs').Workbook, t: Table, volumeUnit: string): void {
  const ws = wb.addWorksheet(sheetName(t.file), { views: [{ state: 'frozen', ySplit: 1 }] });
  const formats = t.header.map((h) => columnUnit(h, volumeUnit).format);
  ws.columns = t.header.map((h, i) => ({ header: h, width: Math.min(40, Math.max(10, h.length + 2, ...t.rows.slice(0, 200).map((r) => text(r[i]).length + 2))), style: { numFmt: formats[i]! } }));
  ws.getRow(1).font = { bold: true };
  // The CSV's values: numbers as the CSV writes them (six decimals), non-finite ones empty, as there.
  const value = (c: Cell) => (c === null || c === undefined || c === '' ? null : typeof c === 'number' ? (Number.isFinite(c) ? Number(formatNumber(c)) : null) : c);
  for (const r of t.rows) ws.addRow(r.map(value));
  if (t.header.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.header.length } };
}

const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : typeof c === 'number' ? String(+c.toFixed(3)) : String(c));
