// Riverton, a small invented crisis worked out by hand from the projection rules (docs/projections.md), with
// fixed ids (R1..R16); the team's shared conformance kit runs the same example against a live server.
// date-only occurredAt is the start of that day in UTC (the incident's zone); reportedAt is the source's publishedAt.
import { IncidentEvent } from '../core/events';
import { report, Report, stored } from './given';

export const RIVERTON = 'riverton-2023';

const publishedAt: Record<string, string> = {
  'rg-0510': '2023-05-10T06:00:00Z',
  'ea-0511': '2023-05-11T15:00:00Z',
  'rg-0513': '2023-05-13T06:00:00Z',
  'ir-0514': '2023-05-14T10:00:00Z',
};

const from = (sourceId: string, quote: string, attributedTo?: string) => ({
  source: { sourceId, quote, ...(attributedTo && { attributedTo }) },
  reportedAt: publishedAt[sourceId],
  incidentId: RIVERTON,
});

const reports: [string, Report][] = [
  ['R1', report('ProtestReported', { description: 'March against the dam project', cause: 'dam project' }, { occurredAt: '2023-05-08', ...from('rg-0510', 'Thousands marched against the dam project on Monday.') })],
  ['R2', report('MeasureImposed', { measure: 'curfew', scope: 'Riverton' }, { occurredAt: '2023-05-09T18:00:00Z', ...from('rg-0510', 'A curfew was imposed on Riverton from 6 pm on Tuesday.') })],
  ['R3', report('CasualtiesReported', { category: 'injured', group: 'protesters', figure: { best: 30, qualifier: 'approximately', text: 'about 30' } }, { occurredAt: '2023-05-09', ...from('rg-0510', 'Hospital staff said about 30 protesters were treated for injuries.', 'hospital staff') })],
  ['R4', report('OfficialStatusChanged', { person: 'Ilse Varga', role: 'Mayor of Riverton', change: 'removed' }, { occurredAt: '2023-05-10', ...from('ea-0511', 'The mayor, Ilse Varga, was removed from office on Wednesday.') })],
  ['R5', report('AssistanceRequested', { requestedBy: 'Eastmark government', requestedFrom: 'Northern Compact' }, { occurredAt: '2023-05-10T12:00:00Z', ...from('ea-0511', 'The government asked the Northern Compact for help at noon on Wednesday.') })],
  ['R6', report('DeploymentAuthorized', { authority: 'Northern Compact', contributors: ['Corvia'] }, { occurredAt: '2023-05-11T08:00:00Z', ...from('ea-0511', 'The Compact approved sending Corvian troops on Thursday morning.') })],
  ['R7', report('CasualtiesReported', { category: 'injured', group: 'protesters', figure: { best: 45, low: 40, high: 60 } }, { occurredAt: '2023-05-10', ...from('ea-0511', 'The Red Cross counted between 40 and 60 injured protesters, most likely 45.', 'Red Cross') })],
  ['R8', report('CasualtiesReported', { category: 'injured', group: 'protesters', figure: { best: 52 } }, { occurredAt: '2023-05-12', ...from('rg-0513', 'Hospital staff now report 52 injured protesters.', 'hospital staff') })],
  ['R9', report('TroopsDeployed', { contributor: 'Corvia', strength: { best: 800, qualifier: 'at_least' }, status: 'arriving' }, { occurredAt: '2023-05-12', ...from('rg-0513', 'At least 800 Corvian soldiers began arriving on Friday.') })],
  ['R10', report('CasualtiesReported', { category: 'killed', group: 'civilians', figure: { best: 3 } }, { occurredAt: '2023-05-12', ...from('rg-0513', 'Police said three civilians were killed on Friday.', 'police') })],
  ['R11', report('FacilityControlChanged', { facility: 'Riverton Dam', controlledBy: 'protesters' }, { occurredAt: '2023-05-11', ...from('rg-0513', 'Protesters had occupied the Riverton Dam since Thursday.') })],
  ['R12', report('ClaimCorrected', { eventId: 'R10', figure: { best: 2 } }, { occurredAt: '2023-05-13', ...from('ir-0514', 'Two civilians, not three, died on Friday.') })],
  ['R13', report('TroopsWithdrawn', { contributor: 'Corvia', strength: { best: 300 }, completed: false }, { occurredAt: '2023-05-14', ...from('ir-0514', 'Corvia began withdrawing; 300 of its soldiers remain.') })],
  ['R14', report('CasualtiesReported', { category: 'injured', group: 'protesters', figure: { best: 50 } }, { occurredAt: '2023-05-11', ...from('ea-0511', 'By Thursday the Red Cross count had risen to 50 injured.', 'Red Cross') })],
  ['R15', report('ClaimRetracted', { eventId: 'R3', reason: 'double-counted' }, { occurredAt: '2023-05-14', ...from('ir-0514', 'The earlier hospital figure of 30 injured was double-counted and has been withdrawn.') })],
  ['R16', report('MeasureLifted', { measure: 'curfew', scope: 'Riverton' }, { occurredAt: '2023-05-14', ...from('ir-0514', 'The curfew was lifted on Sunday.') })],
];

/** Posted in this order, as one batch: positions increase from R1 to R16. */
export const riverton: IncidentEvent[] = stored(...reports.map(([id, r]) => ({ ...r, id })));
