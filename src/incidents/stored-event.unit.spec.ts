import { RecordedEvent } from '../core/event-store/event-store';
import { CATALOGUE } from './catalogue';
import { inCurrentSchema as served } from './stored-event';

const recorded = (event: Record<string, unknown>): RecordedEvent =>
  ({ id: 'e1', type: event.type as string, stream: 'incident-a', revision: 0, position: 7, append: { id: 'a', index: 0, count: 1 }, recordedAt: '', prevHash: '', hash: 'h', json: '', event });

describe('an event read from the log', () => {
  const kind = CATALOGUE.StatementMade;
  const original = { ...kind, upcasters: { ...kind.upcasters } };
  afterEach(() => Object.assign(kind, original));

  it('is served as stored when its schema is current', () => {
    const event = { id: 'e1', type: 'StatementMade', schemaVersion: 1, data: { speaker: 'A', summary: 'B' } };
    expect(served(recorded(event))).toEqual({ ...event, hash: 'h', position: 7 });
  });

  it('is upcast from an older schema version, and checked again against the current payload class', () => {
    Object.assign(kind, { schemaVersion: 2, upcasters: { 1: (d: Record<string, unknown>) => ({ speaker: d.who, summary: d.summary }) } });
    const old = { id: 'e1', type: 'StatementMade', schemaVersion: 1, data: { who: 'Minister', summary: 'Order restored' } };
    expect(served(recorded(old))).toMatchObject({ schemaVersion: 2, data: { speaker: 'Minister', summary: 'Order restored' } });
    Object.assign(kind, { upcasters: { 1: (d: Record<string, unknown>) => ({ summary: d.summary }) } });
    expect(() => served(recorded(old))).toThrow('data.speaker');
  });
});
