import { EventType, Figure } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { Fact, sourcePartition, statementsPartition } from './facts';
import { bounds, shown, ShownFigure } from './figures';
import { knowledgeAt, listed } from './knowledge';
import { flagsOf } from './timeline';
import { summaryOf } from './wording';

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

/**
 * A source's events across incidents. Their retracted and corrected flags come from the retractions
 * and corrections of every source in those incidents.
 */
export const ledgerOf = (
  facts: readonly Fact[],
  filters: Filters,
  sourceId: string,
  related: (partition: string) => readonly Fact[],
): SourceLedgerView => {
  const incidents = new Set(facts.map((f) => f.incidentId));
  const knowledge = knowledgeAt([...incidents].flatMap((id) => related(statementsPartition(id))), filters);
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

export const sourceLedger: ReadModel<SourceLedgerView> = {
  name: 'ledger',
  partitionOf: sourcePartition,
  canHandle: () => true,
  view: ledgerOf,
};
