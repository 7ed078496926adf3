// "Timeline" and "Source ledger": the events that pass the filters, with their flags.
import { boundsOf, correctionOf, figureFieldOf, inLatestOrder, passesAllThree, retractionOf } from './knowledge';
import { RefEvent, RefFigure, RefFilters, RefLedgerEntry, RefTimelineEntry } from './types';

/** Every event that passes all three filters, statements included, in "latest" order, with its flags. */
const listedAt = (all: RefEvent[], f: RefFilters, include: (e: RefEvent) => boolean): RefEvent[] =>
  inLatestOrder(all.filter((e) => include(e) && passesAllThree(e, f)).map((event) => ({ event }))).map((x) => x.event);

const flagsOf = (all: RefEvent[], e: RefEvent, f: RefFilters) => ({
  retracted: retractionOf(all, e.id, f) !== null,
  corrected: correctionOf(all, e.id, f) !== null,
});

export const referenceTimeline = (all: RefEvent[], f: RefFilters): RefTimelineEntry[] =>
  listedAt(all, f, () => true).map((e) => ({ eventId: e.id, type: e.type, occurredAt: e.occurredAt, ...flagsOf(all, e, f) }));

/** The figure an event carries as its source reported it (for a correction, the figure it brings). */
const carriedFigure = (e: RefEvent): RefFigure | null => {
  if (e.type === 'ClaimCorrected') return e.data.figure ?? null;
  const field = figureFieldOf(e.type);
  return field === null ? null : (e.data[field] ?? null);
};

export const referenceLedger = (all: RefEvent[], f: RefFilters, sourceId: string): RefLedgerEntry[] =>
  listedAt(all, f, (e) => e.source.sourceId === sourceId).map((e) => {
    const figure = carriedFigure(e);
    const b = figure ? boundsOf(figure) : null;
    return {
      eventId: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      ...flagsOf(all, e, f),
      figure: b ? { low: b.low, best: b.best, high: b.high, qualifier: b.qualifier, text: b.text } : null,
    };
  });
