// Country outlines for the network map: Natural Earth 1:110m from the
// world-atlas package, read from disk (never fetched) and cut to the countries
// that reach into the map's box. Node only: the explorer page receives the
// outlines the CLI cut for it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Box, Feature } from './map.js';

let countries: Feature[] | undefined;

/** Natural Earth 1:110m country outlines, from the world-atlas package on disk. */
function allCountries(): Feature[] {
  if (!countries) {
    const file = createRequire(import.meta.url).resolve('world-atlas/countries-110m.json');
    const topology = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    countries = (feature(topology, topology.objects.countries) as unknown as { features: Feature[] }).features;
  }
  return countries;
}

/** Outlines of the countries that reach into the box, coordinates rounded to 0.01° (the page stays small). */
export function outlines(box: Box): Feature[] {
  const [w, e, s, n] = box;
  const round = (c: unknown): unknown => (typeof c === 'number' ? Math.round(c * 100) / 100 : (c as unknown[]).map(round));
  return allCountries().flatMap((f) => {
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    const visit = (c: unknown): void => {
      if (typeof (c as number[])[0] === 'number') {
        const [x, y] = c as [number, number];
        [minX, maxX, minY, maxY] = [Math.min(minX, x), Math.max(maxX, x), Math.min(minY, y), Math.max(maxY, y)];
      } else (c as unknown[]).forEach(visit);
    };
    visit(f.geometry.coordinates);
    if (maxX < w || minX > e || maxY < s || minY > n) return [];
    return [{ type: 'Feature', properties: { name: f.properties.name }, geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) } }];
  });
}

