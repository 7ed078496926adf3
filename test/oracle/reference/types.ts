// The reference fold's input (stored-like events, the three filters) and its answers.

export interface RefFigure {
  best: number;
  low?: number;
  high?: number;
  qualifier?: string;
  text?: string;
}

/** A stored event, as far as the rules look at it. */
export interface RefEvent {
  id: string;
  type: string;
  occurredAt: string;
  reportedAt: string;
  position: number;
  source: { sourceId: string; attributedTo?: string; quote?: string };
  data: any;
}

export interface RefFilters {
  asOf: string | null;
  knownAt: string | null;
  atPosition: number | null;
}

// Answers

export interface RefShownFigure {
  low: number | null;
  best: number;
  high: number | null;
  qualifier: string;
  text: string | null;
}

export interface RefClaim {
  eventId: string;
  sourceId: string;
  attributedTo: string | null;
  quote: string | null;
  occurredAt: string;
  reportedAt: string;
  position: number;
  correctedBy: string | null;
  figure: RefShownFigure;
}

export interface RefExclusion {
  eventId: string;
  by: string;
  reason: 'retracted' | 'superseded' | 'outdated';
}

export interface RefSummary {
  low: number | null;
  best: number | null;
  high: number | null;
  openEnded: boolean;
  bestFrom: string | null;
  /** The claims that count, in "latest" order. */
  claims: RefClaim[];
  /** Every claim left out, sorted by eventId (the spec gives this list no order). */
  excluded: RefExclusion[];
}

export interface RefTally extends RefSummary {
  category: string;
  group: string;
  scope: string;
}

export type RefStatus = 'authorized' | 'arriving' | 'deployed' | 'withdrawing' | 'withdrawn';

export interface RefPresence {
  status: RefStatus | null;
  strength: RefSummary;
  firstArrivedAt: string | null;
  withdrawnAt: string | null;
}

export interface RefTroops {
  requests: { requestedBy: string; requestedFrom: string; at: string; eventId: string }[];
  authorizations: { authority: string; contributors: string[]; at: string; eventId: string }[];
  contributors: ({ contributor: string; force: string | null } & RefPresence)[];
  forces: ({ force: string } & RefPresence)[];
  total: { low: number | null; best: number | null; high: number | null; openEnded: boolean; from: 'contributors' | 'forces' };
}

export interface RefSituation {
  measures: { measure: string; scope: string; active: boolean; since: string; description: string | null; eventId: string }[];
  facilities: { facility: string; controlledBy: string; since: string; eventId: string }[];
  officials: { person: string; role: string | null; status: string; since: string; eventId: string }[];
  government: { body: string; change: string; at: string; eventId: string }[];
}

export interface RefTimelineEntry {
  eventId: string;
  type: string;
  occurredAt: string;
  retracted: boolean;
  corrected: boolean;
}

export interface RefLedgerEntry extends RefTimelineEntry {
  figure: RefShownFigure | null;
}
