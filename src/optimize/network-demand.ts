// Choice mode's view for the optimisers (`optimum`, `plan`): route choice is
// behaviour, and a free routing of it has no meaning; what planners size the
// network for is the cargo that would come to it if nothing were full. So
// each flow's demand is what it sends to the network's routes at free flow
// (engine/choice.ts, freeFlowNetworkDemand), over its network routes only.
import { freeFlowNetworkDemand, isChoice } from '../engine/choice.js';
import type { Model } from '../engine/model.js';
import type { Result } from '../engine/simulate.js';
import type { Future } from './futures.js';

/** Worked out once per model (the robust plan's checks ask for it per future and target-year). */
const views = new WeakMap<Model, Model>();

/** The model an optimiser works on: the model itself, or in choice mode its free-flow network demand on network routes. */
export function optimisedModel(model: Model): Model {
  if (!isChoice(model)) return model;
  const known = views.get(model);
  if (known) return known;
  const view = networkView(model);
  views.set(model, view);
  return view;
}

function networkView(model: Model): Model {
  const demand = freeFlowNetworkDemand(model);
  return {
    ...model,
    offNetworkClosed: true,
    flows: model.flows.map((f, i) => ({ ...f, demand: demand[i]!, allocation: 'spill' as const, choice: undefined })),
  };
}

/** A future with its model as the optimisers see it (optimisedModel). */
export const optimisedFuture = (f: Future): Future => ({ ...f, model: optimisedModel(f.model) });

/** The sentence optimisers print and write in choice mode. */
export const FREE_FLOW_NOTE = 'route choice: each flow’s demand is what it sends to the network’s routes at free flow (nothing full, no queue); off-network routes are left out';

/**
 * What behaviour carries that the optimum can be set beside (`[f * years + y]`,
 * Mt/year): in choice mode each flow's volume on the network's routes (the
 * sea and the other off-network routes are no part of the optimum's demand),
 * otherwise its served volume; and the demand that goes with it (the free-flow
 * network demand in choice mode).
 */
export function comparable(result: Result): { demand: Float64Array; served: Float64Array } {
  const { model } = result;
  if (!isChoice(model)) return { demand: result.flowDemand, served: result.flowServed };
  const Y = model.years;
  const view = optimisedModel(model);
  const demand = new Float64Array(model.flows.length * Y);
  const served = new Float64Array(model.flows.length * Y);
  model.flows.forEach((f, i) => {
    for (let y = 0; y < Y; y++) {
      demand[i * Y + y] = view.flows[i]!.demand[y]!;
      for (const r of f.routes) if (!model.routes[r]!.offNetwork) served[i * Y + y] = served[i * Y + y]! + result.routeVolume[r * Y + y]!;
    }
  });
  return { demand, served };
}
