import { EventType, Figure, IncidentEvent } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { Fact, factOf } from './facts';
import { bounds, shown, ShownFigure } from './figures';
import { knowledgeAt, listed } from './knowledge';
import { flagsOf } from './timeline';
import { summaryOf } from './wording';

/** One partition for the whole log: a source speaks about any incident. */
export const LEDGER_PARTITION = '*';

/**
 * Facts by source, keys prefixed so that no source id ("__proto__") can collide with an object's own
 * machinery; the retractions and corrections of every source, since they flag any source's events.
 */
export interface LedgerState {
  lastPosition: number;
  bySource: Record<string, Fact[]>;
  statements: Fact[];
}

export interface LedgerEntry {
  eventId: string;
  incidentId: string;
  type: EventType;
  occurredAt: string;
  occurredAtAsReported: string;
  reportedAt: string;
  position: number;
  quote: string | null;
  attributedTo: string | null;
  summary: string;
  figure: ShownFigure | null;
  retracted: boolean;
  corrected: boolean;
}

export interface SourceLedgerView {
  sourceId: string;
  events: LedgerEntry[];
}

const keyOf = (sourceId: string): string => `source:${sourceId}`;

/** The figure an event carries as reported (a correction: its new figure); a completed withdrawal carries none. */
const figureOf = (f: Fact): Figure | null => {
  switch (f.type) {
    case 'CasualtiesReported':
      return f.data.figure;
    case 'TroopsDeployed':
    case 'TroopsWithdrawn':
      return f.data.strength ?? null;
    case 'ProtestReported':
      return f.data.participants ?? null;
    case 'ClaimCorrected':
      return f.data.figure ?? null;
    default:
      return null;
  }
};

/** In place, like `record`: O(1) per event. */
const recordBySource = (state: LedgerState, event: IncidentEvent): LedgerState => {
  if (event.position <= state.lastPosition) return state;
  const fact = factOf(event);
  const key = keyOf(fact.source.sourceId);
  (state.bySource[key] ??= []).push(fact);
  if (fact.type === 'ClaimRetracted' || fact.type === 'ClaimCorrected') state.statements.push(fact);
  state.lastPosition = event.position;
  return state;
};

export const ledgerOf = (state: LedgerState, filters: Filters, sourceId: string): SourceLedgerView => {
  const knowledge = knowledgeAt(state.statements, filters);
  const key = keyOf(sourceId);
  const facts = Object.prototype.hasOwnProperty.call(state.bySource, key) ? state.bySource[key] : [];
  return {
    sourceId,
    events: listed(facts, filters).map((f) => {
      const figure = figureOf(f);
      return {
        eventId: f.id,
        incidentId: f.incidentId,
        type: f.type,
        occurredAt: f.occurredAt,
        occurredAtAsReported: f.occurredAtAsReported,
        reportedAt: f.reportedAt,
        position: f.position,
        quote: f.source.quote ?? null,
        attributedTo: f.source.attributedTo ?? null,
        summary: summaryOf(f),
        figure: figure ? shown(bounds(figure)) : null,
        ...flagsOf(f, knowledge),
      };
    }),
  };
};

export const sourceLedger: ReadModel<LedgerState, SourceLedgerView> = {
  name: 'ledger',
  partition: () => LEDGER_PARTITION,
  initial: () => ({ lastPosition: -1, bySource: {}, statements: [] }),
  canHandle: () => true,
  evolve: recordBySource,
  view: ledgerOf,
};
