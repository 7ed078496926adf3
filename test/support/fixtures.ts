import { randomUUID } from 'node:crypto';
import { RunningLedger } from './ledger';

export const SOURCE_TEXT =
  'Police said 12 officers were killed on Thursday. More than 1,000 people were injured, health officials said. The airport was retaken.';

/** Registers a source with text and a fresh incident, and returns their ids. */
export async function freshIncident(ledger: RunningLedger, timeZone = 'Asia/Almaty'): Promise<{ incidentId: string; sourceId: string }> {
  const sourceId = `src-${randomUUID().slice(0, 8)}`;
  const incidentId = `inc-${randomUUID().slice(0, 8)}`;
  const s = await ledger.call('POST', '/sources', { id: sourceId, publisher: 'Wire', title: 'Clashes', publishedAt: '2022-01-07T06:00:00Z', text: SOURCE_TEXT });
  const i = await ledger.call('POST', '/incidents', { id: incidentId, title: 'Unrest', timeZone });
  if (s.status !== 201 || i.status !== 201) throw new Error(`fixture: ${s.text} ${i.text}`);
  return { incidentId, sourceId };
}

export const killed = (sourceId: string, best: number, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'CasualtiesReported',
  occurredAt: '2022-01-06',
  source: { sourceId, quote: 'Police said 12 officers were killed on Thursday.', attributedTo: 'police' },
  data: { category: 'killed', group: 'security_forces', figure: { best } },
  ...extra,
});
