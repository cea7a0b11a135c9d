import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { count, sql } from '../../helpers/demo.js';
import { Client, signedIn } from '../../helpers/graphql.js';

const POST = `mutation($g: ID!, $t: String!, $b: String!) { postAnnouncement(groupId: $g, title: $t, body: $b) { id title bodyHtml pinned bulletin viewerHasRead viewerCanManage } }`;
const RECEIPTS = `query($id: ID!) { announcement(id: $id) { readCount memberCount viewerHasRead readers { user { loginName } readAt } } }`;
const OPEN = `mutation($id: ID!) { openAnnouncement(announcementId: $id) { id } }`;
const BULLETIN = `mutation($g: [ID!]!, $t: String!, $b: String!) { publishBulletin(groupIds: $g, title: $t, body: $b) { id bulletin group { name } } }`;

let t: TestApp;
let li: Client & { userId: string };
let zhang: Client & { userId: string };
let cheng: Client & { userId: string };
let gou: Client & { userId: string };
let ning: Client & { userId: string };
let yuan: Client & { userId: string };
let groupId: string;

beforeAll(async () => {
  t = await startTestApp({ scheduler: { pollMs: 0 } });
  [li, zhang, cheng, gou, ning, yuan] = await Promise.all(['lijinsong', 'zhangkaifeng', 'chengyong', 'gouxiaoyan', 'ningzhiyuan', 'yuanhao'].map((l) => signedIn(t.url, l)));
  [{ id: groupId }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '政务服务工作交流'`);
});
afterAll(() => t.close());

describe('group announcements (群公告)', () => {
  it('are posted pinned by admins, refused to members and outsiders, and notify every member', async () => {
    expect(await gou.errorCode(POST, { g: groupId, t: '群公告', b: '内容' })).toBe('FORBIDDEN');
    expect(await yuan.errorCode(POST, { g: groupId, t: '群公告', b: '内容' })).toBe('NOT_FOUND');
    expect((await li.errors(POST, { g: groupId, t: '群公告', b: '   ' }))[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });
    const { postAnnouncement: a } = await li.request(POST, { g: groupId, t: '关于规范群名片的通知', b: '请各位把群名片改为**真实姓名**。<script>alert(1)</script>' });
    expect(a).toMatchObject({ pinned: true, bulletin: false, viewerHasRead: true, viewerCanManage: true });
    expect(a.bodyHtml).toContain('<strong>真实姓名</strong>');
    expect(a.bodyHtml).not.toContain('<script');
    const [{ member_count }] = await sql<{ member_count: number }>(t.orm, `select member_count from chat_group where id = ?`, [groupId]);
    expect(await count(t.orm, 'notification', `kind = 'announcement' and subject_id = ?`, [a.id])).toBe(member_count - 1);
    const { notifications } = await gou.request(`{ notifications(first: 1) { edges { node { kind announcement { id title } } } } }`);
    expect(notifications.edges[0].node).toEqual({ kind: 'ANNOUNCEMENT', announcement: { id: a.id, title: '关于规范群名片的通知' } });
    expect(await yuan.errorCode(RECEIPTS, { id: a.id })).toBe('NOT_FOUND');
  });

  it('show admins who read them and how many; members see only their own state', async () => {
    const { postAnnouncement: a } = await cheng.request(POST, { g: groupId, t: '本周值班安排', b: '周六由巴州区值班。' });
    let { announcement } = await li.request(RECEIPTS, { id: a.id });
    expect(announcement).toMatchObject({ readCount: 1, viewerHasRead: false });
    expect(announcement.readers.map((r: any) => r.user.loginName)).toEqual(['chengyong']);
    await gou.request(OPEN, { id: a.id });
    await gou.request(OPEN, { id: a.id });
    await ning.request(OPEN, { id: a.id });
    ({ announcement } = await li.request(RECEIPTS, { id: a.id }));
    expect(announcement.readCount).toBe(3);
    expect(announcement.readers.map((r: any) => r.user.loginName)).toEqual(['chengyong', 'gouxiaoyan', 'ningzhiyuan']);
    const [{ member_count }] = await sql<{ member_count: number }>(t.orm, `select member_count from chat_group where id = ?`, [groupId]);
    expect(announcement.memberCount).toBe(member_count);
    const mine = (await gou.request(RECEIPTS, { id: a.id })).announcement;
    expect(mine).toEqual({ readCount: null, memberCount: null, viewerHasRead: true, readers: null });
    // Opening reads the notification.
    expect(await count(t.orm, 'notification', `subject_id = ? and user_id = ? and read_at is null`, [a.id, gou.userId])).toBe(0);
  });

  it('can be edited and unpinned by admins; the list puts pinned first', async () => {
    const { postAnnouncement: a } = await li.request(POST, { g: groupId, t: '旧公告', b: '旧内容' });
    expect(await gou.errorCode(`mutation($id: ID!) { setAnnouncementPinned(announcementId: $id, pinned: false) { id } }`, { id: a.id })).toBe('FORBIDDEN');
    const { editAnnouncement } = await cheng.request(`mutation($id: ID!) { editAnnouncement(announcementId: $id, title: "新公告", body: "新内容") { title body editedAt } }`, { id: a.id });
    expect(editAnnouncement).toMatchObject({ title: '新公告', body: '新内容' });
    expect(editAnnouncement.editedAt).not.toBeNull();
    const { setAnnouncementPinned } = await li.request(`mutation($id: ID!) { setAnnouncementPinned(announcementId: $id, pinned: false) { pinned } }`, { id: a.id });
    expect(setAnnouncementPinned.pinned).toBe(false);
    expect(await li.errorCode(`mutation($id: ID!) { setAnnouncementPinned(announcementId: $id, pinned: false) { pinned } }`, { id: a.id })).toBe('CONFLICT');
    const { group } = await gou.request(`query($g: ID!) { group(id: $g) { announcements(first: 50) { edges { node { id pinned } } } pinned: announcements(pinnedOnly: true) { edges { node { id } } } } }`, { g: groupId });
    const list = group.announcements.edges.map((e: any) => e.node);
    const firstUnpinned = list.findIndex((x: any) => !x.pinned);
    expect(list.slice(firstUnpinned).every((x: any) => !x.pinned)).toBe(true);
    expect(list.map((x: any) => x.id)).toContain(a.id);
    expect(group.pinned.edges.map((e: any) => e.node.id)).not.toContain(a.id);
    // Paging keeps the order and loses nothing.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await gou.request(`query($g: ID!, $a: String) { group(id: $g) { announcements(first: 1, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`, { g: groupId, a: after })).group.announcements;
      seen.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(list.map((x: any) => x.id));
  });
});

describe('bulletins (工作周报)', () => {
  it('go from a unit admin to several groups at once, each showing it as an announcement', async () => {
    const [{ id: other }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '行政审批制度改革研讨'`);
    const { bulletinTargets } = await zhang.request(`{ bulletinTargets { id name } }`);
    expect(bulletinTargets.map((g: any) => g.id).sort()).toEqual([groupId, other].sort());
    expect((await gou.request(`{ bulletinTargets { id } }`)).bulletinTargets).toEqual([]);

    const { publishBulletin } = await zhang.request(BULLETIN, { g: [groupId, other], t: '四川省政务服务中心工作周报（第24期）', b: '本期介绍「政务服务工作交流」群。' });
    expect(publishBulletin.map((a: any) => a.group.name).sort()).toEqual(['政务服务工作交流', '行政审批制度改革研讨'].sort());
    expect(publishBulletin.every((a: any) => a.bulletin)).toBe(true);
    const [{ n }] = await sql<{ n: string }>(t.orm, `select count(distinct bulletin_id) as n from announcement where id in (?, ?)`, publishBulletin.map((a: any) => a.id));
    expect(Number(n)).toBe(1);
    const { group } = await gou.request(`query($g: ID!) { group(id: $g) { announcements(pinnedOnly: true) { edges { node { title bulletin author { realName } } } } } }`, { g: groupId });
    expect(group.announcements.edges[0].node).toEqual({ title: '四川省政务服务中心工作周报（第24期）', bulletin: true, author: { realName: '张凯峰' } });
    expect(await count(t.orm, 'notification', `kind = 'announcement' and subject_id = ? and user_id = ?`, [publishBulletin.find((a: any) => a.group.name === '政务服务工作交流').id, gou.userId])).toBe(1);
  });

  it('refuse plain members, groups outside the rule, and groups the admin is not in — all or nothing', async () => {
    const [{ id: other }] = await sql<{ id: string }>(t.orm, `select id from chat_group where name = '行政审批制度改革研讨'`);
    const before = await count(t.orm, 'announcement');
    expect(await gou.errorCode(BULLETIN, { g: [groupId], t: '周报', b: '内容' })).toBe('FORBIDDEN');
    // 程永 administers 巴中市; the demo group has members from 成都 too, and he is its admin: allowed there.
    expect((await cheng.request(`{ bulletinTargets { id } }`)).bulletinTargets.map((g: any) => g.id)).toEqual([groupId]);
    // 行政审批制度改革研讨: he is not a member — NOT_FOUND, and nothing is posted anywhere.
    expect(await cheng.errorCode(BULLETIN, { g: [groupId, other], t: '周报', b: '内容' })).toBe('NOT_FOUND');
    // A group he joins as a plain member whose members are not all within 巴中市: FORBIDDEN.
    await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, 'member', now(), now())`, [other, cheng.userId]);
    expect(await cheng.errorCode(BULLETIN, { g: [groupId, other], t: '周报', b: '内容' })).toBe('FORBIDDEN');
    expect(await count(t.orm, 'announcement')).toBe(before);
    // Once every member of it is within 巴中市 (张凯峰 handed it over and left), he may.
    await sql(t.orm, `update chat_group set owner_id = ? where id = ?`, [cheng.userId, other]);
    await sql(t.orm, `delete from group_member where group_id = ? and user_id <> ?`, [other, cheng.userId]);
    await sql(t.orm, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, 'member', now(), now())`, [other, ning.userId]);
    await sql(t.orm, `update group_member set role = 'member' where group_id = ? and user_id = ?`, [other, cheng.userId]);
    expect((await cheng.request(`{ bulletinTargets { id } }`)).bulletinTargets.map((g: any) => g.id).sort()).toEqual([groupId, other].sort());
    expect((await cheng.request(BULLETIN, { g: [groupId, other], t: '巴中市政务服务工作周报', b: '内容' })).publishBulletin).toHaveLength(2);
  });
});

describe('demo data', () => {
  it('has 程永’s upcoming notice to 三县一区 with answers, and the 工作周报 pinned in the demo group', async () => {
    const { myPendingMeetings } = await ning.request(`{ myPendingMeetings { id title organizer { realName } startsAt status } }`);
    const demo = myPendingMeetings.find((m: any) => m.title === '三县一区政务服务工作交流会议');
    expect(demo).toMatchObject({ organizer: { realName: '程永' }, status: 'ACTIVE' });
    expect(Date.parse(demo.startsAt)).toBeGreaterThan(Date.now());
    const { meeting } = await cheng.request(`query($id: ID!) { meeting(id: $id) { roster { counts { attending onLeave substituted read } } } }`, { id: demo.id });
    expect(meeting.roster.counts).toMatchObject({ attending: 2, onLeave: 1, substituted: 1, read: 1 });
    const rows = await sql(t.orm, `select a.title from announcement a join chat_group g on g.id = a.group_id where g.name = '政务服务工作交流' and a.bulletin_id is not null`);
    expect(rows.map((r: any) => r.title)).toContain('四川省政务服务中心工作周报（第24期）');
  });
});
