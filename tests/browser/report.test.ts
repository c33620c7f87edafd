// The HTML report in a real browser: headless Chromium (Debian's package,
// installed by .ci/run) loads each report with no console error and no
// network request, and every chart draws the series and points its data has.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser | undefined;
let skipReason = '';
let dir: string;

const io: Io = { stdout: () => {}, stderr: () => {}, readText: (f) => fs.readFileSync(f, 'utf8'), isTty: false, now: () => new Date(0) };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-report-'));
  if (!fs.existsSync(CHROMIUM)) {
    skipReason = `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): browser test skipped`;
  } else {
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    } catch (err) {
      skipReason = `Chromium at ${CHROMIUM} cannot run here (${(err as Error).message.split('\n')[0]}): browser test skipped`;
    }
  }
  if (skipReason) console.warn(skipReason);
  await main(['run', 'scenarios/middle-corridor-spill.yaml', '--quiet', '--report', '--out', path.join(dir, 'run')], io);
  await main(['compare', 'scenarios/middle-corridor-spill.yaml', 'scenarios/middle-corridor-gov-target.yaml', 'scenarios/middle-corridor-no-vessels.yaml', '--report', '--out', path.join(dir, 'compare')], io);
  await main(['montecarlo', 'scenarios/middle-corridor-spill.yaml', '--runs', '100', '--workers', '1', '--report', '--out', path.join(dir, 'montecarlo')], io);
  await main(['optimum', 'scenarios/middle-corridor-spill.yaml', '--quiet', '--report', '--out', path.join(dir, 'optimum')], io);
  await main(['plan', 'scenarios/tutorial.yaml', '--quiet', '--report', '--out', path.join(dir, 'plan')], io);
  await main(['sensitivity', 'scenarios/middle-corridor-spill.yaml', '--runs', '200', '--workers', '1', '--report', '--out', path.join(dir, 'sensitivity')], io);
});

afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

  // map-2030: the first year with unserved demand of at least 0.001 Mt/year (2029's 0.0004 Mt is rounding: output.unserved_threshold).
describe.each([
  ['run', ['map-2019', 'map-2030', 'map-2040', 'corridor', 'unserved', 'element-caspian-crossing', 'element-dostyk-moyinty', 'routes-titr-containers']],
  ['compare', ['map-middle-corridor-spill', 'map-middle-corridor-gov-target', 'compare-served', 'compare-unserved', 'compare-max-utilization', 'bottleneck-timeline']],
  ['montecarlo', ['fan-served', 'target-odds', 'bottleneck-share']],
  ['optimum', ['optimum-served', 'capacity-value']],
  ['plan', ['plan-builds', 'plan-target-ten-mt', 'plan-target-containers-in-full']],
  ['sensitivity', ['tornado-served_mt', 'tornado-total_unserved_mt', 'first-order-served_mt', 'first-order-unserved_mt']],
])('the %s report', (kind, mustHave) => {
  it('is written, self-contained, and says what it shows', () => {
    const html = fs.readFileSync(path.join(dir, kind, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link |src="http|url\(http/);
    expect(html).toContain('<section id="findings">');
    if (kind !== 'compare') expect(html).toContain('<section id="projects">');
  });

  it('loads in Chromium with no console error and no network request; each chart draws its data', async (ctx) => {
    if (!browser) ctx.skip();
    const page = await browser!.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const file = path.join(dir, kind, 'report.html');
    page.on('request', (r) => r.url() !== `file://${file}` && requests.push(r.url()));
    await page.goto(`file://${file}`);
    const figures = await page.$$eval('figure[data-chart]', (els) =>
      els.map((f) => {
        const count = (sel: string) => f.querySelectorAll(sel).length;
        return {
          id: f.getAttribute('data-chart')!,
          kind: f.getAttribute('data-kind')!,
          series: Number(f.getAttribute('data-series')),
          points: Number(f.getAttribute('data-points')),
          drawnSeries: count('g.series_lines_marks path') + count('g.series_steps_marks path') + count('g.series_areas_marks path') + count('g.series_areas_inner_marks path'),
          mapLinks: count('g.map_links_marks > line'),
          mapNodes: count('g.map_nodes_marks > path'),
          drawnPoints: count('g.series_points_marks path') + count('g.series_bars_marks path'),
          width: (f.querySelector('svg') as SVGSVGElement | null)?.getBoundingClientRect().width ?? 0,
        };
      }),
    );
    expect(figures.map((f) => f.id)).toEqual(expect.arrayContaining(mustHave));
    for (const f of figures) {
      expect(f.width, f.id).toBeGreaterThan(f.kind === 'map' ? 250 : 300);
      if (f.kind === 'map') {
        expect(f.mapLinks, `${f.id} links`).toBe(f.series);
        expect(f.mapNodes, `${f.id} nodes`).toBe(f.points);
        continue;
      }
      if (f.kind !== 'bar') expect(f.drawnSeries, `${f.id} series`).toBe(f.series);
      if (f.kind !== 'area') expect(f.drawnPoints, `${f.id} points`).toBe(f.points);
    }
    await page.screenshot({ path: path.join(os.tmpdir(), `corridor-report-${kind}.png`), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});

describe('the maps of the Middle Corridor', () => {
  it('fill their width, and no two labels overlap', async (ctx) => {
    if (!browser) ctx.skip();
    const page = await browser!.newPage();
    await page.goto(`file://${path.join(dir, 'run', 'report.html')}`);
    const maps = await page.$$eval('figure[data-kind="map"]', (figs) =>
      figs.map((f) => {
        const box = (e: Element) => e.getBoundingClientRect();
        const svg = box(f.querySelector('svg')!);
        const nodes = [...f.querySelectorAll('g.map_nodes_marks > path')].map(box);
        const labels = [...f.querySelectorAll('g.map_labels_marks > text')].map((t) => ({ text: t.textContent, ...JSON.parse(JSON.stringify(box(t))) as DOMRect }));
        return { id: f.getAttribute('data-chart'), width: svg.width, left: Math.min(...nodes.map((n) => n.left)), right: Math.max(...nodes.map((n) => n.right)), labels };
      }),
    );
    expect(maps.length).toBeGreaterThan(0);
    for (const m of maps) {
      // The located nodes span at least 70 % of the map's width.
      expect((m.right - m.left) / m.width, m.id!).toBeGreaterThanOrEqual(0.7);
      for (let i = 0; i < m.labels.length; i++) {
        for (let j = i + 1; j < m.labels.length; j++) {
          const [a, b] = [m.labels[i]!, m.labels[j]!];
          const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          expect(overlap, `${m.id}: "${a.text}" and "${b.text}"`).toBe(false);
        }
      }
    }
    await page.close();
  });
});

describe('the summary page', () => {
  for (const kind of ['run', 'compare', 'montecarlo', 'sensitivity']) it(`of the ${kind} report prints on one A4 page`, async (ctx) => {
    if (!browser) ctx.skip();
    const page = await browser!.newPage();
    await page.goto(`file://${path.join(dir, kind, 'report.html')}`);
    // The summary alone, printed: its PDF has one page (the print style puts a page break after it).
    await page.evaluate(() => {
      const summary = document.getElementById('summary')!;
      while (summary.nextSibling) summary.nextSibling.remove();
    });
    const pdf = (await page.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBe(1);
    expect(await page.$$eval('#summary figure', (f) => f.length)).toBe(1);
    await page.close();
  });
});
