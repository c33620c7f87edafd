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

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await load();
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
