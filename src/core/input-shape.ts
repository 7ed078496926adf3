import { FieldError } from './errors';

// Checks that hold for any input, whatever its schema, before a schema is applied: walked with an
// explicit stack, so a value nested a million levels deep is refused without recursion.

/** The deepest a request of the catalogue goes: batch → events → event → correction data → data → figure. */
export const MAX_DEPTH = 6;

/** Keys that would reach an object's machinery in some JavaScript library on the way. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** With the u flag a surrogate pair is one code point: what is left is a lone half. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

const path = (parent: string, key: string | number): string => (parent ? `${parent}.${key}` : String(key));
const named = (field: string): string => field || '(body)';

/**
 * Every string and key well-formed Unicode, no key that names an object's machinery, no nesting
 * deeper than `maxDepth` objects and arrays. Stops at the first failure: its path and reason.
 */
export function inputShapeErrors(value: unknown, maxDepth = MAX_DEPTH): FieldError[] {
  const stack: Array<{ value: unknown; field: string; depth: number }> = [{ value, field: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, field, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return [{ field: named(field), message: `${named(field)} must be well-formed Unicode (it holds a lone surrogate)` }];
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth) {
      return [{ field: named(field), message: `${named(field)} is nested deeper than the catalogue allows (${maxDepth} levels of objects and arrays)` }];
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [key, child] of entries) {
      const at = path(field, key);
      if (typeof key === 'string') {
        if (!isWellFormed(key)) return [{ field: named(field), message: `a key of ${named(field)} is not well-formed Unicode` }];
        if (FORBIDDEN_KEYS.has(key)) return [{ field: at, message: `the key "${key}" is not allowed anywhere in the input` }];
      }
      stack.push({ value: child, field: at, depth: depth + 1 });
    }
  }
  return [];
}
