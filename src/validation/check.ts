import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { FieldError } from '../core/errors';

// class-validator at the edges: every failure becomes { field, message } with a dotted path.

const flatten = (errors: ValidationError[], prefix: string): FieldError[] =>
  errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

export const fieldErrors = (errors: ValidationError[], prefix = ''): FieldError[] => flatten(errors, prefix);

/** Validates a plain object against a payload class; an empty list means valid. */
export function validatePlain<T extends object>(cls: ClassConstructor<T>, plain: unknown, prefix = ''): FieldError[] {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return [{ field: prefix || '(body)', message: `${prefix || 'body'} must be an object` }];
  }
  const instance = plainToInstance(cls, plain);
  return flatten(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false, stopAtFirstError: true }), prefix);
}
