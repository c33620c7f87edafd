// The explorer page (bundled for the browser by build.mjs into
// dist/explorer.js): the same scenario loading, engine and tables as the CLI,
// run again whenever a control moves. Settings live in the URL's `#` part, as
// the `--set` specs they stand for, so a link reproduces the view.
import * as vega from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { narrate } from '../analysis/compare.js';
import { prepareKernels } from '../engine/kernels.js';
import { simulate, type Result } from '../engine/simulate.js';
import { formatCell, toCsv, type Cell } from '../io/csv.js';
import { esc } from '../io/html.js';
import { runTables } from '../io/tables.js';
import { buildScenario, loadSource, type LoadedSource, type Problem } from '../scenario/index.js';
import { mapData, MAP_DATA } from '../report/map.js';
import { costSpec, offSpec, onlineSpec, paramSpec, type Payload } from './payload.js';
import { DATA } from './specs.js';
import { datasets, elementStates } from './views.js';
import { disableCodeGeneration } from '../units/closure.js';

/** Which datasets each chart draws. */
const DATASETS: Record<string, string[]> = { flows: [DATA.served, DATA.totals], bottleneck: [DATA.bottleneck], utilization: [DATA.utilization] };

// The page's CSP forbids eval: expressions run as closures.
disableCodeGeneration();

const payload = JSON.parse(document.getElementById('corridor-data')!.textContent!) as Payload;
// The loader asks for the file, then each base, in the order the CLI read them (payload.files).
let nextFile = 0;
const source: LoadedSource = loadSource(payload.main, (f) => {
  const file = payload.files[nextFile++];
  if (file === undefined) throw Object.assign(new Error(`${f} is not in the page`), { code: 'ENOENT' });
  return file.text;
});

/** The controls' state: each a `--set` spec, keyed by what it controls. */
const settings = new Map<string, string>();
const $ = <T extends Element>(sel: string) => document.querySelector<T>(sel)!;
/** The element whose `data-<attr>` is `value`: ids and names are escaped (an id may hold `"` or `]`). */
const byData = <T extends Element>(attr: string, value: string) => document.querySelector<T>(`[data-${attr}="${CSS.escape(value)}"]`);

function run(specs: readonly string[]): { result?: Result; problems: Problem[] } {
  const loaded = buildScenario(source, [...payload.set, ...specs]);
  const problems = loaded.problems.filter((p) => p.severity === 'error');
  if (problems.length > 0 || !loaded.model) return { problems };
  return { result: simulate(loaded.model), problems: [] };
}

const shipped = run([]).result!;
let current = shipped;
const views = new Map<string, vega.View>();
const downloads: string[] = [];

async function mount(key: string, spec: object, el: HTMLElement): Promise<void> {
  const runtime = vega.parse(spec as vega.Spec, undefined, { ast: true });
  const view = new vega.View(runtime, { expr: expressionInterpreter, renderer: 'svg', container: el, hover: true });
  views.set(key, view);
  await view.runAsync();
}

function setData(view: vega.View, name: string, values: object[]): void {
  view.change(name, vega.changeset().remove(() => true).insert(values));
}

/** A summary cell as the report shows it: years as they are, utilization in %, volumes to three decimals (the CSVs keep six). */
function shown(header: string, c: Cell): string {
  if (typeof c !== 'number') return formatCell(c);
  if (header === 'year') return String(c);
  if (/utilization/.test(header)) return `${(c * 100).toFixed(1)} %`;
  return c.toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
}

/** Redraws everything from `current`. */
async function render(): Promise<void> {
  const tables = runTables(current);
  const summary = tables[0]!;
  $('table[data-table="summary"]').innerHTML =
    `<thead><tr>${summary.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${summary.rows.map((r) => `<tr>${r.map((c, i) => `<td>${esc(shown(summary.header[i]!, c))}</td>`).join('')}</tr>`).join('')}</tbody>`;
  for (const url of downloads.splice(0)) URL.revokeObjectURL(url);
  for (const t of tables) {
    const a = $<HTMLAnchorElement>(`a[data-download="${t.file}"]`);
    const url = URL.createObjectURL(new Blob([toCsv(t)], { type: 'text/csv' }));
    downloads.push(url);
    a.href = url;
  }
  const changed = settings.size === 0 ? [] : narrate([{ name: 'the scenario as shipped', result: shipped }, { name: 'now', result: current }]);
  $('#changes').innerHTML = changed.length === 0 ? '<li>No change: the scenario as shipped.</li>' : changed.map((f) => `<li>${esc(f.text)}</li>`).join('');
  const data = datasets(current, shipped);
  for (const [key, names] of Object.entries(DATASETS)) {
    const view = views.get(key)!;
    for (const name of names) setData(view, name, data[name]!);
    await view.runAsync();
  }
  await renderMap();
}

async function renderMap(): Promise<void> {
  const view = views.get('map');
  if (!view || !payload.net) return;
  const y = Number($<HTMLSelectElement>('#map-year').value) - current.model.startYear;
  const { links, nodes } = mapData(payload.net, elementStates(current, y));
  setData(view, MAP_DATA.links, links);
  setData(view, MAP_DATA.nodes, nodes);
  await view.runAsync();
}


/** Re-simulates with the current settings; on bad input, says what is wrong beside `key`'s control and keeps the last result. */
async function update(key: string | undefined): Promise<void> {
  const started = performance.now();
  for (const el of document.querySelectorAll('[data-problem]')) el.textContent = '';
  const { result, problems } = run([...settings.values()]);
  if (!result) {
    const where = key ? byData('problem', key) : $('#problems');
    (where ?? $('#problems')).textContent = problems.map((p) => p.message + (p.hint ? ` (${p.hint})` : '')).join('; ');
    document.body.dataset.state = 'invalid';
    return;
  }
  current = result;
  history.replaceState(null, '', settings.size ? `#${[...settings.values()].map((s) => `set=${encodeURIComponent(s)}`).join('&')}` : location.pathname);
  await render();
  document.body.dataset.state = 'ok';
  (window as unknown as { corridorUpdateMs: number }).corridorUpdateMs = performance.now() - started;
}

function controls(): void {
  const params = $('#params');
  for (const p of payload.params) {
    const row = document.createElement('div');
    row.className = 'control';
    row.innerHTML =
      `<label title="${esc(p.description)}">${esc(p.name)}${p.unit ? ` <span class="unit">(${esc(p.unit)})</span>` : ''}</label><input type="range" data-param-slider="${esc(p.name)}" min="${p.min}" max="${p.max}" step="${p.step}" value="${p.value}">` +
      `<input type="number" data-param="${esc(p.name)}" step="${p.step}" value="${p.value}"><small>${esc(p.range)}</small>${p.description ? `<small class="description">${esc(p.description)}</small>` : ''}<span class="problem" data-problem="param:${esc(p.name)}"></span>`;
    params.append(row);
    const slider = row.querySelector<HTMLInputElement>('input[type=range]')!;
    const box = row.querySelector<HTMLInputElement>('input[type=number]')!;
    const set = (v: string) => {
      if (Number(v) === p.value) settings.delete(`param:${p.name}`);
      else settings.set(`param:${p.name}`, paramSpec(p.name, v));
      void update(`param:${p.name}`);
    };
    slider.addEventListener('input', () => ((box.value = slider.value), set(slider.value)));
    box.addEventListener('input', () => ((slider.value = box.value), set(box.value)));
  }
  const projects = $('#projects');
  for (const p of payload.projects) {
    const row = document.createElement('div');
    row.className = 'control';
    row.innerHTML =
      `<label><input type="checkbox" data-project="${esc(p.id)}" checked> ${esc(p.name)}</label>` +
      `<input type="number" data-project-online="${esc(p.id)}" step="1" value="${p.online}"><small>opens, on ${esc(p.target)}</small><span class="problem" data-problem="project:${esc(p.id)}"></span>`;
    projects.append(row);
    const box = row.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    const year = row.querySelector<HTMLInputElement>('input[type=number]')!;
    const set = () => {
      settings.delete(`off:${p.id}`);
      settings.delete(`online:${p.id}`);
      if (!box.checked) settings.set(`off:${p.id}`, offSpec(p.id));
      else if (Number(year.value) !== p.online) settings.set(`online:${p.id}`, onlineSpec(p.id, year.value));
      year.disabled = !box.checked;
      void update(`project:${p.id}`);
    };
    box.addEventListener('change', set);
    year.addEventListener('input', set);
  }
  const costs = document.querySelector('#costs');
  for (const c of payload.costs) {
    const key = `cost:${c.list}.${c.id}.${c.key}`;
    const row = document.createElement('div');
    row.className = 'control';
    const unit = c.key === 'cost_per_t' ? 'USD/t' : c.key === 'cost_per_tkm' ? 'USD/t-km' : 'days';
    row.innerHTML =
      `<label>${esc(c.id)}</label><input type="number" data-cost="${esc(`${c.list}.${c.id}.${c.key}`)}" step="any" min="0" value="${c.value}">` +
      `<small>${esc(unit)}</small><span class="problem" data-problem="${esc(key)}"></span>`;
    costs?.append(row);
    const box = row.querySelector<HTMLInputElement>('input')!;
    box.addEventListener('input', () => {
      if (Number(box.value) === c.value) settings.delete(key);
      else settings.set(key, costSpec(c, box.value));
      void update(key);
    });
  }
  $('#reset').addEventListener('click', () => {
    resetControls();
    void update(undefined);
  });
  $('#map-year').addEventListener('change', () => void renderMap());
}

/** Every control back to the scenario as shipped. */
function resetControls(): void {
  settings.clear();
  for (const p of payload.params) {
    byData<HTMLInputElement>('param', p.name)!.value = String(p.value);
    byData<HTMLInputElement>('param-slider', p.name)!.value = String(p.value);
  }
  for (const c of payload.costs) byData<HTMLInputElement>('cost', `${c.list}.${c.id}.${c.key}`)!.value = String(c.value);
  for (const p of payload.projects) {
    byData<HTMLInputElement>('project', p.id)!.checked = true;
    const y = byData<HTMLInputElement>('project-online', p.id)!;
    y.value = String(p.online);
    y.disabled = false;
  }
}

/**
 * Settings from the URL's `#set=…&set=…`, put back into the controls. A link
 * is shared, so each setting is checked: a param of the page with a number,
 * or a project of the page with `remove=true` or a whole-number year. Any
 * other is left out, and said beside the controls (the page keeps working).
 */
function fromHash(): string[] {
  const ignored: string[] = [];
  let specs: string[];
  try {
    specs = new URLSearchParams(location.hash.slice(1)).getAll('set');
  } catch {
    return [`the link's settings cannot be read (${location.hash.slice(0, 80)})`];
  }
  const params = new Set(payload.params.map((p) => p.name));
  const projects = new Set(payload.projects.map((p) => p.id));
  const costs = new Set(payload.costs.map((c) => `${c.list}.${c.id}.${c.key}`));
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const [path, value] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [spec, ''];
    const m = /^projects\.(.+)\.(remove|online)$/.exec(path);
    if (m && projects.has(m[1]!) && m[2] === 'remove' && value === 'true') {
      settings.set(`off:${m[1]}`, spec);
      byData<HTMLInputElement>('project', m[1]!)!.checked = false;
      byData<HTMLInputElement>('project-online', m[1]!)!.disabled = true;
    } else if (m && projects.has(m[1]!) && m[2] === 'online' && /^\d{4}$/.test(value)) {
      settings.set(`online:${m[1]}`, spec);
      byData<HTMLInputElement>('project-online', m[1]!)!.value = value;
    } else if (costs.has(path) && value.trim() !== '' && Number.isFinite(Number(value)) && Number(value) >= 0) {
      settings.set(`cost:${path}`, spec);
      byData<HTMLInputElement>('cost', path)!.value = value;
    } else if (params.has(path) && value.trim() !== '' && Number.isFinite(Number(value))) {
      settings.set(`param:${path}`, spec);
      for (const attr of ['param', 'param-slider']) byData<HTMLInputElement>(attr, path)!.value = value;
    } else {
      ignored.push(`"${spec.slice(0, 80)}"`);
    }
  }
  return ignored.length ? [`the link's setting${ignored.length > 1 ? 's' : ''} ${ignored.join(', ')} ${ignored.length > 1 ? 'are' : 'is'} not a param or project of this page, or not a number, and ${ignored.length > 1 ? 'were' : 'was'} left out`] : [];
}

async function start(): Promise<void> {
  // The route choice's WebAssembly, compiled before the first run (a browser compiles it only asynchronously here).
  await prepareKernels();
  controls();
  const ignored = fromHash();
  await mount('flows', payload.specs.flows, $('#chart-flows'));
  await mount('bottleneck', payload.specs.bottleneck, $('#chart-bottleneck'));
  await mount('utilization', payload.specs.utilization, $('#chart-utilization'));
  if (payload.specs.map) await mount('map', payload.specs.map, $('#chart-map'));
  await update(undefined);
  // A link whose settings the scenario refuses as a whole (a year out of range): start from the shipped view, and say why.
  if (document.body.dataset.state === 'invalid') {
    const why = $('#problems').textContent;
    resetControls();
    await update(undefined);
    ignored.push(`the link's settings were left out: ${why}`);
  }
  if (ignored.length) $('#problems').textContent = ignored.join('; ');
}

start().catch((err: unknown) => {
  $('#problems').textContent = `the page could not start: ${(err as Error).message}`;
  document.body.dataset.state = 'invalid';
});
