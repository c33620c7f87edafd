// Projects and events → changes to capacity constraints, with their years.
import type { ChangeModel, Effect, EventModel, ProjectModel, SignalModel, TriggerModel } from '../engine/model.js';
import type { ValueContext } from '../units/values.js';
import { byId, checkYearRange, type Checker } from './checker.js';
import type { ElementTables } from './elements.js';
import { didYouMean } from './problems.js';
import type { EffectInput, EventInput, ProjectInput, ScenarioInput } from './schema.js';
import { itemPath } from './shape.js';

type Path = (string | number)[];

/** Projects decided on, and candidates (options for `corridor plan`), each in order of online, then id. */
export function buildProjects(
  s: ScenarioInput,
  vc: ValueContext | undefined,
  tables: ElementTables,
  allIds: Set<string>,
  check: Checker,
): { projects: ProjectModel[]; candidates: ProjectModel[] } {
  const out: (ProjectModel & { candidate: boolean })[] = [];
  for (const { input, path } of uniqueItems('projects', s.projects, check)) {
    const project = check.item(input, [tables, s.years], vc, (vc, check) => buildProject(s, input, path, vc, tables, allIds, check));
    if (project) out.push(project);
  }
  out.sort((a, b) => a.online - b.online || byId(a, b));
  const strip = ({ candidate: _, ...p }: ProjectModel & { candidate: boolean }): ProjectModel => p;
  return { projects: out.filter((p) => !p.candidate).map(strip), candidates: out.filter((p) => p.candidate).map(strip) };
}

function buildProject(
  s: ScenarioInput,
  input: ProjectInput,
  path: Path,
  vc: ValueContext | undefined,
  tables: ElementTables,
  allIds: Set<string>,
  check: Checker,
): (ProjectModel & { candidate: boolean }) | undefined {
  const change = buildChange(input, path, vc, tables, allIds, check);
  const candidate = input.candidate === true;
  if (input.online === undefined && !candidate) {
    check.report([...path], 'missing required key "online"', { hint: 'the first year with any effect; only a candidate may leave it out' });
    return undefined;
  }
  const online = projectConstant(vc, [...path, 'online'], input.online ?? s.years.start, 'year', check);
  const latest = projectConstant(vc, [...path, 'latest'], input.latest ?? s.years.end, 'year', check);
  const capex = input.capex_musd === undefined ? undefined : projectConstant(vc, [...path, 'capex_musd'], input.capex_musd, 'musd', check);
  if (capex !== undefined && capex > MAX_CAPEX_MUSD) {
    check.report([...path, 'capex_musd'], `capex of ${capex} million USD is beyond any project (at most ${MAX_CAPEX_MUSD.toLocaleString('en-US')})`, { hint: 'capex is in million USD: 1200 for US$1.2 bn' });
    return undefined;
  }
  const capexProfile = input.capex_profile ?? [1];
  const profileSum = capexProfile.reduce((a, b) => a + b, 0);
  if (Math.abs(profileSum - 1) > 1e-9) {
    check.report([...path, 'capex_profile'], `the shares of capex must sum to 1 (they sum to ${+profileSum.toFixed(12)})`, {
      hint: 'one share per year, ending with the opening year, e.g. [0.3, 0.4, 0.3]',
    });
    return undefined;
  }
  const shares = Object.values(input.cost_shares ?? {});
  const sharesSum = shares.reduce((a, b) => a + b, 0);
  if (input.cost_shares !== undefined && Math.abs(sharesSum - 1) > 1e-9) {
    check.report([...path, 'cost_shares'], `the cost shares must sum to 1 (they sum to ${+sharesSum.toFixed(12)})`, { hint: 'e.g. cost_shares: { KZ: 0.6, AZ: 0.4 }' });
    return undefined;
  }
  const trigger = change ? buildTrigger(s, input, path, change, tables, check) : undefined;
  if (!change || online === undefined || latest === undefined || (input.capex_musd !== undefined && capex === undefined) || !checkCandidate(input, path, online, latest, s, check)) return undefined;
  if (trigger === false) return undefined;
  return {
    ...change,
    target: input.target,
    name: input.name ?? input.id,
    online,
    rampYears: Math.max(1, input.ramp_years ?? 1),
    capexMusd: capex,
    capexProfile,
    costShares: input.cost_shares,
    candidate,
    latest,
    leadYears: input.lead_years ?? 0,
    trigger: trigger || undefined,
  };
}

/**
 * A candidate's trigger for `plan --adaptive`: its signal resolved (the
 * capacity rows of an element; a flow or target by id, checked against the
 * file's), and the persistence and threshold it fixes. Without `trigger`, a
 * candidate watches the utilization of the capacity it changes. False after
 * reporting a problem.
 */
function buildTrigger(s: ScenarioInput, input: ProjectInput, path: Path, change: ChangeModel, tables: ElementTables, check: Checker): TriggerModel | undefined | false {
  // `candidate: false` written out marks a decided option (plan.yaml writes it): its option keys are inert.
  if (input.candidate === false) return undefined;
  if (!input.candidate) {
    for (const key of ['trigger', 'lead_years'] as const) {
      if (input[key] !== undefined) check.report([...path, key], `\`${key}\` applies only to a candidate`, { hint: 'add `candidate: true`, or remove it' });
    }
    return input.trigger === undefined && input.lead_years === undefined ? undefined : false;
  }
  const t = input.trigger ?? {};
  const at = [...path, 'trigger', 'signal'];
  const signal = t.signal === undefined ? ownSignal(input, change) : readSignal(s, t.signal, at, input, change, tables, check);
  if (!signal) return false;
  if (t.threshold !== undefined && signal.kind === 'utilization' && t.threshold > 1) {
    check.report([...path, 'trigger', 'threshold'], `a utilization threshold must lie in [0, 1] (got ${t.threshold})`, { hint: 'e.g. 0.92: the row 92 % full' });
    return false;
  }
  return { signal, persistYears: t.persist_years, threshold: t.threshold };
}

const ownSignal = (input: ProjectInput, change: ChangeModel): SignalModel => ({ kind: 'utilization', constraints: change.constraints, label: `utilization:${input.target}` });

const SIGNAL_KINDS = ['utilization', 'served', 'shortfall'] as const;

function readSignal(s: ScenarioInput, text: string, at: Path, input: ProjectInput, change: ChangeModel, tables: ElementTables, check: Checker): SignalModel | undefined {
  const colon = text.indexOf(':');
  const kind = SIGNAL_KINDS.find((k) => colon >= 0 && text.slice(0, colon) === k);
  const id = text.slice(colon + 1);
  if (!kind) {
    check.report(at, `"${text}" is not a signal`, { hint: 'utilization:<element>, served:<flow> or shortfall:<target>' });
    return undefined;
  }
  if (kind === 'utilization') {
    const element = tables.index.get(id);
    if (element === undefined) {
      check.report(at, `unknown node or link "${id}"`, { hint: didYouMean(id, [...tables.index.keys()]) });
      return undefined;
    }
    const rows = tables.elements[element]!.constraints;
    if (rows.length === 0) {
      check.report(at, `"${id}" has no capacity, so no utilization to watch`, { hint: 'watch an element with a `capacity`, or a flow (served:<flow>)' });
      return undefined;
    }
    // The candidate's own element: the rows it changes; another: all of its rows (the highest utilization).
    return { kind, constraints: id === input.target ? change.constraints : rows, label: text };
  }
  const list = kind === 'served' ? s.flows : s.targets;
  const ids = list.filter((x) => !x.remove).map((x) => x.id);
  if (!ids.includes(id)) {
    check.report(at, `unknown ${kind === 'served' ? 'flow' : 'target'} "${id}"`, { hint: didYouMean(id, ids) });
    return undefined;
  }
  return kind === 'served' ? { kind, flow: id, label: text } : { kind, target: id, label: text };
}

/** Million USD: capex beyond this is a slip of units, not a project (and would overflow nothing, but mean nothing). */
const MAX_CAPEX_MUSD = 1e7;

/** A project's year (`online`, `latest`) or capex: one value that does not depend on `yr`. */
function projectConstant(vc: ValueContext | undefined, path: Path, value: ProjectInput['online'] & {}, kind: 'year' | 'musd', check: Checker): number | undefined {
  const years = check.value(vc, path, value, kind);
  if (years && years.some((y) => y !== years[0])) {
    check.report(path, `\`${String(path[path.length - 1])}\` must not depend on \`yr\``, { hint: 'use params only' });
    return undefined;
  }
  return years?.[0];
}

/** The rules of candidates (`corridor plan`'s options); false after reporting a problem. */
function checkCandidate(input: ProjectInput, path: Path, online: number, latest: number, s: ScenarioInput, check: Checker): boolean {
  if (!input.candidate) {
    // `candidate: false` written out marks a decided option (plan.yaml writes it): `latest` is then inert.
    if (input.latest !== undefined && input.candidate === undefined) check.report([...path, 'latest'], '`latest` applies only to a candidate', { hint: 'add `candidate: true`, or remove `latest`' });
    return input.latest === undefined || input.candidate === false;
  }
  let ok = true;
  if (input.capex_musd === undefined) {
    check.report([...path], 'a candidate needs `capex_musd`', { hint: '`corridor plan` weighs candidates by their capital cost' });
    ok = false;
  }
  const { start, end } = s.years;
  for (const [key, year] of [['online', online], ['latest', latest]] as const) {
    if (year < start || year > end) {
      check.report([...path, key], `a candidate's \`${key}\` (${year}) lies outside the simulated years ${start}–${end}`);
      ok = false;
    }
  }
  if (ok && latest < online) {
    check.report([...path, 'latest'], `\`latest\` (${latest}) is before \`online\` (${online}), the earliest year it may open`);
    ok = false;
  }
  return ok;
}

export function buildEvents(s: ScenarioInput, vc: ValueContext | undefined, tables: ElementTables, allIds: Set<string>, check: Checker): EventModel[] {
  const out: EventModel[] = [];
  for (const { input, path } of uniqueItems('events', s.events, check)) {
    const change = buildChange(input, path, vc, tables, allIds, check);
    const to = input.to ?? input.from;
    let ok = checkYearRange(check, path, input.from, to, s.years);
    const probability = input.probability === undefined ? undefined : check.value(vc, [...path, 'probability'], input.probability, 'ratio');
    if (probability?.some((p) => p > 1)) {
      check.report([...path, 'probability'], 'a probability must lie between 0 and 1');
      ok = false;
    }
    if (change && ok && (input.probability === undefined || probability)) out.push({ ...change, from: input.from, to, probability });
  }
  return out.sort((a, b) => a.from - b.from || byId(a, b));
}

function uniqueItems<T extends { id: string; remove?: true | undefined }>(list: string, items: T[], check: Checker): { input: T; path: Path }[] {
  const seen = new Set<string>();
  const out: { input: T; path: Path }[] = [];
  items.forEach((input, i) => {
    const path = itemPath(list, input, i);
    if (input.remove) return;
    if (seen.has(input.id)) check.report([...path, 'id'], `duplicate ${list.slice(0, -1)} id "${input.id}"`);
    else out.push({ input, path });
    seen.add(input.id);
  });
  return out;
}

function buildChange(
  input: ProjectInput | EventInput,
  path: Path,
  vc: ValueContext | undefined,
  tables: ElementTables,
  allIds: Set<string>,
  check: Checker,
): ChangeModel | undefined {
  const element = tables.index.get(input.target);
  if (element === undefined) {
    if (!allIds.has(input.target)) {
      check.report([...path, 'target'], `unknown node or link "${input.target}"`, { hint: didYouMean(input.target, [...new Set([...tables.index.keys(), ...allIds])]) });
    }
    return undefined;
  }
  const classes = tables.classes.get(element) ?? new Set<string>();
  if (classes.size === 0) {
    check.report([...path, 'target'], `"${input.target}" has no capacity for this to change`, { hint: 'give the element a `capacity`' });
    return undefined;
  }
  const own = tables.elements[element]!.constraints;
  let constraints = [...own];
  if (input.cargo !== undefined) {
    if (!classes.has(input.cargo)) {
      const names = [...classes];
      check.report([...path, 'cargo'], `"${input.target}" has no capacity for cargo "${input.cargo}"`, {
        hint: didYouMean(input.cargo, names) ?? `its capacities: ${names.join(', ')}`,
      });
      return undefined;
    }
    constraints = own.filter((c) => tables.constraints[c]!.cargo === input.cargo);
  }
  const [effect, amount] = readEffect(input.effect, [...path, 'effect'], vc, check);
  if (!effect || !amount) return undefined;
  return { id: input.id, constraints, effect, amount };
}

function readEffect(e: EffectInput, path: Path, vc: ValueContext | undefined, check: Checker): [Effect?, number[]?] {
  if ('multiply' in e) return ['multiply', check.value(vc, [...path, 'multiply'], e.multiply, 'ratio')];
  if ('add' in e) return ['add', check.value(vc, [...path, 'add'], e.add, 'volume')];
  return ['set', check.value(vc, [...path, 'set'], e.set, 'volume')];
}

