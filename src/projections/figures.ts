import { Figure, Qualifier } from '../core/events';

/** A figure with its bounds filled in as EVENTS.md "Figures" says. */
export interface Bounds {
  low: number | null;
  best: number;
  high: number | null;
  qualifier: Qualifier;
  text: string | null;
  openEnded: boolean;
}

/** The figure as answers show it (claims, ledger): no `openEnded`, which the qualifier and `high` already say. */
export interface ShownFigure {
  low: number | null;
  best: number;
  high: number | null;
  qualifier: Qualifier;
  text: string | null;
}

/** Explicit `low`/`high` are kept; a missing bound follows the qualifier (none means `exact`). */
export const bounds = (figure: Figure): Bounds => {
  const qualifier = figure.qualifier ?? 'exact';
  const { best } = figure;
  const text = figure.text ?? null;
  switch (qualifier) {
    case 'exact':
    case 'approximately':
      return { low: figure.low ?? best, best, high: figure.high ?? best, qualifier, text, openEnded: false };
    case 'at_least':
    case 'more_than': {
      const high = figure.high ?? null;
      return { low: figure.low ?? best, best, high, qualifier, text, openEnded: high === null };
    }
    case 'up_to':
      return { low: figure.low ?? null, best, high: figure.high ?? best, qualifier, text, openEnded: false };
    default: {
      const _never: never = qualifier;
      throw new Error(`Unknown qualifier ${String(_never)}`);
    }
  }
};

export const shown = ({ low, best, high, qualifier, text }: Bounds): ShownFigure => ({ low, best, high, qualifier, text });

const QUALIFIER_WORDS: Record<Qualifier, string> = {
  exact: '',
  approximately: 'about ',
  at_least: 'at least ',
  more_than: 'more than ',
  up_to: 'up to ',
};

/** A figure in words, for one-line summaries: the source's own wording when it gave one. */
export const inWords = (figure: Figure): string => {
  if (figure.text) return figure.text;
  const b = bounds(figure);
  const range = b.low !== null && b.high !== null && b.low !== b.high ? ` (${b.low}-${b.high})` : '';
  return `${QUALIFIER_WORDS[b.qualifier]}${b.best}${range}`;
};
