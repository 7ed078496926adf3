// API.md "Access": the four roles a key can have, and which of them may call a route that requires one.

export const ROLES = ['reporter', 'reader', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a route declares: one of the roles, or `public` (no key needed: the health probes). */
export type RouteRole = Role | 'public';

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * The keys' roles that may call a route requiring `role`:
 * - reporter: writes events, sources and incidents (and nothing else: it reads nothing);
 * - reader: projections, live streams, exports, the log;
 * - auditor: everything a reader may, plus lineage, changes and /audit;
 * - admin: everything.
 */
export const ALLOWED: Record<Role, readonly Role[]> = {
  reporter: ['reporter', 'admin'],
  reader: ['reader', 'auditor', 'admin'],
  auditor: ['auditor', 'admin'],
  admin: ['admin'],
};

export const may = (keyRole: Role, routeRole: Role): boolean => ALLOWED[routeRole].includes(keyRole);
