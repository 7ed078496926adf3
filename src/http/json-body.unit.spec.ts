import { utf8 } from './json-body';

// The oracle is the platform's own UTF-8 encoder, which the fast path must match byte for byte.
const encoder = new TextEncoder();

describe('utf8: the bytes answers are sent in', () => {
  it.each([
    ['plain ASCII', '{"a":"Almaty","n":12}'],
    ['Latin-1 letters, which Latin-1 and UTF-8 encode differently', '{"city":"Taldyqorğan é ü"}'],
    ['Cyrillic', '{"q":"Алматы"}'],
    ['a character outside the BMP', '{"q":"\u{1F4F0} news"}'],
    ['a lone surrogate, replaced as UTF-8 does', '{"q":"\ud800x"}'],
    ['an empty text', ''],
  ])('%s', (_name, text) => {
    expect(Buffer.compare(utf8(text), Buffer.from(encoder.encode(text)))).toBe(0);
  });
});
