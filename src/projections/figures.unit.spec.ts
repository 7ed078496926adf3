import { bounds, inWords } from './figures';

describe('figures', () => {
  it('reads a figure without a qualifier as exact', () => {
    expect(bounds({ best: 9 })).toEqual({ low: 9, best: 9, high: 9, qualifier: 'exact', text: null, openEnded: false });
  });

  it('gives approximately the best as both bounds', () => {
    expect(bounds({ best: 30, qualifier: 'approximately', text: 'about 30' })).toEqual({
      low: 30, best: 30, high: 30, qualifier: 'approximately', text: 'about 30', openEnded: false,
    });
  });

  it.each(['at_least', 'more_than'] as const)('gives %s a lower bound and no upper one: open-ended', (qualifier) => {
    expect(bounds({ best: 2000, qualifier })).toMatchObject({ low: 2000, best: 2000, high: null, openEnded: true });
  });

  it('gives up_to an upper bound and no lower one', () => {
    expect(bounds({ best: 50, qualifier: 'up_to' })).toMatchObject({ low: null, best: 50, high: 50, openEnded: false });
  });

  it('keeps explicit bounds', () => {
    expect(bounds({ best: 45, low: 40, high: 60 })).toMatchObject({ low: 40, best: 45, high: 60 });
    expect(bounds({ best: 45, low: 40, high: 60, qualifier: 'at_least' })).toMatchObject({ low: 40, high: 60, openEnded: false });
    expect(bounds({ best: 45, low: 10, qualifier: 'up_to' })).toMatchObject({ low: 10, high: 45 });
  });

  it('puts a figure in words, preferring the source\'s wording', () => {
    expect(inWords({ best: 30, qualifier: 'approximately', text: 'about thirty' })).toBe('about thirty');
    expect(inWords({ best: 800, qualifier: 'at_least' })).toBe('at least 800');
    expect(inWords({ best: 45, low: 40, high: 60 })).toBe('45 (40-60)');
  });
});
