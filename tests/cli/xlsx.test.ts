// --xlsx: the workbook holds the CSVs' numbers as numbers, a sheet per table
// after an About sheet, headers frozen and filtered. LibreOffice (headless,
// installed by .ci/run from Debian) reads it back independently of the
// library that wrote it; the test skips, saying so, where it is missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((f) => fs.existsSync(f));
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-xlsx-'));
  expect((await cli('run', 'scenarios/tutorial.yaml', '--xlsx', '--quiet', '--out', path.join(dir, 'run'))).code).toBe(0);
  expect((await cli('appraise', 'scenarios/tutorial.yaml', '--xlsx', '--quiet', '--out', path.join(dir, 'appraise'))).code).toBe(0);
  expect((await cli('montecarlo', 'scenarios/middle-corridor-spill.yaml', '--runs', '40', '--xlsx', '--out', path.join(dir, 'mc'))).code).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const rowsOf = (file: string): string[][] => parse(fs.readFileSync(file, 'utf8'), { relax_column_count: true }) as string[][];

/** Every sheet of a workbook as LibreOffice exports it: raw values (`asShown`: as formatted), one CSV per sheet. */
function exported(xlsx: string, asShown: boolean): Map<string, string[][]> {
  const out = fs.mkdtempSync(path.join(dir, 'lo-'));
  // Tokens: comma, double quote, UTF-8, from line 1, -, -, quote only where needed, -, cells as shown (or raw), no formulas, -, every sheet.
  const filter = `csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,${asShown},false,false,-1`;
  execFileSync(soffice!, [`-env:UserInstallation=file://${out}/profile`, '--headless', '--convert-to', filter, '--outdir', out, xlsx], { stdio: 'ignore', timeout: 120_000 });
  const stem = path.basename(xlsx, '.xlsx');
  return new Map(fs.readdirSync(out).filter((f) => f.endsWith('.csv')).map((f) => [f.slice(stem.length + 1, -4), rowsOf(path.join(out, f))]));
}

/** A LibreOffice cell as a number: "92.1717%" is 0.921717. */
const numberOf = (s: string) => (s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s));

describe('--xlsx', () => {
  it('a sheet per table after About, the header frozen and filtered (read back by ExcelJS)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'run', 'tutorial.xlsx'));
    const tables = fs.readdirSync(path.join(dir, 'run')).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4)).sort();
    expect(wb.worksheets[0]!.name).toBe('About');
    expect(wb.worksheets.slice(1).map((w) => w.name).sort()).toEqual(tables);
    for (const ws of wb.worksheets.slice(1)) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.autoFilter).toBe(`A1:${String.fromCharCode(64 + ws.columnCount)}1`);
    }
    const about = wb.getWorksheet('About')!;
    const text = about.getSheetValues().flat().join(' ');
    expect(text).toContain('demand_mt (Mt/year)');
    expect(text).toContain('max_utilization (share (shown in %))');
  });

  it('every command that writes tables takes --xlsx: sweep (read back from its streamed CSV) and calibrate too', async () => {
    const sweep = await cli('sweep', 'scenarios/tutorial.yaml', '--param', 'growth=0.05,0.1', '--xlsx', '--out', path.join(dir, 'sweep'));
    expect(sweep.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'sweep', 'sweep.xlsx'));
    const csv = rowsOf(path.join(dir, 'sweep', 'sweep.csv'));
    const ws = wb.getWorksheet('sweep')!;
    expect(ws.rowCount).toBe(csv.length);
    // Row 2, column 2 (the growth param of the first combination) is the number the CSV says.
    expect(ws.getRow(2).getCell(2).value).toBe(Number(csv[1]![1]));
    const calibrated = await cli('calibrate', 'scenarios/middle-corridor.yaml', '--observed', 'scenarios/middle-corridor-observed.csv', '--xlsx', '--quiet', '--out', path.join(dir, 'calibrate'));
    expect(calibrated.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'calibrate', 'calibrate.xlsx'))).toBe(true);
  });

  it('Monte Carlo gets a wide sheet: years down, each metric’s mean and percentiles across, the long table’s values', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'mc', 'montecarlo.xlsx'));
    const wide = wb.getWorksheet('montecarlo-wide')!;
    const header = (wide.getRow(1).values as unknown[]).slice(1) as string[];
    const long = rowsOf(path.join(dir, 'mc', 'montecarlo.csv'));
    const h = long[0]!;
    // Every long row's p50 sits in the wide sheet at (its year, "<element> p50 <metric>").
    for (const r of long.slice(1, 400)) {
      const name = `${r[h.indexOf('element')] ? `${r[h.indexOf('element')]} ` : ''}p50 ${r[h.indexOf('metric')]}`;
      const rowIndex = Number(r[h.indexOf('year')]) - 2019 + 2;
      expect(wide.getRow(rowIndex).getCell(1).value).toBe(Number(r[h.indexOf('year')]));
      const got = wide.getRow(rowIndex).getCell(header.indexOf(name) + 1).value;
      expect(got).toBe(r[h.indexOf('p50')] === '' ? null : Number(r[h.indexOf('p50')]));
    }
  });

  it('every sheet’s cells equal the CSV’s, numbers are numbers (LibreOffice formats them), the annexes’ formulas give the appraisal', async (ctx) => {
    if (!soffice) {
      console.warn('LibreOffice is not installed: the workbook is not read back independently (apt-get install libreoffice-calc-nogui; .ci/run does)');
      ctx.skip();
    }
    for (const [folder, xlsx] of [['run', 'tutorial.xlsx'], ['appraise', 'appraise.xlsx']] as const) {
      const raw = exported(path.join(dir, folder, xlsx), false);
      const csvs = fs.readdirSync(path.join(dir, folder)).filter((f) => f.endsWith('.csv'));
      expect([...raw.keys()].filter((k) => !k.startsWith('EA ')).sort()).toEqual(['About', ...csvs.map((f) => f.slice(0, -4))].sort());
      for (const f of csvs) {
        const csv = rowsOf(path.join(dir, folder, f));
        const sheet = raw.get(f.slice(0, -4))!;
        expect(sheet.length).toBe(csv.length);
        csv.forEach((row, i) =>
          row.forEach((cell, j) => {
            const got = sheet[i]![j] ?? '';
            if (i > 0 && cell !== '' && Number.isFinite(Number(cell))) expect(Math.abs(numberOf(got) - Number(cell))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(cell))));
            else expect(got.toLowerCase()).toBe(cell.toLowerCase());
          }),
        );
      }
    }
    // The appraisal's annexes (EA <id>): with their cached results removed, LibreOffice recalculates NPV, EIRR and BCR
    // from the live formulas; they equal appraisal.csv's to 1e-6.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'appraise', 'appraise.xlsx'));
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => void (c.formula && (c.value = { formula: c.formula } as ExcelJS.CellFormulaValue))));
    const stripped = path.join(dir, 'stripped.xlsx');
    await wb.xlsx.writeFile(stripped);
    const recalculated = exported(stripped, false);
    const appraisal = rowsOf(path.join(dir, 'appraise', 'appraisal.csv'));
    const h = appraisal[0]!;
    const annexes = [...recalculated.keys()].filter((k) => k.startsWith('EA '));
    expect(annexes.length).toBeGreaterThan(0);
    for (const name of annexes) {
      const row = appraisal.find((r) => r[h.indexOf('project')] === name.slice(3))!;
      const cell = (label: string) => numberOf(recalculated.get(name)!.find((r) => r[0] === label)![1]!.replace(/,/g, ''));
      expect(Math.abs(cell('NPV (M USD)') - Number(row[h.indexOf('npv_musd')]))).toBeLessThan(1e-6);
      expect(Math.abs(cell('BCR') - Number(row[h.indexOf('bcr')]))).toBeLessThan(1e-6);
      if (row[h.indexOf('eirr')] !== '') expect(Math.abs(cell('EIRR') - Number(row[h.indexOf('eirr')]))).toBeLessThan(1e-6);
    }
    // As shown: utilization in % with one decimal, volumes with three: a text cell would show as written.
    const shown = exported(path.join(dir, 'run', 'tutorial.xlsx'), true).get('summary')!;
    expect(shown[1]!.slice(1, 6)).toEqual(['2024', '5.000', '5.000', '0.000', '92.2%']);
  });
});
