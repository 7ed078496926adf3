import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsDateOrDateTime, IsTimeZone, IsNotBlank } from '../validation/rules';
import { ID_PATTERN } from '../sources/source';

/** POST /incidents: one crisis, one stream. */
export class RegisterIncident {
  @Matches(ID_PATTERN, { message: '$property must be 1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit' })
  id: string;
  @MaxLength(1000) @IsNotBlank() @IsString() title: string;
  @IsOptional() @MaxLength(500) @IsNotBlank() @IsString() region?: string;
  @IsOptional() @IsDateOrDateTime() startedAt?: string;
  /** IANA name; gives date-only values their day. Default UTC. */
  @IsOptional() @IsTimeZone() timeZone?: string;
}

export type { Incident } from '../core/registrations';

export const incidentStream = (incidentId: string): string => `incident-${incidentId}`;
export const INCIDENT_STREAM_PREFIX = 'incident-';
