import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isDateTimeWithZone, isRealDate, isValidTimeZone } from '../core/time';

const rule = (name: string, test: (value: unknown, args: ValidationArguments) => boolean, message: string) =>
  (options?: ValidationOptions) =>
    (target: object, propertyName: string) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName,
        options: { message, ...options },
        validator: { validate: test },
      });

/** A calendar date (2022-01-06) or a date-time with its zone (2022-01-06T04:00:00+06:00). */
export const IsDateOrDateTime = rule(
  'isDateOrDateTime',
  (v) => typeof v === 'string' && (isRealDate(v) || isDateTimeWithZone(v)),
  '$property must be an ISO 8601 date (YYYY-MM-DD) or a date-time with a zone (YYYY-MM-DDTHH:mm:ssZ)',
);

export const IsDateTimeWithZone = rule(
  'isDateTimeWithZone',
  (v) => typeof v === 'string' && isDateTimeWithZone(v),
  '$property must be an ISO 8601 date-time with a zone (YYYY-MM-DDTHH:mm:ssZ)',
);

export const IsTimeZone = rule(
  'isTimeZone',
  (v) => typeof v === 'string' && isValidTimeZone(v),
  '$property must be an IANA time zone name such as UTC or Asia/Almaty',
);

/** A whole number that JavaScript holds exactly: 1e308 and 2^53 + 1 are refused, not rounded. */
export const IsSafeInteger = rule(
  'isSafeInteger',
  (v) => Number.isSafeInteger(v),
  '$property must be an integer no greater than 9007199254740991 (2^53 - 1)',
);

/** For figures: `low` may not exceed `best`, `high` may not be below it. */
export const IsAtMostBest = rule(
  'isAtMostBest',
  (v, args) => typeof v !== 'number' || typeof (args.object as { best?: unknown }).best !== 'number' || v <= (args.object as { best: number }).best,
  '$property must not exceed best',
);

export const IsAtLeastBest = rule(
  'isAtLeastBest',
  (v, args) => typeof v !== 'number' || typeof (args.object as { best?: unknown }).best !== 'number' || v >= (args.object as { best: number }).best,
  '$property must not be less than best',
);

/** A string with something in it: empty or whitespace-only text says nothing. */
export const IsNotBlank = rule(
  'isNotBlank',
  (v) => (typeof v === 'string' ? v.trim().length > 0 : v !== undefined && v !== null), // a non-string is IsString's to refuse
  '$property must not be empty or only whitespace',
);
