import { changesBetween } from './changes';

const tally = (category: string, best: number) => ({ category, group: 'civilians', scope: 'nationwide', best });

describe('changes between two answers', () => {
  it('matches entries of a list by what they are about, so a value that moved is compared with itself', () => {
    const before = { position: 3, tallies: [tally('injured', 5), tally('killed', 10)] };
    const after = { position: 9, tallies: [tally('arrested', 100), tally('injured', 5), tally('killed', 15)] };
    expect(changesBetween(before, after).map(({ path, fromTokens, before: b, after: a }) => ({ path, from: fromTokens?.join('/') ?? null, b, a }))).toEqual([
      { path: '/tallies/0', from: null, b: null, a: tally('arrested', 100) },
      { path: '/tallies/2/best', from: 'tallies/1/best', b: 10, a: 15 },
    ]);
  });

  it('names what went away by where it was, and compares lists of unnamed things by place', () => {
    const before = { tallies: [tally('injured', 5), tally('killed', 10)], notes: ['a', 'b'] };
    const after = { tallies: [tally('killed', 10)], notes: ['a', 'c', 'd'] };
    expect(changesBetween(before, after).map(({ path, in: side, before: b, after: a }) => [path, side, b, a])).toEqual([
      ['/tallies/0', 'from', tally('injured', 5), null],
      ['/notes/1', 'to', 'b', 'c'],
      ['/notes/2', 'to', null, 'd'],
    ]);
  });
});
