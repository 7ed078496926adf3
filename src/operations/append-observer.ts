/** What an append answers, as far as the metrics care. */
export interface Appended {
  created: boolean;
  answer: { events: Array<{ existing?: true }> };
}

/**
 * The hook where appends are decided (IncidentLog.report): it hands each append to `observe`, which
 * counts it by outcome, times it and counts the events stored (Metrics, src/operations/metrics.ts).
 */
export abstract class AppendObserver {
  abstract observe<T extends Appended>(append: () => Promise<T>): Promise<T>;
}
