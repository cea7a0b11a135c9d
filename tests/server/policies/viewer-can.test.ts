import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql, userId } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';
import { captureStatements } from '../../helpers/statements.js';

/**
 * Message.viewerCan against the mutations, through the real API: for each case the abilities a
 * viewer is shown (on the latest history page and by message(id)) must be exactly the mutations the server
 * then accepts: addReaction, editMessage, raiseMessageConfidentiality, recallMessage. The UI never offers what the server
 * refuses, nor hides what it would accept. The expected column pins the rules themselves.
 */
type Login = 'lijinsong' | 'chengyong' | 'gouxiaoyan' | 'ningzhiyuan';
const ROLE: Record<Login, 'owner' | 'admin' | 'member'> = { lijinsong: 'owner', chengyong: 'admin', gouxiaoyan: 'member', ningzhiyuan: 'member' };
type Abilities = { edit: boolean; recall: boolean; react: boolean; raiseConfidentiality: boolean };

interface Case {
  viewer: Login;
  author: Login;
  /** The viewer's own 禁言, or the group's 全员禁言. */
  muted?: boolean;
  mutedAll?: boolean;
  /** Minutes since the message was sent. */
  age?: number;
  recalled?: boolean;
  removed?: boolean;
  /** Restricted, with no named audience: readers are the author and the group's owner and admins. */
  restricted?: boolean;
  expected: Abilities;
}

/** 提高密级 only for the group's owner and admins (the last column, default no). */
const all = (edit: boolean, recall: boolean, react: boolean, raiseConfidentiality = false): Abilities => ({ edit, recall, react, raiseConfidentiality });
const CASES: Record<string, Case> = {
  'the author, just sent': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', expected: all(true, true, true) },
  'another member': { viewer: 'ningzhiyuan', author: 'gouxiaoyan', expected: all(false, false, true) },
  'an admin on a member’s message': { viewer: 'chengyong', author: 'gouxiaoyan', expected: all(false, false, true, true) },
  'the owner on a member’s message': { viewer: 'lijinsong', author: 'gouxiaoyan', expected: all(false, false, true, true) },
  'a muted author': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', muted: true, expected: all(true, true, false) },
  'a muted member on another’s message': { viewer: 'gouxiaoyan', author: 'ningzhiyuan', muted: true, expected: all(false, false, false) },
  'a plain member under 全员禁言': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', mutedAll: true, expected: all(true, true, false) },
  'an admin under 全员禁言': { viewer: 'chengyong', author: 'gouxiaoyan', mutedAll: true, expected: all(false, false, true, true) },
  'the author, recalled': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', recalled: true, expected: all(false, false, false) },
  'the author, removed by an admin': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', removed: true, expected: all(false, true, false) },
  'an admin on a recalled message': { viewer: 'chengyong', author: 'gouxiaoyan', recalled: true, expected: all(false, false, false) },
  'the owner on a removed message': { viewer: 'lijinsong', author: 'gouxiaoyan', removed: true, expected: all(false, false, false) },
  'a restricted message the viewer may not read (placeholder)': { viewer: 'ningzhiyuan', author: 'gouxiaoyan', restricted: true, expected: all(false, false, false) },
  'a restricted message, its author': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', restricted: true, expected: all(true, true, true) },
  'a restricted message, an admin reader': { viewer: 'chengyong', author: 'gouxiaoyan', restricted: true, expected: all(false, false, true) },
  'the author, 5 minutes on (past the recall window)': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', age: 5, expected: all(true, false, true) },
  'the author, 11 minutes on (past the edit window)': { viewer: 'gouxiaoyan', author: 'gouxiaoyan', age: 11, expected: all(false, false, true) },
};

const ABILITIES = 'viewerCan { edit recall react raiseConfidentiality }';
const SEND = `mutation($c: ID!, $b: String!, $k: String!, $level: Confidentiality, $aud: [ID!]) {
  sendMessage(conversationId: $c, body: $b, clientMessageId: $k, confidentiality: $level, audienceUserIds: $aud) { id } }`;
const MUTATIONS: Record<keyof Abilities, string> = {
  raiseConfidentiality: `mutation($m: ID!, $level: Confidentiality!) { raiseMessageConfidentiality(messageId: $m, confidentiality: $level) { id } }`,
  react: `mutation($m: ID!) { addReaction(messageId: $m, emoji: "👍") { id } }`,
  edit: `mutation($m: ID!) { editMessage(messageId: $m, body: "改过的内容") { id } }`,
  recall: `mutation($m: ID!) { recallMessage(messageId: $m) { id } }`,
};

let t: TestApp;
let groupId: string;
let conversationId: string;
const ids = {} as Record<Login, string>;
const clients = {} as Record<Login, Client & { userId: string }>;
let n = 0;

async function reset() {
  await sql(t.orm, `update chat_group set muted_all_until = null where id = ?`, [groupId]);
  for (const login of Object.keys(ROLE) as Login[]) {
    await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, ?, now(), now()) on conflict (group_id, user_id) do update set role = excluded.role, muted_until = null`, [groupId, ids[login], ROLE[login]]);
    await sql(t.orm, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, 0, now()) on conflict do nothing`, [conversationId, ids[login]]);
  }
}

/** Sends the case's message through the API, then puts it (and the viewer) in the case's state. */
async function prepare(c: Case): Promise<string> {
  await reset();
  const { sendMessage } = await clients[c.author].request(SEND, { c: conversationId, b: `能力测试 ${n}`, k: `viewer-can-${n++}-${Date.now()}`, ...(c.restricted ? { level: 'RESTRICTED', aud: [] } : {}) });
  const id: string = sendMessage.id;
  if (c.age) await sql(t.orm, `update message set created_at = now() - make_interval(mins => ?) where id = ?`, [c.age, id]);
  if (c.recalled) await sql(t.orm, `update message set recalled_at = now() where id = ?`, [id]);
  if (c.removed) await sql(t.orm, `update message set removed_at = now(), removal_reason = 'off_topic' where id = ?`, [id]);
  if (c.muted) await sql(t.orm, `update group_member set muted_until = now() + interval '1 hour' where group_id = ? and user_id = ?`, [groupId, ids[c.viewer]]);
  if (c.mutedAll) await sql(t.orm, `update chat_group set muted_all_until = now() + interval '1 hour' where id = ?`, [groupId]);
  return id;
}

beforeAll(async () => {
  // No job scheduler: its polls would be counted among the statements these tests measure.
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  for (const login of Object.keys(ROLE) as Login[]) {
    ids[login] = await userId(t.orm, login);
    clients[login] = await signedIn(t.url, login);
  }
  const { createGroup } = await clients.lijinsong.request(
    `mutation($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }`,
    { input: { name: '能力一致测试群', purpose: '界面与服务端一致', rules: '实名发言', visibility: 'INVITE_ONLY' } },
  );
  groupId = createGroup.id;
  conversationId = createGroup.conversation.id;
});
afterAll(async () => {
  await reset();
  await t.close();
});

describe('Message.viewerCan is what the mutations do', () => {
  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    const id = await prepare(c);
    const viewer = clients[c.viewer];
    const page = await viewer.request(`query($c: ID!) { conversation(id: $c) { messages(first: 5) { edges { node { id restrictedPlaceholder ${ABILITIES} } } } } }`, { c: conversationId });
    const node = page.conversation.messages.edges.find((e: { node: { id: string } }) => e.node.id === id).node;
    expect(node.restrictedPlaceholder).toBe(!!c.restricted && c.viewer === 'ningzhiyuan');
    const shown: Abilities = node.viewerCan;
    expect(shown).toEqual(c.expected);
    // message(id) serialises the same abilities (a placeholder is not found there at all).
    if (!node.restrictedPlaceholder) expect((await viewer.request(`query($m: ID!) { message(id: $m) { ${ABILITIES} } }`, { m: id })).message.viewerCan).toEqual(shown);

    // The oracle: each shown ability is accepted, each hidden one refused (recall last, it ends the rest).
    // A raise asks for the next level; at the top (受限) there is none, and the refusal says so (BAD_USER_INPUT).
    const level = c.restricted ? 'RESTRICTED' : 'INTERNAL';
    for (const action of ['react', 'edit', 'raiseConfidentiality', 'recall'] as const) {
      const vars = action === 'raiseConfidentiality' ? { m: id, level } : { m: id };
      if (shown[action]) await viewer.request(MUTATIONS[action], vars);
      else expect(await viewer.errorCode(MUTATIONS[action], vars), action).toMatch(action === 'raiseConfidentiality' && c.restricted ? /^(BAD_USER_INPUT|NOT_FOUND)$/ : /^(FORBIDDEN|CONFLICT|NOT_FOUND)$/);
    }
  });
});

describe('what the abilities cost', () => {
  it('a history page reuses its own access: no statement more with viewerCan', async () => {
    await reset();
    for (let i = 0; i < 3; i++) await prepare({ viewer: 'gouxiaoyan', author: i % 2 ? 'gouxiaoyan' : 'ningzhiyuan', expected: all(false, false, false) });
    const page = (fields: string) => clients.gouxiaoyan.request(`query($c: ID!) { conversation(id: $c) { messages(first: 5) { edges { node { ${fields} } } } } }`, { c: conversationId });
    await page(`id ${ABILITIES}`);
    const plain = await captureStatements(() => page('id'));
    const withAbilities = await captureStatements(() => page(`id ${ABILITIES}`));
    expect(withAbilities).toHaveLength(plain.length);
  });

  it('messages of several conversations load the viewer’s access once, whatever their number', async () => {
    await reset();
    await prepare({ viewer: 'gouxiaoyan', author: 'gouxiaoyan', expected: all(false, false, false) });
    const list = (fields: string) => clients.gouxiaoyan.request(`query { myGroups { conversation { id lastMessage { ${fields} } } } }`);
    const { myGroups } = await list(`id ${ABILITIES}`);
    expect(myGroups.filter((g: { conversation: { lastMessage: unknown } | null }) => g.conversation?.lastMessage).length).toBeGreaterThan(1);
    const plain = await captureStatements(() => list('id'));
    const withAbilities = await captureStatements(() => list(`id ${ABILITIES}`));
    expect(withAbilities).toHaveLength(plain.length + 1);
  });
});

describe('Group.viewerCan.post is what sendMessage does', () => {
  const cases: Array<[string, Login, Partial<Case>, boolean]> = [
    ['a member', 'gouxiaoyan', {}, true],
    ['a muted member', 'gouxiaoyan', { muted: true }, false],
    ['a plain member under 全员禁言', 'gouxiaoyan', { mutedAll: true }, false],
    ['an admin under 全员禁言', 'chengyong', { mutedAll: true }, true],
  ];
  it.each(cases)('%s', async (_name, login, state, expected) => {
    await prepare({ viewer: login, author: login, expected: all(false, false, false), ...state });
    const { group } = await clients[login].request(`query($g: ID!) { group(id: $g) { viewerCan { post } } }`, { g: groupId });
    expect(group.viewerCan.post).toBe(expected);
    const send = { c: conversationId, b: '能不能发', k: `viewer-can-post-${n++}-${Date.now()}` };
    if (expected) await clients[login].request(SEND, send);
    else expect(await clients[login].errorCode(SEND, send)).toBe('FORBIDDEN');
  });
});
