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

/** Excel's limit on a sheet name, and the characters it refuses. */
const sheetName = (file: string) => file.replace(/\.csv$/, '').replace(/[\\/?*[\]:]/g, '-').slice(0, 31);

type ExcelJs = typeof import('exceljs');

/** The workbook's bytes. */
export async function workbook(meta: WorkbookMeta, tables: readonly Table[]): Promise<Uint8Array> {
  const ExcelJS = ((await importModule('exceljs')) as { default?: ExcelJs } & ExcelJs).default ?? ((await importModule('exceljs')) as ExcelJs);
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
  for (const t of tables) addTable(wb, t, meta.volumeUnit);
  return new Uint8Array(await wb.xlsx.writeBuffer());
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
