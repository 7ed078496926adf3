// What the registry holds: the sources and incidents as registered, each once, immutable.

/** A document (article, statement, broadcast) that events cite. */
export interface Source {
  id: string;
  publisher: string;
  title: string;
  /** ISO 8601 in UTC */
  publishedAt: string;
  url?: string;
  language?: string;
  text?: string;
}

/** One crisis, one stream. */
export interface Incident {
  id: string;
  title: string;
  region?: string;
  startedAt?: string;
  /** IANA name; gives date-only values their day. */
  timeZone: string;
}
