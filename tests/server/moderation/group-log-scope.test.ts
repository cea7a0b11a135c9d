/**
 * 群管理 → 操作记录 lists what was done to the group's announcements and library documents too
 * (they are recorded against the announcement or document), named, and nothing of another group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sql } from '../../helpers/demo.js';
import { signedIn, type Client } from '../../helpers/graphql.js';

const LOG = `query($g: ID!) { groupAuditLog(groupId: $g, first: 50) { edges { node { action summary } } } }`;

let t: TestApp;
let li: Client & { userId: string };
let groupId: string;
let otherGroupId: string;

beforeAll(async () => {
  t = await startTestApp();
  li = await signedIn(t.url, 'lijinsong');
  li.token = (await li.login('lijinsong')).token;
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
  const { createGroup } = await li.request(`mutation($input: GroupInput!) { createGroup(input: $input) { id } }`, {
    input: { name: '操作记录范围测试群', purpose: '测试', rules: '实名发言', visibility: 'INVITE_ONLY' },
  });
  otherGroupId = createGroup.id;
});
afterAll(async () => {
  await t.close();
});

describe("a group's audit log", () => {
  it("includes its announcements' entries, named, and not another group's", async () => {
    await li.request(`mutation($g: ID!) { postAnnouncement(groupId: $g, title: "十二月值班安排", body: "见附件") { id } }`, { g: groupId });
    await li.request(`mutation($g: ID!) { postAnnouncement(groupId: $g, title: "别的群的公告", body: "无") { id } }`, { g: otherGroupId });
    const entries = (await li.request(LOG, { g: groupId })).groupAuditLog.edges.map((e: any) => e.node);
    const posted = entries.filter((e: any) => e.action === 'announcement.posted');
    expect(posted).toHaveLength(1);
    expect(posted[0].summary).toContain('十二月值班安排');
    expect(posted[0].summary).toContain('李劲松');
  });
});
