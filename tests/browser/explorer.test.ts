// The explorer page in a real browser (Debian's Chromium via playwright-core,
// as the report test): for the Middle Corridor baseline, moving a param and
// switching a project off give the CLI's summary and the CLI's CSV bytes; the
// URL's hash reproduces the view; a bad value is said beside its control and
// the last good result stays; no request leaves the page; no console error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser | undefined;
let dir: string;
let page: string;
const SETTINGS = ['titr_growth=0.15', 'projects.kz-container-vessels.remove=true'];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-explorer-'));
  if (fs.existsSync(CHROMIUM)) {
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    } catch (err) {
      console.warn(`Chromium at ${CHROMIUM} cannot run here (${(err as Error).message.split('\n')[0]}): explorer browser tests skipped`);
    }
  } else console.warn(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): explorer browser tests skipped`);
  const r = await cli('explore', 'scenarios/middle-corridor-spill.yaml', '--out', path.join(dir, 'page'));
  expect(r.code).toBe(0);
  page = path.join(dir, 'page', 'explorer.html');
  // What the CLI writes for the same settings.
  expect((await cli('run', 'scenarios/middle-corridor-spill.yaml', ...SETTINGS.flatMap((s) => ['--set', s]), '--quiet', '--out', path.join(dir, 'cli'))).code).toBe(0);
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(hash = ''): Promise<{ p: Page; errors: string[]; requests: string[] }> {
  const context = await browser!.newContext({ acceptDownloads: true });
  const p = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('request', (r) => !r.url().startsWith(`file://${page}`) && !r.url().startsWith('blob:') && requests.push(r.url()));
  await p.goto(`file://${page}${hash}`);
  await p.waitForFunction(() => document.body.dataset.state === 'ok', null, { timeout: 300_000 });
  return { p, errors, requests };
}

const tableText = (p: Page) => p.$$eval('table[data-table="summary"] tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? '').join(',')));
const cliCsv = (file: string) => fs.readFileSync(path.join(dir, 'cli', file), 'utf8');
/** summary.csv as the page's table shows it (as the report does): years as they are, utilization in % to one decimal, other numbers to three. */
const shownSummary = () => {
  const [head, ...rows] = cliCsv('summary.csv').trimEnd().split('\n');
  const header = head!.split(',');
  const cell = (c: string, i: number) => {
    if (c === '' || Number.isNaN(Number(c)) || header[i] === 'year') return c;
    if (/utilization/.test(header[i]!)) return `${(Number(c) * 100).toFixed(1)} %`;
    return Number(c).toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  };
  return [head!, ...rows.map((r) => r.split(',').map(cell).join(','))];
};

async function download(p: Page, file: string): Promise<string> {
  const [d] = await Promise.all([p.waitForEvent('download'), p.click(`a[data-download="${file}"]`)]);
  return fs.readFileSync((await d.path())!, 'utf8');
}

/** Types a value into a control and waits for the page to settle. */
async function fill(p: Page, selector: string, value: string): Promise<void> {
  await p.fill(selector, value);
  await p.waitForTimeout(50);
  await p.waitForFunction(() => document.body.dataset.state !== 'loading');
}

describe('the explorer page', () => {
  it('is one file: the page, the scenario and the engine, under 3 MB', () => {
    const html = fs.readFileSync(page, 'utf8');
    expect(fs.statSync(page).size).toBeLessThan(3 * 1024 * 1024);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    expect(html).not.toMatch(/<script src=|<link |src="http/);
  });

  it('moving a param and switching a project off give the CLI’s summary and CSV bytes', async (ctx) => {
    if (!browser) ctx.skip();
    const { p, errors, requests } = await open();
    expect(await p.$$eval('[data-param]', (els) => els.map((e) => e.getAttribute('data-param')))).toContain('titr_growth');
    // Each control says the param's unit and what it is, as the scenario describes it.
    expect(await p.textContent('#params')).toContain('titr_growth (share per year)');
    expect(await p.textContent('#params')).toContain('TITR (Middle Corridor) cargo growth per year after 2025, up to growth_break');
    await fill(p, '[data-param="titr_growth"]', '0.15');
    await p.click('[data-project="kz-container-vessels"]');
    await p.waitForFunction(() => document.body.dataset.state === 'ok');
    // The table shows summary.csv's cells, formatted (no cell of the baseline has a comma); the download is the CSV's bytes.
    expect(await tableText(p)).toEqual(shownSummary());
    expect(await download(p, 'summary.csv')).toBe(cliCsv('summary.csv'));
    expect(await download(p, 'links.csv')).toBe(cliCsv('links.csv'));
    expect(await p.textContent('#changes')).toContain('project kz-container-vessels: removed');
    const hash = new URL(p.url()).hash;
    expect(decodeURIComponent(hash)).toBe(`#${SETTINGS.map((s) => `set=${s}`).join('&')}`);
    // Reloading with the hash reproduces the view.
    const again = await open(hash);
    expect(await tableText(again.p)).toEqual(shownSummary());
    expect(await again.p.isChecked('[data-project="kz-container-vessels"]')).toBe(false);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(again.errors).toEqual([]);
  });

  it('a bad value is said beside its control, and the last good result stays', async (ctx) => {
    if (!browser) ctx.skip();
    const { p, errors } = await open();
    const before = await tableText(p);
    await fill(p, '[data-param="dm_online"]', '2025.5');
    await p.waitForFunction(() => document.body.dataset.state === 'invalid');
    expect(await p.textContent('[data-problem="param:dm_online"]')).toMatch(/not a whole year/);
    expect(await tableText(p)).toEqual(before);
    await fill(p, '[data-param="dm_online"]', '2026');
    await p.waitForFunction(() => document.body.dataset.state === 'ok');
    expect(await p.textContent('[data-problem="param:dm_online"]')).toBe('');
    expect(errors).toEqual([]);
  });

  it('draws the map for the selected year, one mark per located link and node', async (ctx) => {
    if (!browser) ctx.skip();
    const { p } = await open();
    await p.selectOption('#map-year', '2031');
    await p.waitForTimeout(200);
    const links = await p.$$eval('#chart-map g.map_links_marks > line', (els) => els.map((e) => e.getAttribute('aria-label')));
    expect(links).toContain('caspian-alat: no capacity');
    expect(await p.$$eval('#chart-map g.map_nodes_marks > path', (els) => els.some((e) => e.getAttribute('aria-label') === 'Caspian crossing (ferries and container feeders) (caspian-crossing): 100 % used, binding'))).toBe(true);
  });
});

// Before: a crafted fragment, or an id with `"`, threw in querySelector and left the page on "loading".
describe('the explorer keeps working on any link', () => {
  for (const hash of ['#set=x%22%5D%3D1', '#set=years.end%3D2200', '#set=dm_online%3Dabc&set=projects.nope.remove%3Dtrue', '#set=%E0%A4%A']) it(`${hash}: the shipped view, and the problem said beside the controls`, async (ctx) => {
    if (!browser) ctx.skip();
    const { p, errors } = await open();
    const shipped = await tableText(p);
    const bad = await open(hash);
    expect(await tableText(bad.p)).toEqual(shipped);
    expect(await bad.p.textContent('#problems')).toMatch(/link's setting/);
    expect(errors).toEqual([]);
    expect(bad.errors).toEqual([]);
  });

  it('a project id with a quote and a bracket has working controls; the page names no absolute path', async (ctx) => {
    const base = path.join(dir, 'q', 'base');
    fs.mkdirSync(base, { recursive: true });
    fs.cpSync('scenarios/tutorial.yaml', path.join(base, 'tutorial.yaml'));
    fs.writeFileSync(path.join(dir, 'q', 'quoted.yaml'), `name: quoted\nextends: ${path.join(base, 'tutorial.yaml')}\nprojects:\n  - { id: 'odd"]id', target: ferry, online: 2027, effect: { multiply: 1.5 } }\n`);
    expect((await cli('explore', path.join(dir, 'q', 'quoted.yaml'), '--out', path.join(dir, 'q', 'page'))).code).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'q', 'page', 'explorer.html'), 'utf8');
    // The extends line is the user's own text; the page's file list names files relative to the scenario.
    expect(html.split(base).length - 1).toBe(1);
    if (!browser) ctx.skip();
    page = path.join(dir, 'q', 'page', 'explorer.html');
    const { p, errors } = await open(`#set=${encodeURIComponent('projects.odd"]id.remove=true')}`);
    expect(await p.isChecked('[data-project="odd\\"\\]id"]')).toBe(false);
    await p.click('#reset');
    await p.waitForFunction(() => document.body.dataset.state === 'ok');
    expect(await p.isChecked('[data-project="odd\\"\\]id"]')).toBe(true);
    expect(errors).toEqual([]);
  });
});

// Issue 29: route choice's tariff and time controls move the shares live, with the CLI's bytes.
describe('the explorer of a choice scenario', () => {
  it('a tariff control gives the CLI’s routes.csv for the same --set, and the link keeps it', async (ctx) => {
    const out = path.join(dir, 'choice');
    expect((await cli('explore', 'scenarios/middle-corridor.yaml', '--out', out)).code).toBe(0);
    const set = 'links.alat-tbilisi.cost_per_t=40';
    expect((await cli('run', 'scenarios/middle-corridor.yaml', '--set', set, '--quiet', '--out', path.join(dir, 'choice-cli'))).code).toBe(0);
    if (!browser) ctx.skip();
    page = path.join(out, 'explorer.html');
    const { p, errors } = await open();
    expect(await p.inputValue('[data-cost="links.alat-tbilisi.cost_per_t"]')).toBe('80');
    await fill(p, '[data-cost="links.alat-tbilisi.cost_per_t"]', '40');
    await p.waitForFunction(() => document.body.dataset.state === 'ok');
    expect(await download(p, 'routes.csv')).toBe(fs.readFileSync(path.join(dir, 'choice-cli', 'routes.csv'), 'utf8'));
    expect(decodeURIComponent(new URL(p.url()).hash)).toBe(`#set=${set}`);
    expect(errors).toEqual([]);
  });
});
