// corridor schema: print the JSON Schema of the scenario format.
import { scenarioJsonSchema } from '../scenario/schema.js';
import type { Io } from './io.js';

export function schemaCommand(io: Io): number {
  io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return 0;
}
