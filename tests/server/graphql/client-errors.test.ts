import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

let t: TestApp;
let li: Client;
beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
});
afterAll(() => t.close());

const post = async (body: string, contentType = 'application/json') => {
  const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> } };
};

const MEETING = (startsAt: string) =>
  `mutation { issueMeeting(input: { groupId: "00000000-0000-4000-8000-000000000000", title: "会议", startsAt: ${startsAt}, endsAt: "2030-01-01T10:00:00Z", place: "三楼", invitees: { scope: GROUP } }) { id } }`;

describe('client mistakes are client errors, never INTERNAL_SERVER_ERROR', () => {
  it('answers a body that is not JSON, or empty, with BAD_REQUEST and HTTP 400', async () => {
    for (const body of ['{"query": ', 'not json at all', '']) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(answer.body.errors[0].message).toContain('请求格式不正确');
    }
  });

  it('answers a query that is JSON instead of GraphQL as an invalid query', async () => {
    for (const query of [42, '42', '[1, 2]', '{"kind": "Nope"}']) {
      const answer = await post(JSON.stringify({ query }));
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('answers an inline literal of the wrong type as an invalid query', async () => {
    const errors = await li.errors(`{ groups(first: "abc") { edges { node { id } } } }`);
    expect(errors[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers an invalid DateTime literal with BAD_USER_INPUT and a Chinese message', async () => {
    for (const literal of ['"not a date"', '5', 'true']) {
      const errors = await li.errors(MEETING(literal));
      expect(errors.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(errors[0].message).toContain('日期时间格式无效');
    }
  });

  it('answers variables of the wrong type with BAD_USER_INPUT', async () => {
    const wrongInt = await li.errors(`query($n: Int) { groups(first: $n) { edges { node { id } } } }`, { n: 'abc' });
    expect(wrongInt[0].extensions?.code).toBe('BAD_USER_INPUT');
    const wrongDate = await li.errors(
      `mutation($s: DateTime!) { issueMeeting(input: { groupId: "00000000-0000-4000-8000-000000000000", title: "会议", startsAt: $s, endsAt: "2030-01-01T10:00:00Z", place: "三楼", invitees: { scope: GROUP } }) { id } }`,
      { s: 'garbage' },
    );
    expect(wrongDate[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongDate[0].message).toContain('日期时间格式无效');
    const missing = await li.errors(`query($g: ID!) { group(id: $g) { id } }`);
    expect(missing[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a valid DateTime literal normally (the scalar still parses)', async () => {
    const errors = await li.errors(MEETING('"2030-01-01T09:00:00Z"'));
    expect(errors[0].extensions?.code).toBe('NOT_FOUND');
  });
});
