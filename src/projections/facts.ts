import { EventType } from '../core/events';

export { factOf, incidentPartition, sourcePartition, statementsPartition } from '../core/projections/facts';
export type { Fact } from '../core/projections/facts';

export const isOfType =
  <T extends EventType>(...types: T[]) =>
  <F extends { type: EventType }>(fact: F): fact is Extract<F, { type: T }> =>
    (types as EventType[]).includes(fact.type);

/** Exhaustive at compile time: a new event type must be placed in or out of each read model. */
export type Handles = Record<EventType, boolean>;

export const handledBy = (handles: Handles) => (fact: { type: EventType }): boolean => handles[fact.type] === true;
