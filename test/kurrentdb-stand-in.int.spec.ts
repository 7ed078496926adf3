import { KurrentDBClient, jsonEvent } from '@kurrent/kurrentdb-client';
import { startProtocolStandIn, type ProtocolStandIn } from './support/kurrentdb-stand-in';

describe('probe', () => {
  let standIn: ProtocolStandIn;
  let client: KurrentDBClient;
  beforeAll(async () => {
    standIn = await startProtocolStandIn();
    client = KurrentDBClient.connectionString(standIn.url);
  });
  afterAll(async () => {
    await client.dispose();
    await standIn.close();
  });
  it('works', async () => {
    const r = await client.appendToStream('s-1', [jsonEvent({ type: 'A', data: { a: 1 } })]);
    console.log(r, standIn.calls);
    const events = [];
    for await (const e of client.readStream('s-1')) events.push(e);
    console.log(events, standIn.calls);
  });
});
