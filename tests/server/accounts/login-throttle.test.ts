import type { ClientError } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { Client, DEMO_PASSWORD } from '../../helpers/graphql.js';
import { loadConfig, type Config } from '../../../server/config.js';

const login = (overrides: Partial<Config['login']>): Config['login'] => ({ ...loadConfig().login, ...overrides });
/** A client seen from another address (the app trusts X-Forwarded-For, as behind nginx). */
const from = (address: string) => new Client(t.url, { 'x-forwarded-for': address });

const LOGIN = `mutation($l: String!, $p: String!) { login(loginName: $l, password: $p) { token } }`;

/** Signs in as a person would: on RATE_LIMITED, waits retryAfterSeconds and tries again (at most 3 times). */
async function signInAfterWaits(client: Client, loginName: string): Promise<{ login: { token: string }; waits: number }> {
  for (let waits = 0; ; waits++) {
    try {
      const { login } = await client.request<{ login: { token: string } }>(LOGIN, { l: loginName, p: DEMO_PASSWORD });
      return { login, waits };
    } catch (error) {
      const first = (error as ClientError).response?.errors?.[0] as { message: string; extensions?: Record<string, unknown> } | undefined;
      expect(first?.extensions?.code).toBe('RATE_LIMITED');
      if (waits >= 3) throw new Error(`still refused: ${first?.message}`);
      await new Promise((r) => setTimeout(r, Number(first?.extensions?.retryAfterSeconds) * 1000));
    }
  }
}

/** Moves the name's latest failure to now, so that timing does not depend on how long hashing took. */
const failedJustNow = (loginName: string) =>
  sql(t.orm, `update login_attempt set at = now() where id = (select id from login_attempt where login_name = ? order by at desc limit 1)`, [loginName]);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ trustProxy: true, login: login({ maxFailuresPerAccount: 5, maxFailuresPerAddress: 1000, windowMinutes: 15, slowdownAfterFailures: 5, maxSlowdownMs: 3000 }) });
});
afterAll(() => t.close());

describe('login answers', () => {
  it('gives the same code and message for an unknown user and a wrong password', async () => {
    const anon = new Client(t.url);
    const unknown = await anon.errors(LOGIN, { l: 'nosuchperson', p: 'whatever-password' });
    const wrong = await anon.errors(LOGIN, { l: 'huangwei', p: 'whatever-password' });
    expect(unknown).toEqual(wrong);
    expect(wrong[0]).toMatchObject({ message: '登录名或密码错误', extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an overlong password before hashing and records no attempt', async () => {
    const before = await count(t.orm, 'login_attempt');
    const errors = await new Client(t.url).errors(LOGIN, { l: 'huangwei', p: 'x'.repeat(10_000) });
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(await count(t.orm, 'login_attempt')).toBe(before);
  });

  it('accepts the login name in any case', async () => {
    const { login } = await new Client(t.url).request(LOGIN, { l: '  ZhouLi ', p: DEMO_PASSWORD });
    expect(login.token).toMatch(/^[\w-]{40,}$/);
  });
});

describe('lockout per account and address', () => {
  it('refuses a name from an address after 5 failures there, even for the right password, without touching other accounts', async () => {
    const anon = new Client(t.url);
    for (let i = 0; i < 5; i++) expect(await anon.errorCode(LOGIN, { l: 'guojing', p: `wrong-password-${i}` })).toBe('UNAUTHENTICATED');
    const locked = await anon.errors(LOGIN, { l: 'guojing', p: DEMO_PASSWORD });
    expect(locked[0].extensions?.code).toBe('RATE_LIMITED');
    expect(locked[0].message).toContain('暂停从此处登录');
    expect(Number(locked[0].extensions?.retryAfterSeconds)).toBeGreaterThan(0);
    await expect(anon.request(LOGIN, { l: 'linxiaofeng', p: DEMO_PASSWORD })).resolves.toBeTruthy();
  });

  it('cannot be used against another person: the attacker locks out only itself, the owner signs in from elsewhere', async () => {
    const attacker = from('203.0.113.66');
    for (let i = 0; i < 5; i++) expect(await attacker.errorCode(LOGIN, { l: 'zhangkaifeng', p: `guess-${i}-xxxxxx` })).toBe('UNAUTHENTICATED');
    expect(await attacker.errorCode(LOGIN, { l: 'zhangkaifeng', p: DEMO_PASSWORD })).toBe('RATE_LIMITED');
    // The owner, at another address, is told to wait out the slow-down (250 ms after 5 failures), then is in.
    const owner = from('198.51.100.8');
    const { login: token } = await signInAfterWaits(owner, 'zhangkaifeng');
    expect(token.token).toBeTruthy();
    // The attacker's address stays refused for that name, even after the owner's success.
    expect(await attacker.errorCode(LOGIN, { l: 'zhangkaifeng', p: DEMO_PASSWORD })).toBe('RATE_LIMITED');
  });

  it('slows down guessing from many addresses: an attempt before the name’s next allowed time is refused, not held', async () => {
    // 5 failures from 5 addresses: none reaches the per-address limit for the name.
    for (let i = 0; i < 5; i++) {
      expect(await from(`192.0.2.${10 + i}`).errorCode(LOGIN, { l: 'niujianping', p: `spread-guess-${i}` })).toBe('UNAUTHENTICATED');
    }
    const recorded = await count(t.orm, 'login_attempt', `login_name = 'niujianping'`);
    await failedJustNow('niujianping');
    // Beyond 5 failures the next attempt may come 250 ms after the latest; earlier ones are answered at once.
    let started = Date.now();
    const early = await from('192.0.2.30').errors(LOGIN, { l: 'niujianping', p: 'too-early-guess' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(early[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(early[0].message).toMatch(/请 1 秒后再试/);
    expect(await count(t.orm, 'login_attempt', `login_name = 'niujianping'`)).toBe(recorded);
    // Guesses in parallel from 10 addresses once the interval has passed: one is verified, the rest refused.
    await new Promise((r) => setTimeout(r, 300));
    started = Date.now();
    const parallel = await Promise.all(Array.from({ length: 10 }, (_, i) => from(`192.0.2.${40 + i}`).errorCode(LOGIN, { l: 'niujianping', p: `parallel-guess-${i}` })));
    // One verification per 500 ms interval (after 6 failures): one, unless a loaded machine spread the batch wider.
    const intervals = Math.floor((Date.now() - started) / 500);
    const verified = parallel.filter((c) => c === 'UNAUTHENTICATED').length;
    expect(verified).toBeGreaterThanOrEqual(1);
    expect(verified).toBeLessThanOrEqual(1 + intervals);
    expect(verified).toBeLessThan(10);
    expect(parallel.filter((c) => c === 'RATE_LIMITED')).toHaveLength(10 - verified);
    // After 6 failures the interval is 500 ms; the owner elsewhere waits as told and is in.
    await failedJustNow('niujianping');
    started = Date.now();
    const { login: owner, waits } = await signInAfterWaits(from('198.51.100.9'), 'niujianping');
    expect(owner.token).toBeTruthy();
    expect(waits).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(3000 + 2000);
    // A success ends the slow-down.
    started = Date.now();
    await from('198.51.100.9').request(LOGIN, { l: 'niujianping', p: DEMO_PASSWORD });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('holds under parallel guessing: 30 wrong passwords at once get at most 5 verifications', async () => {
    const anon = new Client(t.url);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => anon.errors(LOGIN, { l: 'hulin', p: `parallel-guess-${i}` })));
    const codes = results.map((errors) => errors[0].extensions?.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(25);
    expect(await count(t.orm, 'login_attempt', `login_name = 'hulin'`)).toBe(5);
  });

  it('refuses an unknown name exactly like a known one (no account enumeration)', async () => {
    const anon = new Client(t.url);
    for (let i = 0; i < 5; i++) await anon.errors(LOGIN, { l: 'ghost-account', p: `wrong-password-${i}` });
    const locked = await anon.errors(LOGIN, { l: 'ghost-account', p: 'anything-at-all' });
    const known = await anon.errors(LOGIN, { l: 'guojing', p: 'anything-at-all' });
    expect(locked[0].extensions?.code).toBe('RATE_LIMITED');
    expect(locked[0].message).toBe(known[0].message);
  });

  it('unlocks when the window has passed', async () => {
    await sql(t.orm, `update login_attempt set at = at - interval '16 minutes' where login_name = 'guojing'`);
    await expect(new Client(t.url).request(LOGIN, { l: 'guojing', p: DEMO_PASSWORD })).resolves.toBeTruthy();
  });

  it('counts each aliased login in one request as its own attempt', async () => {
    const before = await count(t.orm, 'login_attempt');
    // Mutations run in order; the failing one comes last because a failed non-null field stops the rest.
    const names = ['luoyu', 'heping', 'majun'];
    const aliased = `mutation { ${names.map((n, i) => `a${i}: login(loginName: "${n}", password: "${DEMO_PASSWORD}") { token }`).join(' ')} bad: login(loginName: "luoyu", password: "wrong-password") { token } }`;
    const errors = await new Client(t.url).errors(aliased);
    expect(errors).toHaveLength(1);
    expect(await count(t.orm, 'login_attempt')).toBe(before + 4);
    expect(await count(t.orm, 'login_attempt', `login_name = 'luoyu' and not succeeded`)).toBe(1);
  });

  it('refuses 100 aliased logins before any of them runs', async () => {
    const before = await count(t.orm, 'login_attempt');
    const aliased = `mutation { ${Array.from({ length: 100 }, (_, i) => `a${i}: login(loginName: "liangshan", password: "guess-${i}-xxxxx") { token }`).join(' ')} }`;
    const errors = await new Client(t.url).errors(aliased);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toContain('别名');
    expect(await count(t.orm, 'login_attempt')).toBe(before);
  });
});

describe('rate limit per address', () => {
  it('refuses further tries from an address after many failures across names', async () => {
    const limited = await startTestApp({ login: login({ maxFailuresPerAccount: 100, maxFailuresPerAddress: 6 }) });
    try {
      const anon = new Client(limited.url);
      for (let i = 0; i < 6; i++) await anon.errors(LOGIN, { l: `spray-${i}`, p: 'Jiaoliu@2025' });
      const errors = await anon.errors(LOGIN, { l: 'lijinsong', p: DEMO_PASSWORD });
      expect(errors[0].extensions?.code).toBe('RATE_LIMITED');
      expect(errors[0].message).toContain('网络');
    } finally {
      await limited.close();
    }
  });
});

describe('password hashing upgrades', () => {
  it('rehashes a weaker stored hash on the next successful login', async () => {
    const argon2 = (await import('argon2')).default;
    const weak = await argon2.hash(DEMO_PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await sql(t.orm, `update app_user set password_hash = ? where login_name = 'caolin'`, [weak]);
    await new Client(t.url).request(LOGIN, { l: 'caolin', p: DEMO_PASSWORD });
    const [row] = await sql(t.orm, `select password_hash from app_user where login_name = 'caolin'`);
    expect(row.password_hash).not.toBe(weak);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await expect(new Client(t.url).request(LOGIN, { l: 'caolin', p: DEMO_PASSWORD })).resolves.toBeTruthy();
  });
});

describe('bounded password hashing', () => {
  it('answers RATE_LIMITED instead of queueing a login flood without end, and keeps serving', async () => {
    const tight = await startTestApp({ login: login({ maxFailuresPerAccount: 1000, maxFailuresPerAddress: 1000, hashConcurrency: 1, hashQueueLimit: 2 }) });
    try {
      const attempts = Array.from({ length: 12 }, (_, i) => new Client(tight.url).errors(LOGIN, { l: `flood-${i}`, p: 'flooding-password' }));
      const codes = (await Promise.all(attempts)).map((errors) => errors[0].extensions?.code);
      expect(codes).toContain('RATE_LIMITED');
      expect(codes).toContain('UNAUTHENTICATED');
      // The server still answers other requests.
      expect((await new Client(tight.url).request(`{ ok }`)).ok).toBe(true);
    } finally {
      await tight.close();
    }
  });
});
