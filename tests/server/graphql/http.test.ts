import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { Client, DEMO_PASSWORD, signedIn } from '../../helpers/graphql.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }, url = `${t.url}/graphql`) =>
  fetch(url, { method: 'POST', headers, body });

/** Nothing a client receives may look like an internal detail. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat \S+ \(|stack|\.ts:\d+|node_modules/i);
  expect(text).not.toMatch(/\bselect\b|\binsert\b|\bfrom "|relation "|syntax error|postgres/i);
}

describe('query limits', () => {
  it('refuses a query nested beyond the depth limit before running it', async () => {
    const li = await signedIn(t.url, 'lijinsong');
    const deep = `{ viewer { unit { parent { parent { children { children { parent { children { name } } } } } } } } }`;
    const errors = await li.errors(deep);
    expect(errors[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors[0].message).toContain('嵌套');
  });

  it('refuses a query with too many fields, fragments expanded', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `f${i}: name`).join(' ');
    const errors = await new Client(t.url).errors(`{ orgUnits { ${fields} } }`);
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    const fragment = `fragment F on OrgUnit { ${Array.from({ length: 25 }, () => 'id name level').join(' ')} }`;
    const spread = Array.from({ length: 10 }, (_, i) => `u${i}: orgUnits { ...F }`).join(' ');
    const expanded = await new Client(t.url).errors(`{ ${spread} } ${fragment}`);
    expect(expanded[0].message).toMatch(/过于复杂|别名/);
  });

  it('refuses batched queries', async () => {
    const response = await post(JSON.stringify([{ query: '{ ok }' }, { query: '{ ok }' }]));
    expect(response.status).toBeGreaterThanOrEqual(400);
    const text = await response.text();
    expect(text).not.toContain('"ok":true');
    expectNoInternals(text);
  });
});

describe('cross-site request forgery', () => {
  const login = JSON.stringify({ query: `mutation { login(loginName: "lijinsong", password: "${DEMO_PASSWORD}") { token } }` });

  it('refuses a text/plain POST (a simple cross-site form request) and sets no cookie', async () => {
    const response = await post(login, { 'content-type': 'text/plain' });
    expect(response.status).toBe(400);
    expect(response.headers.get('set-cookie')).toBeNull();
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(body.errors[0].message).toContain('跨站');
  });

  it('refuses a form-encoded POST', async () => {
    const response = await post(`query=${encodeURIComponent('{ ok }')}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(400);
  });

  it('refuses a GET without a preflight-forcing header', async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ viewer { realName } }')}`);
    expect(response.status).toBe(400);
  });
});

describe('errors', () => {
  it('answers malformed JSON with a Chinese message and no internals', async () => {
    const response = await post('{"query": ');
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text).errors[0].message).toMatch(/[\u4e00-\u9fa5]/);
    expectNoInternals(text);
  });

  it('answers a syntax error as GRAPHQL_VALIDATION_FAILED with HTTP 400', async () => {
    const response = await post(JSON.stringify({ query: '{ viewer { ' }));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('hides a database failure behind INTERNAL_SERVER_ERROR without SQL or stack', async () => {
    // This test file owns its database: break it on purpose.
    await sql(t.orm, `alter table login_attempt rename to login_attempt_gone`);
    try {
      const response = await post(JSON.stringify({ query: `mutation { login(loginName: "lijinsong", password: "${DEMO_PASSWORD}") { token } }` }));
      const text = await response.text();
      const body = JSON.parse(text);
      expect(body.errors[0]).toEqual({ message: '服务器内部错误，请稍后重试', path: ['login'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expectNoInternals(text);
    } finally {
      await sql(t.orm, `alter table login_attempt_gone rename to login_attempt`);
    }
  });

  it('answers unknown routes with 404 in Chinese', async () => {
    const response = await fetch(`${t.url}/no-such-page`);
    expect(response.status).toBe(404);
    expect((await response.json()).errors[0].message).toBe('页面不存在');
  });
});

describe('security headers', () => {
  it('sends a strict Content-Security-Policy and nosniff', async () => {
    const response = await fetch(`${t.url}/healthz`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('development and production modes', () => {
  it('serves GraphiQL and introspection outside production', async () => {
    expect((await fetch(`${t.url}/graphiql`)).status).toBe(200);
    const { __schema } = await new Client(t.url).request(`{ __schema { queryType { name } } }`);
    expect(__schema.queryType.name).toBe('Query');
  });

  it('turns GraphiQL and introspection off in production', async () => {
    const production = await startTestApp({ production: true });
    try {
      expect((await fetch(`${production.url}/graphiql`)).status).toBe(404);
      const errors = await new Client(production.url).errors(`{ __schema { types { name } } }`);
      expect(errors[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await new Client(production.url).request(`{ ok }`)).ok).toBe(true);
    } finally {
      await production.close();
    }
  });
});
