import { quoteOccursIn } from './quotes';

describe('a quote occurs in its source', () => {
  const text = 'Police in Almaty told local channel Khabar 24 that \u201cdozens\u201d of protesters\n  had been \u201cexpelled\u201d. It\u2019s over.';

  it('after folding whitespace and typographic quotes', () => {
    expect(quoteOccursIn('told local channel Khabar 24 that "dozens" of protesters had been "expelled".', text)).toBe(true);
    expect(quoteOccursIn("It's over.", text)).toBe(true);
  });

  it('and not when a word differs', () => {
    expect(quoteOccursIn('that "hundreds" of protesters', text)).toBe(false);
  });
});
