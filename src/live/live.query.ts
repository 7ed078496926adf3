import { IsOptional, IsString } from 'class-validator';

/** A live projection follows the head of the log: no clocks; any other parameter is refused. */
export class LiveQuery {
  /** For clients that cannot set the Last-Event-ID header: the id of the last message they had. */
  @IsOptional() @IsString() lastEventId?: string;
  /** For clients that cannot send Authorization (EventSource): a stream token from POST /auth/stream-token. Read by the AccessGuard. */
  @IsOptional() @IsString() token?: string;
}

/** GET /events/live */
export class LiveEventsQuery extends LiveQuery {
  /** Only this incident's events. */
  @IsOptional() @IsString() incident?: string;
  /** Only events of these types, comma-separated. */
  @IsOptional() @IsString() type?: string;
}
