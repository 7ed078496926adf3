import { Measure } from '../core/events';
import { projection, report, ReportEnvelope } from './given';
import { situation } from './situation';

const { given } = projection(situation);

const imposed = (measure: Measure, scope?: string, envelope: ReportEnvelope = {}) =>
  report('MeasureImposed', { measure, ...(scope && { scope }) }, envelope);
const lifted = (measure: Measure, scope?: string, envelope: ReportEnvelope = {}) =>
  report('MeasureLifted', { measure, ...(scope && { scope }) }, envelope);
const on = (occurredAt: string, id?: string) => ({ occurredAt, ...(id && { id }) });

describe('situation board', () => {
  it('carries the description of the latest MeasureImposed of the key, also once lifted; null when it has none', () => {
    given(
      report('MeasureImposed', { measure: 'other', description: 'ban on gatherings' }, { id: 'o1', ...on('2022-01-05') }),
      report('MeasureImposed', { measure: 'other', description: 'ban on public gatherings of over 3' }, { id: 'o2', ...on('2022-01-06') }),
      report('MeasureLifted', { measure: 'other' }, { id: 'o3', ...on('2022-01-09') }),
      imposed('curfew', undefined, { id: 'c', ...on('2022-01-05') }),
    ).when().then({
      measures: [
        { measure: 'curfew', active: true, description: null, eventId: 'c' },
        { measure: 'other', active: false, description: 'ban on public gatherings of over 3', eventId: 'o3' },
      ],
    });
    given(
      report('MeasureImposed', { measure: 'other', description: 'ban on gatherings' }, { id: 'o1', ...on('2022-01-05') }),
      report('MeasureImposed', { measure: 'other', description: 'ban on public gatherings of over 3' }, { id: 'o2', ...on('2022-01-06') }),
    ).when({ asOf: '2022-01-05' }).then({ measures: [{ measure: 'other', description: 'ban on gatherings' }] });
  });

  it('shows each measure by (measure, scope), nationwide by default, active since its latest change', () => {
    given(
      imposed('curfew', 'Almaty', on('2022-01-05', 'c1')),
      imposed('state_of_emergency', undefined, on('2022-01-05', 'soe')),
      imposed('curfew', 'Aktobe', on('2022-01-06', 'c2')),
      lifted('curfew', 'Almaty', on('2022-01-12', 'c3')),
    ).when().then({
      measures: [
        { measure: 'curfew', scope: 'Aktobe', active: true, since: '2022-01-06T00:00:00.000Z', eventId: 'c2' },
        { measure: 'curfew', scope: 'Almaty', active: false, since: '2022-01-12T00:00:00.000Z', eventId: 'c3' },
        { measure: 'state_of_emergency', scope: 'nationwide', active: true, since: '2022-01-05T00:00:00.000Z', eventId: 'soe' },
      ],
    });
  });

  it('decides by "latest" order: a late report of an earlier lifting does not end a later imposition', () => {
    given(
      imposed('internet_shutdown', undefined, on('2022-01-10', 'again')),
      lifted('internet_shutdown', undefined, { ...on('2022-01-07', 'late'), reportedAt: '2022-01-11' }),
    ).when().then({ measures: [{ active: true, eventId: 'again' }] });
  });

  it('dates a state from the change that set it: a repeated report of the same value is not a change', () => {
    given(
      imposed('curfew', undefined, on('2022-01-05', 'first')),
      imposed('curfew', undefined, { ...on('2022-01-06', 'again'), source: { sourceId: 'other' } }),
      report('FacilityControlChanged', { facility: 'airport', controlledBy: 'protesters' }, on('2022-01-05', 'seized')),
      report('FacilityControlChanged', { facility: 'airport', controlledBy: 'protesters' }, on('2022-01-06', 'still')),
      report('OfficialStatusChanged', { person: 'Massimov', change: 'detained' }, on('2022-01-08', 'held')),
      report('OfficialStatusChanged', { person: 'Massimov', change: 'detained' }, on('2022-01-09', 'still-held')),
    ).when().then({
      measures: [{ active: true, since: '2022-01-05T00:00:00.000Z', eventId: 'first' }],
      facilities: [{ controlledBy: 'protesters', since: '2022-01-05T00:00:00.000Z', eventId: 'seized' }],
      officials: [{ status: 'detained', since: '2022-01-08T00:00:00.000Z', eventId: 'held' }],
    });
  });

  it('answers for the clocks: asOf before the lifting, knownAt before it was reported', () => {
    const events = [imposed('curfew', undefined, on('2022-01-05', 'i')), lifted('curfew', undefined, { ...on('2022-01-07', 'l'), reportedAt: '2022-01-09' })];
    given(...events).when({ asOf: '2022-01-06' }).then({ measures: [{ active: true, eventId: 'i' }] });
    given(...events).when({ knownAt: '2022-01-08' }).then({ measures: [{ active: true, eventId: 'i' }] });
    given(...events).when({ atPosition: 1 }).then({ measures: [{ active: true, eventId: 'i' }] });
    given(...events).when().then({ measures: [{ active: false, eventId: 'l' }] });
  });

  it('leaves retracted changes out and applies corrections', () => {
    given(
      imposed('curfew', undefined, on('2022-01-05', 'i')),
      lifted('curfew', undefined, on('2022-01-06', 'l')),
      report('ClaimRetracted', { eventId: 'l' }),
      imposed('flight_suspension', 'Almaty', on('2022-01-05', 'f')),
      report('ClaimCorrected', { eventId: 'f', data: { scope: 'Almaty airport' } }),
    ).when().then({
      measures: [
        { measure: 'curfew', active: true, eventId: 'i' },
        { measure: 'flight_suspension', scope: 'Almaty airport', eventId: 'f' },
      ],
    });
  });

  it('shows who controls each facility, and since when', () => {
    given(
      report('FacilityControlChanged', { facility: 'Almaty airport', controlledBy: 'protesters' }, on('2022-01-05', 'seized')),
      report('FacilityControlChanged', { facility: 'Almaty airport', controlledBy: 'CSTO forces', previousController: 'protesters' }, on('2022-01-07', 'retaken')),
      report('FacilityControlChanged', { facility: 'Akimat building', controlledBy: 'protesters' }, on('2022-01-05', 'akimat')),
    ).when().then({
      facilities: [
        { facility: 'Akimat building', controlledBy: 'protesters', since: '2022-01-05T00:00:00.000Z', eventId: 'akimat' },
        { facility: 'Almaty airport', controlledBy: 'CSTO forces', since: '2022-01-07T00:00:00.000Z', eventId: 'retaken' },
      ],
    });
  });

  it('shows officials\' latest status, keeping a role named earlier', () => {
    given(
      report('OfficialStatusChanged', { person: 'Karim Massimov', role: 'KNB chairman', change: 'removed' }, on('2022-01-06', 'r')),
      report('OfficialStatusChanged', { person: 'Karim Massimov', change: 'detained', charge: 'treason' }, on('2022-01-08', 'd')),
      report('OfficialStatusChanged', { person: 'Askar Mamin', role: 'Prime Minister', change: 'resigned' }, on('2022-01-05', 'm')),
    ).when().then({
      officials: [
        { person: 'Askar Mamin', role: 'Prime Minister', status: 'resigned', since: '2022-01-05T00:00:00.000Z', eventId: 'm' },
        { person: 'Karim Massimov', role: 'KNB chairman', status: 'detained', since: '2022-01-08T00:00:00.000Z', eventId: 'd' },
      ],
    });
  });

  it('lists every government change, by body, then in "latest" order', () => {
    given(
      report('GovernmentChanged', { body: 'Government', change: 'appointed' }, on('2022-01-11', 'new')),
      report('GovernmentChanged', { body: 'Government', change: 'resigned' }, on('2022-01-05', 'old')),
      report('GovernmentChanged', { body: 'Security Council', change: 'appointed' }, on('2022-01-05', 'sc')),
    ).when().then({
      government: [
        { body: 'Government', change: 'resigned', at: '2022-01-05T00:00:00.000Z', eventId: 'old' },
        { body: 'Government', change: 'appointed', at: '2022-01-11T00:00:00.000Z', eventId: 'new' },
        { body: 'Security Council', change: 'appointed', eventId: 'sc' },
      ],
    });
  });

  it('is empty before anything happened', () => {
    given(imposed('curfew', undefined, on('2022-01-05'))).when({ asOf: '2022-01-04' }).then({ measures: [], facilities: [], officials: [], government: [] });
  });
});
