import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppendObserver } from '../operations/append-observer';
import { AppendResult, EventStore, RecordedEvent } from '../core/event-store/event-store';
import { IdempotencyConflict, InvalidInput, NotFound, TooLarge } from '../core/errors';
import { canonicalId } from '../core/events';
import { Serial } from '../core/serial';
import { canonicalZone, instant, isStorable } from '../core/time';
import { Register, INCIDENTS_STREAM } from '../register/register';
import { registerOnce } from '../register/registration';
import { EVENT_STORE } from '../core/event-store/event-store.token';
import { CATALOGUE, isEventType } from './catalogue';
import { inCurrentSchema } from './stored-event';
import { Projector } from '../core/projections/projector';
import { EventLocation } from '../core/projections/projection-store';
import { statementsPartition } from '../core/projections/facts';
import { Incident, incidentStream, RegisterIncident } from './incident';
import { EventEnvelopeBody, MAX_BATCH } from './payloads/envelope';
import { EventsQuery } from './queries';
import { at, checkShapes, decideEvents } from './reporting';

export interface AppendAnswer {
  events: Array<{ id: string; revision: number; position: number; recordedAt: string; hash: string; existing?: true }>;
  revision: number;
  position: number;
}

/** The write side of an incident: registering it and appending reported events to its stream. */
@Injectable()
export class IncidentLog {
  private readonly appends = new Serial();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly register: Register,
    private readonly projector: Projector,
    @Optional() private readonly observer?: AppendObserver,
  ) {}

  async registerIncident(body: RegisterIncident): Promise<{ created: boolean; entity: Incident }> {
    const timeZone = canonicalZone(body.timeZone ?? 'UTC');
    const startedAt = body.startedAt === undefined ? undefined : instant(body.startedAt, timeZone, 'start');
    if (startedAt !== undefined && !isStorable(startedAt)) {
      throw new InvalidInput([{ field: 'startedAt', message: `${body.startedAt} read in ${timeZone} falls outside years 0001 to 9999` }]);
    }
    const incident: Incident = { ...body, timeZone, ...(startedAt !== undefined ? { startedAt } : {}) };
    return registerOnce(this.store, this.register, INCIDENTS_STREAM, 'IncidentRegistered', incident);
  }

  incident(id: string): Incident {
    const incident = this.register.incident(id);
    if (!incident) throw new NotFound(`No incident ${id}`);
    return incident;
  }

  /** POST /incidents/:id/events: one event or an atomic batch; `created` is false when nothing new was stored. */
  async report(incidentId: string, body: unknown, ifMatch?: string): Promise<{ created: boolean; answer: AppendAnswer }> {
    // The metrics hook (appends by outcome, latency, events stored): see src/operations/metrics.ts.
    return this.observer ? this.observer.observe(() => this.decideReport(incidentId, body, ifMatch)) : this.decideReport(incidentId, body, ifMatch);
  }

  private async decideReport(incidentId: string, body: unknown, ifMatch?: string): Promise<{ created: boolean; answer: AppendAnswer }> {
    const incident = this.incident(incidentId);
    const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
    const { events: raw, expectedRevision: bodyRevision } = isBatch ? (body as { events: unknown; expectedRevision?: unknown }) : { events: [body], expectedRevision: undefined };
    if (isBatch) {
      const unknown = Object.keys(body as object).filter((key) => !BATCH_FIELDS.includes(key));
      if (unknown.length > 0) throw new InvalidInput(unknown.map((field) => ({ field, message: `property ${field} should not exist; a batch holds only ${BATCH_FIELDS.join(' and ')}` })));
    }
    if (!Array.isArray(raw)) throw new InvalidInput([{ field: 'events', message: 'events must be an array' }]);
    if (raw.length > MAX_BATCH) throw new TooLarge(`A batch holds at most ${MAX_BATCH} events; this one has ${raw.length}`);
    if (raw.length === 0) throw new InvalidInput([{ field: 'events', message: 'events must hold at least one event' }]);
    const expectedRevision = this.expectedRevision(ifMatch, bodyRevision);
    const prefixOf = (i: number) => (isBatch ? `events.${i}` : '');
    const shapeErrors = checkShapes(raw, prefixOf);
    if (shapeErrors.length > 0) throw new InvalidInput(shapeErrors);
    return this.appends.run(() => this.decideAndAppend(incident, raw as EventEnvelopeBody[], prefixOf, expectedRevision));
  }

  /**
   * One at a time in this process: ids and retraction targets are looked up in the read models' index,
   * which must hold every append before this one, and no other append may slip in between.
   */
  private async decideAndAppend(
    incident: Incident,
    raw: EventEnvelopeBody[],
    prefixOf: (i: number) => string,
    expectedRevision: number | undefined,
  ): Promise<{ created: boolean; answer: AppendAnswer }> {
    const stream = incidentStream(incident.id);
    await this.projector.waitFor(await this.store.headPosition());
    const decided = await decideEvents(raw as EventEnvelopeBody[], {
      incident,
      source: (id) => this.register.source(id),
      storedEvent: async (id) => {
        const location = this.projector.locate(id);
        return location?.stream === stream ? (inCurrentSchema(await this.read(location)) as { incidentId: unknown; type: string; data: unknown }) : null;
      },
    }, prefixOf);
    const stored = new Map(this.projector.locateAll(decided.map((e) => e.id)).map((l) => [canonicalId(l.id), l]));
    const elsewhere = decided.flatMap((e, i) => {
      const location = stored.get(e.id);
      return location && location.stream !== stream ? [{ field: at(prefixOf(i), 'id'), message: `event ${e.id} is already stored in another stream` }] : [];
    });
    if (elsewhere.length > 0) throw new IdempotencyConflict(decided[0].id, elsewhere.map((d) => d.message).join('; '));
    // An id stored in another letter case (before ids were compared in one form) is the same event: the store compares it as stored.
    const toAppend = decided.map((e) => ({ ...e, id: stored.get(e.id)?.id ?? e.id }));
    const result = await this.store.appendToStream(stream, toAppend, { expectedRevision });
    return { created: result.written, answer: answerOf(result) };
  }

  private expectedRevision(ifMatch: string | undefined, fromBody: unknown): number | undefined {
    if (ifMatch !== undefined && ifMatch.trim() !== '*') {
      const match = /^\s*(?:W\/)?"?(-1|\d+)"?\s*$/.exec(ifMatch);
      if (!match || !Number.isSafeInteger(Number(match[1]))) throw new InvalidInput([{ field: 'If-Match', message: 'If-Match must be a revision in quotes, such as "3" ("-1" for an empty incident)' }]);
      return Number(match[1]);
    }
    if (fromBody === undefined) return undefined;
    if (!Number.isSafeInteger(fromBody) || (fromBody as number) < -1) {
      throw new InvalidInput([{ field: 'expectedRevision', message: 'expectedRevision must be an integer, -1 or more' }]);
    }
    return fromBody as number;
  }

  async events(incidentId: string, query: EventsQuery): Promise<{ events: unknown[]; next: number | null; revision: number }> {
    const incident = this.incident(incidentId);
    const errors = [];
    const after = query.after === undefined ? -1 : integerOf(query.after);
    const limit = query.limit === undefined ? 100 : integerOf(query.limit);
    if (!Number.isSafeInteger(after) || after < -1) errors.push({ field: 'after', message: 'after must be a revision (an integer, -1 or more)' });
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) errors.push({ field: 'limit', message: 'limit must be an integer from 1 to 1000' });
    if (query.type !== undefined && !isEventType(query.type)) errors.push({ field: 'type', message: `type must be one of: ${Object.keys(CATALOGUE).join(', ')}` });
    if (errors.length > 0) throw new InvalidInput(errors);
    const stream = incidentStream(incident.id);
    const page: RecordedEvent[] = [];
    let from = after;
    let more = false;
    for (;;) {
      const chunk = await this.store.readStream(stream, { after: from, limit: 1000 });
      for (const e of chunk) {
        if (query.type !== undefined && e.type !== query.type) continue;
        if (page.length === limit) { more = true; break; }
        page.push(e);
      }
      if (more || chunk.length < 1000) break;
      from = chunk[chunk.length - 1].revision;
    }
    const head = await this.store.streamHead(stream);
    return { events: page.map(inCurrentSchema), next: more ? page[page.length - 1].revision : null, revision: head?.revision ?? -1 };
  }

  /** The stored event, found by its id in any letter case through the read models' index of ids. */
  async storedEvent(eventId: string): Promise<RecordedEvent> {
    await this.projector.waitFor(await this.store.headPosition());
    const location = this.projector.locate(canonicalId(eventId));
    if (!location) throw new NotFound(`No event ${eventId}`);
    return this.read(location);
  }

  private async read(location: EventLocation): Promise<RecordedEvent> {
    const [stored] = await this.store.readStream(location.stream, { after: location.revision - 1, limit: 1 });
    if (stored?.id === undefined || canonicalId(stored.id) !== canonicalId(location.id)) throw new Error(`The index of ids points ${location.id} at ${location.stream}#${location.revision}, which holds another event`);
    return stored;
  }

  async eventDetail(requested: string): Promise<Record<string, unknown>> {
    const stored = await this.storedEvent(requested);
    const eventId = stored.id;
    const event = inCurrentSchema(stored);
    const sourceId = (event.source as { sourceId?: string } | undefined)?.sourceId;
    const incidentId = event.incidentId as string | undefined;
    const knowledge = incidentId === undefined ? [] : this.projector.facts(statementsPartition(incidentId)).filter(
      (f) => (f.type === 'ClaimRetracted' || f.type === 'ClaimCorrected') && f.data.eventId === canonicalId(eventId),
    );
    return {
      event,
      source: sourceId ? (this.register.source(sourceId) ?? null) : null,
      retractedBy: knowledge.filter((f) => f.type === 'ClaimRetracted').map((f) => f.id),
      correctedBy: knowledge.filter((f) => f.type === 'ClaimCorrected').map((f) => f.id),
    };
  }
}

/** A whole number written as one (an empty value is not 0); NaN otherwise. */
const integerOf = (value: string): number => (/^-?\d+$/.test(value) ? Number(value) : NaN);

const BATCH_FIELDS = ['events', 'expectedRevision'];

const answerOf = (result: AppendResult): AppendAnswer => {
  const mixed = result.written && result.events.some((e) => e.existing);
  return {
    events: result.events.map((e) => ({
      id: e.id, revision: e.revision, position: e.position, recordedAt: e.recordedAt, hash: e.hash,
      ...(mixed && e.existing ? { existing: true as const } : {}),
    })),
    revision: result.revision,
    position: result.position,
  };
};
