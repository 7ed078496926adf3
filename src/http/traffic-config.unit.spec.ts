import { trafficConfig } from './traffic-config';

describe('traffic configuration', () => {
  it('limits each client by default when API keys are configured, and no one in open local mode unless told to', () => {
    expect(trafficConfig({}, true)).toEqual({ ratePerMinute: 6000, liveMaxPerClient: 50, headersTimeoutMs: 20_000, requestTimeoutMs: 60_000, corsOrigins: [] });
    expect(trafficConfig({}, false)).toEqual(expect.objectContaining({ ratePerMinute: 0, liveMaxPerClient: 0 }));
    expect(trafficConfig({ RATE_LIMIT_PER_MINUTE: '120', LIVE_MAX_PER_CLIENT: '5' }, false)).toEqual(expect.objectContaining({ ratePerMinute: 120, liveMaxPerClient: 5 }));
    expect(trafficConfig({ RATE_LIMIT_PER_MINUTE: '0' }, true).ratePerMinute).toBe(0);
  });

  it('reads CORS_ORIGINS as a list of origins', () => {
    expect(trafficConfig({ CORS_ORIGINS: ' https://a.example.org, http://localhost:5173 ,' }, true).corsOrigins).toEqual(['https://a.example.org', 'http://localhost:5173']);
    expect(trafficConfig({ CORS_ORIGINS: '*' }, true).corsOrigins).toEqual(['*']);
  });

  it.each([
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, /RATE_LIMIT_PER_MINUTE/],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, /RATE_LIMIT_PER_MINUTE/],
    [{ LIVE_MAX_PER_CLIENT: '1.5' }, /LIVE_MAX_PER_CLIENT/],
    [{ HTTP_HEADERS_TIMEOUT_MS: '5' }, /HTTP_HEADERS_TIMEOUT_MS/],
    [{ HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, /must not be shorter/],
    [{ CORS_ORIGINS: 'https://a.example.org/path' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'a.example.org' }, /CORS_ORIGINS/],
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => trafficConfig(env, true)).toThrow(message);
  });
});
