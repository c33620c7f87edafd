// One self-contained HTML file: inline CSS and SVG, no script, and a content
// security policy that forbids fetching anything, so it opens offline.
import type { Chart } from './charts.js';
import type { Report } from './folder.js';
import { esc, pageHead } from '../io/html.js';


const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1040px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.subtitle { color: #666; margin-top: 0; }
section { margin: 1.5rem 0; }
ul.findings li { margin: 0.3rem 0; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2rem 0; }
figcaption { font-size: 0.85rem; color: #666; }
.maps { display: flex; flex-wrap: wrap; gap: 0 0.6rem; }
.maps figure { margin: 0.6rem 0; }
.note { color: #8a5a00; }
th.num { text-align: right; }
.caption { font-size: 0.85rem; color: #666; }
/* Printed, the summary (title, findings, the key picture) fills the first A4 page on its own. */
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  #summary { break-after: page; }
  #summary ul.findings li { margin: 0.1rem 0; }
  figure { break-inside: avoid; }
  figure svg { max-width: 100%; height: auto; }
  figure[style] { width: auto !important; }
}
`;

/** `svgs`: the maps' SVG, then the charts'. */
export function reportHtml(report: Report, svgs: readonly string[]): string {
  const projects = report.projects?.length
    ? `<section id="projects"><h2>Projects</h2><table><thead><tr><th>project</th><th>changes</th><th>online</th><th>capex (M USD)</th></tr></thead><tbody>${report.projects
        .map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.target)}</td><td class="num">${p.online}</td><td class="num">${p.capexMusd === undefined ? '' : p.capexMusd.toLocaleString('en-US')}</td></tr>`)
        .join('')}</tbody></table></section>`
    : '';
  const figure = (c: Chart, svg: string) =>
    `<figure data-chart="${esc(c.id)}" data-kind="${c.kind}" data-series="${c.series}" data-points="${c.points}"${c.width ? ` style="width: ${c.width + 8}px"` : ''}>${svg}<figcaption>${esc(c.caption ?? c.title)}</figcaption></figure>`;
  // The key picture goes on the summary page: the first map, else the first chart; the rest follow.
  const keyIsMap = report.maps.length > 0;
  const key = keyIsMap ? figure(report.maps[0]!, svgs[0]!) : report.charts.length > 0 ? figure(report.charts[0]!, svgs[report.maps.length]!) : '';
  const restMaps = report.maps.slice(keyIsMap ? 1 : 0);
  const maps = restMaps.length
    ? `<section id="map"><h2>The network</h2><div class="maps">${restMaps.map((c, i) => figure(c, svgs[i + (keyIsMap ? 1 : 0)]!)).join('\n')}</div></section>`
    : '';
  const tables = (report.tables ?? [])
    .map((t) => {
      const head = t.header.map((h, i) => `<th${t.numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
      const body = t.rows.map((r) => `<tr>${r.map((c, i) => `<td${t.numeric[i] ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('');
      return `<section id="${esc(t.id)}"><h2>${esc(t.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${t.caption ? `<p class="caption">${esc(t.caption)}</p>` : ''}</section>`;
    })
    .join('\n');
  const figures = report.charts.slice(keyIsMap ? 0 : 1).map((c, i) => figure(c, svgs[report.maps.length + i + (keyIsMap ? 0 : 1)]!)).join('\n');
  return `${pageHead(report.title, STYLE)}
<body>
<section id="summary">
<h1>${esc(report.title)}</h1>
<p class="subtitle">${esc(report.subtitle)}</p>
<section id="findings"><h2>What it shows</h2><ul class="findings">${report.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
${report.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}</section>
${key}
</section>
${maps}
${tables}
${projects}
<section id="charts"><h2>Charts</h2>
${figures}
</section>
</body>
</html>
`;
}
