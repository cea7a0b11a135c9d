import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql, userId } from '../../helpers/demo.js';
import { Client, DEMO_PASSWORD, signedIn } from '../../helpers/graphql.js';

const VIEWER = `{ viewer { id realName } }`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A client that presents only the bearer token (like an API client). */
const bearer = (token: string) => {
  const client = new Client(t.url);
  client.token = token;
  return client;
};

describe('sessions', () => {
  it('requires authentication for the directory and a profile', async () => {
    const anon = new Client(t.url);
    expect(await anon.errorCode(`{ directory { totalCount } }`)).toBe('UNAUTHENTICATED');
    expect(await anon.errorCode(`query($id: ID!) { user(id: $id) { realName } }`, { id: await userId(t.orm, 'lijinsong') })).toBe('UNAUTHENTICATED');
    expect((await anon.request(VIEWER)).viewer).toBeNull();
  });

  it('sets an HttpOnly SameSite cookie and returns a bearer token that works on its own', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(loginName: "lijinsong", password: "${DEMO_PASSWORD}") { token expiresAt } }` }),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/jiaoliu_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http here; behind TLS the flag is set
    const body = await response.json();
    expect(new Date(body.data.login.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const { viewer } = await bearer(body.data.login.token).request(VIEWER);
    expect(viewer.realName).toBe('李劲松');
    // Only a hash of the token is stored.
    expect(await count(t.orm, 'session', 'token_hash = ?', [body.data.login.token])).toBe(0);
  });

  it('marks the cookie Secure when the request came over TLS through a trusted proxy', async () => {
    const proxied = await startTestApp({ trustProxy: true });
    try {
      const response = await fetch(`${proxied.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ query: `mutation { login(loginName: "lijinsong", password: "${DEMO_PASSWORD}") { token } }` }),
      });
      expect(response.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    } finally {
      await proxied.close();
    }
  });

  it('issues a new session id at each login', async () => {
    const a = await new Client(t.url).login('zhouli');
    const b = await new Client(t.url).login('zhouli');
    expect(a.token).not.toBe(b.token);
  });

  it('ends the session at logout: cookie cleared and token dead', async () => {
    const client = await signedIn(t.url, 'huangwei');
    const { token } = await new Client(t.url).login('huangwei');
    await client.request(`mutation { logout }`);
    expect(client.hasCookie).toBe(false);
    expect((await client.request(VIEWER)).viewer).toBeNull();
    expect((await bearer(token).request(VIEWER)).viewer.realName).toBe('黄伟'); // other session untouched
  });

  it('ends every session with logoutEverywhere', async () => {
    const tokens = await Promise.all([0, 1, 2].map(async () => (await new Client(t.url).login('wuxiaodong')).token));
    const { logoutEverywhere } = await bearer(tokens[0]).request(`mutation { logoutEverywhere }`);
    expect(logoutEverywhere).toBe(3);
    for (const token of tokens) expect((await bearer(token).request(VIEWER)).viewer).toBeNull();
  });

  it('lists own sessions and revokes one; another user\'s session id answers NOT_FOUND', async () => {
    const first = await new Client(t.url).login('xumingliang');
    const second = await new Client(t.url).login('xumingliang');
    const { mySessions } = await bearer(second.token).request(`{ mySessions { id current } }`);
    expect(mySessions).toHaveLength(2);
    const other = mySessions.find((s: any) => !s.current);
    const stranger = await signedIn(t.url, 'sunli');
    expect(await stranger.errorCode(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: other.id })).toBe('NOT_FOUND');
    expect((await bearer(first.token).request(VIEWER)).viewer).not.toBeNull();
    await bearer(second.token).request(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: other.id });
    expect((await bearer(first.token).request(VIEWER)).viewer).toBeNull();
  });

  it('changing the password ends the other sessions and keeps the current one', async () => {
    const other = await new Client(t.url).login('zhuhong');
    const current = await signedIn(t.url, 'zhuhong');
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
    expect(await current.errorCode(CHANGE, { c: 'not-my-password', n: 'Brand-new-pass-1' })).toBe('BAD_USER_INPUT');
    expect((await current.errors(CHANGE, { c: DEMO_PASSWORD, n: 'short' }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });
    expect(await current.errorCode(CHANGE, { c: DEMO_PASSWORD, n: DEMO_PASSWORD })).toBe('BAD_USER_INPUT');
    const { changePassword } = await current.request(CHANGE, { c: DEMO_PASSWORD, n: 'Brand-new-pass-1' });
    expect(changePassword).toBe(1);
    expect((await current.request(VIEWER)).viewer.realName).toBe('朱红');
    expect((await bearer(other.token).request(VIEWER)).viewer).toBeNull();
    expect(await new Client(t.url).errorCode(`mutation { login(loginName: "zhuhong", password: "${DEMO_PASSWORD}") { token } }`)).toBe('UNAUTHENTICATED');
    await expect(new Client(t.url).login('zhuhong', 'Brand-new-pass-1')).resolves.toBeTruthy();
    expect(await count(t.orm, 'audit_log', `action = 'user.password_changed' and target_id = ?`, [await userId(t.orm, 'zhuhong')])).toBe(1);
  });

  it('treats an expired session as signed out', async () => {
    const { token } = await new Client(t.url).login('majun');
    await sql(t.orm, `update session set expires_at = now() - interval '1 second' where user_id = ?`, [await userId(t.orm, 'majun')]);
    expect((await bearer(token).request(VIEWER)).viewer).toBeNull();
    expect(await bearer(token).errorCode(`{ directory { totalCount } }`)).toBe('UNAUTHENTICATED');
  });

  it('renews the cookie together with the session it carries', async () => {
    const loginResponse = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(loginName: "pengbo", password: "${DEMO_PASSWORD}") { token } }` }),
    });
    const token = (await loginResponse.json()).data.login.token;
    // Pretend the session was last used an hour ago and ends soon.
    await sql(t.orm, `update session set last_used_at = now() - interval '1 hour', expires_at = now() + interval '1 hour' where user_id = ?`, [await userId(t.orm, 'pengbo')]);
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `jiaoliu_session=${token}` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect((await response.json()).data.viewer.realName).toBe('彭博');
    const expires = /Expires=([^;]+)/i.exec(response.headers.get('set-cookie') ?? '')?.[1];
    expect(expires).toBeDefined();
    expect(new Date(expires!).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
  });

  it('ends a session past the absolute age limit however busy it is', async () => {
    const { token } = await new Client(t.url).login('xiemei');
    await sql(t.orm, `update session set created_at = now() - interval '31 days' where user_id = ?`, [await userId(t.orm, 'xiemei')]);
    expect((await bearer(token).request(VIEWER)).viewer).toBeNull();
  });

  it('ignores garbage tokens and cookies', async () => {
    expect((await bearer('x'.repeat(5000)).request(VIEWER)).viewer).toBeNull();
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: "jiaoliu_session=' or 1=1 --" },
      body: JSON.stringify({ query: VIEWER }),
    });
    expect((await response.json()).data.viewer).toBeNull();
  });
});
