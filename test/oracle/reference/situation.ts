// "Situation board": measures, facilities, officials, government changes.
import { Standing, textOrder, worldAt } from './knowledge';
import { RefEvent, RefFilters, RefSituation } from './types';

/**
 * The latest event of a key decides its value; `since` is when that value began: the earliest of the run of
 * latest events with the same value (a repeated report of the same value is not a change).
 */
const currentOf = (events: Standing[], valueOf: (s: Standing) => string): { latest: Standing; since: Standing } => {
  const latest = events[events.length - 1];
  let since = latest;
  for (let i = events.length - 1; i >= 0 && valueOf(events[i]) === valueOf(latest); i--) since = events[i];
  return { latest, since };
};

export const referenceSituation = (all: RefEvent[], f: RefFilters): RefSituation => {
  const counted = worldAt(all, f).filter((s) => s.retractedBy === null);

  const measureEvents = counted.filter((s) => s.event.type === 'MeasureImposed' || s.event.type === 'MeasureLifted');
  const measureKeys: { measure: string; scope: string }[] = [];
  const scopeOf = (s: Standing): string => s.data.scope ?? 'nationwide';
  for (const s of measureEvents) {
    if (!measureKeys.some((k) => k.measure === s.data.measure && k.scope === scopeOf(s))) measureKeys.push({ measure: s.data.measure, scope: scopeOf(s) });
  }
  const measures = measureKeys
    .map((k) => {
      const ofKey = measureEvents.filter((s) => s.data.measure === k.measure && scopeOf(s) === k.scope);
      const { latest, since } = currentOf(ofKey, (s) => s.event.type);
      const imposed = ofKey.filter((s) => s.event.type === 'MeasureImposed');
      const lastImposed = imposed.length > 0 ? imposed[imposed.length - 1] : null;
      return {
        measure: k.measure,
        scope: k.scope,
        active: latest.event.type === 'MeasureImposed',
        since: since.event.occurredAt,
        description: lastImposed && lastImposed.data.description !== undefined ? (lastImposed.data.description as string) : null,
        eventId: since.event.id,
      };
    })
    .sort((a, b) => textOrder(a.measure, b.measure) || textOrder(a.scope, b.scope));

  const facilityEvents = counted.filter((s) => s.event.type === 'FacilityControlChanged');
  const facilityNames = [...new Set(facilityEvents.map((s) => s.data.facility as string))].sort(textOrder);
  const facilities = facilityNames.map((name) => {
    const { latest, since } = currentOf(facilityEvents.filter((s) => s.data.facility === name), (s) => s.data.controlledBy);
    return { facility: name, controlledBy: latest.data.controlledBy as string, since: since.event.occurredAt, eventId: since.event.id };
  });

  const officialEvents = counted.filter((s) => s.event.type === 'OfficialStatusChanged');
  const people = [...new Set(officialEvents.map((s) => s.data.person as string))].sort(textOrder);
  const officials = people.map((person) => {
    const own = officialEvents.filter((s) => s.data.person === person);
    const { latest, since } = currentOf(own, (s) => s.data.change);
    // Reading: the role is the one named by the latest report that names one.
    let role: string | null = null;
    for (const s of own) if (s.data.role) role = s.data.role;
    return { person, role, status: latest.data.change as string, since: since.event.occurredAt, eventId: since.event.id };
  });

  // Government changes: every one, ordered by body (then "latest" order, kept by the stable sort).
  const government = counted
    .filter((s) => s.event.type === 'GovernmentChanged')
    .map((s) => ({ body: s.data.body as string, change: s.data.change as string, at: s.event.occurredAt, eventId: s.event.id }))
    .sort((a, b) => textOrder(a.body, b.body));

  return { measures, facilities, officials, government };
};
