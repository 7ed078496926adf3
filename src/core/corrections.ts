import { EventType, Figure, Payloads } from './events';

/** The field of each type that carries its figure: what a correction's `figure` replaces. */
export const FIGURE_FIELD: Partial<Record<EventType, string>> = {
  CasualtiesReported: 'figure',
  TroopsDeployed: 'strength',
  TroopsWithdrawn: 'strength',
  ProtestReported: 'participants',
};

/**
 * A correction applied to its target's payload: `data` merged shallowly, then `figure` replacing the
 * target's figure whole. Undefined when the correction carries a figure but the type has none.
 */
export function correctedPayload(
  type: EventType,
  data: Record<string, unknown>,
  correction: Payloads['ClaimCorrected'],
): Record<string, unknown> | undefined {
  const merged = { ...data, ...(correction.data ?? {}) };
  if (correction.figure === undefined) return merged;
  const field = FIGURE_FIELD[type];
  if (!field) return undefined;
  return { ...merged, [field]: correction.figure as Figure };
}
