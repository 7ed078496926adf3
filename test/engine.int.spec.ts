import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventToAppend } from '../src/core/event-store/event-store';
import { SqliteEventStore } from '../src/core/event-store/sqlite-event-store';
import { IncidentEvent } from '../src/core/events';
import { Filters, NO_FILTERS } from '../src/core/filters';
import { ProjectionStore } from '../src/core/projections/projection-store';
import { Projector } from '../src/core/projections/projector';
import { readModels } from '../src/projections';
import { incidentEventOf } from '../src/projections/decoder';
import { Ask, COMPARED, INCIDENT } from './support/compared';
import { withFilters } from './support/crises';

// The engine end to end on random crises: appended through the real store in random appends (the live
// path), folded by the real projector into its projection store, then restarted from its checkpoint and
// rebuilt from the log. Every answer equals the reference fold's, and the three paths answer byte for byte alike.

const toAppend = ({ id, type, revision: _r, position: _p, recordedAt: _t, prevHash: _h, hash: _x, ...body }: IncidentEvent): EventToAppend => ({
  id,
  type,
  body,
});

const answers = (projector: Projector, f: Filters): string =>
  JSON.stringify(Object.values(COMPARED).map(({ model }) => [
    projector.view(model, INCIDENT, f),
    ...['s1', 's2', 's3'].map((s) => (model.name === 'ledger' ? projector.view(model, s, f) : null)),
  ]));

describe('the engine: live, restarted and rebuilt answers', () => {
  it('equal the reference fold, and each other byte for byte, on random crises appended in random pieces', async () => {
    await fc.assert(
      fc.asyncProperty(withFilters, async ([events, f, cuts]) => {
        const dir = mkdtempSync(join(tmpdir(), 'ledger-engine-'));
        const store = new SqliteEventStore(join(dir, 'events.db'));
        const open = () => new Projector(store, readModels, new ProjectionStore(join(dir, 'projections.db')), incidentEventOf, 'v1');
        try {
          const live = open();
          await live.start();
          const edges = [...new Set([0, ...cuts, events.length])].sort((a, b) => a - b);
          for (let i = 1; i < edges.length; i++) {
            if (edges[i] > edges[i - 1]) await store.appendToStream(`incident-${INCIDENT}`, events.slice(edges[i - 1], edges[i]).map(toAppend));
          }
          await live.waitFor(events.length);
          const ask: Ask = (model, scope, filters) => live.view(model, scope, filters);
          for (const { model, answer, reference } of Object.values(COMPARED)) {
            expect(answer(ask, model, f)).toEqual(reference(events, f));
            expect(answer(ask, model, NO_FILTERS)).toEqual(reference(events, NO_FILTERS));
          }
          const liveAnswers = [answers(live, f), answers(live, NO_FILTERS)];
          await live.close();

          const restarted = open();
          await restarted.start();
          await restarted.waitFor(events.length);
          expect(restarted.folded).toBe(0);
          expect([answers(restarted, f), answers(restarted, NO_FILTERS)]).toEqual(liveAnswers);
          expect(await restarted.rebuild()).toBe(events.length);
          expect(restarted.folded).toBe(events.length);
          expect([answers(restarted, f), answers(restarted, NO_FILTERS)]).toEqual(liveAnswers);
          await restarted.close();
        } finally {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});
