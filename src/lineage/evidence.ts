import { Standing } from '../projections/knowledge';
import { formatPointer } from './pointer';

/** How one value of an answer was derived: in words, from which events, and which claims were left out and why. */
export interface Evidence {
  rule: string;
  /** The events that produced the value (a correction right after the event it corrects). */
  used: string[];
  excluded: Array<{ eventId: string; by: string; reason: string }>;
}

/** What the rules' wording needs to know of an event. */
export interface Described {
  voice: string;
  date: string;
}

export interface EvidenceContext {
  /** The events of the incident as they stand under the same filters, in "latest" order. */
  standing: readonly Standing[];
  describe(eventId: string): Described;
}

type Json = Record<string, unknown>;
interface Claim {
  eventId: string;
  correctedBy: string | null;
  figure: { low: number | null; best: number; high: number | null; qualifier: string; text: string | null };
}
interface Summary {
  low: number | null;
  best: number | null;
  high: number | null;
  openEnded: boolean;
  bestFrom: string | null;
  claims: Claim[];
  excluded: Array<{ eventId: string; by: string; reason: string }>;
}

const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);
const isSummary = (x: unknown): x is Summary => isObject(x) && Array.isArray(x.claims) && Array.isArray(x.excluded) && 'bestFrom' in x;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const withCorrections = (claims: Claim[]): string[] => claims.flatMap((c) => (c.correctedBy ? [c.eventId, c.correctedBy] : [c.eventId]));

const leftOut = (summary: Summary): string => {
  if (summary.excluded.length === 0) return '';
  const counts = new Map<string, number>();
  for (const x of summary.excluded) counts.set(x.reason, (counts.get(x.reason) ?? 0) + 1);
  return `; ${plural(summary.excluded.length, 'claim')} left out (${[...counts].map(([reason, n]) => `${n} ${reason}`).join(', ')})`;
};

/** A figure of a summary (low, best, high, openEnded, bestFrom or the whole summary), from its counted claims. */
function summaryEvidence(summary: Summary, field: string | undefined, what: string, ctx: EvidenceContext): Evidence {
  const claims = summary.claims;
  const used = withCorrections(claims);
  const excluded = summary.excluded;
  const of = plural(claims.length, 'counted claim');
  const tail = leftOut(summary);
  if (claims.length === 0) return { rule: `${what}: unknown, no claim counts${tail}`, used, excluded };
  const from = (id: string) => {
    const d = ctx.describe(id);
    return `${d.voice}, ${d.date}`;
  };
  switch (field) {
    case 'best':
    case 'bestFrom': {
      const source = claims.find((c) => c.eventId === summary.bestFrom)!;
      const definite = source.figure.qualifier === 'exact' || source.figure.qualifier === 'approximately';
      return {
        rule: `${what} best ${summary.best}: the best of the most recent ${definite ? 'exact or approximate ' : ''}claim by occurredAt, of ${of}: ${from(source.eventId)}${tail}`,
        used: withCorrections([source, ...claims.filter((c) => c !== source)]),
        excluded,
      };
    }
    case 'low': {
      const lows = claims.filter((c) => c.figure.low !== null);
      if (summary.low === null) return { rule: `${what} low: unknown, no counted claim gives a lower bound (${of})${tail}`, used, excluded };
      const lowest = lows.find((c) => c.figure.low === summary.low)!;
      return { rule: `${what} low ${summary.low}: the lowest lower bound of ${of}, from ${from(lowest.eventId)}${tail}`, used, excluded };
    }
    case 'high':
    case 'openEnded': {
      const open = claims.filter((c) => c.figure.high === null);
      if (open.length > 0) {
        return {
          rule: `${what} ${field === 'high' ? 'high: none (open-ended)' : 'open-ended'}: ${plural(open.length, 'counted claim')} give${open.length === 1 ? 's' : ''} no upper bound (${open.map((c) => c.figure.text ?? `${c.figure.qualifier.replace('_', ' ')} ${c.figure.best}`).join('; ')}), of ${of}${tail}`,
          used,
          excluded,
        };
      }
      const highest = claims.find((c) => c.figure.high === summary.high)!;
      return { rule: `${what} ${field === 'high' ? `high ${summary.high}: the highest upper bound` : 'not open-ended: every claim has an upper bound'} of ${of}${field === 'high' ? `, from ${from(highest.eventId)}` : ''}${tail}`, used, excluded };
    }
    default:
      return { rule: `${what}: low ${summary.low ?? 'unknown'}, best ${summary.best ?? 'unknown'}, high ${summary.high ?? (summary.openEnded ? 'none (open-ended)' : 'unknown')} from ${of}${tail}`, used, excluded };
  }
}

/** Every event id named anywhere under a value: what a list or a whole answer was derived from. */
function everyEvent(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const x of value) everyEvent(x, into);
  else if (isObject(value)) {
    for (const key of ['eventId', 'bestFrom', 'correctedBy', 'by', 'retractedBy']) if (typeof value[key] === 'string') into.add(value[key] as string);
    for (const x of Object.values(value)) if (typeof x === 'object') everyEvent(x, into);
  }
  return into;
}

type TroopReport = Standing<'TroopsDeployed' | 'TroopsWithdrawn'>;
const isTroopReport = (s: Standing): s is TroopReport => s.type === 'TroopsDeployed' || s.type === 'TroopsWithdrawn';

/** A troop unit's status and dates: the counted reports about it (the latest sets the status). */
function unitEvidence(unit: Json, field: string, ctx: EvidenceContext, byContributor: boolean): Evidence {
  const name = String(byContributor ? unit.contributor : unit.force);
  const reports = ctx.standing.filter(
    (s): s is TroopReport => isTroopReport(s) && s.retractedBy === null && (byContributor ? s.data.contributor === name : s.data.contributor == null && s.data.force === name),
  );
  const authorizations = byContributor
    ? ctx.standing.filter((s) => s.type === 'DeploymentAuthorized' && s.retractedBy === null && ((s.data as { contributors?: string[] }).contributors ?? []).includes(name))
    : [];
  const ids = (xs: Standing[]) => xs.flatMap((s) => (s.correctedBy ? [s.id, s.correctedBy] : [s.id]));
  const latest = reports.at(-1);
  const label = byContributor ? `${name}'s troops` : `the force ${name}`;
  switch (field) {
    case 'firstArrivedAt':
    case 'firstArrivedAtAsReported': {
      const first = reports.find((r) => r.type === 'TroopsDeployed');
      return first
        ? { rule: `${label} first arrived at ${unit[field]}: the earliest counted deployment report, ${ctx.describe(first.id).voice}`, used: ids([first]), excluded: [] }
        : { rule: `${label}: no counted deployment report, so no arrival`, used: [], excluded: [] };
    }
    case 'withdrawnAt':
    case 'withdrawnAtAsReported':
    case 'status':
    default:
      if (!latest) {
        return {
          rule: `${label}: ${unit.status === 'authorized' ? 'authorized by the deployment authorizations below, with no counted troop report' : 'no counted troop report'}`,
          used: ids(authorizations),
          excluded: [],
        };
      }
      return {
        rule: `${label} ${field === 'status' ? `status ${String(unit.status)}` : `${field} ${String(unit[field])}`}: from the latest of ${plural(reports.length, 'counted troop report')} by occurredAt, ${ctx.describe(latest.id).voice}, ${ctx.describe(latest.id).date}`,
        used: [...ids([latest]), ...ids(reports.slice(0, -1).reverse())],
        excluded: [],
      };
  }
}

/**
 * The evidence for the value at `tokens` in a projection's answer: the nearest thing above it that
 * carries evidence decides (a claim summary, an entry with its event, a troop unit, the troop total).
 */
export function evidenceFor(answer: Json, tokens: readonly string[], ctx: EvidenceContext): Evidence {
  const at = (n: number): unknown => tokens.slice(0, n).reduce<unknown>((v, t) => (v as Json)[t as never], answer);
  for (let depth = tokens.length; depth >= 0; depth--) {
    const holder = at(depth);
    const rest = tokens.slice(depth);
    const where = formatPointer(tokens.slice(0, depth)) || 'the answer';
    if (isSummary(holder)) {
      if (rest[0] === 'claims' && rest.length >= 2) {
        const claim = holder.claims[Number(rest[1])];
        return { rule: `a counted claim, as its event ${claim.correctedBy ? 'reports it after the correction' : 'reports it'}`, used: withCorrections([claim]), excluded: [] };
      }
      if (rest[0] === 'excluded' && rest.length >= 2) {
        const x = holder.excluded[Number(rest[1])];
        return { rule: `a claim left out: ${x.reason} by ${x.by}`, used: [x.eventId, x.by], excluded: [x] };
      }
      if (rest[0] === 'claims' || rest[0] === 'excluded') return { rule: `the ${rest[0]} of ${where}`, used: [...everyEvent(holder[rest[0]])], excluded: rest[0] === 'excluded' ? holder.excluded : [] };
      return summaryEvidence(holder, rest[0], where, ctx);
    }
    if (depth === 2 && (tokens[0] === 'contributors' || tokens[0] === 'forces') && isObject(holder) && !['strength'].includes(rest[0] ?? '')) {
      return unitEvidence(holder, rest[0] ?? 'status', ctx, tokens[0] === 'contributors');
    }
    if (depth === 1 && tokens[0] === 'total' && isObject(holder)) {
      const units = ((answer[String(holder.from)] as Json[] | undefined) ?? []).filter((u) => ['arriving', 'deployed', 'withdrawing'].includes(String(u.status)));
      const summaries = units.map((u) => u.strength as Summary);
      const used = summaries.flatMap((s) => withCorrections(s.claims));
      const names = units.map((u) => `${String(u.contributor ?? u.force)} ${(u.strength as Summary).best ?? 'unknown'}`);
      const field = rest[0] ?? 'best';
      return {
        rule: units.length === 0
          ? `total ${field}: ${holder[field] === 0 ? '0: every unit that was present has left' : 'unknown: no unit is present'}`
          : `total ${field} ${String(holder[field])}: the sum over the ${plural(units.length, holder.from === 'forces' ? 'force' : 'contributor')} present (${names.join(', ')}), each its strength's ${field}; a unit of unknown strength adds nothing and leaves the total open-ended`,
        used,
        excluded: summaries.flatMap((s) => s.excluded),
      };
    }
    if (isObject(holder) && typeof holder.eventId === 'string') {
      // An entry set by its event; a claim with its correction; a claim left out with what left it out.
      const used = [holder.eventId, ...['correctedBy', 'by', 'retractedBy'].flatMap((k) => (typeof holder[k] === 'string' ? [holder[k] as string] : []))];
      const why = typeof holder.by === 'string' ? `: ${String(holder.reason)} by ${holder.by}` : '';
      return { rule: `${where} is set by its event ${holder.eventId}${why}${rest.length > 0 ? ` (${rest.join('.')})` : ''}`, used, excluded: [] };
    }
  }
  const all = [...everyEvent(tokens.length === 0 ? answer : at(tokens.length))];
  return { rule: all.length === 0 ? 'not derived from events' : `everything under ${formatPointer(tokens) || 'the answer'}: the events it names`, used: all, excluded: [] };
}
