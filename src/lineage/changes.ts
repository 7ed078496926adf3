import { formatPointer } from './pointer';

/** One value that differs between two answers; `path` points into the later answer (into the earlier one for what went away). */
export interface Change {
  path: string;
  tokens: string[];
  /** Which answer the path points into. */
  in: 'from' | 'to';
  /** Where the same value is in the earlier answer, when it is there (entries of lists may have moved). */
  fromTokens: string[] | null;
  before: unknown;
  after: unknown;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/** What makes an entry of a list the same entry in both answers: what it is about, else its event. */
const IDENTITIES = [['category', 'group', 'scope'], ['contributor'], ['force'], ['measure', 'scope'], ['facility'], ['person', 'role']];
const identityOf = (x: unknown): string | null => {
  if (!isObject(x)) return null;
  const keys = IDENTITIES.find((set) => set.every((k) => k in x));
  if (keys) return keys.map((k) => `${k}=${JSON.stringify(x[k])}`).join('|');
  return typeof x.eventId === 'string' ? `event=${x.eventId}` : null;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Every value that differs between two answers, entries of lists matched by what they are about, not by place. */
export function changesBetween(from: unknown, to: unknown, skip: readonly string[] = ['filters', 'position']): Change[] {
  const out: Change[] = [];
  const walk = (a: unknown, b: unknown, aPath: string[], bPath: string[]) => {
    if (Array.isArray(a) && Array.isArray(b)) {
      const keysA = a.map(identityOf);
      const keysB = b.map(identityOf);
      const keyed = keysA.every((k) => k !== null) && keysB.every((k) => k !== null) && new Set(keysA).size === a.length && new Set(keysB).size === b.length;
      if (!keyed) {
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          if (i >= a.length) out.push(change([...bPath, String(i)], 'to', null, undefined, b[i]));
          else if (i >= b.length) out.push(change([...aPath, String(i)], 'from', [...aPath, String(i)], a[i], undefined));
          else walk(a[i], b[i], [...aPath, String(i)], [...bPath, String(i)]);
        }
        return;
      }
      const indexA = new Map(keysA.map((k, i) => [k!, i]));
      keysB.forEach((k, j) => {
        const i = indexA.get(k!);
        if (i === undefined) out.push(change([...bPath, String(j)], 'to', null, undefined, b[j]));
        else walk(a[i], b[j], [...aPath, String(i)], [...bPath, String(j)]);
      });
      const inB = new Set(keysB);
      keysA.forEach((k, i) => {
        if (!inB.has(k)) out.push(change([...aPath, String(i)], 'from', [...aPath, String(i)], a[i], undefined));
      });
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (aPath.length === 0 && skip.includes(key)) continue;
        if (!(key in b)) out.push(change([...aPath, key], 'from', [...aPath, key], a[key], undefined));
        else if (!(key in a)) out.push(change([...bPath, key], 'to', null, undefined, b[key]));
        else walk(a[key], b[key], [...aPath, key], [...bPath, key]);
      }
      return;
    }
    if (!same(a, b)) out.push(change(bPath, 'to', aPath, a, b));
  };
  walk(from, to, [], []);
  return out;
}

const change = (tokens: string[], where: 'from' | 'to', fromTokens: string[] | null, before: unknown, after: unknown): Change => ({
  path: formatPointer(tokens),
  tokens,
  in: where,
  fromTokens,
  before: before === undefined ? null : before,
  after: after === undefined ? null : after,
});
