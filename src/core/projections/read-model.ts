import { IncidentEvent } from '../events';
import { Filters } from '../filters';

/**
 * A read model folded from incident events: `evolve` collects what the rules need (a pure fold over
 * plain, JSON-serialisable state, so it can be checkpointed), `view` applies the rules of EVENTS.md for
 * a set of filters. The state of one partition (an incident, or for the source ledger the whole log)
 * answers every filtered query of that partition without reading the log again.
 */
export interface ReadModel<State, View> {
  /** The path segment: casualties, troop-presence, situation, timeline, ledger. */
  name: string;
  /** Which partition an event folds into: its incident, or one shared partition. */
  partition(event: IncidentEvent): string;
  initial(): State;
  canHandle(event: IncidentEvent): boolean;
  evolve(state: State, event: IncidentEvent): State;
  view(state: State, filters: Filters, scope: string): View;
}

export type AnyReadModel = ReadModel<any, any>;

export const foldAll = <S>(model: ReadModel<S, unknown>, events: IncidentEvent[], state: S = model.initial()): S =>
  events.reduce((s, e) => (model.canHandle(e) ? model.evolve(s, e) : s), state);
