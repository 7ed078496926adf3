// Appends to the embedded store as fast as it can and prints each id once its append is acknowledged.
// The crash spec kills this process with SIGKILL at some instant and checks what survived.
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/core/event-store/sqlite-event-store';

async function main(file: string): Promise<void> {
  const store = new SqliteEventStore(file);
  for (let i = 0; ; i++) {
    const batch = Array.from({ length: 1 + (i % 5) }, () => ({ id: randomUUID(), type: 'Noted', body: { i } }));
    await store.appendToStream(`incident-${i % 3}`, batch);
    process.stdout.write(batch.map((e) => `${e.id}\n`).join(''));
  }
}

void main(process.argv[2]);
