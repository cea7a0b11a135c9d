import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainContext } from '../server/modules/context.js';
import { publishBulletin } from '../server/modules/meetings/announcements.js';
import { answerMeeting, issueMeeting, openMeeting } from '../server/modules/meetings/meetings.js';

/** Next Wednesday 09:00 in Asia/Shanghai (UTC+8, no daylight saving), at least two days ahead. */
function nextWednesdayNine(): Date {
  const day = 86_400_000;
  const shanghaiNow = new Date(Date.now() + 8 * 3600_000);
  let offset = (3 - shanghaiNow.getUTCDay() + 7) % 7;
  if (offset < 2) offset += 7;
  const date = new Date(Date.UTC(shanghaiNow.getUTCFullYear(), shanghaiNow.getUTCMonth(), shanghaiNow.getUTCDate()) + offset * day);
  return new Date(date.getTime() + (9 - 8) * 3600_000);
}

/** A unit admin's actor with their admin units (the chat seed's helper leaves them out). */
async function withAdminUnits(em: EntityManager, ctx: DomainContext): Promise<DomainContext> {
  const rows = await em.execute<Array<{ path: string }>>(`select ou.path from unit_admin ua join org_unit ou on ou.id = ua.unit_id where ua.user_id = ?`, [ctx.actor!.userId]);
  return { ...ctx, actor: { ...ctx.actor!, adminUnitPaths: rows.map((r) => r.path) } };
}

/**
 * 程永's notice of the 三县一区 meeting (the article's "下周召集三县一区开交流会议") with a few
 * answers, and 张凯峰's 工作周报 as a bulletin in the demo group and 行政审批制度改革研讨.
 */
export async function loadDemoMeetings(as: (login: string) => Promise<DomainContext>, groupId: string): Promise<void> {
  const { em } = await as('chengyong');
  const units = await em.execute<Array<{ id: string }>>(`select id from org_unit where name in ('巴州区政务服务中心', '通江县政务服务中心', '南江县政务服务中心', '平昌县政务服务中心') order by sort_order`);
  const people = await em.execute<Array<{ id: string; login_name: string }>>(`select id, login_name from app_user`);
  const ids = new Map(people.map((p) => [p.login_name, p.id]));
  const start = nextWednesdayNine();
  const meeting = await issueMeeting(await as('chengyong'), {
    groupId,
    title: '三县一区政务服务工作交流会议',
    agenda: ['一、各区县政务服务中心汇报本地工作情况（每家十分钟）', '二、交流“一窗受理、集成服务”做法', '三、研究下一步网上审批工作'].join('\n'),
    startsAt: start,
    endsAt: new Date(start.getTime() + 2 * 86_400_000 - 15 * 3600_000),
    place: '巴中市政务服务中心三楼会议室',
    invitees: { scope: 'UNITS', unitIds: units.map((u) => u.id) },
  });
  await answerMeeting(await as('majun'), meeting.id, 'ATTEND', null, null);
  await answerMeeting(await as('hulin'), meeting.id, 'ATTEND', null, null);
  await answerMeeting(await as('luoyu'), meeting.id, 'LEAVE', '当天在县里陪同督查，无法参会', null);
  await answerMeeting(await as('xumingliang'), meeting.id, 'DELEGATE', null, ids.get('zhouli'));
  await openMeeting(await as('zhuhong'), meeting.id);

  const [other] = await em.execute<Array<{ id: string }>>(`select id from chat_group where name = '行政审批制度改革研讨'`);
  const zhang = await withAdminUnits(em, await as('zhangkaifeng'));
  await publishBulletin(zhang, [groupId, ...(other ? [other.id] : [])], '四川省政务服务中心工作周报（第24期）', [
    '## 本期要目',
    '',
    '1. 巴中市“政务服务工作交流”群：各级政务服务中心在网上及时沟通、对接工作，欢迎全省政务服务系统有兴趣的同志加入交流；',
    '2. 全省行政审批制度改革工作推进情况；',
    '3. 各地“一窗受理、集成服务”经验摘编。',
    '',
    '请各群成员认真阅读，抓好落实。',
  ].join('\n'));
}
