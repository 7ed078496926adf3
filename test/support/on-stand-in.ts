// The `e2e-stand-in` jest project: the whole e2e suite again, with every ledger on its own KurrentDB
// protocol stand-in (not KurrentDB) instead of the embedded store. See test/support/ledger.ts.
process.env.LEDGER_STORE = 'kurrentdb-stand-in';
// Loaded after the line above: test/support/ledger.ts reads it when it is first loaded.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { closeStandIns } = require('./ledger') as typeof import('./ledger');
afterAll(() => closeStandIns());
// Every append and read is a gRPC round trip here: more time than on the embedded store.
jest.setTimeout(30_000);
