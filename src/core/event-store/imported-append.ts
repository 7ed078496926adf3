import { InvalidChain } from '../errors';
import { sha256 } from './chain';
import { RecordedEvent } from './event-store';

/**
 * Checks that `events` are one append of `stream` that can be copied exactly after a head at
 * `headRevision` with `headHash`: consecutive revisions from the next one, each hashing to its
 * `hash`, each chained to the one before. Shared by every adapter's `importAppend`.
 */
export function checkImportedAppend(stream: string, events: RecordedEvent[], headRevision: number, headHash: string): void {
  if (events.length === 0) throw new InvalidChain(stream, headRevision + 1, 'an append has at least one event');
  let prev = headHash;
  for (const [i, e] of events.entries()) {
    const where = (reason: string) => new InvalidChain(stream, e.revision, reason);
    if (e.stream !== stream) throw where(`belongs to stream ${e.stream}`);
    if (e.revision !== headRevision + 1 + i) throw where(`expected revision ${headRevision + 1 + i}`);
    if (e.append.id !== events[0].append.id || e.append.index !== i || e.append.count !== events.length) {
      throw where('the events are not one whole append in order');
    }
    if (sha256(e.json) !== e.hash) throw where('its JSON does not hash to its hash');
    const parsed = JSON.parse(e.json) as Record<string, unknown>;
    if (parsed.revision !== e.revision || parsed.id !== e.id || parsed.type !== e.type) throw where('its JSON names another id, type or revision');
    if (parsed.prevHash !== e.prevHash) throw where('its prevHash is not the one in its JSON');
    if (parsed.prevHash !== prev) throw where(`its prevHash does not chain to ${prev.slice(0, 12)}…`);
    prev = e.hash;
  }
}
