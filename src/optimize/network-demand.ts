// Choice mode's view for the optimisers (`optimum`, `plan`): route choice is
// behaviour, and a free routing of it has no meaning; what planners size the
// network for is the cargo that would come to it if nothing were full. So
// each flow's demand is what it sends to the network's routes at free flow
// (engine/choice.ts, freeFlowNetworkDemand), over its network routes only.
import { freeFlowNetworkDemand, isChoice } from '../engine/choice.js';
import type { Model } from '../engine/model.js';

/** The model an optimiser works on: the model itself, or in choice mode its free-flow network demand on network routes. */
export function optimisedModel(model: Model): Model {
  if (!isChoice(model)) return model;
  const demand = freeFlowNetworkDemand(model);
  return {
    ...model,
    offNetworkClosed: true,
    flows: model.flows.map((f, i) => ({ ...f, demand: demand[i]!, allocation: 'spill' as const, choice: undefined })),
  };
}

/** The sentence optimisers print and write in choice mode. */
export const FREE_FLOW_NOTE = 'route choice: each flow’s demand is what it sends to the network’s routes at free flow (nothing full, no queue); off-network routes are left out';
