// The explorer's charts as Vega-Lite specs with named datasets: the CLI
// compiles them to Vega once (corridor explore), and the page replaces the
// datasets when a control moves. Each chart draws the scenario as shipped
// faintly behind the current settings. Pure.

/** Dataset names the page fills. */
export const DATA = {
  served: 'served_by_flow',
  totals: 'totals',
  bottleneck: 'bottleneck',
  utilization: 'utilization',
} as const;

const base = (title: string, subtitle: string) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: title, subtitle, anchor: 'start', fontSize: 14 },
  width: 560,
  height: 220,
  // The page replaces the data: the view resizes to its new axis labels and legends.
  autosize: { type: 'pad', resize: true },
  config: { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 }, legend: { labelFontSize: 11, titleFontSize: 11 } },
});

const yearAxis = { field: 'year', type: 'quantitative', title: 'year', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false } };

/** Served volume stacked by flow; total demand and unserved as lines; the shipped scenario's served total dashed and faint. */
export function flowsSpec(unit: string): Record<string, unknown> {
  return {
    ...base('Demand, served and unserved', 'areas: served by flow · lines: demand and unserved · faint dashed: served as shipped'),
    datasets: { [DATA.served]: [], [DATA.totals]: [] },
    layer: [
      {
        data: { name: DATA.served },
        name: 'served_areas',
        mark: { type: 'area', opacity: 0.85 },
        encoding: {
          x: yearAxis,
          y: { field: 'value', type: 'quantitative', stack: 'zero', title: `${unit}/year` },
          color: { field: 'flow', type: 'nominal', title: 'served, by flow', scale: { scheme: 'tableau10' } },
          order: { field: 'flow' },
        },
      },
      {
        data: { name: DATA.totals },
        name: 'total_lines',
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: yearAxis,
          y: { field: 'value', type: 'quantitative' },
          stroke: { field: 'series', type: 'nominal', title: null, scale: { domain: ['demand', 'unserved', 'served as shipped'], range: ['#222222', '#c0392b', '#999999'] } },
          strokeDash: { field: 'series', type: 'nominal', legend: null, scale: { domain: ['demand', 'unserved', 'served as shipped'], range: [[1, 0], [1, 0], [5, 4]] } },
          opacity: { condition: { test: "datum.series === 'served as shipped'", value: 0.6 }, value: 1 },
        },
      },
    ],
  };
}

/** The bottleneck (highest utilization) by year: now, and as shipped (faint). */
export function bottleneckSpec(): Record<string, unknown> {
  return {
    ...base('Bottleneck by year', 'the element with the highest utilization · upper row: as shipped (faint)'),
    height: 56,
    data: { name: DATA.bottleneck },
    name: 'bottleneck_cells',
    datasets: { [DATA.bottleneck]: [] },
    mark: { type: 'rect', stroke: 'white' },
    encoding: {
      x: { field: 'year', type: 'ordinal', title: 'year' },
      y: { field: 'scenario', type: 'nominal', title: null, sort: ['as shipped', 'now'] },
      color: { field: 'bottleneck', type: 'nominal', title: 'bottleneck', scale: { scheme: 'tableau10' } },
      opacity: { condition: { test: "datum.scenario === 'as shipped'", value: 0.45 }, value: 1 },
    },
  };
}

/** Utilization of the elements that bind in some year (now or as shipped), the shipped lines faint and dashed. */
export function utilizationSpec(): Record<string, unknown> {
  return {
    ...base('Utilization of the elements that bind', 'solid: now · faint dashed: as shipped · 100 % is binding'),
    data: { name: DATA.utilization },
    datasets: { [DATA.utilization]: [] },
    layer: [
      {
        name: 'utilization_lines',
        mark: { type: 'line', point: false },
        encoding: {
          x: yearAxis,
          y: { field: 'value', type: 'quantitative', title: 'utilization', axis: { format: '%' } },
          color: { field: 'element', type: 'nominal', title: null, scale: { scheme: 'tableau10' } },
          detail: { field: 'scenario' },
          strokeDash: { field: 'scenario', type: 'nominal', legend: null, scale: { domain: ['now', 'as shipped'], range: [[1, 0], [5, 4]] } },
          opacity: { condition: { test: "datum.scenario === 'as shipped'", value: 0.45 }, value: 1 },
        },
      },
    ],
  };
}
