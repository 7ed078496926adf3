import { randomUUID } from 'node:crypto';
import { EventToAppend } from '../core/event-store/event-store';
import { correctedPayload, FIGURE_FIELD } from '../core/corrections';
import { EventType, isKnowledgeStatement, Payloads, withCanonicalIds } from '../core/events';
import { FieldError, InvalidInput, RuleBroken } from '../core/errors';
import { instant, isDateOnly, isStorable, toUtc } from '../core/time';
import { validatePlain } from '../validation/check';
import { Source } from '../sources/source';
import { CATALOGUE, isEventType } from './catalogue';
import { Incident } from './incident';
import { EventEnvelopeBody } from './payloads/envelope';
import { quoteOccursIn } from './quotes';

/** What deciding needs to know of the world: the incident, its sources and its stored events. */
export interface ReportingContext {
  incident: Incident;
  source(id: string): Source | undefined;
  storedEvent(id: string): Promise<{ incidentId?: unknown; type: string; data: unknown } | null>;
}

export const at = (prefix: string, field: string): string => (prefix ? `${prefix}.${field}` : field);

/** Checks the shape of each event: its envelope, then its payload against its type's class (400). */
export function checkShapes(raw: unknown[], prefixOf: (i: number) => string): FieldError[] {
  return raw.flatMap((event, i) => {
    const prefix = prefixOf(i);
    const errors = validatePlain(EventEnvelopeBody, event, prefix);
    const { type, data } = (event ?? {}) as { type?: unknown; data?: unknown };
    if (isEventType(type) && typeof data === 'object' && data !== null && !Array.isArray(data)) {
      errors.push(...validatePlain(CATALOGUE[type].payload, data, at(prefix, 'data')));
    }
    return errors;
  });
}

/**
 * Turns shape-checked envelopes into the events to append: defaults filled in, dates in UTC, and the
 * rules that need the world checked (422): a registered source, a quote that occurs in its text, a
 * retraction or correction that targets an earlier non-knowledge event of the same incident and,
 * for a correction, a corrected payload that is still valid for its target's type.
 */
export async function decideEvents(
  bodies: EventEnvelopeBody[],
  context: ReportingContext,
  prefixOf: (i: number) => string,
): Promise<EventToAppend[]> {
  const errors: FieldError[] = [];
  const outOfRange: FieldError[] = [];
  const earlier = new Map<string, { type: EventType; data: Record<string, unknown> }>();
  const events: EventToAppend[] = [];
  for (const [i, sent] of bodies.entries()) {
    const prefix = prefixOf(i);
    const body = withCanonicalIds(sent);
    const source = context.source(body.source.sourceId);
    if (!source) {
      errors.push({ field: at(prefix, 'source.sourceId'), message: `no source "${body.source.sourceId}" is registered` });
    } else if (body.source.quote !== undefined && source.text !== undefined && !quoteOccursIn(body.source.quote, source.text)) {
      errors.push({ field: at(prefix, 'source.quote'), message: `the quote does not occur in the text of source "${source.id}"` });
    }
    if (isKnowledgeStatement(body)) {
      errors.push(...(await checkTarget(body, context, earlier, prefix)));
    }
    const id = body.id ?? randomUUID();
    const occurredAt = instant(body.occurredAt, context.incident.timeZone, 'start');
    if (!isStorable(occurredAt)) outOfRange.push({ field: at(prefix, 'occurredAt'), message: `${body.occurredAt} read in ${context.incident.timeZone} falls outside years 0001 to 9999` });
    earlier.set(id, { type: body.type, data: body.data });
    events.push({
      id,
      type: body.type,
      body: {
        incidentId: context.incident.id,
        schemaVersion: CATALOGUE[body.type].schemaVersion,
        occurredAt,
        occurredAtAsReported: body.occurredAt,
        occurredPrecision: body.occurredPrecision ?? (isDateOnly(body.occurredAt) ? 'day' : 'exact'),
        ...(body.location !== undefined ? { location: body.location } : {}),
        source: body.source,
        reportedAt: body.reportedAt !== undefined ? toUtc(body.reportedAt) : (source?.publishedAt ?? ''),
        data: body.data,
      },
    });
  }
  if (outOfRange.length > 0) throw new InvalidInput(outOfRange);
  if (errors.length > 0) throw new RuleBroken(errors);
  return events;
}

async function checkTarget(
  body: EventEnvelopeBody,
  context: ReportingContext,
  earlier: Map<string, { type: EventType; data: Record<string, unknown> }>,
  prefix: string,
): Promise<FieldError[]> {
  const { eventId } = body.data as Payloads['ClaimRetracted'];
  const field = at(prefix, 'data.eventId');
  const stored = earlier.has(eventId) ? undefined : await context.storedEvent(eventId);
  const target = earlier.get(eventId) ?? (stored && stored.incidentId === context.incident.id ? (stored as { type: EventType; data: Record<string, unknown> }) : undefined);
  if (!target) return [{ field, message: `no event ${eventId} exists in incident "${context.incident.id}" before this one` }];
  if (isKnowledgeStatement(target)) return [{ field, message: `event ${eventId} is a ${target.type}; only reported developments can be retracted or corrected` }];
  if (body.type !== 'ClaimCorrected') return [];
  const correction = body.data as Payloads['ClaimCorrected'];
  const figureField = FIGURE_FIELD[target.type];
  if (correction.figure !== undefined && !figureField) {
    return [{ field: at(prefix, 'data.figure'), message: `a ${target.type} carries no figure to correct` }];
  }
  return validatePlain(CATALOGUE[target.type].payload, correctedPayload(target.type, target.data, correction)).map(({ field: f, message }) => ({
    field: figureField && correction.figure !== undefined && f.startsWith(figureField)
      ? at(prefix, `data.figure${f.slice(figureField.length)}`)
      : at(prefix, `data.data.${f}`),
    message: `the corrected ${target.type} would be invalid: ${message}`,
  }));
}

