import { v5 as uuidv5 } from 'uuid';
import { EventStore } from '../core/event-store/event-store';
import { IdempotencyConflict } from '../core/errors';
import { Register } from './register';

const NAMESPACE = '6f1f4d0e-1c55-4b8e-9a53-2f7c0e6c1a10';

/** The registration's event id is derived from the entity's id, so the log itself enforces "registered once". */
export const registrationId = (stream: string, id: string): string => uuidv5(`${stream}/${id}`, NAMESPACE);

/**
 * Registers an entity in its stream and waits until the registry holds it: `created` is false when the same id and body were registered
 * before; the same id with another body is an IdempotencyConflict.
 */
export async function registerOnce<T extends { id: string }>(
  store: EventStore,
  register: Register,
  stream: string,
  type: string,
  entity: T,
): Promise<{ created: boolean; entity: T; position: number }> {
  try {
    const result = await store.appendToStream(stream, [
      { id: registrationId(stream, entity.id), type, body: { schemaVersion: 1, data: entity } },
    ]);
    await register.waitFor(result.position);
    return { created: result.written, entity, position: result.position };
  } catch (error) {
    if (error instanceof IdempotencyConflict) {
      throw new IdempotencyConflict(entity.id, `${entity.id} is already registered with a different body`);
    }
    throw error;
  }
}
