import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../server/modules/accounts/passwords.js';
import { loadDemoData, PEOPLE } from '../../seeds/demo.js';
import { loadDemoChat } from '../../seeds/demoChat.js';
import { generateSynthetic } from '../../seeds/synthetic.js';
import { freshOrm } from '../helpers/app.js';
import { count, sql } from '../helpers/demo.js';

let orm: MikroORM;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ orm, close } = await freshOrm());
});
afterAll(() => close());

describe('demo data', () => {
  it('holds the cast of the article with real names, units and titles', async () => {
    const rows = await sql(orm, `select u.login_name, u.real_name, u.title, o.name as unit from app_user u join org_unit o on o.id = u.unit_id`);
    const by = Object.fromEntries(rows.map((r) => [r.login_name, r]));
    expect(by.lijinsong).toMatchObject({ real_name: '李劲松', unit: '巴中市政务服务中心', title: '督查科科长' });
    expect(by.zhangkaifeng).toMatchObject({ real_name: '张凯峰', unit: '四川省政务服务中心', title: '督查处处长' });
    expect(by.chengyong).toMatchObject({ real_name: '程永', unit: '巴中市政务服务中心', title: '副主任' });
    expect(by.niujianping).toMatchObject({ real_name: '牛建平', unit: '四川省政务服务中心', title: '主任' });
    expect(rows.length).toBeGreaterThanOrEqual(36);
    const [admin] = await sql(orm, `select o.name from unit_admin ua join app_user u on u.id = ua.user_id join org_unit o on o.id = ua.unit_id where u.login_name = 'zhangkaifeng'`);
    expect(admin.name).toBe('四川省政务服务中心');
  });

  it('loads once: a second load changes nothing', async () => {
    const before = [await count(orm, 'app_user'), await count(orm, 'org_unit'), await count(orm, 'audit_log')];
    expect(await loadDemoData(orm, new PasswordHasher(2, 100))).toBe(false);
    expect([await count(orm, 'app_user'), await count(orm, 'org_unit'), await count(orm, 'audit_log')]).toEqual(before);
    expect(await count(orm, 'app_user')).toBe(PEOPLE.length);
  });
});

describe('demo chat', () => {
  it('has the group 政务服务工作交流 owned by 李劲松, 张凯峰 and 程永 as admins, members from every unit', async () => {
    const roles = await sql(orm, `select u.login_name, gm.role from group_member gm join app_user u on u.id = gm.user_id join chat_group g on g.id = gm.group_id where g.name = '政务服务工作交流'`);
    const role = Object.fromEntries(roles.map((r) => [r.login_name, r.role]));
    expect(role).toMatchObject({ lijinsong: 'owner', zhangkaifeng: 'admin', chengyong: 'admin', ningzhiyuan: 'member', gouxiaoyan: 'member' });
    const [units] = await sql(orm, `select count(distinct u.unit_id) as n from group_member gm join app_user u on u.id = gm.user_id join chat_group g on g.id = gm.group_id where g.name = '政务服务工作交流'`);
    expect(Number(units.n)).toBe(await count(orm, 'org_unit'));
    const [group] = await sql(orm, `select member_count from chat_group where name = '政务服务工作交流'`);
    expect(group.member_count).toBe(roles.length);
  });

  it('holds the article\'s exchanges in order, with mentions and a quoted reply', async () => {
    const messages = await sql(orm, `select m.seq, m.body, u.real_name, m.reply_to_id from message m join app_user u on u.id = m.author_id join chat_group g on g.conversation_id = m.conversation_id where g.name = '政务服务工作交流' order by m.seq`);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    const question = messages.find((m) => m.body === '请教个问题，省级政府规章可以设定行政许可吗?');
    const answer = messages.find((m) => m.body === '可以设定不超过一年的临时许可。');
    expect(question && answer && question.seq < answer.seq).toBe(true);
    expect(messages.find((m) => m.body.includes('召集三县一区'))?.real_name).toBe('程永');
    expect(await count(orm, 'message_mention mm join app_user u on u.id = mm.user_id', `u.login_name = 'gouxiaoyan'`)).toBeGreaterThan(0);
    expect(messages.filter((m) => m.reply_to_id).length).toBeGreaterThan(2);
  });

  it('has BBS threads with floors, a pinned and an essence thread, and a searchable history', async () => {
    const threads = await sql(orm, `select t.title, t.last_floor, t.pinned_at, t.essence, b.name as board from thread t join board b on b.id = t.board_id join chat_group g on g.id = t.group_id where g.name = '政务服务工作交流'`);
    expect(threads.length).toBeGreaterThanOrEqual(4);
    expect(threads.find((t) => t.pinned_at)?.title).toContain('发帖须知');
    expect(threads.find((t) => t.essence)?.board).toBe('经验交流');
    expect(threads.every((t) => t.last_floor >= 1)).toBe(true);
    expect(await count(orm, 'thread_reply', 'quote_id is not null')).toBeGreaterThan(0);
    expect(await count(orm, 'message', 'search_vector is null and recalled_at is null')).toBe(0);
    expect(await count(orm, 'thread', 'search_vector is null')).toBe(0);
  });

  it('has the 三县一区 discussion group with the four county centres', async () => {
    const [d] = await sql(orm, `select d.topic, (select count(*) from conversation_member cm where cm.conversation_id = d.conversation_id) as members,
      (select count(*) from message m where m.conversation_id = d.conversation_id) as messages from discussion_group d`);
    expect(d).toMatchObject({ topic: '三县一区交流会议筹备' });
    expect(Number(d.members)).toBe(6);
    expect(Number(d.messages)).toBeGreaterThanOrEqual(4);
  });

  it('loads once', async () => {
    const before = await count(orm, 'message');
    expect(await loadDemoChat(orm, new PasswordHasher(2, 100))).toBe(false);
    expect(await count(orm, 'message')).toBe(before);
  });
});

describe('synthetic data generator', () => {
  it('adds N units in a valid tree and M active officials spread over them', async () => {
    const units = await count(orm, 'org_unit');
    const users = await count(orm, 'app_user');
    const result = await generateSynthetic(orm, { units: 30, officials: 2500 });
    expect(result).toEqual({ units: 30, officials: 2500 });
    expect(await count(orm, 'org_unit')).toBe(units + 30);
    expect(await count(orm, 'app_user')).toBe(users + 2500);
    // Every path is its parent's path plus its own id.
    const broken = await sql(orm, `select count(*) as n from org_unit c join org_unit p on p.id = c.parent_id where c.path <> p.path || c.id || '/'`);
    expect(Number(broken[0].n)).toBe(0);
    const spread = await sql(orm, `select count(distinct unit_id) as n from app_user where login_name like 'syn%'`);
    expect(Number(spread[0].n)).toBeGreaterThan(20);
  });
});
