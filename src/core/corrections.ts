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
 * target's figure whole (a correction carrying a figure for a type without one is refused on the way in).
 */
export function correctedPayload(
  type: EventType,
  data: object,
  correction: Pick<Payloads['ClaimCorrected'], 'figure' | 'data'>,
): Record<string, unknown> {
  const field = FIGURE_FIELD[type];
  return {
    ...data,
    ...(correction.data ?? {}),
    ...(field && correction.figure !== undefined ? { [field]: correction.figure as Figure } : {}),
  };
}
