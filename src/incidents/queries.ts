import { IsIn, IsOptional, IsString } from 'class-validator';

/** GET /incidents/:id/events: checked as strings here, read as numbers by the incident log. */
export class EventsQuery {
  /** Only events of this type. */
  @IsOptional() @IsString() type?: string;
  /** A revision: the events after it (default -1, from the first). */
  @IsOptional() @IsString() after?: string;
  /** 1 to 1000, default 100. */
  @IsOptional() @IsString() limit?: string;
}

/** GET /events/:eventId */
export class EventQuery {
  /** true: the event exactly as stored and hashed. */
  @IsOptional() @IsIn(['true', 'false']) raw?: 'true' | 'false';
}
