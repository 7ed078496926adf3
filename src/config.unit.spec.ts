import { ledgerConfig, listenRefusal } from './config';

describe('configuration', () => {
  it('defaults to the embedded store with the Kazakhstan data set on loopback', () => {
    const config = ledgerConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', datasets: ['kazakhstan-2022'], kurrentdbUrl: null, apiKeys: [] });
  });

  it('loads no data set on KurrentDB unless asked, and none for "none"', () => {
    expect(ledgerConfig({ KURRENTDB_URL: 'kurrentdb://localhost:2113?tls=false' }).datasets).toEqual([]);
    expect(ledgerConfig({ DATASETS: 'none' }).datasets).toEqual([]);
    expect(ledgerConfig({ DATASETS: 'a, b' }).datasets).toEqual(['a', 'b']);
  });

  it('listens on every address by default only when keys are configured (API.md), and HOST overrides it', () => {
    expect(ledgerConfig({ API_KEYS: 'k1:reader,k2:admin' })).toMatchObject({ host: '0.0.0.0' });
    expect(ledgerConfig({ API_KEYS: 'k1:reader', HOST: '10.0.0.5' })).toMatchObject({ host: '10.0.0.5' });
    expect(ledgerConfig({ HOST: '::1' })).toMatchObject({ host: '::1' });
  });

  it('refuses to listen off loopback with no keys, and allows it with keys', () => {
    expect(listenRefusal(ledgerConfig({}))).toBeNull();
    expect(listenRefusal(ledgerConfig({ HOST: 'localhost' }))).toBeNull();
    expect(listenRefusal(ledgerConfig({ HOST: '127.0.0.2' }))).toBeNull();
    expect(listenRefusal(ledgerConfig({ HOST: '0.0.0.0' }))).toMatch(/^HOST: "0\.0\.0\.0" is not a loopback address, and no API_KEYS/);
    expect(listenRefusal(ledgerConfig({ HOST: '::' }))).toMatch(/^HOST/);
    expect(listenRefusal(ledgerConfig({ HOST: '192.168.1.4' }))).toMatch(/^HOST/);
    expect(listenRefusal(ledgerConfig({ HOST: '0.0.0.0', API_KEYS: 'k:admin' }))).toBeNull();
  });

  it('refuses an unknown role, an entry that is not key:role, an empty role and a key given twice, naming API_KEYS but never the key', () => {
    expect(() => ledgerConfig({ API_KEYS: 'sekrit:writer' })).toThrow(/^API_KEYS: entry 1 has the unknown role "writer"/);
    expect(() => ledgerConfig({ API_KEYS: 'k1:reader,sekrit:' })).toThrow(/^API_KEYS: entry 2 is not key:role/);
    expect(() => ledgerConfig({ API_KEYS: ':reader' })).toThrow(/^API_KEYS/);
    expect(() => ledgerConfig({ API_KEYS: 'sekrit:reader,sekrit:admin' })).toThrow(/^API_KEYS: the same key is given twice/);
    expect(() => ledgerConfig({ API_KEYS: 'sekrit:writer' })).not.toThrow(/sekrit/);
  });

  it('reads the stream token lifetime, five minutes by default', () => {
    expect(ledgerConfig({}).streamTokenSeconds).toBe(300);
    expect(ledgerConfig({ STREAM_TOKEN_SECONDS: '2' }).streamTokenSeconds).toBe(2);
    expect(() => ledgerConfig({ STREAM_TOKEN_SECONDS: '0' })).toThrow('STREAM_TOKEN_SECONDS');
  });

  it('reads keys, and refuses a bad port or key', () => {
    expect(ledgerConfig({ API_KEYS: 'k1:reader,k2:admin' })).toMatchObject({ apiKeys: [{ key: 'k1', role: 'reader' }, { key: 'k2', role: 'admin' }] });
    expect(() => ledgerConfig({ PORT: 'http' })).toThrow('PORT');
    expect(() => ledgerConfig({ API_KEYS: 'nokey' })).toThrow('API_KEYS');
  });
});
