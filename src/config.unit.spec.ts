import { ledgerConfig } from './config';

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

  it('stays on loopback when keys are configured, since they are not enforced yet; only HOST widens it', () => {
    expect(ledgerConfig({ API_KEYS: 'k1:reader,k2:admin' })).toMatchObject({ host: '127.0.0.1' });
    expect(ledgerConfig({ API_KEYS: 'k1:reader', HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0' });
  });

  it('reads keys, and refuses a bad port or key', () => {
    expect(ledgerConfig({ API_KEYS: 'k1:reader,k2:admin' })).toMatchObject({ apiKeys: [{ key: 'k1', role: 'reader' }, { key: 'k2', role: 'admin' }] });
    expect(() => ledgerConfig({ PORT: 'http' })).toThrow('PORT');
    expect(() => ledgerConfig({ API_KEYS: 'nokey' })).toThrow('API_KEYS');
  });
});
