import { LedgerConfig } from '../config';

export const LIVE_OPTIONS = 'LIVE_OPTIONS';

/** How live streams behave; from configuration (LIVE_* variables), short in the tests. */
export interface LiveOptions {
  heartbeatMs: number;
  /** Bytes a client may leave unread before it is let go with `overflow`. */
  bufferBytes: number;
  /** Updates kept in memory per followed view for clients that come back soon. */
  recentUpdates: number;
  recentBytes: number;
  /** Appends a resume may rebuild from the log before a fresh snapshot is sent instead. */
  replayAppends: number;
}

export const liveOptions = (config: LedgerConfig): LiveOptions => config.live;
