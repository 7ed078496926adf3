import { Filters } from '../filters';
import { Fact } from './facts';

/**
 * A read model: the rules of EVENTS.md as a pure function of the facts of one partition. The
 * projector keeps the facts (once each, stored as rows and cached by partition), so persisting an
 * append costs what the append adds; `view` answers any filters without reading the log.
 */
export interface ReadModel<View> {
  /** The path segment: casualties, troop-presence, situation, timeline, ledger. */
  name: string;
  /** The partition a query of this model reads for a scope (an incident id, or a source id). */
  partitionOf(scope: string): string;
  /** Whether a fact of the partition is one this model reads; the others cannot change its answer. */
  canHandle(fact: Fact): boolean;
  /** `facts` are those of the partition that it handles, in "latest" order; `related` reads another partition. */
  view(facts: readonly Fact[], filters: Filters, scope: string, related: (partition: string) => readonly Fact[]): View;
}

export type AnyReadModel = ReadModel<any>;
