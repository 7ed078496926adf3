import { KurrentDbEventStore } from '../src/core/event-store/kurrentdb/kurrentdb-event-store';
import { eventStoreContract } from './event-store.contract';
import { ProtocolStandIn, startProtocolStandIn } from './support/kurrentdb-stand-in/stand-in';

// The KurrentDB adapter passes the one contract every adapter passes, in two ways:
// - always, against the protocol stand-in (test/support/kurrentdb-stand-in): an in-process gRPC server
//   built from the protocol definitions the official client ships. It is NOT KurrentDB: it does not
//   reproduce the idempotency window, clustering, leader election or scavenging (see its README);
// - against a real KurrentDB server when KURRENTDB_URL is set (no container engine runs on the
//   development machines or in CI, so this half runs only where one is given).

const standIns: ProtocolStandIn[] = [];
afterAll(async () => {
  await Promise.all(standIns.map((s) => s.close()));
});

const PREFIXES = ['s-'];

eventStoreContract('KurrentDB adapter on the protocol stand-in (not KurrentDB)', async () => {
  const standIn = await startProtocolStandIn();
  standIns.push(standIn);
  let store = new KurrentDbEventStore(standIn.url, { streamPrefixes: PREFIXES });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = new KurrentDbEventStore(standIn.url, { streamPrefixes: PREFIXES });
      return store;
    },
    another: async () => new KurrentDbEventStore(standIn.url, { streamPrefixes: PREFIXES }),
  };
});

const realServer = process.env.KURRENTDB_URL;
if (realServer) {
  eventStoreContract(`KurrentDB adapter on a real KurrentDB server (${realServer})`, async () => {
    let store = new KurrentDbEventStore(realServer, { streamPrefixes: PREFIXES });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = new KurrentDbEventStore(realServer, { streamPrefixes: PREFIXES });
        return store;
      },
      another: async () => new KurrentDbEventStore(realServer, { streamPrefixes: PREFIXES }),
    };
  });
} else {
  describe('KurrentDB adapter on a real KurrentDB server', () => {
    it.todo('runs the same contract when KURRENTDB_URL is set (no KurrentDB server on this machine)');
  });
}
