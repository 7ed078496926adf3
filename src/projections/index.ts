import { AnyReadModel } from '../core/projections/read-model';
import { casualties } from './casualties';
import { situation } from './situation';
import { sourceLedger } from './source-ledger';
import { timeline } from './timeline';
import { troopPresence } from './troop-presence';

export { casualties, situation, sourceLedger, timeline, troopPresence };
export type { CasualtiesView, CasualtyTally } from './casualties';
export type { SituationView } from './situation';
export type { SourceLedgerView } from './source-ledger';
export type { TimelineView } from './timeline';
export type { TroopPresenceView } from './troop-presence';
export type { Summary } from './claims';

/** Every read model, for the projector runner. */
export const readModels: AnyReadModel[] = [casualties, troopPresence, situation, timeline, sourceLedger];
