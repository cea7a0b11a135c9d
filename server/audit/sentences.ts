/**
 * The audit log as an admin reads it: each entry becomes one Chinese sentence (「李劲松 将帖子设为
 *精华：《…》」, 「李劲松 将 张凯峰 禁言至 12月7日 02:11」) and a few labelled fields, with people,
 * threads, messages, documents… named, never shown as ids, JSON or UTC times. Pure: the names come
 * from `AuditNames`, which the presenter fills with one batch of lookups per page.
 */
import { auditActionLabel } from './labels.js';

/** What an entry refers to by id, by kind; `auditReferences` collects them, the store names them. */
export type AuditSubjectKind = 'user' | 'thread' | 'message' | 'reply' | 'document' | 'folder' | 'board' | 'discussion' | 'request' | 'meeting' | 'announcement';

export type AuditReferences = Record<AuditSubjectKind, Set<string>>;

/** Names found for the referenced ids (a missing one reads as 已删除的…). */
export type AuditNames = Partial<Record<AuditSubjectKind, Map<string, string>>>;

export interface AuditEntryFacts {
  action: string;
  actorId: string | null;
  targetType: string;
  targetId: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditDetail {
  label: string;
  value: string;
}

export interface AuditPresentation {
  summary: string;
  details: AuditDetail[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Keys whose values are ids of a kind the log can name. */
const ID_KEYS: Record<string, AuditSubjectKind> = {
  userId: 'user',
  ownerId: 'user',
  addresseeId: 'user',
  memberIds: 'user',
  audienceUserIds: 'user',
  threadId: 'thread',
  messageId: 'message',
  replyId: 'reply',
  documentId: 'document',
  folderId: 'folder',
  parentId: 'folder',
  boardId: 'board',
  boardIds: 'board',
  discussionId: 'discussion',
  requestId: 'request',
  announcementId: 'announcement',
};

const CONTENT_KINDS: Record<string, AuditSubjectKind> = { message: 'message', thread: 'thread', reply: 'reply' };
const TARGET_KINDS: Record<string, AuditSubjectKind> = { document: 'document', meeting: 'meeting', announcement: 'announcement' };

const emptyReferences = (): AuditReferences => ({
  user: new Set(), thread: new Set(), message: new Set(), reply: new Set(), document: new Set(), folder: new Set(),
  board: new Set(), discussion: new Set(), request: new Set(), meeting: new Set(), announcement: new Set(),
});

/** Every id a page of entries refers to, by kind (one lookup per kind for the whole page). */
export function auditReferences(entries: AuditEntryFacts[]): AuditReferences {
  const refs = emptyReferences();
  const add = (kind: AuditSubjectKind, value: unknown) => {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && UUID.test(v)) refs[kind].add(v);
  };
  for (const e of entries) {
    if (e.actorId) add('user', e.actorId);
    if (TARGET_KINDS[e.targetType]) add(TARGET_KINDS[e.targetType], e.targetId);
    for (const state of [e.before, e.after]) {
      if (!state) continue;
      for (const [key, value] of Object.entries(state)) if (ID_KEYS[key]) add(ID_KEYS[key], value);
      if (typeof state.contentType === 'string' && CONTENT_KINDS[state.contentType]) add(CONTENT_KINDS[state.contentType], state.contentId);
    }
  }
  return refs;
}

/** 12月7日 02:11 in Asia/Shanghai; with the year when it is not this year's. */
export function shanghaiShort(at: Date, now = new Date()): string {
  const parts = (d: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    );
  const p = parts(at);
  const year = p.year === parts(now).year ? '' : `${p.year}年`;
  return `${year}${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}`;
}

const ROLES: Record<string, string> = { owner: '群主', admin: '管理员', member: '成员' };
const LEVELS: Record<string, string> = { normal: '普通', internal: '内部', restricted: '受限' };
const VISIBILITY: Record<string, string> = { listed: '公开（可搜索、可申请）', invite_only: '仅限邀请' };
const RULE_ACTIONS: Record<string, string> = { warn: '提醒确认', block: '禁止发送' };
const PATTERNS: Record<string, string> = { resident_id: '身份证号', mobile: '手机号', bank_card: '银行卡号' };
const CONTENT_NOUNS: Record<string, string> = { message: '消息', thread: '帖子', reply: '回复' };
const JOIN_VIA: Record<string, string> = { create: '创建群组', application: '申请获批', invitation: '接受邀请' };
const MEETING_SCOPES: Record<string, string> = { all: '全体成员', selected: '指定成员' };
const ARCHIVE_FAILURES: Record<string, string> = { 'retries exhausted': '多次重试仍未成功', 'no longer allowed': '申请人已无权导出' };

/** Labels of the fields an entry may carry; a field not named here reads as 其他信息. */
const FIELD_LABELS: Record<string, string> = {
  name: '名称', title: '标题', purpose: '群简介', rules: '群规', visibility: '可见范围', topic: '主题', body: '正文',
  role: '角色', mutedUntil: '禁言至', mutedAllUntil: '全员禁言至', automatic: '自动禁言', warnings: '有效警告次数',
  banned: '禁止加入', removed: '已移除', reason: '原因', status: '状态', active: '有效', confidentiality: '保密等级',
  kind: '规则类型', value: '规则内容', action: '处理方式', startsAt: '开始时间', endsAt: '结束时间', location: '地点',
  scope: '参会范围', invitees: '参会人数', added: '新增参会人', removed_count: '移出参会人', notified: '提醒人数',
  membersMayIssueMeetings: '成员可发布会议通知', version: '版本', size: '大小', dueDate: '截止日期', fulfilled: '已找到',
  range: '时间范围', warnThreshold: '警告次数', warnWindowDays: '统计天数', warnMuteMinutes: '禁言分钟数', windowDays: '统计天数',
  muteMinutes: '禁言分钟数', pinned: '置顶', essence: '精华', locked: '锁定', moderation: '处理方式', via: '加入方式',
  matches: '命中内容', boardName: '版块', userId: '成员', ownerId: '群主', addresseeId: '提供人', memberIds: '成员',
  audienceUserIds: '可阅读成员', threadId: '帖子', messageId: '消息', replyId: '回复', documentId: '文件', folderId: '文件夹',
  parentId: '上级文件夹', boardId: '版块', boardIds: '版块顺序', discussionId: '讨论组', requestId: '资料寻找', announcementId: '公告',
  contentType: '内容类型', maxMembers: '人数上限', location_url: '会议链接', url: '链接', details: '内容',
};

/** Keys that never reach the screen: ids of what the log cannot name, hashes, internal flags. */
const HIDDEN_KEYS = new Set(['sanctionId', 'reportId', 'exportId', 'contentId', 'conversationId', 'groupId', 'bulletinId', 'sha256', 'kind_code']);

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Reads one entry with the names of its page. */
export function presentAuditEntry(e: AuditEntryFacts, names: AuditNames): AuditPresentation {
  const b = e.before ?? {};
  const a = e.after ?? {};
  const field = (key: string): unknown => (key in a ? a[key] : b[key]);
  const name = (kind: AuditSubjectKind, id: unknown, missing: string): string => (typeof id === 'string' && names[kind]?.get(id)) || missing;
  const person = (id: unknown) => name('user', id, '已注销的用户');
  const people = (ids: unknown) => (Array.isArray(ids) ? ids.map(person).join('、') : '');
  const quoted = (value: unknown, fallback = '') => (typeof value === 'string' && value ? `「${value}」` : fallback);
  const actor = e.actorId ? person(e.actorId) : '系统';
  const who = person(field('userId'));
  const thread = () => `《${name('thread', field('threadId'), '已删除的帖子')}》`;
  const board = (id = field('boardId')) => `「${name('board', id, typeof field('name') === 'string' ? String(field('name')) : '已删除的版块')}」`;
  const discussion = () => `「${name('discussion', field('discussionId'), '已删除的讨论组')}」`;
  const document = () => `「${name('document', e.targetType === 'document' ? e.targetId : field('documentId'), typeof field('name') === 'string' ? String(field('name')) : '已删除的文件')}」`;
  const meeting = () => `「${name('meeting', e.targetId, typeof field('title') === 'string' ? String(field('title')) : '已删除的会议')}」`;
  const announcement = () => `「${name('announcement', e.targetType === 'announcement' ? e.targetId : field('announcementId'), typeof field('title') === 'string' ? String(field('title')) : '已删除的公告')}」`;
  const request = () => `「${name('request', field('requestId'), '已删除的资料寻找')}」`;
  /** The content an entry is about: 张凯峰的消息「…」, or the thread's or reply's name. */
  const content = () => {
    const type = String(field('contentType') ?? '');
    const kind = CONTENT_KINDS[type];
    const noun = CONTENT_NOUNS[type] ?? '内容';
    const label = kind ? names[kind]?.get(String(field('contentId'))) : undefined;
    return `${who}的${noun}${label ? (type === 'message' ? `「${label}」` : type === 'thread' ? `《${label}》` : label) : ''}`;
  };
  const until = (value: unknown) => (value === 'until_lifted' || value === null || value === undefined ? '直至解除' : typeof value === 'string' && ISO_TIME.test(value) ? shanghaiShort(new Date(value)) : '直至解除');
  const flag = (key: string, on: string, off: string) => (field(key) ? on : off);
  const ruleText = (r: Record<string, unknown>) =>
    `${r.kind === 'pattern' ? PATTERNS[String(r.value)] ?? '号码规则' : `敏感词「${String(r.value ?? '')}」`} · ${RULE_ACTIONS[String(r.action)] ?? '提醒确认'}`;
  const contentSubject = () =>
    field('messageId') ? `消息${quoted(names.message?.get(String(field('messageId'))))}` : field('replyId') ? `${thread()}中的回复` : field('threadId') ? `帖子${thread()}` : '内容';
  const confidentialitySubject = () =>
    field('replyId') ? `${thread()}中的回复` : field('threadId') ? `帖子${thread()}` : field('messageId') ? `消息${quoted(names.message?.get(String(field('messageId'))))}` : '消息';

  const sentences: Record<string, () => string> = {
    'group.created': () => `${actor} 创建了群组${quoted(a.name)}`,
    'group.updated': () => `${actor} 修改了群资料`,
    'group.member_joined': () => (a.via === 'create' ? `${who} 创建群组并成为群主` : a.via === 'invitation' ? `${who} 接受邀请加入本群` : a.via === 'application' && e.actorId && e.actorId !== a.userId ? `${actor} 批准 ${who} 加入本群` : `${who} 加入本群`),
    'group.member_left': () => `${who} 退出了本群`,
    'group.member_removed': () => `${actor} 将 ${who} 移出本群`,
    'group.role_changed': () => `${actor} 将 ${who} 的角色由${ROLES[String(b.role)] ?? '成员'}改为${ROLES[String(a.role)] ?? '成员'}`,
    'group.ownership_transferred': () => `${actor} 将群主转让给 ${person(a.ownerId)}`,
    'group.application_rejected': () => `${actor} 拒绝了 ${who} 的入群申请`,
    'group.meeting_policy_changed': () => `${actor} ${a.membersMayIssueMeetings ? '允许' : '不再允许'}成员发布会议通知`,
    'forum.board_created': () => `${actor} 新建版块${quoted(a.name)}`,
    'forum.board_renamed': () => `${actor} 将版块${quoted(b.name)}改名为${quoted(a.name)}`,
    'forum.boards_reordered': () => `${actor} 调整了版块顺序`,
    'forum.board_archived': () => `${actor} 归档了版块${board()}`,
    'forum.board_restored': () => `${actor} 恢复了版块${board()}`,
    'forum.thread_pinned': () => `${actor} ${flag('pinned', '将帖子置顶', '取消了帖子置顶')}：${thread()}`,
    'forum.thread_essence': () => `${actor} ${flag('essence', '将帖子设为精华', '取消了帖子精华')}：${thread()}`,
    'forum.thread_locked': () => `${actor} ${flag('locked', '锁定了帖子', '解锁了帖子')}：${thread()}`,
    'discussion.created': () => `${actor} 创建了讨论组${discussion()}`,
    'discussion.members_added': () => `${actor} 邀请 ${people(a.memberIds)} 加入讨论组${discussion()}`,
    'discussion.left': () => `${actor} 退出了讨论组${discussion()}`,
    'discussion.archived': () => `${actor} 归档了讨论组${discussion()}`,
    'discussion.reopened': () => `${actor} 重开了讨论组${discussion()}`,
    'document.uploaded': () => `${actor} 上传了文件${document()}`,
    'document.version_added': () => `${actor} 上传了文件${document()}的第 ${Number(a.version) || 2} 版`,
    'document.deleted': () => `${actor} 删除了文件${document()}`,
    'document.moved': () => `${actor} 将文件${document()}移至${a.folderId ? `文件夹「${name('folder', a.folderId, '已删除的文件夹')}」` : '根目录'}`,
    'document.folder_created': () => `${actor} 新建了文件夹${quoted(a.name)}`,
    'document.folder_renamed': () => `${actor} 将文件夹${quoted(b.name)}重命名为${quoted(a.name)}`,
    'document.folder_deleted': () => `${actor} 删除了文件夹${quoted(b.name)}`,
    'document.request_created': () => `${actor} 发起资料寻找${quoted(a.title, request())}${a.addresseeId ? `，请 ${person(a.addresseeId)} 提供` : ''}`,
    'document.request_closed': () => `${actor} 关闭了资料寻找${request()}（${a.fulfilled ? '已找到' : '未找到'}）`,
    'meeting.issued': () => `${actor} 发布了会议通知${meeting()}`,
    'meeting.edited': () => `${actor} 修改了会议通知${meeting()}`,
    'meeting.cancelled': () => `${actor} 取消了会议${meeting()}`,
    'meeting.nudged': () => `${actor} 催办了会议${meeting()}的回执`,
    'announcement.posted': () => `${actor} 发布了群公告${announcement()}`,
    'announcement.edited': () => `${actor} 修改了群公告${announcement()}`,
    'announcement.pinned': () => `${actor} 置顶了群公告${announcement()}`,
    'announcement.unpinned': () => `${actor} 取消置顶群公告${announcement()}`,
    'announcement.bulletin_published': () => `${actor} 发布了工作周报${quoted(a.title, announcement())}`,
    'content.sensitive_acknowledged': () => `${actor} 确认保密提醒后发布了${contentSubject()}`,
    'content.confidentiality_raised': () => `${actor} 将${confidentialitySubject()}的保密等级由${LEVELS[String(b.confidentiality)] ?? '普通'}提高为${LEVELS[String(a.confidentiality)] ?? '内部'}`,
    'content.sensitive_rule_set': () => `${actor} 设置了保密提醒规则：${ruleText(a)}`,
    'content.sensitive_rule_removed': () => `${actor} 删除了保密提醒规则：${ruleText(b)}`,
    'moderation.content_removed': () => `${actor} 移除了${content()}`,
    'moderation.content_restored': () => `${actor} 恢复了${content()}`,
    'moderation.message_moved': () => `${actor} 将${who}的消息移至论坛版块${quoted(a.boardName, board())}`,
    'moderation.warned': () => `${actor} 警告了 ${who}`,
    'moderation.warning_revoked': () => `${actor} 撤销了对 ${who} 的警告`,
    'moderation.muted': () => (a.automatic ? `${who} 累计 ${Number(a.warnings) || ''} 次警告，被自动禁言至 ${until(a.mutedUntil)}` : `${actor} 将 ${who} 禁言${a.mutedUntil === 'until_lifted' ? '，直至解除' : `至 ${until(a.mutedUntil)}`}`),
    'moderation.unmuted': () => `${actor} 解除了 ${who} 的禁言`,
    'moderation.group_muted': () => `${actor} 开启全员禁言${a.mutedAllUntil === 'until_lifted' || !a.mutedAllUntil ? '，直至解除' : `，至 ${until(a.mutedAllUntil)}`}`,
    'moderation.group_unmuted': () => `${actor} 解除了全员禁言`,
    'moderation.banned': () => `${actor} 禁止 ${who} 加入本群`,
    'moderation.unbanned': () => `${actor} 解除了对 ${who} 的加入禁止`,
    'moderation.escalation_changed': () => `${actor} 将处罚规则改为：${Number(a.warnWindowDays)} 天内 ${Number(a.warnThreshold)} 次有效警告自动禁言 ${Number(a.warnMuteMinutes)} 分钟`,
    'moderation.report_resolved': () => `${actor} ${a.status === 'dismissed' ? '驳回' : '处理'}了对${content()}的举报`,
    'archive.requested': () => `${actor} 申请导出本群档案${typeof a.range === 'string' ? `（${a.range}）` : ''}`,
    'archive.completed': () => `${actor} 申请的本群档案已导出完成`,
    'archive.failed': () => `${actor} 申请的本群档案导出失败`,
    'archive.deleted': () => `${actor} 删除了一份本群档案导出`,
    'archive.downloaded': () => `${actor} 下载了本群档案`,
  };
  const summary = sentences[e.action]?.() ?? `${actor} ${auditActionLabel(e.action)}`;
  return { summary, details: auditDetails(e, names) };
}

/** The entry's fields as label and value: changed ones as 之前 → 之后; ids named or left out. */
export function auditDetails(e: AuditEntryFacts, names: AuditNames): AuditDetail[] {
  const b = e.before ?? {};
  const a = e.after ?? {};
  const details: AuditDetail[] = [];
  if (e.reason) details.push({ label: '原因', value: e.reason });
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  for (const key of keys) {
    if (HIDDEN_KEYS.has(key)) continue;
    // A moved message's thread is named by its threadId, as its reader may read it now (not by the title it was given).
    if (key === 'title' && e.action === 'moderation.message_moved') continue;
    const before = key in b ? readable(key, b[key], b, names) : null;
    const after = key in a ? readable(key, a[key], a, names) : null;
    if (before === null && after === null) continue;
    const label = FIELD_LABELS[key] ?? '其他信息';
    if (key in b && key in a && before !== after) details.push({ label, value: `${before ?? '无'} → ${after ?? '无'}` });
    else details.push({ label, value: (after ?? before)! });
  }
  return details.filter((d) => d.value !== '');
}

/** One value as a person reads it; null when there is nothing to show (an id that has no name). */
function readable(key: string, value: unknown, state: Record<string, unknown>, names: AuditNames): string | null {
  if (value === null || value === undefined) return key === 'mutedUntil' || key === 'mutedAllUntil' ? '无' : null;
  const kind = ID_KEYS[key];
  if (kind) {
    const ids = Array.isArray(value) ? value : [value];
    const named = ids.map((id) => (typeof id === 'string' ? names[kind]?.get(id) : undefined)).filter((n): n is string => !!n);
    return named.length ? named.join('、') : null;
  }
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value === 'until_lifted') return '直至解除';
  if (key === 'role') return ROLES[String(value)] ?? '成员';
  if (key === 'confidentiality') return LEVELS[String(value)] ?? '普通';
  if (key === 'visibility') return VISIBILITY[String(value)] ?? String(value);
  if (key === 'action' && typeof value === 'string') return RULE_ACTIONS[value] ?? '其他';
  if (key === 'kind' && typeof value === 'string') return value === 'pattern' ? '号码规则' : value === 'term' ? '敏感词' : value === 'group' ? '群档案' : value === 'personal' ? '个人档案' : '其他';
  if (key === 'value' && state.kind === 'pattern') return PATTERNS[String(value)] ?? '号码规则';
  if (key === 'contentType') return CONTENT_NOUNS[String(value)] ?? '内容';
  if (key === 'via') return JOIN_VIA[String(value)] ?? '加入';
  if (key === 'scope') return MEETING_SCOPES[String(value)] ?? String(value);
  if (key === 'status') return ({ active: '进行中', cancelled: '已取消', open: '待处理', actioned: '已处理', dismissed: '已驳回' } as Record<string, string>)[String(value)] ?? '其他';
  if (key === 'moderation') return value === 'kick' ? '移出' : '其他';
  if (key === 'reason' && typeof value === 'string') return ARCHIVE_FAILURES[value] ?? ({ off_topic: '跑题', improper: '不当言论', leak_risk: '泄密风险', advertising: '广告', other: '其他' } as Record<string, string>)[value] ?? value;
  if (key === 'size' && typeof value === 'number') return formatSize(value);
  if (key === 'matches' && Array.isArray(value)) return value.map((m) => String((m as { text?: unknown }).text ?? '')).filter(Boolean).join('、');
  if (typeof value === 'string') {
    if (UUID.test(value)) return null;
    if (ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))) return shanghaiShort(new Date(value));
    return value;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map((v) => readable(key, v, state, names)).filter((v): v is string => !!v);
    return parts.length ? parts.join('、') : null;
  }
  // A nested object: its readable leaves, never its JSON.
  const parts = Object.entries(value as Record<string, unknown>)
    .filter(([k]) => !HIDDEN_KEYS.has(k))
    .map(([k, v]) => readable(k, v, state, names))
    .filter((v): v is string => !!v);
  return parts.length ? parts.join('，') : null;
}
