/** RFC 6901 JSON pointers: parsed into tokens, resolved on a value, written back. */

export const parsePointer = (pointer: string): string[] | null => {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  const tokens = pointer.slice(1).split('/');
  if (tokens.some((t) => /~[^01]|~$/.test(t))) return null;
  return tokens.map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
};

export const formatPointer = (tokens: readonly (string | number)[]): string =>
  tokens.map((t) => `/${String(t).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The value a pointer names, or why it names nothing. */
export const resolvePointer = (root: unknown, tokens: readonly string[]): { found: true; value: unknown } | { found: false; reason: string } => {
  let value: unknown = root;
  for (const [i, token] of tokens.entries()) {
    const at = formatPointer(tokens.slice(0, i)) || '/';
    if (Array.isArray(value)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return { found: false, reason: `${at} is a list: "${token}" is not an index` };
      if (Number(token) >= value.length) return { found: false, reason: `${at} has ${value.length} entries: there is no ${token}` };
      value = value[Number(token)];
    } else if (value !== null && typeof value === 'object') {
      if (!Object.prototype.hasOwnProperty.call(value, token)) return { found: false, reason: `${at} has no field "${token}" (it has ${Object.keys(value).join(', ')})` };
      value = (value as Record<string, unknown>)[token];
    } else {
      return { found: false, reason: `${at} is ${JSON.stringify(value)}, which has no "${token}"` };
    }
  }
  return { found: true, value };
};
