/**
 * Every action a group's log lists (AUDIT_LABELS) reads as a Chinese sentence with names: its
 * summary and details hold no uuid, no ISO timestamp, no action code and no JSON, whether the
 * names are found or the things are gone. The fixtures are the before/after the services write.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_LABELS } from '../../../server/audit/labels.js';
import type { AuditAction } from '../../../server/audit/logger.js';
import { auditReferences, presentAuditEntry, shanghaiShort, type AuditEntryFacts, type AuditNames } from '../../../server/audit/sentences.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const LI = id(1);
const GOU = id(2);
const ZHANG = id(3);
const THREAD = id(10);
const MESSAGE = id(11);
const REPLY = id(12);
const DOC = id(13);
const FOLDER = id(14);
const BOARD = id(15);
const DISCUSSION = id(16);
const REQUEST = id(17);
const MEETING = id(18);
const ANNOUNCEMENT = id(19);
const OTHER = id(99);
const MUTED_UNTIL = '2026-12-06T18:11:28.754Z';

type Fixture = Partial<AuditEntryFacts> & { before?: Record<string, unknown> | null; after?: Record<string, unknown> | null };
// Every labelled action has a fixture: the first test compares the keys with AUDIT_LABELS.
const F: Partial<Record<AuditAction, Fixture>> = {
  'group.created': { after: { name: '政务服务工作交流', purpose: '交流', rules: '文明', visibility: 'listed' } },
  'group.updated': { before: { name: '旧名', purpose: 'a', rules: 'b', visibility: 'listed' }, after: { name: '新名', purpose: 'a', rules: 'b', visibility: 'invite_only' } },
  'group.member_joined': { after: { userId: GOU, role: 'member', via: 'application' } },
  'group.member_left': { actorId: GOU, after: { userId: GOU } },
  'group.member_removed': { reason: '跑题', before: { userId: GOU, role: 'member' }, after: { userId: GOU, role: null, sanctionId: OTHER, moderation: 'kick' } },
  'group.role_changed': { before: { userId: GOU, role: 'member' }, after: { role: 'admin' } },
  'group.ownership_transferred': { before: { ownerId: LI }, after: { ownerId: ZHANG } },
  'group.application_rejected': { reason: '非本系统人员', after: { userId: GOU } },
  'group.meeting_policy_changed': { before: { membersMayIssueMeetings: false }, after: { membersMayIssueMeetings: true } },
  'forum.board_created': { after: { boardId: BOARD, name: '经验交流' } },
  'forum.board_renamed': { before: { boardId: BOARD, name: '旧版块' }, after: { name: '新版块' } },
  'forum.boards_reordered': { after: { boardIds: [BOARD, OTHER] } },
  'forum.board_archived': { after: { boardId: BOARD, name: '经验交流' } },
  'forum.board_restored': { after: { boardId: BOARD, name: '经验交流' } },
  'forum.thread_pinned': { after: { threadId: THREAD, pinned: true } },
  'forum.thread_essence': { after: { threadId: THREAD, essence: true } },
  'forum.thread_locked': { after: { threadId: THREAD, locked: false } },
  'discussion.created': { after: { discussionId: DISCUSSION, topic: '材料汇总', memberIds: [LI, GOU, OTHER] } },
  'discussion.members_added': { after: { discussionId: DISCUSSION, memberIds: [ZHANG] } },
  'discussion.left': { after: { discussionId: DISCUSSION } },
  'discussion.archived': { after: { discussionId: DISCUSSION } },
  'discussion.reopened': { after: { discussionId: DISCUSSION } },
  'document.uploaded': { targetType: 'document', targetId: DOC, after: { name: '会议议程.txt', version: 1, size: 2048, sha256: 'ab'.repeat(32), groupId: OTHER, conversationId: null } },
  'document.version_added': { targetType: 'document', targetId: DOC, after: { name: '会议议程.txt', version: 2, size: 4096, sha256: 'cd'.repeat(32), groupId: OTHER, conversationId: null } },
  'document.deleted': { targetType: 'document', targetId: DOC, reason: '重复', before: { name: '会议议程.txt' } },
  'document.moved': { targetType: 'document', targetId: DOC, after: { folderId: FOLDER } },
  'document.folder_created': { after: { folderId: FOLDER, name: '2026年材料', parentId: null } },
  'document.folder_renamed': { before: { folderId: FOLDER, name: '2026年材料' }, after: { folderId: FOLDER, name: '2026年资料' } },
  'document.folder_deleted': { before: { folderId: FOLDER, name: '2026年材料', parentId: null } },
  'document.request_created': { after: { requestId: REQUEST, title: '窗口服务规范', addresseeId: ZHANG, dueDate: '2026-12-20' } },
  'document.request_closed': { after: { requestId: REQUEST, fulfilled: true } },
  'meeting.issued': { targetType: 'meeting', targetId: MEETING, after: { groupId: OTHER, title: '研讨会', startsAt: '2026-12-10T01:00:00.000Z', endsAt: '2026-12-10T09:00:00.000Z', scope: 'all', invitees: 13 } },
  'meeting.edited': { targetType: 'meeting', targetId: MEETING, before: { startsAt: '2026-12-10T01:00:00.000Z' }, after: { startsAt: '2026-12-11T01:00:00.000Z', added: 1, removed: 0 } },
  'meeting.cancelled': { targetType: 'meeting', targetId: MEETING, reason: '改期', before: { status: 'active' }, after: { status: 'cancelled' } },
  'meeting.nudged': { targetType: 'meeting', targetId: MEETING, after: { notified: 4 } },
  'announcement.posted': { targetType: 'announcement', targetId: ANNOUNCEMENT, after: { groupId: OTHER, title: '群公告' } },
  'announcement.edited': { targetType: 'announcement', targetId: ANNOUNCEMENT, before: { title: '群公告', body: '旧' }, after: { title: '群公告', body: '新' } },
  'announcement.pinned': { targetType: 'announcement', targetId: ANNOUNCEMENT, after: { pinned: true } },
  'announcement.unpinned': { targetType: 'announcement', targetId: ANNOUNCEMENT, after: { pinned: false } },
  'announcement.bulletin_published': { after: { announcementId: ANNOUNCEMENT, bulletinId: OTHER, title: '工作周报' } },
  'content.sensitive_acknowledged': { reason: '发送前确认了保密提醒', after: { conversationId: OTHER, messageId: MESSAGE, confidentiality: 'internal', matches: [{ rule: 'TERM', text: '机密' }] } },
  'content.confidentiality_raised': { before: { threadId: THREAD, confidentiality: 'normal' }, after: { threadId: THREAD, confidentiality: 'restricted', audienceUserIds: [GOU, OTHER] } },
  'content.sensitive_rule_set': { before: null, after: { kind: 'term', value: '内部资料', action: 'block' } },
  'content.sensitive_rule_removed': { before: { kind: 'pattern', value: 'mobile', action: 'warn' } },
  'moderation.content_removed': { reason: '跑题：与工作无关', before: { userId: GOU, contentType: 'message', contentId: MESSAGE, removed: false }, after: { removed: true, reason: 'off_topic' } },
  'moderation.content_restored': { before: { userId: GOU, contentType: 'reply', contentId: REPLY, removed: true, reason: 'off_topic' }, after: { removed: false } },
  'moderation.message_moved': { before: { userId: GOU, contentType: 'message', contentId: MESSAGE }, after: { threadId: THREAD, boardId: BOARD, boardName: '经验交流', title: '钓鱼' } },
  'moderation.warned': { before: { userId: GOU }, after: { userId: GOU, sanctionId: OTHER, contentType: 'thread', contentId: THREAD } },
  'moderation.warning_revoked': { reason: '误判', before: { userId: GOU, sanctionId: OTHER, active: true }, after: { active: false } },
  'moderation.muted': { reason: '不当言论', before: { userId: GOU, mutedUntil: null }, after: { userId: GOU, mutedUntil: MUTED_UNTIL, sanctionId: OTHER } },
  'moderation.unmuted': { before: { userId: GOU, mutedUntil: MUTED_UNTIL }, after: { userId: GOU, mutedUntil: null } },
  'moderation.group_muted': { before: { mutedAllUntil: null }, after: { mutedAllUntil: MUTED_UNTIL } },
  'moderation.group_unmuted': { before: { mutedAllUntil: 'until_lifted' }, after: { mutedAllUntil: null } },
  'moderation.banned': { before: { userId: GOU, role: 'member', banned: false }, after: { userId: GOU, role: null, banned: true, sanctionId: OTHER } },
  'moderation.unbanned': { before: { userId: GOU, banned: true }, after: { userId: GOU, banned: false } },
  'moderation.escalation_changed': { before: { warnThreshold: 3, warnWindowDays: 90, warnMuteMinutes: 1440 }, after: { warnThreshold: 2, warnWindowDays: 30, warnMuteMinutes: 60 } },
  'moderation.report_resolved': { before: { reportId: OTHER, status: 'open', userId: GOU, contentType: 'thread', contentId: THREAD }, after: { status: 'actioned' } },
  'archive.requested': { after: { exportId: OTHER, kind: 'group', range: '2026-11-01 至 2026-11-30' } },
  'archive.completed': { after: { exportId: OTHER, size: 123456 } },
  'archive.failed': { after: { exportId: OTHER, reason: 'retries exhausted' } },
  'archive.deleted': { after: { exportId: OTHER } },
  'archive.downloaded': { after: { exportId: OTHER } },
};

const NAMES: AuditNames = {
  user: new Map([[LI, '李劲松'], [GOU, '苟晓燕'], [ZHANG, '张凯峰']]),
  thread: new Map([[THREAD, '窗口服务规范经验汇总']]),
  message: new Map([[MESSAGE, '周末有人一起去钓鱼吗']]),
  reply: new Map([[REPLY, '《窗口服务规范经验汇总》第 3 楼']]),
  document: new Map([[DOC, '会议议程.txt']]),
  folder: new Map([[FOLDER, '2026年材料']]),
  board: new Map([[BOARD, '经验交流']]),
  discussion: new Map([[DISCUSSION, '材料汇总']]),
  request: new Map([[REQUEST, '窗口服务规范']]),
  meeting: new Map([[MEETING, '研讨会']]),
  announcement: new Map([[ANNOUNCEMENT, '群公告']]),
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CODE = /\b[a-z]+\.[a-z_]+\b|\b(until_lifted|off_topic|retries exhausted|invite_only|listed|pattern|term|mobile)\b/;

const entry = (action: string, f: Fixture = {}): AuditEntryFacts => ({
  action, actorId: f.actorId ?? LI, targetType: f.targetType ?? 'group', targetId: f.targetId ?? OTHER, reason: f.reason ?? null, before: f.before ?? null, after: f.after ?? null,
});

describe('audit entries as sentences', () => {
  it('has a fixture for every action the log names', () => {
    expect(Object.keys(F).sort()).toEqual(Object.keys(AUDIT_LABELS).sort());
  });

  for (const [action, names] of [['named', NAMES], ['gone', { user: NAMES.user } as AuditNames]] as const) {
    describe(`with the things ${action}`, () => {
      for (const a of Object.keys(AUDIT_LABELS) as AuditAction[]) {
        it(`${a}: a Chinese sentence and fields, no ids, ISO times, codes or JSON`, () => {
          const { summary, details } = presentAuditEntry(entry(a, F[a as keyof typeof F]), names);
          for (const text of [summary, ...details.flatMap((d) => [d.label, d.value])]) {
            expect(text).not.toMatch(UUID);
            expect(text).not.toMatch(ISO_TIME);
            expect(text).not.toMatch(CODE);
            expect(text).not.toContain('{');
            expect(text).not.toContain('[object');
            expect(text).not.toContain('undefined');
            expect(text).not.toContain('NaN');
          }
          expect(summary).toMatch(/^(李劲松|苟晓燕|系统) /);
          expect(summary).toMatch(/[\u4e00-\u9fff]/);
        });
      }
    });
  }

  it('reads the issue\'s examples: 将帖子设为精华 and 禁言至 in Asia/Shanghai', () => {
    expect(presentAuditEntry(entry('forum.thread_essence', F['forum.thread_essence']), NAMES).summary).toBe('李劲松 将帖子设为精华：《窗口服务规范经验汇总》');
    const mute = presentAuditEntry(entry('moderation.muted', F['moderation.muted']), NAMES);
    expect(mute.summary).toBe(`李劲松 将 苟晓燕 禁言至 ${shanghaiShort(new Date(MUTED_UNTIL))}`);
    expect(shanghaiShort(new Date(MUTED_UNTIL), new Date('2026-12-07T00:00:00Z'))).toBe('12月7日 02:11');
    expect(shanghaiShort(new Date(MUTED_UNTIL), new Date('2027-01-07T00:00:00Z'))).toBe('2026年12月7日 02:11');
    expect(mute.details).toContainEqual({ label: '原因', value: '不当言论' });
    expect(mute.details).toContainEqual({ label: '禁言至', value: `无 → ${shanghaiShort(new Date(MUTED_UNTIL))}` });
  });

  it('names the people, threads, messages and documents an entry refers to', () => {
    const p = (a: keyof typeof F) => presentAuditEntry(entry(a, F[a]), NAMES);
    expect(p('moderation.content_removed').summary).toBe('李劲松 移除了苟晓燕的消息「周末有人一起去钓鱼吗」');
    expect(p('moderation.content_restored').summary).toBe('李劲松 恢复了苟晓燕的回复《窗口服务规范经验汇总》第 3 楼');
    expect(p('document.moved').summary).toBe('李劲松 将文件「会议议程.txt」移至文件夹「2026年材料」');
    expect(p('group.role_changed').summary).toBe('李劲松 将 苟晓燕 的角色由成员改为管理员');
    expect(p('discussion.created').details).toContainEqual({ label: '成员', value: '李劲松、苟晓燕' });
    expect(p('content.sensitive_rule_set').summary).toBe('李劲松 设置了保密提醒规则：敏感词「内部资料」 · 禁止发送');
    expect(p('moderation.escalation_changed').summary).toBe('李劲松 将处罚规则改为：30 天内 2 次有效警告自动禁言 60 分钟');
    expect(p('group.updated').details).toContainEqual({ label: '名称', value: '旧名 → 新名' });
  });

  it('collects every referenced id by kind, for one lookup per kind', () => {
    const refs = auditReferences(Object.entries(F).map(([a, f]) => entry(a, f)));
    expect([...refs.user].sort()).toEqual([LI, GOU, ZHANG, OTHER].sort());
    expect([...refs.thread]).toEqual([THREAD]);
    expect([...refs.message]).toEqual([MESSAGE]);
    expect([...refs.reply]).toEqual([REPLY]);
    expect([...refs.document]).toEqual([DOC]);
    expect([...refs.meeting]).toEqual([MEETING]);
    expect(refs.board.has(BOARD)).toBe(true);
  });
});
