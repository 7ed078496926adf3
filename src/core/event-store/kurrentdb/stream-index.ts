import { GENESIS_HASH } from '../event-store';

/**
 * What the adapter knows of one stream to decide an append: its last revision and hash, and the
 * revision of every ledger id in it. Known as of `revision`: every append is conditioned on that
 * revision at the server, so a stale index can only cost a retry (the server refuses, the index
 * reads what it missed), never a wrong answer.
 */
export interface StreamState {
  revision: number;
  hash: string;
  ids: Map<string, number>;
}

export const emptyStream = (): StreamState => ({ revision: -1, hash: GENESIS_HASH, ids: new Map() });

/**
 * The streams' states, least recently used first out, bounded by the ids they hold: a stream let go
 * is read again from the server the next time it is written.
 */
export class StreamIndex {
  private readonly states = new Map<string, StreamState>();
  private ids = 0;

  constructor(private readonly maxIds: number) {}

  get(stream: string): StreamState | undefined {
    const state = this.states.get(stream);
    if (state) {
      this.states.delete(stream);
      this.states.set(stream, state);
    }
    return state;
  }

  set(stream: string, state: StreamState): void {
    this.forget(stream);
    this.states.set(stream, state);
    this.ids += state.ids.size;
    this.trim(stream);
  }

  /** Records events `stream` now holds after its last known revision. */
  grew(stream: string, state: StreamState, events: Array<{ id: string; revision: number; hash: string }>): void {
    for (const e of events) {
      state.ids.set(e.id, e.revision);
      state.revision = e.revision;
      state.hash = e.hash;
    }
    if (this.states.get(stream) === state) this.ids += events.length;
    this.trim(stream);
  }

  forget(stream: string): void {
    const state = this.states.get(stream);
    if (!state) return;
    this.ids -= state.ids.size;
    this.states.delete(stream);
  }

  private trim(keep: string): void {
    for (const [stream] of this.states) {
      if (this.ids <= this.maxIds) return;
      if (stream !== keep) this.forget(stream);
    }
  }
}
