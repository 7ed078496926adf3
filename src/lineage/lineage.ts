import { Injectable } from '@nestjs/common';
import { InvalidInput, NotFound } from '../core/errors';
import { NO_FILTERS } from '../core/filters';
import { Fact } from '../core/projections/facts';
import { Projector } from '../core/projections/projector';
import { AnyReadModel } from '../core/projections/read-model';
import { incidentPartition } from '../projections/facts';
import { standing } from '../projections/knowledge';
import { Register } from '../register/register';
import { ProjectionReader } from '../replay/projection-reader';
import { changesBetween } from './changes';
import { evidenceFor, EvidenceContext } from './evidence';
import { ChangesQuery, LineageQuery } from './lineage.query';
import { parsePointer, resolvePointer } from './pointer';

const detailsOf = (f: Fact) => ({
  eventId: f.id,
  type: f.type,
  sourceId: f.source.sourceId,
  quote: f.source.quote ?? null,
  attributedTo: f.source.attributedTo ?? null,
  occurredAt: f.occurredAt,
  occurredAtAsReported: f.occurredAtAsReported,
  reportedAt: f.reportedAt,
  position: f.position,
});

/** Where each number of a projection comes from, and what changed between two times. */
@Injectable()
export class Lineage {
  constructor(private readonly projector: Projector, private readonly reader: ProjectionReader, private readonly register: Register) {}

  async lineage(model: AnyReadModel, incidentId: string, query: LineageQuery) {
    const tokens = parsePointer(query.path);
    if (tokens === null) throw new InvalidInput([{ field: 'path', message: 'path must be a JSON pointer (RFC 6901): empty, or "/" then names and indices, such as /tallies/0/best' }]);
    const { body, filters, position } = await this.reader.answer(model, incidentId, query);
    const named = resolvePointer(body, tokens);
    if (!named.found) throw new NotFound(`The ${model.name} answer has nothing at ${query.path}: ${named.reason}`);
    const facts = this.projector.facts(incidentPartition(incidentId));
    const byId = new Map(facts.map((f) => [f.id, f]));
    const evidence = evidenceFor(body, tokens, this.context(facts.filter((f) => model.canHandle(f)), filters, byId));
    const used = [...new Set(evidence.used)].flatMap((id) => byId.get(id) ?? []);
    const excluded = evidence.excluded.map((x) => ({
      ...x,
      event: byId.has(x.eventId) ? detailsOf(byId.get(x.eventId)!) : null,
      byEvent: byId.has(x.by) ? detailsOf(byId.get(x.by)!) : null,
    }));
    const sourceIds = [...new Set([...used, ...evidence.excluded.flatMap((x) => [byId.get(x.eventId), byId.get(x.by)])].flatMap((f) => (f ? [f.source.sourceId] : [])))].sort();
    return {
      incidentId,
      projection: model.name,
      filters: body.filters,
      position,
      path: query.path,
      value: named.value,
      rule: evidence.rule,
      events: used.map(detailsOf),
      excluded,
      sources: sourceIds.map((id) => {
        const s = this.register.source(id);
        return { id, publisher: s?.publisher ?? null, title: s?.title ?? null, publishedAt: s?.publishedAt ?? null, url: s?.url ?? null };
      }),
      eventIds: used.map((f) => f.id),
    };
  }

  async changes(model: AnyReadModel, incidentId: string, query: ChangesQuery) {
    const incident = this.reader.incident(incidentId);
    const clock = query.clock ?? 'knownAt';
    const from = await this.reader.clocks({ [clock]: query.from }, incident.timeZone).catch((e) => rename(e, clock, 'from'));
    const to = await this.reader.clocks({ [clock]: query.to }, incident.timeZone).catch((e) => rename(e, clock, 'to'));
    const a = this.reader.bodyAt(model, incidentId, from.filters, from.position);
    const b = this.reader.bodyAt(model, incidentId, to.filters, to.position);
    const [lo, hi] = [from.filters[clock]!, to.filters[clock]!].sort();
    const facts = this.projector.facts(incidentPartition(incidentId));
    const byId = new Map(facts.map((f) => [f.id, f]));
    const field = clock === 'knownAt' ? 'reportedAt' : 'occurredAt';
    const between = new Set(facts.filter((f) => f[field] > lo && f[field] <= hi).map((f) => f.id));
    const handled = facts.filter((f) => model.canHandle(f));
    const ctxA = this.context(handled, from.filters, byId);
    const ctxB = this.context(handled, to.filters, byId);
    const idsOf = (body: Record<string, unknown>, tokens: string[], ctx: EvidenceContext) => {
      const e = evidenceFor(body, tokens, ctx);
      return [...e.used, ...e.excluded.flatMap((x) => [x.eventId, x.by])];
    };
    return {
      incidentId,
      projection: model.name,
      clock,
      from: from.filters[clock],
      to: to.filters[clock],
      changes: changesBetween(a, b).map((c) => {
        const ids = new Set([
          ...(c.in === 'to' ? idsOf(b, c.tokens, ctxB) : []),
          ...(c.fromTokens ? idsOf(a, c.fromTokens, ctxA) : []),
        ]);
        return { path: c.path, before: c.before, after: c.after, events: [...ids].filter((id) => between.has(id)) };
      }),
    };
  }

  private context(handled: readonly Fact[], filters: typeof NO_FILTERS, byId: Map<string, Fact>): EvidenceContext {
    let stand: ReturnType<typeof standing> | undefined;
    return {
      get standing() {
        return (stand ??= standing(handled, filters));
      },
      describe: (eventId) => {
        const f = byId.get(eventId);
        if (!f) return { voice: eventId, date: '' };
        const publisher = this.register.source(f.source.sourceId)?.publisher ?? f.source.sourceId;
        return { voice: f.source.attributedTo ? `${f.source.attributedTo} via ${publisher}` : publisher, date: f.occurredAtAsReported };
      },
    };
  }
}

/** A clock error named for the parameter it came from. */
function rename(error: unknown, clock: string, field: 'from' | 'to'): never {
  if (error instanceof InvalidInput) {
    throw new InvalidInput(error.details.map((d) => ({ field: d.field === clock ? field : d.field, message: d.message.replace(clock, field) })));
  }
  throw error;
}
