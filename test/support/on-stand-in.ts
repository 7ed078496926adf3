import { closeStandIns } from './ledger';

// The `e2e-stand-in` jest project: the whole e2e suite again, with every ledger on its own KurrentDB
// protocol stand-in (not KurrentDB) instead of the embedded store. See test/support/ledger.ts.
process.env.LEDGER_STORE = 'kurrentdb-stand-in';
afterAll(() => closeStandIns());
