import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../server/config.js';
import type { Actor } from '../server/policies/index.js';
import type { DomainContext } from '../server/modules/context.js';
import type { PasswordHasher } from '../server/modules/accounts/passwords.js';
import { createGroup } from '../server/modules/groups/groups.js';
import { createDefaultBoards } from '../server/modules/forum/boards.js';
import { openDirect } from '../server/modules/chat/direct.js';
import { react, sendMessage } from '../server/modules/chat/messages.js';
import { silentPublisher } from '../server/modules/core/realtime.js';
import { loadDemoForum } from './demoForum.js';
import { createObjectStore } from '../server/storage/index.js';
import { DownloadLinks } from '../server/modules/documents/download.js';
import { loadDemoMeetings } from './demoMeetings.js';

export const DEMO_GROUP = '政务服务工作交流';

const PURPOSE = '交流政务服务工作经验，沟通信息、对接工作，把过去要打电话、发传真才能办的事放到网上及时办。';
const RULES = [
  '一、实名发言：一律使用真实姓名，显示单位和职务。',
  '二、只谈工作：围绕政务服务工作交流，不闲聊、不发广告。',
  '三、遵守党纪国法、保密守则和网络道德规范，涉密内容严禁上网。',
  '四、只适合小范围讨论的内容，请使用私聊或讨论组。',
].join('\n');

/** Who stays out of the demo group, so that applying to it can be tried. */
const NOT_MEMBERS = new Set(['hewei', 'liuyang', 'yuanhao', 'aiyiguli']);

interface Line {
  by: string;
  text: string;
  mention?: string[];
  replyTo?: number;
  reactions?: Array<[string, string[]]>;
}

/** The article's exchanges (articles 000), in the order they happened. */
const HISTORY: Line[] = [
  { by: 'lijinsong', text: '欢迎各位加入「政务服务工作交流」群！请大家把昵称改为真实姓名，发言请围绕政务服务工作。[微笑]', reactions: [['[点赞]', ['chengyong', 'zhangkaifeng']]] },
  { by: 'chengyong', text: '支持！以后各区县有事可以直接在群里沟通，不用再打电话、发传真了。' },
  { by: 'huangwei', text: '请教个问题，省级政府规章可以设定行政许可吗?' },
  { by: 'liuqiang', text: '可以设定不超过一年的临时许可。', replyTo: 2 },
  { by: 'lijinsong', text: '@张凯峰 张处，7月16日的人民日报有一篇关于政务服务工作的文章《义马模式三变》。', mention: ['zhangkaifeng'] },
  { by: 'zhangkaifeng', text: '我会去看的', replyTo: 4 },
  { by: 'lijinsong', text: '我理解，是我们政务服务工作的另一种模式。我感觉人民日报比较关注行政审批制度改革方面的好的做法和经验。' },
  { by: 'chengyong', text: '@宁志远 巴州区的宁主任在吗?', mention: ['ningzhiyuan'] },
  { by: 'ningzhiyuan', text: '我在', replyTo: 7 },
  { by: 'chengyong', text: '我们准备下周利用两天时间召集三县一区和市里的同志召开一个交流会议。', replyTo: 8, reactions: [['👍', ['ningzhiyuan', 'majun', 'hulin', 'heping']]] },
  { by: 'majun', text: '通江县收到，我们安排人参加。' },
  { by: 'lijinsong', text: '@苟晓燕 小苟，想在你那找份文件可否?', mention: ['gouxiaoyan'] },
  { by: 'gouxiaoyan', text: '可以的，李科长要哪份？我整理好发给您。', replyTo: 11 },
  { by: 'zhangkaifeng', text: '省政府政务服务中心第24期工作周报专门介绍了咱们这个群，欢迎全省政务服务系统有兴趣的同志加入交流。', reactions: [['👍', ['lijinsong', 'chengyong', 'wanghaiyan']], ['[鼓掌]', ['songtao']]] },
  { by: 'niujianping', text: '这个群和电子邮件、短信通知一样，能给政务服务工作带来及时、灵活的好处，大家要用好它。' },
];

async function actorOf(em: EntityManager, login: string): Promise<Actor> {
  const [row] = await em.execute<Array<{ id: string; unit_id: string; is_system_admin: boolean }>>(`select id, unit_id, is_system_admin from app_user where login_name = ?`, [login]);
  if (!row) throw new Error(`demo user ${login} is missing`);
  return { userId: row.id, sessionId: 'demo-seed', unitId: row.unit_id, isSystemAdmin: row.is_system_admin, adminUnitPaths: [] };
}

/**
 * The demo group 政务服务工作交流 (owner 李劲松, admins 张凯峰 and 程永, members from every unit)
 * with the article's history, a second listed group, and one private chat. Written through the
 * domain services, so seqs, mentions and reactions are real. Does nothing if the group exists.
 */
export async function loadDemoChat(orm: MikroORM, hasher: PasswordHasher): Promise<boolean> {
  const em = orm.em.fork();
  const [exists] = await em.execute<Array<{ id: string }>>(`select id from chat_group where name = ?`, [DEMO_GROUP]);
  if (exists) return false;
  const config = loadConfig();
  const deps = { config, hasher, realtime: silentPublisher, presence: { onlineAmong: async () => new Set<string>() }, caches: { invalidate: () => {} }, storage: createObjectStore(config), downloadLinks: new DownloadLinks(null) };
  const as = async (login: string): Promise<DomainContext> => ({ em: orm.em.fork(), actor: await actorOf(em, login), ip: '127.0.0.1', userAgent: 'demo-seed', deps });

  const group = await createGroup(await as('lijinsong'), { name: DEMO_GROUP, purpose: PURPOSE, rules: RULES, visibility: 'listed' }, createDefaultBoards);
  const members = await em.execute<Array<{ id: string; login_name: string }>>(`select id, login_name from app_user where status = 'active' and login_name <> 'lijinsong'`);
  const joining = members.filter((m) => !NOT_MEMBERS.has(m.login_name));
  await em.transactional(async (tem) => {
    for (const m of joining) {
      const role = m.login_name === 'zhangkaifeng' || m.login_name === 'chengyong' ? 'admin' : 'member';
      await tem.execute(`insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at) values (?, ?, ?, now(), now())`, [group.id, m.id, role]);
      await tem.execute(`insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at) values (?, ?, 0, now())`, [group.conversation.id, m.id]);
    }
    await tem.execute(`update chat_group set member_count = member_count + ? where id = ?`, [joining.length, group.id]);
  });

  const ids = new Map(members.map((m) => [m.login_name, m.id]));
  const sent: string[] = [];
  for (const [i, line] of HISTORY.entries()) {
    const message = await sendMessage(await as(line.by), group.conversation.id, {
      body: line.text,
      clientMessageId: `demo-history-${String(i).padStart(3, '0')}`,
      replyToId: line.replyTo !== undefined ? sent[line.replyTo] : null,
      mentionUserIds: (line.mention ?? []).map((login) => ids.get(login)!),
    });
    sent.push(message.id);
    for (const [emoji, who] of line.reactions ?? []) for (const login of who) await react(await as(login), message.id, emoji, true);
  }
  // Spread the history over the past days, as it would have happened.
  await em.execute(
    `update message set created_at = now() - make_interval(mins => (? - seq) * 173 + 30) where conversation_id = ?`,
    [HISTORY.length, group.conversation.id],
  );
  // Everyone has read the first half; the rest shows as unread.
  await em.execute(`update conversation_member set last_read_seq = ? where conversation_id = ?`, [Math.floor(HISTORY.length / 2), group.conversation.id]);

  await createGroup(await as('zhangkaifeng'), {
    name: '行政审批制度改革研讨',
    purpose: '专题研讨行政审批制度改革、相对集中行政许可权等问题，交流各地做法。',
    rules: '围绕行政审批制度改革发言；引用文件请注明文号；遵守保密守则。',
    visibility: 'listed',
  }, createDefaultBoards);

  await loadDemoForum(as, group.id);
  await loadDemoMeetings(as, group.id);

  const direct = await openDirect(await as('lijinsong'), ids.get('gouxiaoyan'));
  await sendMessage(await as('lijinsong'), direct.conversation.id, { body: '小苟，上次说的那份窗口服务规范，方便时发我一份，谢谢。', clientMessageId: 'demo-direct-001' });
  await sendMessage(await as('gouxiaoyan'), direct.conversation.id, { body: '好的李科长，我下午整理好发您。', clientMessageId: 'demo-direct-002' });
  return true;
}
