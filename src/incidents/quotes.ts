/** Folds whitespace and typographic quotes, so that a quote matches its source's text as printed. */
export const foldText = (text: string): string =>
  text
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

export const quoteOccursIn = (quote: string, text: string): boolean => foldText(text).includes(foldText(quote));
