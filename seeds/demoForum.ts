import type { DomainContext } from '../server/modules/context.js';
import { createDiscussion } from '../server/modules/forum/discussions.js';
import { replyToThread } from '../server/modules/forum/replies.js';
import { createThread, setThreadFlag } from '../server/modules/forum/threads.js';
import { sendMessage } from '../server/modules/chat/messages.js';

interface DemoThread {
  board: string;
  by: string;
  title: string;
  body: string;
  replies: Array<{ by: string; body: string; quote?: number }>;
  pinned?: boolean;
  essence?: boolean;
}

/** The group BBS: where 各地先进的政务服务工作经验 are passed on (the article's words). */
const THREADS: DemoThread[] = [
  {
    board: '经验交流',
    by: 'lijinsong',
    title: '发帖须知：实名、只谈工作、遵守保密守则',
    body: [
      '各位同仁：',
      '',
      '本群 BBS 用于传递各地政务服务工作经验。发帖请注意：',
      '',
      '1. 标题写清地区和事项，如“通江县：并联审批做法”；',
      '2. 引用文件请注明文号；',
      '3. **涉密内容严禁上网**，只适合小范围讨论的请建讨论组。',
    ].join('\n'),
    replies: [{ by: 'chengyong', body: '收到，严格执行。' }],
    pinned: true,
  },
  {
    board: '经验交流',
    by: 'chengyong',
    title: '巴中市“一窗受理、集成服务”的做法',
    body: [
      '## 基本做法',
      '',
      '- 前台综合受理，后台分类审批，统一窗口出件；',
      '- 进驻部门首席代表现场签批；',
      '- 办件情况每周在群里通报。',
      '',
      '## 办理时限（部分事项）',
      '',
      '| 事项 | 法定时限 | 承诺时限 |',
      '|---|---|---|',
      '| 企业设立登记 | 15 个工作日 | 3 个工作日 |',
      '| 建设项目选址意见 | 20 个工作日 | 7 个工作日 |',
    ].join('\n'),
    replies: [
      { by: 'majun', body: '通江县也在试点，后台分类这块想请教一下怎么分。' },
      { by: 'chengyong', body: '按事项类别分到各进驻部门，复杂事项由中心牵头联审。', quote: 0 },
      { by: 'songtao', body: '成都市的做法类似，可以互相借鉴。' },
    ],
    essence: true,
  },
  {
    board: '政策法规',
    by: 'zhangkaifeng',
    title: '省级政府规章可以设定行政许可吗？',
    body: '依据《行政许可法》第十五条，尚未制定法律、行政法规的，地方性法规可以设定行政许可；尚未制定法律、行政法规和地方性法规的，因行政管理的需要，确需立即实施行政许可的，**省级人民政府规章可以设定临时性的行政许可**。临时性的行政许可实施满一年需要继续实施的，应当提请本级人民代表大会及其常务委员会制定地方性法规。',
    replies: [{ by: 'liuqiang', body: '补充：规章设定的临时性行政许可，不得限制其他地区的个人或者企业到本地区从事生产经营和提供服务。' }],
  },
  {
    board: '资料共享',
    by: 'gouxiaoyan',
    title: '求一份窗口服务规范（最新版）',
    body: '我们中心在修订窗口服务规范，想参考一下各地的最新版本，谢谢各位！',
    replies: [{ by: 'lijinsong', body: '巴中的版本我私聊发你。' }],
  },
];

/**
 * Demo BBS threads with floors in the demo group, and a discussion group for the 三县一区
 * meeting. Written through the domain services like the rest of the demo data.
 */
export async function loadDemoForum(as: (login: string) => Promise<DomainContext>, groupId: string): Promise<void> {
  const { em } = await as('lijinsong');
  const boards = await em.execute<Array<{ id: string; name: string }>>(`select id, name from board where group_id = ?`, [groupId]);
  const people = await em.execute<Array<{ id: string; login_name: string }>>(`select id, login_name from app_user`);
  const userIds = new Map(people.map((p) => [p.login_name, p.id]));
  const boardId = new Map(boards.map((b) => [b.name, b.id]));
  for (const demo of THREADS) {
    // 发帖须知 names 涉密 in its rules: the author confirms the 保密提醒 like anyone would (posted 内部).
    const thread = await createThread(await as(demo.by), { boardId: boardId.get(demo.board), title: demo.title, body: demo.body, acknowledgeSensitive: true });
    const replies: string[] = [];
    for (const reply of demo.replies) {
      const made = await replyToThread(await as(reply.by), thread.id, reply.body, reply.quote === undefined ? null : replies[reply.quote], []);
      replies.push(made.id);
    }
    if (demo.pinned) await setThreadFlag(await as('lijinsong'), thread.id, 'pinned', true);
    if (demo.essence) await setThreadFlag(await as('lijinsong'), thread.id, 'essence', true);
  }
  const counties = ['ningzhiyuan', 'majun', 'hulin', 'heping'];
  const discussion = await createDiscussion(await as('chengyong'), groupId, '三县一区交流会议筹备', [...counties, 'lijinsong'].map((l) => userIds.get(l)));
  const lines: Array<[string, string]> = [
    ['chengyong', '下周召集三县一区开交流会议，请各区县准备本地政务服务工作情况，每家发言十分钟。'],
    ['ningzhiyuan', '巴州区收到，材料周五前报送。'],
    ['heping', '平昌县收到。会议地点定了吗？'],
    ['chengyong', '暂定市政务服务中心三楼会议室，具体通知另发。'],
  ];
  for (const [i, [by, body]] of lines.entries()) {
    await sendMessage(await as(by), discussion.conversation.id, { body, clientMessageId: `demo-discussion-${String(i).padStart(3, '0')}` });
  }
}
