// corridor check <scenario>...: run each scenario and test its targets, like
// a test suite: one line per missed target-year, then "N met, M missed".
// Exit 0 when every target is met, 3 when any is missed, 2 for bad input.
import { simulate } from '../engine/simulate.js';
import { targetYears, type TargetYear } from '../engine/targets.js';
import type { Model } from '../engine/model.js';
import { EXIT_MISSED, EXIT_OK } from './errors.js';
import { loadForCommand } from './common.js';
import type { Io } from './io.js';

/** "titr-10mt 2030: served 6.85 of 10 Mt/year (short 3.15)", in the scenario's volume unit. */
export function missedLine(model: Model, t: TargetYear): string {
  const u = model.volumeUnit;
  const n = (x: number) => String(+(x * u.factor).toFixed(3));
  return `${model.targets[t.target]!.id} ${t.year}: served ${n(t.served)} of ${n(t.required)} ${u.name}/year (short ${n(t.required - t.served)})`;
}

export function checkCommand(args: { scenarios: string[]; set: string[] }, io: Io): number {
  let met = 0;
  let missed = 0;
  for (const file of args.scenarios) {
    const { model } = loadForCommand(file, io, args.set);
    if (model.targets.length === 0) {
      io.stdout(`${file}: no targets\n`);
      continue;
    }
    const years = targetYears(simulate(model));
    for (const t of years) {
      if (t.met) met++;
      else {
        missed++;
        io.stdout(`${file}: missed ${missedLine(model, t)}\n`);
      }
    }
  }
  io.stdout(`${met} met, ${missed} missed\n`);
  return missed > 0 ? EXIT_MISSED : EXIT_OK;
}
