import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { Client, signedIn } from '../../helpers/graphql.js';
import { sql } from '../../helpers/demo.js';
import { reindexSearch } from '../../../server/modules/search/reindex.js';
import { DOCS, EXPECTATIONS, GONE, type CorpusDoc } from './corpus.js';

const SEARCH = `query($q: String!, $f: SearchFilter, $s: SearchSort, $first: Int, $after: String) {
  search(query: $q, filter: $f, sort: $s, first: $first, after: $after) {
    words
    edges { cursor node { type id createdAt author { realName } group { id } conversationId seq floor thread { id } title { text match } snippet { text match } } }
    pageInfo { hasNextPage endCursor } } }`;

let t: TestApp;
const people: Record<string, Client & { userId: string }> = {};
let groupId: string;
let conversationId: string;
let boardId: string;
/** Document key → id of the message, thread or reply. */
const ids = new Map<string, string>();
let n = 0;
const key = () => `search-${Date.now()}-${n++}`;

async function post(doc: CorpusDoc, ctx: { discussion: string; direct: string; thread: () => Promise<string> }): Promise<string> {
  const by = people[doc.by];
  const send = async (c: string) =>
    (await by.request(`mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`, { c, b: doc.text, k: key() })).sendMessage.id;
  switch (doc.where) {
    case 'group':
      return send(conversationId);
    case 'discussion':
      return send(ctx.discussion);
    case 'direct':
      return send(ctx.direct);
    case 'thread':
      return (await by.request(`mutation($i: ThreadInput!) { createThread(input: $i) { id } }`, { i: { boardId, title: doc.title, body: doc.text } })).createThread.id;
    case 'reply':
      return (await by.request(`mutation($t: ID!, $b: String!) { replyToThread(threadId: $t, body: $b) { id } }`, { t: await ctx.thread(), b: doc.text })).replyToThread.id;
  }
}

async function searchAll(viewer: Client, query: string, filter: Record<string, unknown> = {}, sort = 'RELEVANCE') {
  const nodes: any[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { search }: any = await viewer.request(SEARCH, { q: query, f: filter, s: sort, first: 50, after });
    nodes.push(...search.edges.map((e: any) => e.node));
    if (!search.pageInfo.hasNextPage) break;
    after = search.pageInfo.endCursor;
  }
  return nodes;
}

const keysOf = (nodes: Array<{ id: string }>) => {
  const byId = new Map([...ids].map(([k, id]) => [id, k]));
  return nodes.map((node) => byId.get(node.id)).filter((k): k is string => !!k);
};

beforeAll(async () => {
  t = await startTestApp();
  for (const [name, login] of [['li', 'lijinsong'], ['cheng', 'chengyong'], ['gou', 'gouxiaoyan']] as const) people[name] = await signedIn(t.url, login);
  const { li, cheng, gou } = people;
  const { createGroup } = await li.request(`mutation { createGroup(input: { name: "搜索测试群", purpose: "检验搜索", rules: "实名", visibility: INVITE_ONLY }) { id conversation { id } boards { id name } } }`);
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
  boardId = createGroup.boards[0].id;
  for (const member of [cheng, gou]) {
    const { inviteToGroup } = await li.request(`mutation($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }`, { g: groupId, u: member.userId });
    await member.request(`mutation($i: ID!) { acceptInvitation(invitationId: $i, acceptRules: true) { id } }`, { i: inviteToGroup.id });
  }
  const { createDiscussion } = await li.request(`mutation($g: ID!, $m: [ID!]!) { createDiscussion(groupId: $g, topic: "内部议题", memberIds: $m) { conversation { id } } }`, { g: groupId, m: [cheng.userId] });
  const { openDirectConversation } = await gou.request(`mutation($u: ID!) { openDirectConversation(userId: $u) { id } }`, { u: li.userId });
  let threadId: string | null = null;
  const ctx = {
    discussion: createDiscussion.conversation.id,
    direct: openDirectConversation.id,
    thread: async () => (threadId ??= ids.get('pilot')!),
  };
  for (const doc of [...DOCS, ...GONE]) ids.set(doc.key, await post(doc, ctx));
  await li.request(`mutation($m: ID!) { recallMessage(messageId: $m) { id } }`, { m: ids.get('recalled') });
  await cheng.request(`mutation($r: ID!) { deleteReply(replyId: $r) { id } }`, { r: ids.get('deleted') });
});
afterAll(() => t.close());

describe('the search corpus', () => {
  it.each(EXPECTATIONS.map((e) => [`${e.query} (${e.viewer})`, e] as const))('%s', async (_, expectation) => {
    const found = keysOf(await searchAll(people[expectation.viewer], expectation.query));
    for (const must of expectation.must) expect(found, `${expectation.query} must find ${must}`).toContain(must);
    for (const mustNot of expectation.mustNot) expect(found, `${expectation.query} must not find ${mustNot}`).not.toContain(mustNot);
  });
});

describe('search', () => {
  it('marks the matching words in titles and snippets, as text parts', async () => {
    const nodes = await searchAll(people.li, '行政许可', { groupId });
    const pilot = nodes.find((node) => node.id === ids.get('pilot'));
    expect(pilot).toMatchObject({ type: 'THREAD', author: { realName: '李劲松' }, group: { id: groupId }, thread: { id: ids.get('pilot') } });
    expect(pilot.title).toEqual([{ text: '相对集中', match: false }, { text: '行政许可', match: true }, { text: '权试点经验', match: false }]);
    const regulation = nodes.find((node) => node.id === ids.get('regulation'));
    expect(regulation).toMatchObject({ type: 'GROUP_MESSAGE', conversationId, seq: expect.any(Number) });
    expect(regulation.snippet.filter((p: any) => p.match).map((p: any) => p.text)).toEqual(['行政许可']);
  });

  it('answers a hit’s group and thread from the row’s columns, and with their resolvers when a query asks for more', async () => {
    const q = `query($q: String!, $f: SearchFilter) { search(query: $q, filter: $f, first: 50) { edges { node { id
      plain: group { __typename id name purpose createdAt visibility } plainThread: thread { id title replyCount locked confidentiality }
      full: group { id name memberCount viewerRole owner { realName } } fullThread: thread { id title locked author { realName } group { id } } } } } }`;
    const { search } = await people.li.request(q, { q: '行政许可', f: { groupId } });
    const pilot = search.edges.map((e: any) => e.node).find((node: any) => node.id === ids.get('pilot'));
    const [group] = await sql<{ name: string; purpose: string; member_count: number }>(t.orm, `select name, purpose, member_count from chat_group where id = ?`, [groupId]);
    expect(pilot.plain).toEqual({ __typename: 'Group', id: groupId, name: group.name, purpose: group.purpose, createdAt: expect.any(String), visibility: expect.stringMatching(/^[A-Z_]+$/) });
    expect(new Date(pilot.plain.createdAt).getTime()).not.toBeNaN();
    expect(pilot.plainThread).toEqual({ id: ids.get('pilot'), title: '相对集中行政许可权试点经验', replyCount: expect.any(Number), locked: false, confidentiality: 'NORMAL' });
    expect(pilot.full).toMatchObject({ id: groupId, name: group.name, memberCount: group.member_count, viewerRole: expect.any(String), owner: { realName: expect.any(String) } });
    expect(pilot.fullThread).toEqual({ id: ids.get('pilot'), title: '相对集中行政许可权试点经验', locked: false, author: { realName: '李劲松' }, group: { id: groupId } });
  });

  it('filters by type, group, author and date, and sorts by time', async () => {
    expect(keysOf(await searchAll(people.li, '许可', { groupId, types: ['THREAD'] }))).toEqual(['pilot']);
    expect(keysOf(await searchAll(people.li, '许可', { groupId, types: ['REPLY'] }))).toEqual(['list']);
    expect(keysOf(await searchAll(people.li, '许可', { groupId, authorId: people.cheng.userId }))).toEqual(['list']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await searchAll(people.li, '许可', { groupId, from: future })).toEqual([]);
    expect(keysOf(await searchAll(people.li, '许可', { groupId, to: future })).sort()).toEqual(['list', 'pilot', 'regulation']);
    const byTime = await searchAll(people.li, '会议', { groupId }, 'TIME');
    expect(keysOf(byTime)).toEqual(['minutes', 'meeting']);
    const other = await searchAll(people.li, '许可', { groupId: '00000000-0000-4000-8000-000000000000' });
    expect(other).toEqual([]);
  });

  it('pages without repeats or gaps, by relevance and by time', async () => {
    for (const sort of ['RELEVANCE', 'TIME']) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 50; page++) {
        const { search }: any = await people.li.request(SEARCH, { q: '计划', f: {}, s: sort, first: 1, after });
        seen.push(...search.edges.map((e: any) => e.node.id));
        if (!search.pageInfo.hasNextPage) break;
        after = search.pageInfo.endCursor;
      }
      const all = (await searchAll(people.li, '计划', {}, sort)).map((node) => node.id);
      expect(seen).toEqual(all);
      expect(new Set(seen).size).toBe(seen.length);
      expect(keysOf(all.map((id) => ({ id }))).sort()).toEqual(['private', 'secret']);
    }
  });

  it('stops finding a group’s content the moment the viewer leaves it', async () => {
    expect(keysOf(await searchAll(people.gou, '会议'))).toEqual(expect.arrayContaining(['meeting', 'minutes']));
    await people.gou.request(`mutation($g: ID!) { leaveGroup(groupId: $g) }`, { g: groupId });
    const after = keysOf(await searchAll(people.gou, '会议'));
    expect(after).not.toContain('meeting');
    expect(after).not.toContain('minutes');
    // Their private chat stays theirs.
    expect(keysOf(await searchAll(people.gou, '珠江计划'))).toEqual(['private']);
  });

  it('indexes and searches text with quotes, backslashes and tsquery operators safely', async () => {
    const body = `O'Brien 的路径 C:\\temp\\a.txt 与 'quoted' & | ! :* <-> 符号`;
    const { sendMessage } = await people.li.request(`mutation($c: ID!, $b: String!, $k: String!) { sendMessage(conversationId: $c, body: $b, clientMessageId: $k) { id } }`, { c: conversationId, b: body, k: key() });
    for (const query of ["o'brien", 'temp\\a', "'quoted' & !", ':* <-> 路径']) {
      const found = (await searchAll(people.li, query, { groupId })).map((node) => node.id);
      expect(found, query).toContain(sendMessage.id);
    }
  });

  it('finds content written before search existed once the reindex has filled its vectors', async () => {
    await sql(t.orm, `update message set search_vector = null where id = ?`, [ids.get('regulation')]);
    await sql(t.orm, `update thread set search_vector = null where id = ?`, [ids.get('pilot')]);
    expect(keysOf(await searchAll(people.li, '行政许可', { groupId }))).toEqual([]);
    expect(await reindexSearch(t.orm.em.fork())).toBeGreaterThanOrEqual(2);
    expect(keysOf(await searchAll(people.li, '行政许可', { groupId })).sort()).toEqual(['pilot', 'regulation']);
    // Recalled messages and deleted replies stay out, also when everything is rebuilt.
    await reindexSearch(t.orm.em.fork(), { all: true });
    expect(keysOf(await searchAll(people.li, '蓝鲸计划'))).toEqual([]);
    expect(keysOf(await searchAll(people.cheng, '黄河计划'))).toEqual([]);
    expect(await reindexSearch(t.orm.em.fork())).toBe(0);
  });

  it('refuses empty, overlong and word-less queries with a clear error', async () => {
    for (const [query, message] of [['  ', '请输入'], ['查'.repeat(51), '50'], ['？！。', '文字']] as const) {
      const errors = await people.li.errors(SEARCH, { q: query });
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(errors[0].message).toContain(message);
    }
    expect(await people.li.errorCode(SEARCH, { q: '会议', f: { from: 'yesterday' } })).toBe('BAD_USER_INPUT');
  });
});
