import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import type { OperationDefinitionNode } from 'graphql';
import { operationMeasure } from '../../../server/graphql/cost.js';
import { parse, validate } from '../../../server/graphql/graphqlModule.js';
import { validationRules } from '../../../server/graphql/rules.js';
import { operationText } from '../../../web/src/api.js';
import { GroupFields, MessageFields, SummaryFields, UserFields } from '../../../web/src/graphql/fragments.js';
import { graphql } from '../../../web/src/graphql/index.js';

let t: TestApp;
let li: Client;
let conversationId: string;
beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
  [{ id: conversationId }] = await sql<{ id: string }>(t.orm, `select conversation_id as id from chat_group where name = '政务服务工作交流'`);
});
afterAll(() => t.close());

// 8 fields: 30 aliases stay inside the field (300), alias (30) and depth (8) limits.
const GROUPS_WITH_MEMBERS = `groups(first: 100) { edges { node { members(first: 100) { edges { node { user { id } } } } } } }`;

describe('cost limit', () => {
  it('refuses 30 aliases of groups(first:100) x members(first:100) before running, naming the limit', async () => {
    const query = `{ ${Array.from({ length: 30 }, (_, i) => `g${i}: ${GROUPS_WITH_MEMBERS}`).join(' ')} }`;
    const started = Date.now();
    const errors = await li.errors(query);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxCost: t.config.graphql.maxCost });
    expect(errors[0].message).toContain('查询代价过高');
    expect(errors[0].message).toContain(`上限 ${t.config.graphql.maxCost}`);
  });

  it('counts a page size given in a variable as the largest page', async () => {
    const errors = await li.errors(`query($n: Int) { groups(first: $n) { edges { node { members(first: $n) { edges { node { user { id realName title } } } } } } } }`, { n: 1 });
    expect(errors[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors[0].message).toContain('查询代价过高');
  });

  it('counts fragments where they are spread', async () => {
    const errors = await li.errors(
      `fragment M on Group { members(first: 100) { edges { node { user { id realName title loginName } } } } }
       { groups(first: 100) { edges { node { ...M } } } }`,
    );
    expect(errors[0].message).toContain('查询代价过高');
  });

  it('accepts a large query of the size the connection pages allow', async () => {
    const data = await li.request(`{ groups(first: 100) { edges { node { id name members(first: 20) { edges { node { user { id realName } } } } } } } }`);
    expect(data.groups.edges.length).toBeGreaterThan(0);
  });

  it('accepts the web UI’s costliest documents (chat home, 100 messages of history)', async () => {
    const home = graphql(
      `query ChatHome {
        myGroups { ...GroupFields conversation { ...SummaryFields }
          discussions(includeArchived: true) { id topic createdAt archivedAt conversation { ...SummaryFields } } }
        directConversations(first: 100) { ...SummaryFields peer { ...UserFields presence { online lastSeenAt } } }
        myInvitations { id createdAt inviter { id realName } group { id name purpose rules memberCount visibility } } }`,
      [GroupFields, SummaryFields, UserFields],
    );
    const { myGroups } = await li.request(operationText(home));
    expect(myGroups.length).toBeGreaterThan(0);
    const history = graphql(`query History($id: ID!, $first: Int) { conversation(id: $id) { id messages(first: $first) { edges { node { ...MessageFields } } } } }`, [MessageFields]);
    const { conversation } = await li.request(operationText(history), { id: conversationId, first: 100 });
    expect(conversation.messages.edges.length).toBeGreaterThan(0);
  });
});

describe('one walk for breadth, cost and root fields', () => {
  it('counts a mutation’s root fields through fragments (aliases each, __typename not), measured once at validation', () => {
    const schema = t.app.graphql.schema;
    const document = parse(`mutation M { a: noop ...F ... on Mutation { c: noop __typename } } fragment F on Mutation { b: noop d: noop }`);
    expect(validate(schema, document, validationRules(t.config))).toEqual([]);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const measure = operationMeasure(schema, document, operation);
    expect(measure).toMatchObject({ rootFields: 4, fields: 5, aliases: 4, overBreadth: null });
    // The rate limiter reads the measure validation took, rather than walking the document again.
    expect(operationMeasure(schema, document, operation)).toBe(measure);
    const unvalidated = parse(`mutation { a: noop b: noop }`);
    expect(operationMeasure(schema, unvalidated, unvalidated.definitions[0] as OperationDefinitionNode).rootFields).toBe(2);
  });

  it('reports breadth and cost both when both are over, with their own messages', async () => {
    const query = `{ ${Array.from({ length: 31 }, (_, i) => `g${i}: ${GROUPS_WITH_MEMBERS}`).join(' ')} }`;
    const messages = (await li.errors(query)).map((e) => e.message);
    expect(messages).toEqual([expect.stringContaining('别名过多'), expect.stringContaining('查询代价过高')]);
  });
});
