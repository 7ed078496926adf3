import { IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { isDateOnly, toUtc } from '../core/time';
import { Source } from '../core/registrations';
import { IsDateOrDateTime, IsNotBlank } from '../validation/rules';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ID_MESSAGE = { message: '$property must be 1 to 128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit' };

/** POST /sources: a document registered once, immutable. */
export class RegisterSource {
  @Matches(ID_PATTERN, ID_MESSAGE) id: string;
  @MaxLength(500) @IsNotBlank() @IsString() publisher: string;
  @MaxLength(1000) @IsNotBlank() @IsString() title: string;
  /** A date-time with zone, or a date (read as midnight UTC). */
  @IsDateOrDateTime() publishedAt: string;
  @IsOptional() @MaxLength(2000) @IsUrl({ require_protocol: true }) url?: string;
  /** A BCP 47 language tag such as en or ru. */
  @IsOptional() @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: '$property must be a BCP 47 language tag such as en' }) language?: string;
  /** The full text; when given, every quote from this source must occur in it. */
  @IsOptional() @MaxLength(200_000) @IsNotBlank() @IsString() text?: string;
}

export type { Source } from '../core/registrations';

/** The source as stored: its publication time in UTC (a date-only value is read as midnight UTC). */
export const normaliseSource = (body: RegisterSource): Source => ({
  ...body,
  publishedAt: isDateOnly(body.publishedAt) ? `${body.publishedAt}T00:00:00.000Z` : toUtc(body.publishedAt),
});
