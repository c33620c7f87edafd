// The network on a map: country outlines (report/outlines.ts), links as lines
// and nodes as points coloured by utilization in one year, binding elements
// drawn thick or ringed. Vega-Lite layers `map_links` and `map_nodes` draw one
// mark per located link and node, so a test can count them in the SVG. Pure:
// the explorer page draws the same map.
import type { Model } from '../engine/model.js';
import type { Chart } from './charts.js';

/** One scale for every map: utilization 0 → the light end, 1 (binding) → the top. */
export const UTILIZATION_RANGE = ['#fff3b0', '#f4a259', '#b1003a'] as const;
export const UNCONSTRAINED = '#9a9a9a';
/** The map spec's named datasets: the explorer page replaces links and nodes when the year or the scenario changes. */
export const MAP_DATA = { outlines: 'outlines_data', links: 'links_data', nodes: 'nodes_data' } as const;

/** A compact map, three to a row; a network much wider than tall gets a full-width one instead. */
const SMALL = { width: 290, height: 240 };
const WIDE = { width: 860, minHeight: 180, maxHeight: 420 };
/** Width ÷ height (in projected units) above which a map is drawn full width. */
const WIDE_ASPECT = 1.6;

/** The map's size for the box: its aspect on a conic projection is about Δlon·cos(mid latitude) ÷ Δlat. */
function mapSize(box: Box): { width: number; height: number } {
  const [w, e, s, n] = box;
  const aspect = ((e - w) * Math.cos((((s + n) / 2) * Math.PI) / 180)) / (n - s);
  if (aspect <= WIDE_ASPECT) return SMALL;
  return { width: WIDE.width, height: Math.round(Math.min(WIDE.maxHeight, Math.max(WIDE.minHeight, WIDE.width / aspect))) };
}

/** An element's state in the year drawn: its highest utilization over its capacities, and whether any binds. */
export interface ElementState {
  utilization: number | undefined;
  binding: boolean;
}

export interface MapNetwork {
  /** `labelLon`, `labelLat`: where the label's left end sits (placed so that labels do not overlap; `leader`: drawn away from its node, with a line to it). */
  nodes: { id: string; name: string; lon: number; lat: number; labelLon: number; labelLat: number; leader: boolean }[];
  links: { id: string; from: [number, number]; to: [number, number] }[];
  /** Elements (nodes and links) that cannot be drawn for want of a position. */
  hidden: number;
}

/** The located part of a network; undefined when fewer than two nodes are located (no map). */
export function mapNetwork(model: Model): MapNetwork | undefined {
  const located = model.elements.filter((e) => e.kind === 'node' && e.at);
  if (located.length < 2) return undefined;
  const pos = (i: number) => model.elements[i]!.at;
  const links = model.elements.filter((e) => e.kind === 'link' && pos(e.from) && pos(e.to));
  // Links that join the same two nodes are drawn side by side, not on top of each other.
  const seen = new Map<string, number>();
  const drawn = links.map((l) => {
    const [a, b] = [pos(l.from)!, pos(l.to)!];
    const key = [l.from, l.to].sort().join('/');
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const shift = k === 0 ? 0 : (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2) * 0.25;
    const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    const len = Math.hypot(dx, dy) || 1;
    const [ox, oy] = [(-dy / len) * shift, (dx / len) * shift];
    return { id: l.id, from: [a[0] + ox, a[1] + oy] as [number, number], to: [b[0] + ox, b[1] + oy] as [number, number] };
  });
  const nodes = located.map((n) => ({ id: n.id, name: n.name, lon: n.at![0], lat: n.at![1] }));
  const net = { nodes: nodes.map((n) => ({ ...n, labelLon: n.lon, labelLat: n.lat, leader: false })), links: drawn, hidden: model.elements.length - located.length - links.length };
  return { ...net, nodes: placeLabels(net) };
}

/** Pixels of a label at the map's font size (10 px sans-serif): a character's mean width, the line's height. */
const CHAR_PX = 6.2;
const LINE_PX = 13;
/** Room kept around each label for the error of the equirectangular approximation (the conic's parallels curve). */
const MARGIN_PX = 5;
/** A node's circle, as an obstacle for labels (the binding ring included). */
const NODE_PX = 8;

/**
 * Each node's label where it overlaps no other label and no node: the first
 * free spot of a list of candidates around the node (right, left, above,
 * below), then further out with a leader line. Positions are worked out on
 * the map's pixel grid, approximating the fitted conic projection by an
 * equirectangular one at the box's middle latitude (close at this scale);
 * labels are placed in order of longitude, so the result is the same on
 * every run.
 */
function placeLabels(net: MapNetwork): MapNetwork['nodes'] {
  const [w, e, s, n] = extent(net);
  const { width, height } = mapSize([w, e, s, n]);
  const cos = Math.cos((((s + n) / 2) * Math.PI) / 180);
  const k = Math.min(width / ((e - w) * cos), height / (n - s));
  const [x0, y0] = [(width - (e - w) * cos * k) / 2, (height - (n - s) * k) / 2];
  const toPx = (lon: number, lat: number) => [x0 + (lon - w) * cos * k, y0 + (n - lat) * k] as const;
  const toLonLat = (x: number, y: number) => [w + (x - x0) / (cos * k), n - (y - y0) / k] as const;
  type Rect = [number, number, number, number];
  const overlaps = (a: Rect, b: Rect, m: number) => a[0] - m < b[2] && b[0] - m < a[2] && a[1] - m < b[3] && b[1] - m < a[3];
  const labels: Rect[] = [];
  const points: Rect[] = net.nodes.map((nd) => {
    const [x, y] = toPx(nd.lon, nd.lat);
    return [x - NODE_PX, y - NODE_PX, x + NODE_PX, y + NODE_PX];
  });
  const order = [...net.nodes.keys()].sort((a, b) => net.nodes[a]!.lon - net.nodes[b]!.lon || (net.nodes[a]!.id < net.nodes[b]!.id ? -1 : 1));
  const out = [...net.nodes];
  for (const i of order) {
    const nd = net.nodes[i]!;
    const [x, y] = toPx(nd.lon, nd.lat);
    const lw = nd.id.length * CHAR_PX + 2;
    // Candidate left ends and vertical centres, nearest first; the last rings need a leader line.
    const near: [number, number][] = [[x + 9, y - 7], [x - 9 - lw, y - 7], [x - lw / 2, y - 16], [x - lw / 2, y + 16], [x + 9, y + 7], [x - 9 - lw, y + 7]];
    const far: [number, number][] = [];
    for (const r of [30, 45, 60, 80]) for (const a of [0, 45, -45, 90, -90, 135, -135, 180]) far.push([x + r * Math.cos((a * Math.PI) / 180) - (Math.cos((a * Math.PI) / 180) < 0 ? lw : 0), y - r * Math.sin((a * Math.PI) / 180)]);
    const candidates = [...near.map((c) => [...c, 0] as const), ...far.map((c) => [...c, 1] as const)];
    const inside = (r: Rect) => r[0] >= 0 && r[2] <= width && r[1] >= 0 && r[3] <= height;
    let chosen = candidates[0]!;
    for (const c of candidates) {
      const rect: Rect = [c[0], c[1] - LINE_PX / 2, c[0] + lw, c[1] + LINE_PX / 2];
      if (inside(rect) && !points.some((t) => overlaps(t, rect, 0)) && !labels.some((t) => overlaps(t, rect, MARGIN_PX))) {
        chosen = c;
        break;
      }
    }
    labels.push([chosen[0], chosen[1] - LINE_PX / 2, chosen[0] + lw, chosen[1] + LINE_PX / 2]);
    const [labelLon, labelLat] = toLonLat(chosen[0], chosen[1]);
    out[i] = { ...nd, labelLon, labelLat, leader: chosen[2] === 1 };
  }
  return out;
}

export type Feature = { type: 'Feature'; properties: { name: string }; geometry: { type: string; coordinates: unknown } };

export type Box = [number, number, number, number];

/**
 * The nodes' extent, padded by a sixteenth of its width and an eighth of its height (at least half a degree)
 * on each side: the network fills the map (over 70 % of its width) and the
 * labels, placed around their nodes, still fit.
 */
export function extent(net: Pick<MapNetwork, 'nodes'>): Box {
  const lons = net.nodes.map((n) => n.lon);
  const lats = net.nodes.map((n) => n.lat);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const px = Math.max(0.5, (e - w) / 16);
  const py = Math.max(0.5, (n - s) / 8);
  return [Math.max(-180, w - px), Math.min(180, e + px), Math.max(-85, s - py), Math.min(85, n + py)];
}

/** The map's links and nodes in one year, with their utilization, binding and tooltip (the explorer updates them). */
export function mapData(net: MapNetwork, state: ReadonlyMap<string, ElementState>) {
  const stateOf = (id: string) => state.get(id) ?? { utilization: undefined, binding: false };
  const pct = (u: number | undefined) => (u === undefined ? 'no capacity' : `${Math.round(u * 100)} % used`);
  const links = net.links.map((l) => {
    const st = stateOf(l.id);
    return { id: l.id, lon: l.from[0], lat: l.from[1], lon2: l.to[0], lat2: l.to[1], utilization: st.utilization ?? null, binding: st.binding, tip: `${l.id}: ${pct(st.utilization)}${st.binding ? ', binding' : ''}` };
  });
  const nodes = net.nodes.map((nd) => {
    const st = stateOf(nd.id);
    return {
      id: nd.id, label: nd.id, lon: nd.lon, lat: nd.lat, labelLon: nd.labelLon, labelLat: nd.labelLat, leader: nd.leader,
      utilization: st.utilization ?? null, binding: st.binding, tip: `${nd.name} (${nd.id}): ${pct(st.utilization)}${st.binding ? ', binding' : ''}`,
    };
  });
  return { links, nodes };
}

const colour = (field: string) => ({
  condition: { test: `datum.${field} === null`, value: UNCONSTRAINED },
  field,
  type: 'quantitative',
  title: 'utilization',
  scale: { domain: [0, 0.5, 1], range: [...UTILIZATION_RANGE], clamp: true },
  legend: { format: '.0%', orient: 'bottom', direction: 'horizontal', values: [0, 0.5, 1] },
});

/**
 * The map of one year: `state` gives each element's utilization and binding
 * (by id). A conic projection centred on the nodes, its parallels at a sixth
 * of their latitude span from each edge, fitted to their padded extent.
 */
export function mapChart(id: string, title: string, net: MapNetwork, state: ReadonlyMap<string, ElementState>, scenario: string, outlines: readonly Feature[]): Chart {
  const box = extent(net);
  const size = mapSize(box);
  const [w, e, s, n] = box;
  const span = n - s;
  // The box's edges, sampled: on a conic projection the parallels curve, so the corners alone do not bound it.
  const edge = (k: number) => [w + ((e - w) * k) / 16, s + ((n - s) * k) / 16];
  const samples = Array.from({ length: 17 }, (_, k) => edge(k));
  const frameCoords = samples.flatMap(([x, y]) => [[x!, s], [x!, n], [w, y!], [e, y!]]);
  const frame = { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: frameCoords } };
  const { links, nodes } = mapData(net, state);
  const hidden = net.hidden > 0 ? `; ${net.hidden} element${net.hidden === 1 ? '' : 's'} without a position ${net.hidden === 1 ? 'is' : 'are'} not shown` : '';
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: scenario, anchor: 'start', fontSize: 14 },
    ...size,
    // Fixed padding, not 'pad': the clipped outlines reach far beyond the view, and 'pad' would size the figure to them.
    autosize: 'none',
    padding: { left: 4, right: 4, top: 44, bottom: 44 },
    projection: { type: 'conicConformal', rotate: [-(w + e) / 2, 0], parallels: [s + span / 6, n - span / 6], fit: [frame] },
    datasets: { [MAP_DATA.outlines]: outlines, [MAP_DATA.links]: links, [MAP_DATA.nodes]: nodes },
    config: { font: 'sans-serif', view: { stroke: '#ddd' }, legend: { labelFontSize: 11, titleFontSize: 11 } },
    layer: [
      { data: { name: MAP_DATA.outlines }, name: 'map_outlines', mark: { type: 'geoshape', fill: '#f1f1ec', stroke: '#c9c9c0', strokeWidth: 0.6, clip: true } },
      {
        data: { name: MAP_DATA.links },
        name: 'map_links',
        // invalid 'show': an element without capacity (utilization null) is drawn, in grey, not dropped.
        mark: { type: 'rule', strokeCap: 'round', invalid: 'show' },
        encoding: {
          longitude: { field: 'lon', type: 'quantitative' },
          latitude: { field: 'lat', type: 'quantitative' },
          longitude2: { field: 'lon2' },
          latitude2: { field: 'lat2' },
          color: colour('utilization'),
          strokeWidth: { condition: { test: 'datum.binding', value: 6 }, value: 2.5 },
          description: { field: 'tip' },
        },
      },
      {
        data: { name: MAP_DATA.nodes },
        name: 'map_nodes',
        mark: { type: 'circle', opacity: 1, invalid: 'show' },
        encoding: {
          longitude: { field: 'lon', type: 'quantitative' },
          latitude: { field: 'lat', type: 'quantitative' },
          color: colour('utilization'),
          size: { condition: { test: 'datum.binding', value: 220 }, value: 70 },
          stroke: { condition: { test: 'datum.binding', value: '#222' }, value: '#666' },
          strokeWidth: { condition: { test: 'datum.binding', value: 2.5 }, value: 0.8 },
          description: { field: 'tip' },
        },
      },
      {
        data: { name: MAP_DATA.nodes },
        name: 'map_leaders',
        transform: [{ filter: 'datum.leader' }],
        mark: { type: 'rule', color: '#888', strokeWidth: 0.7 },
        encoding: { longitude: { field: 'lon', type: 'quantitative' }, latitude: { field: 'lat', type: 'quantitative' }, longitude2: { field: 'labelLon' }, latitude2: { field: 'labelLat' } },
      },
      {
        data: { name: MAP_DATA.nodes },
        name: 'map_labels',
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 10, color: '#333' },
        encoding: { longitude: { field: 'labelLon', type: 'quantitative' }, latitude: { field: 'labelLat', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
  const caption = `${title}: colour is utilization; a thick line or ringed point binds; grey has no capacity${hidden}.`;
  return { id, title, caption, spec, series: links.length, points: nodes.length, kind: 'map', width: size.width };
}
