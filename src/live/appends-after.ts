import { EventStore, RecordedEvent } from '../core/event-store/event-store';
import { Position } from '../core/event-store/position';

const PAGE = 500;

/** The revision of a stream's first event after a log position (binary search on the stream: reads follow the stream, never the log); null when none. */
async function firstRevisionAfter(store: EventStore, stream: string, after: Position): Promise<number | null> {
  const head = await store.streamHead(stream);
  if (!head || head.position <= after) return null;
  let lo = 0;
  let hi = head.revision;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const [event] = await store.readStream(stream, mid === 0 ? { limit: 1 } : { after: mid - 1, limit: 1 });
    if (event.position > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The appends after a position and up to another, each as its events in log order, read page by page:
 * of one stream (found by binary search on the stream, so the cost follows the stream, not the log),
 * or of the whole log. What a reconnecting client missed.
 */
export async function* appendsAfter(store: EventStore, stream: string | null, after: Position, upTo: Position): AsyncGenerator<RecordedEvent[]> {
  const read = stream === null ? (from: number) => store.readAll({ after: from, limit: PAGE, upTo }) : null;
  let next: number | null = stream === null ? after : await firstRevisionAfter(store, stream, after);
  let current: RecordedEvent[] = [];
  while (next !== null) {
    const from: number = next;
    const page = read ? await read(from) : await store.readStream(stream!, from === 0 ? { limit: PAGE } : { after: from - 1, limit: PAGE });
    for (const event of page) {
      if (event.position > upTo) return;
      current.push(event);
      if (event.append.index === event.append.count - 1) {
        yield current;
        current = [];
      }
    }
    if (page.length < PAGE) return;
    const last = page[page.length - 1];
    next = read ? last.position : last.revision + 1;
  }
}
