import { ApiKeys, StreamTokens } from './keys';
import { may, ROLES } from './roles';

describe('API keys', () => {
  const keys = new ApiKeys([
    { key: 'alpha-key', role: 'reader' },
    { key: 'beta-key', role: 'admin' },
    { key: 'gamma:with:colons', role: 'reporter' },
  ]);

  it('finds the role of each configured key, and nothing for any other string', () => {
    expect(keys.open).toBe(false);
    expect(keys.roleOf('alpha-key')).toBe('reader');
    expect(keys.roleOf('beta-key')).toBe('admin');
    expect(keys.roleOf('gamma:with:colons')).toBe('reporter');
    for (const other of ['', 'alpha', 'alpha-key ', 'ALPHA-KEY', 'alpha-keyx', 'beta-ke', 'reader', 'admin']) expect(keys.roleOf(other)).toBeNull();
  });

  it('is open with no keys, and refuses an unknown role', () => {
    expect(new ApiKeys([]).open).toBe(true);
    expect(new ApiKeys([]).roleOf('anything')).toBeNull();
    expect(() => new ApiKeys([{ key: 'k', role: 'root' }])).toThrow('API_KEYS');
  });

  it('grants as API.md says: admin everything, auditor reads and audits, reader reads, reporter writes', () => {
    const table = Object.fromEntries(ROLES.map((key) => [key, ROLES.filter((route) => may(key, route))]));
    expect(table).toEqual({
      reporter: ['reporter'],
      reader: ['reader'],
      auditor: ['reader', 'auditor'],
      admin: ['reporter', 'reader', 'auditor', 'admin'],
    });
  });
});

describe('stream tokens', () => {
  let now = 1_700_000_000_000;
  const tokens = new StreamTokens(300_000, () => now);

  it('carry the role, and expire after their lifetime', () => {
    const { token, expiresAt } = tokens.issue('auditor');
    expect(expiresAt).toBe(new Date(now + 300_000).toISOString());
    expect(tokens.check(token)).toEqual({ role: 'auditor' });
    now += 299_999;
    expect(tokens.check(token)).toEqual({ role: 'auditor' });
    now += 1;
    expect(tokens.check(token)).toEqual({ refused: expect.stringContaining('expired') });
  });

  it('are refused when any character is changed, or when made by another instance', () => {
    const { token } = tokens.issue('reader');
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(tokens.check(changed)).toHaveProperty('refused');
    }
    expect(new StreamTokens(300_000, () => now).check(token)).toHaveProperty('refused');
    for (const junk of ['', '.', 'a.b', token.split('.')[0], `${token}.x`]) expect(tokens.check(junk)).toHaveProperty('refused');
  });
});
