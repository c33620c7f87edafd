// Vega-Lite spec → SVG string, rendered in Node (no browser, no canvas: text
// widths are estimated). vega and vega-lite are loaded on first use and kept
// out of the CLI bundle, so that commands without --report start as fast.
import { importModule } from '../io/lazy.js';

type VegaLiteSpec = Record<string, unknown>;

let libs: Promise<{ vega: typeof import('vega'); vl: typeof import('vega-lite') }> | undefined;

function load() {
  libs ??= Promise.all([importModule('vega'), importModule('vega-lite')]).then(([vega, vl]) => ({
    vega: vega as typeof import('vega'),
    vl: vl as typeof import('vega-lite'),
  }));
  return libs;
}

/**
 * `id` names the chart: vega numbers the clip paths it defines with a counter
 * that runs across a process, so they are renamed `<id>-clip<n>`: the same
 * bytes on every run, and unique among the charts of one page.
 */
export async function renderSvg(spec: VegaLiteSpec, id = 'chart'): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return withTitles(ownClipIds(await view.toSVG(), id));
  } finally {
    view.finalize();
  }
}

/**
 * A `<title>` in every mark that has an accessible label, so that the page,
 * which runs no script, still shows a tooltip on hover (the map's elements
 * say their utilization so).
 */
export function withTitles(svg: string): string {
  return svg.replace(/<(\w+) aria-label="([^"]*)" role="graphics-symbol"([^>]*?)(\/?)>/g, (whole, tag: string, label: string, rest: string, selfClosing: string) =>
    selfClosing ? `<${tag} aria-label="${label}" role="graphics-symbol"${rest}><title>${label}</title></${tag}>` : `${whole}<title>${label}</title>`,
  );
}

function ownClipIds(svg: string, id: string): string {
  const ids = new Map<string, string>();
  const own = (n: string) => {
    if (!ids.has(n)) ids.set(n, `${id}-clip${ids.size + 1}`);
    return ids.get(n)!;
  };
  return svg.replace(/id="(clip\d+)"/g, (_, n: string) => `id="${own(n)}"`).replace(/url\(#(clip\d+)\)/g, (_, n: string) => `url(#${own(n)})`);
}
