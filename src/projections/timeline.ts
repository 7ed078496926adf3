import { Location, Precision } from '../core/events';
import { Filters } from '../core/filters';
import { ReadModel } from '../core/projections/read-model';
import { Fact, handledBy, incidentPartition } from './facts';
import { Knowledge, knowledgeAt, listed } from './knowledge';
import { summaryOf } from './wording';

export interface TimelineEntry {
  eventId: string;
  type: Fact['type'];
  occurredAt: string;
  occurredAtAsReported: string;
  occurredPrecision: Precision;
  reportedAt: string;
  position: number;
  summary: string;
  location: Location | null;
  sourceId: string;
  attributedTo: string | null;
  retracted: boolean;
  corrected: boolean;
}

export interface TimelineView {
  entries: TimelineEntry[];
}

/** The flags follow the statements known under the filters, whatever event time says. */
export const flagsOf = (f: Fact, knowledge: Knowledge) => ({
  retracted: knowledge.retractedBy.has(f.id),
  corrected: knowledge.correctionOf.has(f.id),
});

export const timelineFrom = (facts: readonly Fact[], filters: Filters): TimelineView => {
  const knowledge = knowledgeAt(facts, filters);
  return {
    entries: listed(facts, filters).map((f) => ({
      eventId: f.id,
      type: f.type,
      occurredAt: f.occurredAt,
      occurredAtAsReported: f.occurredAtAsReported,
      occurredPrecision: f.occurredPrecision,
      reportedAt: f.reportedAt,
      position: f.position,
      summary: summaryOf(f),
      location: f.location ?? null,
      sourceId: f.source.sourceId,
      attributedTo: f.source.attributedTo ?? null,
      ...flagsOf(f, knowledge),
    })),
  };
};

export const timeline: ReadModel<TimelineView> = {
  name: 'timeline',
  partitionOf: incidentPartition,
  canHandle: handledBy({
    ProtestReported: true,
    MeasureImposed: true,
    MeasureLifted: true,
    GovernmentChanged: true,
    OfficialStatusChanged: true,
    AssistanceRequested: true,
    DeploymentAuthorized: true,
    TroopsDeployed: true,
    TroopsWithdrawn: true,
    FacilityControlChanged: true,
    CasualtiesReported: true,
    StatementMade: true,
    ClaimRetracted: true,
    ClaimCorrected: true,
  }),
  view: (facts: readonly Fact[], filters: Filters): TimelineView => timelineFrom(facts, filters),
};
