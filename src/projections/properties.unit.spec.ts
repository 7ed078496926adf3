// Properties of every read model on random crises, with an oracle of their own: a naive reference fold
// written from EVENTS.md (test/oracle/reference-fold.ts), which shares no code with the read models or the
// filters. For random histories and random filters, each read model's answer equals the reference's on the
// fields compared. The same comparison through the real store and projector, after a restart and a
// rebuild, is test/engine.int.spec.ts.
import fc from 'fast-check';
import { COMPARED, Ask } from '../../test/support/compared';
import { withFilters } from '../../test/support/crises';
import { NO_FILTERS } from '../core/filters';
import { IncidentEvent } from '../core/events';
import { viewOf } from './given';

const over = (events: IncidentEvent[]): Ask => (model, scope, f) => viewOf(model, events, f, scope);

describe.each(Object.entries(COMPARED))('%s', (_name, { model, answer, reference }) => {
  it('answers under random filters as the reference fold of EVENTS.md does', () => {
    fc.assert(
      fc.property(withFilters, ([events, f]) => {
        expect(answer(over(events), model, NO_FILTERS)).toEqual(reference(events, NO_FILTERS));
        expect(answer(over(events), model, f)).toEqual(reference(events, f));
      }),
      { numRuns: 300 },
    );
  });
});
