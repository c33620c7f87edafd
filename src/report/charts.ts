// Vega-Lite specs for the report's charts, built from table rows. Pure. Each
// chart says how many series and points it draws, so the report can label
// its figures and a browser test can check the SVG against the data.

export interface Chart {
  id: string;
  title: string;
  /** The figure's caption, where it says more than the title. */
  caption?: string;
  /** The plot's width in pixels, where it is not the charts' usual (maps). */
  width?: number;
  /** Vega-Lite spec (data inline). */
  spec: Record<string, unknown>;
  /** Lines and areas drawn (`series_*` layers), and points or bars (`series_points`, `series_bars`). */
  series: number;
  points: number;
  /** line: series = lines + areas, points = markers; area: series = areas; bar: points = bars. */
  kind: 'line' | 'area' | 'bar' | 'map';
}

/**
 * Names of the layers that draw the data. They become SVG classes
 * (`series_lines_marks`…), by which a test counts what was drawn:
 * one path per line or area series, one per point or bar.
 */
export const LINES = 'series_lines';
export const POINTS = 'series_points';
export const AREAS = 'series_areas';
export const BARS = 'series_bars';

const WIDTH = 560;
const HEIGHT = 220;
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const base = (title: string, subtitle: string) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: title, subtitle, anchor: 'start', fontSize: 14 },
  width: WIDTH,
  height: HEIGHT,
  // labelLimit 0: names in full (a long candidate or plan name is not cut to "caspian-fle…").
  config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 0 }, legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 0 } },
});

/** A colour per value of `field`, from the report's palette; `title: null` hides the legend title. */
const colorBy = (field: string, title?: string | null) => ({ field, type: 'nominal', ...(title !== undefined ? { title } : {}), scale: { range: PALETTE } });

/** A y channel stacking `field` from zero. */
const stackedY = (field: string, title: string, axis?: object) => ({ field, type: 'quantitative', stack: 'zero', title, ...(axis ? { axis } : {}) });

const yearAxis = { field: 'year', type: 'quantitative', title: 'year', axis: { format: 'd', tickMinStep: 1 } };

export interface ElementYear {
  year: number;
  cargo: string;
  capacity: number | undefined;
  flow: number;
  binding: boolean;
}

/** Capacity in blues, flow in oranges, the total darkest: the same colours in every element chart. */
const CAPACITY_HUES = ['#1f4e79', '#5b8fc7', '#9cc3e6', '#c6dbef'];
const FLOW_HUES = ['#d95f02', '#f28e2b', '#f7b26b', '#fbd3a0'];
/** Steps drawn for capacities (they change at a year boundary), next to the flows' lines. */
export const STEPS = 'series_steps';

/** Pixels of a character of a 10 px label, and of a line of them. */
const LABEL_CHAR_PX = 6;
const LABEL_LINE_PX = 12;

/**
 * Labels at years along a chart's top, each on the first line (from the top)
 * where it does not run into the label before it on that line: each line
 * keeps the pixel where its last label ends (the chart is WIDTH wide for the
 * years `first` … `last`). Returns each label with its y in pixels.
 */
export function stackLabels<T extends { year: number; label: string }>(labels: readonly T[], first: number, last: number): (T & { y: number })[] {
  const perYear = WIDTH / Math.max(1, last - first);
  const ends: number[] = [];
  return [...labels]
    .sort((a, b) => a.year - b.year || (a.label < b.label ? -1 : 1))
    .map((l) => {
      const x = (l.year - first) * perYear + 3;
      let line = ends.findIndex((end) => end + 4 <= x);
      if (line < 0) line = ends.push(-Infinity) - 1;
      ends[line] = x + l.label.length * LABEL_CHAR_PX;
      return { ...l, y: 8 + LABEL_LINE_PX * line };
    });
}

/**
 * Capacity against flow for one element, per cargo class: capacities as
 * steps, flows as lines, a point per year, grey bands behind the years in
 * which it binds, and a rule at each project's opening.
 */
export function elementChart(id: string, kind: 'node' | 'link', rows: readonly ElementYear[], openings: readonly { year: number; label: string }[], scenario: string, unit: string): Chart {
  const cargos = [...new Set(rows.map((r) => r.cargo))].sort((a, b) => (a === 'total' ? -1 : b === 'total' ? 1 : a < b ? -1 : 1));
  const values = rows.flatMap((r) => [
    ...(r.capacity === undefined ? [] : [{ year: r.year, series: `capacity (${r.cargo})`, value: r.capacity }]),
    { year: r.year, series: `flow (${r.cargo})`, value: r.flow },
  ]);
  const domain = [...cargos.map((c) => `capacity (${c})`), ...cargos.map((c) => `flow (${c})`)].filter((d) => values.some((v) => v.series === d));
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range: domain.map((d) => (d.startsWith('capacity') ? CAPACITY_HUES : FLOW_HUES)[cargos.indexOf(d.slice(d.indexOf('(') + 1, -1)) % 4]!) },
  };
  const bindingYears = [...new Set(rows.filter((r) => r.binding).map((r) => r.year))].map((year) => ({ from: year - 0.5, to: year + 0.5 }));
  const y = { field: 'value', type: 'quantitative', title: `${unit}/year` };
  const layers: Record<string, unknown>[] = [
    ...(bindingYears.length > 0
      ? [{ data: { values: bindingYears }, name: 'binding_years', mark: { type: 'rect', color: '#e3e3e3' }, encoding: { x: { field: 'from', type: 'quantitative', scale: { zero: false } }, x2: { field: 'to' } } }]
      : []),
    { data: { values: values.filter((v) => v.series.startsWith('capacity')) }, name: STEPS, mark: { type: 'line', interpolate: 'step-after', strokeDash: [6, 3] }, encoding: { x: yearAxis, y, color } },
    { data: { values: values.filter((v) => v.series.startsWith('flow')) }, name: LINES, mark: { type: 'line' }, encoding: { x: yearAxis, y, color } },
    { data: { values }, name: POINTS, mark: { type: 'point', filled: true, size: 30 }, encoding: { x: yearAxis, y: { field: 'value', type: 'quantitative' }, color } },
  ];
  if (openings.length > 0) {
    const years = rows.map((r) => r.year);
    const placed = stackLabels(openings, Math.min(...years), Math.max(...years));
    layers.push(
      { data: { values: openings }, mark: { type: 'rule', color: '#555', strokeDash: [2, 2] }, encoding: { x: yearAxis } },
      { data: { values: placed }, mark: { type: 'text', align: 'left', dx: 3, dy: -4, fontSize: 10, color: '#555' }, encoding: { x: yearAxis, y: { field: 'y', type: 'quantitative', scale: null }, text: { field: 'label' } } },
    );
  }
  return {
    id: `element-${id}`,
    title: `${id}: capacity and flow`,
    spec: { ...base(`${kind} ${id}: effective capacity and flow`, `${scenario} · dashed steps: capacity · grey bands: binding years · rules: projects opening`), layer: layers },
    series: domain.length,
    points: values.length,
    kind: 'line',
  };
}

export interface FlowYear {
  year: number;
  flow: string;
  demand: number;
  served: number;
}

/** Served volume stacked by flow, with total demand as a line above it. */
export function corridorChart(rows: readonly FlowYear[], scenario: string, unit: string): Chart {
  const served = rows.map((r) => ({ year: r.year, flow: r.flow, value: r.served }));
  const totals = [...new Set(rows.map((r) => r.year))].map((year) => ({ year, value: rows.filter((r) => r.year === year).reduce((s, r) => s + r.demand, 0) }));
  const flows = new Set(rows.map((r) => r.flow)).size;
  return {
    id: 'corridor',
    title: 'Demand and served volume, by flow',
    spec: {
      ...base('Demand, served and unserved, by flow', `${scenario} · areas: served by flow · line: total demand (the gap is unserved)`),
      layer: [
        {
          data: { values: served },
          name: AREAS,
          mark: { type: 'area', opacity: 0.85 },
          encoding: {
            x: yearAxis,
            y: stackedY('value', `${unit}/year`),
            color: colorBy('flow', 'served, by flow'),
          },
        },
        { data: { values: totals }, name: LINES, mark: { type: 'line', color: 'black' }, encoding: { x: yearAxis, y: { field: 'value', type: 'quantitative' } } },
        { data: { values: totals }, name: POINTS, mark: { type: 'point', filled: true, color: 'black', size: 20 }, encoding: { x: yearAxis, y: { field: 'value', type: 'quantitative' } } },
      ],
    },
    series: flows + 1,
    points: totals.length,
    kind: 'line',
  };
}

/** Unserved volume stacked by flow. */
export function unservedChart(rows: readonly FlowYear[], scenario: string, unit: string): Chart {
  const values = rows.filter((r) => r.demand - r.served > 1e-6).map((r) => ({ year: r.year, flow: r.flow, value: r.demand - r.served }));
  return {
    id: 'unserved',
    title: 'Unserved demand, by flow',
    spec: {
      ...base('Unserved demand, by flow', scenario),
      data: { values },
      name: BARS,
      mark: 'bar',
      encoding: {
        x: { ...yearAxis, type: 'ordinal' },
        y: stackedY('value', `${unit}/year`),
        color: colorBy('flow'),
      },
    },
    series: new Set(values.map((v) => v.flow)).size,
    points: values.length,
    kind: 'bar',
  };
}

/** One flow's volume by route over time: the spill made visible. */
export function routesChart(flow: string, rows: readonly { year: number; route: string; volume: number }[], scenario: string, unit: string): Chart {
  return {
    id: `routes-${flow}`,
    title: `${flow}: volume by route`,
    spec: {
      ...base(`${flow}: volume by route`, `${scenario} · routes are tried in order; a full element spills volume to the next`),
      data: { values: rows },
      name: AREAS,
      mark: { type: 'area', opacity: 0.85 },
      encoding: {
        x: yearAxis,
        y: stackedY('volume', `${unit}/year`),
        color: colorBy('route'),
      },
    },
    series: new Set(rows.map((r) => r.route)).size,
    points: 0,
    kind: 'area',
  };
}

/** One line per scenario for a metric (compare), or per series named in `scenario` (optimum, plan). */
export function scenarioLines(
  id: string, metric: string, rows: readonly { year: number; scenario: string; value: number }[], unit: string, subtitle = 'one line per scenario', legend = 'scenario',
): Chart {
  return linesBy(id, metric, subtitle, rows, 'scenario', 'value', unit, legend);
}

/** Units read as shares: their axes are in % (probabilities and shares from 0 to 100 %). */
const SHARE_UNITS: Readonly<Record<string, boolean>> = { utilization: false, probability: true, 'share of variance': true, share: true };

/** A y axis for a value in `unit`: shares in %, probabilities on 0–100 %. */
export function yAxisOf(field: string, unit: string): Record<string, unknown> {
  if (!(unit in SHARE_UNITS)) return { field, type: 'quantitative', title: unit };
  return { field, type: 'quantitative', title: `${unit} (%)`, axis: { format: '%' }, ...(SHARE_UNITS[unit] ? { scale: { domain: [0, 1] } } : {}) };
}

/** Lines over the years, one per value of `series` (coloured, its legend titled `legend` if given), `value` up. */
function linesBy<R extends { year: number }>(id: string, title: string, subtitle: string, rows: readonly R[], series: keyof R & string, value: keyof R & string, yTitle: string, legend?: string): Chart {
  return {
    id,
    title,
    spec: {
      ...base(title, subtitle),
      data: { values: rows },
      encoding: {
        x: yearAxis,
        y: yAxisOf(value, yTitle),
        color: colorBy(series, legend),
      },
      layer: [
        { name: LINES, mark: { type: 'line' } },
        { name: POINTS, mark: { type: 'point', filled: true, size: 25 } },
      ],
    },
    series: new Set(rows.map((r) => r[series])).size,
    points: rows.length,
    kind: 'line',
  };
}

/** Route choice: the queue (wait days) at each element that ever has one, by year. */
export function waitDaysChart(rows: readonly { year: number; element: string; days: number }[], scenario: string): Chart {
  const title = 'Queues: days a tonne waits to get through, by element';
  return linesBy('wait-days', title, `${scenario} · the scarcity cost of a full element ÷ the value of time of its cargo`, rows, 'element', 'days', 'wait (days)', 'element');
}

/** Which element is the bottleneck each year, per scenario (compare). */
export function bottleneckTimeline(rows: readonly { year: number; scenario: string; bottleneck: string }[]): Chart {
  const values = rows.filter((r) => r.bottleneck !== '');
  return {
    id: 'bottleneck-timeline',
    title: 'Bottleneck by year and scenario',
    spec: {
      ...base('Bottleneck by year and scenario', 'the element with the highest utilization'),
      height: 28 * new Set(rows.map((r) => r.scenario)).size,
      data: { values },
      name: BARS,
      mark: { type: 'rect', stroke: 'white' },
      encoding: {
        x: { field: 'year', type: 'ordinal', title: 'year' },
        y: { field: 'scenario', type: 'nominal', title: null },
        color: colorBy('bottleneck', 'bottleneck'),
      },
    },
    series: new Set(values.map((r) => r.scenario)).size,
    points: values.length,
    kind: 'bar',
  };
}

export interface BandYear {
  year: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** Fan chart: p5–p95 and p25–p75 bands with the median line (Monte Carlo). */
export function fanChart(id: string, title: string, rows: readonly BandYear[], scenario: string, yTitle: string): Chart {
  return {
    id,
    title,
    spec: {
      ...base(title, `${scenario} · bands: p5–p95 and p25–p75 · line: median`),
      data: { values: rows },
      layer: [
        { name: AREAS, mark: { type: 'area', opacity: 0.25, color: '#1f77b4' }, encoding: { x: yearAxis, y: yAxisOf('p5', yTitle), y2: { field: 'p95' } } },
        { name: `${AREAS}_inner`, mark: { type: 'area', opacity: 0.45, color: '#1f77b4' }, encoding: { x: yearAxis, y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' } } },
        { name: LINES, mark: { type: 'line', color: '#08306b' }, encoding: { x: yearAxis, y: { field: 'p50', type: 'quantitative' } } },
        { name: POINTS, mark: { type: 'point', filled: true, color: '#08306b', size: 20 }, encoding: { x: yearAxis, y: { field: 'p50', type: 'quantitative' } } },
      ],
    },
    series: 3,
    points: rows.length,
    kind: 'line',
  };
}

/** Share of runs in which each element is the year's bottleneck (Monte Carlo). */
export function bottleneckShareChart(rows: readonly { year: number; element: string; share: number }[], scenario: string): Chart {
  const values = rows.filter((r) => r.share > 0);
  return {
    id: 'bottleneck-share',
    title: 'Bottleneck frequency',
    spec: {
      ...base('How often each element is the bottleneck', `${scenario} · share of runs`),
      data: { values },
      name: BARS,
      mark: 'bar',
      encoding: {
        x: { ...yearAxis, type: 'ordinal' },
        y: stackedY('share', 'share of runs', { format: '%' }),
        color: colorBy('element'),
      },
    },
    series: new Set(values.map((r) => r.element)).size,
    points: values.length,
    kind: 'bar',
  };
}

/** value_per_mt by element and year: where one more Mt/year would help most, and when (optimum). */
export function valueHeatmap(rows: readonly { year: number; element: string; value: number }[], scenario: string): Chart {
  const elements = new Set(rows.map((r) => r.element)).size;
  return {
    id: 'capacity-value',
    title: 'Value of one more Mt/year of capacity',
    spec: {
      ...base('Value of one more Mt/year of capacity', `${scenario} · Mt/year more served at the optimum per Mt/year of capacity`),
      height: Math.max(60, 18 * elements),
      data: { values: rows },
      name: BARS,
      mark: { type: 'rect', stroke: 'white', tooltip: true },
      encoding: {
        x: { field: 'year', type: 'ordinal', title: 'year' },
        y: { field: 'element', type: 'nominal', title: null },
        color: { field: 'value', type: 'quantitative', title: 'Mt per Mt', scale: { scheme: 'blues', domain: [0, 1] } },
      },
    },
    series: elements,
    points: rows.length,
    kind: 'bar',
  };
}

/** A plan's builds: a bar per chosen project from its opening year to the horizon (plan). */
export function buildTimeline(rows: readonly { project: string; online: number; end: number; label: string }[], scenario: string): Chart {
  return {
    id: 'plan-builds',
    title: 'When the plan builds',
    spec: {
      ...base('When the plan builds', `${scenario} · each chosen project from its opening year`),
      height: Math.max(40, 26 * rows.length),
      data: { values: rows.map((r) => ({ ...r, end: r.end + 1 })) },
      layer: [
        {
          name: BARS,
          mark: { type: 'bar', color: PALETTE[0], cornerRadius: 2 },
          encoding: { x: { field: 'online', type: 'quantitative', title: 'year', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false } }, x2: { field: 'end' }, y: { field: 'project', type: 'nominal', title: null } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, color: 'white' },
          encoding: { x: { field: 'online', type: 'quantitative' }, y: { field: 'project', type: 'nominal' }, text: { field: 'label' } },
        },
      ],
    },
    series: rows.length,
    points: rows.length,
    kind: 'bar',
  };
}

/** A tornado: per factor, a bar from the base value to the value at its low and at its high setting, largest swing first. */
export function tornadoChart(id: string, metric: string, rows: readonly { factor: string; side: string; value: number; base: number; swing: number }[], scenario: string): Chart {
  const order = [...new Map(rows.map((r) => [r.factor, r.swing])).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([f]) => f);
  return {
    id,
    title: `Tornado: ${metric}`,
    spec: {
      ...base(`What moves ${metric} most`, `${scenario} · bars from the base value to each factor's low and high setting`),
      height: Math.max(60, 22 * order.length),
      data: { values: rows },
      layer: [
        {
          name: BARS,
          mark: { type: 'bar', height: 14 },
          encoding: {
            y: { field: 'factor', type: 'nominal', sort: order, title: null },
            x: { field: 'base', type: 'quantitative', title: metric, scale: { zero: false } },
            x2: { field: 'value' },
            color: { field: 'side', type: 'nominal', title: 'setting', scale: { domain: ['low', 'high', 'removed'], range: ['#4c78a8', '#f58518', '#9d755d'] } },
          },
        },
        { data: { values: [{ base: rows[0]?.base ?? 0 }] }, mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'base', type: 'quantitative' } } },
      ],
    },
    series: order.length,
    points: rows.length,
    kind: 'bar',
  };
}
