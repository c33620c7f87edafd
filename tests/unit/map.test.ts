// The network map: one mark per located link and node, colours that follow
// utilization, outlines embedded, bytes that do not change between runs, and
// no map (and no error) without positions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { UTILIZATION_RANGE, UNCONSTRAINED } from '../../src/report/map.js';

const io: Io = { stdout: () => {}, stderr: () => {}, readText: (f) => fs.readFileSync(f, 'utf8'), isTty: false, now: () => new Date(0) };
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corridor-map-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Three located nodes and one without a position; ab carries 4 of 4 (binding), bc 2 of 8 (25 %),
// cd has no capacity, and cd's far end is not located (so cd is not drawn).
const SCENARIO = `
name: located
years: { start: 2030, end: 2031 }
nodes:
  - { id: a, at: [60, 45] }
  - { id: b, at: [55, 42], capacity: 10 }
  - { id: c, at: [50, 40] }
  - { id: d }
links:
  - { id: ab, from: a, to: b, capacity: 4 }
  - { id: bc, from: b, to: c, capacity: 8 }
  - { id: cd, from: c, to: d }
flows:
  - { id: f, origin: a, destination: c, demand: 4, routes: [{ id: r, via: [ab, bc] }] }
  - { id: g, origin: b, destination: c, demand: { 2030: 0, 2031: 1 }, routes: [{ id: r, via: [bc] }] }
`;

async function report(name: string, text: string): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, text);
  expect(await main(['run', file, '--quiet', '--out', path.join(dir, name)], io)).toBe(0);
  expect(await main(['report', path.join(dir, name), '--svg'], io)).toBe(0);
  return path.join(dir, name);
}

const marks = (svg: string, layer: string) => {
  const group = new RegExp(`<g class="[^"]*${layer}_marks"[^>]*>([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? '';
  return [...group.matchAll(/<(line|path)\b[^>]*>/g)].map((m) => m[0]);
};
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

describe('the run report’s map', () => {
  it('draws one mark per located link and node, coloured by utilization, over embedded outlines', async () => {
    const out = await report('located', SCENARIO);
    // The first year (2030) and the last (2031): nothing goes unserved, so two maps.
    expect(fs.readdirSync(out).filter((f) => f.startsWith('map-')).sort()).toEqual(['map-2030.svg', 'map-2031.svg']);
    const svg = fs.readFileSync(path.join(out, 'map-2030.svg'), 'utf8');
    const links = marks(svg, 'map_links');
    const nodes = marks(svg, 'map_nodes');
    expect(links).toHaveLength(2); // ab and bc; cd's end d has no position
    expect(nodes).toHaveLength(3);
    const link = (id: string) => links.find((l) => l.includes(`aria-label="${id}:`))!;
    // ab binds (4 of 4): the top of the scale, drawn thick; bc is at 25 %, between the first two colours.
    expect(link('ab')).toContain(`stroke="${rgb(UTILIZATION_RANGE[2])}"`);
    expect(link('ab')).toContain('stroke-width="6"');
    expect(link('bc')).not.toContain(`stroke="${rgb(UTILIZATION_RANGE[2])}"`);
    expect(link('bc')).toContain('stroke-width="2.5"');
    // a has no capacity: grey. Each mark has a tooltip.
    expect(nodes.find((n) => n.includes('aria-label="a (a)'))).toContain(`fill="${UNCONSTRAINED}"`);
    expect(svg.match(/<line [^>]*><title>[^<]+<\/title><\/line>/g)).toHaveLength(links.length);
    expect(svg.match(/<path aria-label="[^"]+" role="graphics-symbol" aria-roledescription="circle"[^>]*><title>/g)).toHaveLength(nodes.length);
    expect(marks(svg, 'map_outlines').length).toBeGreaterThan(5);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    // The summary page opens the report: title, findings, then the first map as its key picture; the other maps follow it.
    expect(html.indexOf('<section id="summary">')).toBeLessThan(html.indexOf('<section id="findings">'));
    expect(html.indexOf('<section id="findings">')).toBeLessThan(html.indexOf('data-chart="map-2030"'));
    expect(html.indexOf('data-chart="map-2030"')).toBeLessThan(html.indexOf('<section id="map">'));
    expect(html).toContain('2 elements without a position are not shown'); // d and cd
  });

  it('is byte-identical between runs', async () => {
    const a = fs.readFileSync(path.join(await report('same', SCENARIO), 'report.html'), 'utf8');
    const b = fs.readFileSync(path.join(await report('same', SCENARIO), 'report.html'), 'utf8');
    expect(a).toContain('<section id="map">');
    expect(a).toBe(b);
  });

  it('a scenario without positions gets no map and no error', async () => {
    const out = await report('unlocated', SCENARIO.replace(/, at: \[[\d, ]+\]/g, ''));
    expect(fs.readdirSync(out).filter((f) => f.startsWith('map-'))).toEqual([]);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).not.toContain('<section id="map">');
  });

  it('a position outside [−180, 180] × [−90, 90] is a positioned problem', async () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, SCENARIO.replace('at: [60, 45]', 'at: [60, 95]'));
    let err = '';
    const code = await main(['validate', file], { ...io, stderr: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).not.toContain('unknown node'); // the node is still known to the links that name it
    // Line 5 of the text (it starts with an empty line), column 18: the `[` of the position.
    expect(err).toContain(`${file}:5:18: nodes[0].at: \`at\` is [longitude, latitude] in decimal degrees`);
  });
});
