import type { IncomingMessage, ServerResponse } from 'node:http';
import { logSettings } from './log-settings';
import { levelOf, loggedUrl, requestIdOf } from './request-line';

describe('the request line', () => {
  it('redacts secret query values and keeps the rest of the URL as it was', () => {
    expect(loggedUrl('/events/live?token=abc.def&type=X')).toBe('/events/live?token=[REDACTED]&type=X');
    expect(loggedUrl('/x?a=1&API_KEY=s3cret&apikey=t&access_token=u&key=v#f')).toBe('/x?a=1&API_KEY=[REDACTED]&apikey=[REDACTED]&access_token=[REDACTED]&key=[REDACTED]#f');
    expect(loggedUrl('/incidents/token=1/events?tokens=2')).toBe('/incidents/token=1/events?tokens=2');
    expect(loggedUrl(`/x?q=${'a'.repeat(5000)}`)).toHaveLength(2049);
  });

  it('keeps a sane X-Request-Id, makes a UUID otherwise, and echoes it', () => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as ServerResponse;
    const req = (id?: string | string[]) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as unknown as IncomingMessage;
    expect(requestIdOf(req('4bf92f3577b34da6a3ce929d0e0e4736'), res)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(headers['X-Request-Id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    for (const bad of [undefined, '', ' x', 'a b', 'x'.repeat(129), 'a\nb', ['a', 'b']]) expect(requestIdOf(req(bad), res)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a 5xx as an error, but a 503 or a 429 as a warning and other 4xx as info', () => {
    expect([200, 304, 400, 401, 404, 422, 429, 500, 502, 503].map(levelOf)).toEqual(['info', 'info', 'info', 'info', 'info', 'info', 'warn', 'error', 'error', 'warn']);
  });
});

describe('LOG_LEVEL and LOG_FILE', () => {
  it('takes pino and Nest level names, silent under jest when unset, and refuses anything else with one line', () => {
    expect(logSettings({ LOG_LEVEL: 'debug' }).level).toBe('debug');
    expect(logSettings({ LOG_LEVEL: ' Verbose ' }).level).toBe('trace');
    expect(logSettings({ LOG_LEVEL: 'log' }).level).toBe('info');
    expect(logSettings({}).level).toBe('info');
    expect(logSettings({ JEST_WORKER_ID: '1' }).level).toBe('silent');
    expect(() => logSettings({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: "loud" is not one of fatal, error, warn, info, log, debug, trace, verbose, silent$/);
    expect(logSettings({ LOG_FILE: 'logs/ledger.log' }).file).toMatch(/\/logs\/ledger\.log$/);
    expect(() => logSettings({ LOG_FILE: 'a\nb' })).toThrow(/^LOG_FILE:/);
  });
});
