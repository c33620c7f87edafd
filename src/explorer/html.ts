// explorer.html: one self-contained file. The scenario and compiled charts sit
// in a JSON block, the page's script inline; the content security policy lets
// that one script run (by its hash) and fetch nothing.
import { createHash } from 'node:crypto';
import { esc, pageHead } from '../io/html.js';
import type { Payload } from './payload.js';


const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.2rem; color: #222; }
h1 { font-size: 1.4rem; margin: 0 0 0.2rem; }
.subtitle { color: #666; margin: 0 0 1rem; }
main { display: grid; grid-template-columns: minmax(300px, 360px) 1fr; gap: 1.5rem; align-items: start; }
aside { position: sticky; top: 0.5rem; max-height: 96vh; overflow: auto; }
h2 { font-size: 1.05rem; margin: 1rem 0 0.4rem; }
.control { display: grid; grid-template-columns: 1fr 5.5rem; gap: 0.1rem 0.4rem; margin: 0.45rem 0; align-items: center; }
.control label { grid-column: 1 / 3; font-size: 0.9rem; }
.control input[type=range] { width: 100%; }
.control small { grid-column: 1 / 3; color: #777; font-size: 0.75rem; }
.problem { grid-column: 1 / 3; color: #b00020; font-size: 0.8rem; }
#problems { color: #b00020; }
table { border-collapse: collapse; font-size: 0.8rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.15rem 0.45rem; text-align: right; font-variant-numeric: tabular-nums; }
th:nth-child(-n+2), td:nth-child(-n+2), td:nth-last-child(-n+2), th:nth-last-child(-n+2) { text-align: left; }
#downloads a { margin-right: 0.8rem; }
#changes { margin: 0.2rem 0 0.6rem; }
button { margin: 0.6rem 0; }
`;

/** The page: controls on the left, what changed, the summary table, the charts and the map on the right. */
export function explorerHtml(payload: Payload, script: string, tables: readonly string[]): string {
  const hash = createHash('sha256').update(script).digest('base64');
  const data = JSON.stringify(payload).replace(/</g, '\\u003c');
  const years = payload.years.map((y, i) => `<option${i === payload.years.length - 1 ? ' selected' : ''}>${y}</option>`).join('');
  const map = payload.specs.map
    ? `<h2>The network in <select id="map-year">${years}</select></h2><div id="chart-map"></div>`
    : '<select id="map-year" hidden></select><p class="subtitle">No map: the scenario\'s nodes have no positions (<code>at: [lon, lat]</code>).</p>';
  // 'wasm-unsafe-eval': the engine's route choice runs in WebAssembly (src/engine/kernels.ts), compiled from the script's own bytes.
  return `${pageHead(`${payload.name}: explorer`, STYLE, `'sha256-${hash}' 'wasm-unsafe-eval'`)}
<body data-state="loading">
<h1>${esc(payload.name)}: what if?</h1>
<p class="subtitle">corridor explore · move a control and the corridor is simulated again, in this page, by the same engine as the CLI · the link keeps your settings</p>
<main>
<aside>
<h2>Params</h2><div id="params"></div>
<h2>Projects</h2><div id="projects"></div>
${payload.costs.length ? '<h2>Tariffs and times</h2><p class="subtitle">route choice: USD/t (per t-km where the file gives it so) and days; shares move as you type</p><div id="costs"></div>' : ''}
<button id="reset" type="button">Reset to the scenario as shipped</button>
</aside>
<section>
<p id="problems"></p>
<h2>What changed</h2><ul id="changes"></ul>
<div id="chart-flows"></div>
<div id="chart-bottleneck"></div>
<div id="chart-utilization"></div>
${map}
<h2>Summary</h2>
<p id="downloads">Download: ${tables.map((t) => `<a data-download="${esc(t)}" download="${esc(t)}" href="#">${esc(t)}</a>`).join('')}</p>
<table data-table="summary"></table>
</section>
</main>
<script type="application/json" id="corridor-data">${data}</script>
<script>${script}</script>
</body>
</html>
`;
}
