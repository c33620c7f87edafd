// corridor explore <scenario>: explorer.html, one offline page that holds the
// scenario and the engine and re-simulates as its controls move.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { paramMeta } from '../scenario/params.js';
import { simulate } from '../engine/simulate.js';
import { explorerHtml } from '../explorer/html.js';
import { costControls, paramControls, projectControls, type Payload } from '../explorer/payload.js';
import { bottleneckSpec, flowsSpec, utilizationSpec } from '../explorer/specs.js';
import { elementStates } from '../explorer/views.js';
import { importModule } from '../io/lazy.js';
import { runTables } from '../io/tables.js';
import { writeFilesAtomically } from '../io/write.js';
import { extent, mapChart, mapNetwork } from '../report/map.js';
import { outlines } from '../report/outlines.js';
import { loadForCommand, outputFolder } from './common.js';
import type { Io } from './io.js';

export interface ExploreArgs {
  scenario: string;
  out?: string | undefined;
  set: string[];
}

/** dist/explorer.js, built by `npm run build` (and `npm ci`). */
function pageScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.basename(here) === 'dist' ? path.join(here, 'explorer.js') : path.resolve(here, '../../dist/explorer.js');
  if (!fs.existsSync(file)) throw new Error(`the explorer page is not built (${file}); run "npm run build" in the corridor-sim folder`);
  return fs.readFileSync(file, 'utf8');
}

/**
 * The scenario's files as the page reads them: in the order it asks for them
 * (the file itself, then each base), named relative to the scenario's folder,
 * so that a page made to be shared carries no absolute path of this machine.
 */
function pageFiles(scenario: string, files: readonly { path: string; text: string }[]): Pick<Payload, 'main' | 'files'> {
  const home = path.dirname(path.resolve(scenario));
  const name = (p: string) => path.relative(home, path.resolve(p)).split(path.sep).join('/');
  return { main: name(scenario), files: [...files].reverse().map((f) => ({ path: name(f.path), text: f.text })) };
}

export async function exploreCommand(args: ExploreArgs, io: Io): Promise<number> {
  const loaded = loadForCommand(args.scenario, io, args.set);
  const { model } = loaded;
  const result = simulate(model);
  const vl = (await importModule('vega-lite')) as typeof import('vega-lite');
  const compile = (spec: object) => vl.compile(spec as never).spec as object;
  const unit = model.volumeUnit.name;
  const net = mapNetwork(model);
  const last = model.years - 1;
  const payload: Payload = {
    name: model.name,
    ...pageFiles(args.scenario, loaded.files),
    set: args.set,
    params: paramControls(model, paramMeta(loaded.source.raw)),
    projects: projectControls(model.projects),
    costs: costControls(loaded.source.raw, model),
    years: Array.from({ length: model.years }, (_, y) => model.startYear + y),
    unit,
    specs: {
      flows: compile(flowsSpec(unit)),
      bottleneck: compile(bottleneckSpec()),
      utilization: compile(utilizationSpec()),
      ...(net ? { map: compile(mapChart('map', 'The network', net, elementStates(result, last), model.name, outlines(extent(net))).spec) } : {}),
    },
    ...(net ? { net } : {}),
  };
  const tables = runTables(result).map((t) => t.file);
  const outDir = outputFolder(args.out, model.name, '', args.set);
  writeFilesAtomically(outDir, [{ name: 'explorer.html', content: explorerHtml(payload, pageScript(), tables) }]);
  const file = path.join(outDir, 'explorer.html');
  io.stdout(`wrote ${file} (${Math.round(fs.statSync(file).size / 1024)} KB): open it in a browser; it needs no network and is one file to share\n`);
  return 0;
}
