/**
 * The server-side `$all` filter of ReadReq.Options.FilterOptions: on stream identifier or
 * event type, by prefix list or by regular expression; plus the search window (`max`, or
 * `count` for the server's default) that paces checkpoints of filtered subscriptions.
 */
import { streamsPb } from './protocol';
import type { StoredEvent } from './log';

export interface EventFilter {
  matches(event: StoredEvent): boolean;
  /** Events scanned (matching or not) between two checkpoints of a filtered subscription. */
  checkpointEvery: number;
}

/** KurrentDB's search window when the client asks for `count` instead of a `max`. */
const DEFAULT_SEARCH_WINDOW = 32;

export function filterFrom(options: streamsPb.ReadReq.Options): EventFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) return undefined;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex();
  const pattern = regex ? new RegExp(regex) : undefined;
  const test = (value: string) =>
    pattern ? pattern.test(value) : prefixes.length === 0 || prefixes.some((prefix) => value.startsWith(prefix));
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  const multiplier = Math.max(1, filter.getCheckpointintervalmultiplier());
  return {
    matches: (event) => test(onStream ? event.stream : event.type),
    checkpointEvery: Math.max(1, window * multiplier),
  };
}
