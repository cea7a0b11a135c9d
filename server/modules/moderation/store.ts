import type { EntityManager } from '@mikro-orm/postgresql';
import type { ContentType, GroupRole, ModerationReason, ModerationSanction, ReportStatus } from '../../db/entities/index.js';
import { joinSql, rows, sql, sqlText, type Statement } from '../../db/statement.js';
import { auditShowsTextSql } from '../../policies/index.js';

/**
 * Moderation's SQL: the content, members and sanctions it acts on, reports and the group's audit
 * log. Conditional updates (`… where removed_at is null returning id`) make each change happen
 * once under concurrency, and the presenters' reads are batched over a page: past the ORM.
 */

// --- Content ---------------------------------------------------------------------------------

/** A message, thread or reply as moderation loads it, with whether the actor may see it. */
export interface ContentRow {
  id: string;
  author_id: string;
  title: string | null;
  body: string;
  removed_at: Date | null;
  removal_reason: string | null;
  gone: boolean;
  group_id: string | null;
  conversation_id: string | null;
  thread_id: string | null;
  visible: boolean;
  in_discussion: boolean;
}

export async function findContent(em: EntityManager, type: ContentType, id: string, viewerId: string): Promise<ContentRow | undefined> {
  const statements: Record<ContentType, Statement> = {
    message: sql`select m.id, m.author_id, null as title, m.body, m.removed_at, m.removal_reason, m.recalled_at is not null as gone,
                     coalesce(g.id, d.group_id) as group_id, m.conversation_id, null::uuid as thread_id, d.id is not null as in_discussion,
                     exists(select 1 from conversation_member cm where cm.conversation_id = m.conversation_id and cm.user_id = ${viewerId}) as visible
                from message m
                left join chat_group g on g.conversation_id = m.conversation_id
                left join discussion_group d on d.conversation_id = m.conversation_id
               where m.id = ${id}`,
    thread: sql`select t.id, t.author_id, t.title, t.body, t.removed_at, t.removal_reason, false as gone, t.group_id, null::uuid as conversation_id, t.id as thread_id, false as in_discussion,
                    exists(select 1 from group_member gm where gm.group_id = t.group_id and gm.user_id = ${viewerId}) as visible
               from thread t where t.id = ${id}`,
    reply: sql`select r.id, r.author_id, null as title, r.body, r.removed_at, r.removal_reason, r.deleted_at is not null as gone, t.group_id, null::uuid as conversation_id, t.id as thread_id, false as in_discussion,
                   exists(select 1 from group_member gm where gm.group_id = t.group_id and gm.user_id = ${viewerId}) as visible
              from thread_reply r join thread t on t.id = r.thread_id where r.id = ${id}`,
  };
  const [row] = await rows<ContentRow>(em, statements[type]);
  return row;
}

/** The actor's role and mute in a group, and the author's role there. */
export async function actorAndAuthorRoles(em: EntityManager, groupId: string, actorId: string, authorId: string) {
  const [roles] = await rows<{ actor_role: GroupRole | null; actor_muted_until: Date | null; author_role: GroupRole | null }>(
    em,
    sql`select (select role from group_member where group_id = ${groupId} and user_id = ${actorId}) as actor_role,
            (select muted_until from group_member where group_id = ${groupId} and user_id = ${actorId}) as actor_muted_until,
            (select role from group_member where group_id = ${groupId} and user_id = ${authorId}) as author_role`,
  );
  return roles;
}

/** A person's role in a group: no row for an unknown person, a null role for a non-member. */
export async function personRole(em: EntityManager, groupId: string, userId: string): Promise<{ role: GroupRole | null } | undefined> {
  const [row] = await rows<{ role: GroupRole | null }>(em, sql`select (select role from group_member where group_id = ${groupId} and user_id = u.id) as role from app_user u where u.id = ${userId}`);
  return row;
}

/** A person's membership of a group (one row, nulls when not a member). */
export async function membership(em: EntityManager, groupId: string, userId: string): Promise<{ role: GroupRole | null; muted_until: Date | null } | undefined> {
  const [row] = await rows<{ role: GroupRole | null; muted_until: Date | null }>(
    em,
    sql`select gm.role, gm.muted_until from (select 1) one left join group_member gm on gm.group_id = ${groupId} and gm.user_id = ${userId}`,
  );
  return row;
}

const CONTENT_TABLE: Record<ContentType, string> = { message: 'message', thread: 'thread', reply: 'thread_reply' };

/** Removes content (no search vector while removed); false when it was removed already. */
export async function markContentRemoved(em: EntityManager, type: ContentType, id: string, reason: ModerationReason, movedTo: string | null): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update ${sqlText(CONTENT_TABLE[type])} set removed_at = now(), removal_reason = ${reason}, search_vector = null${type === 'message' ? sql`, moved_to_thread_id = ${movedTo}` : sqlText('')}
      where id = ${id} and removed_at is null returning id`,
  );
  return changed.length > 0;
}

/** Restores removed content with its search vector; false when it was not removed. */
export async function markContentRestored(em: EntityManager, type: ContentType, id: string, vector: string | null): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update ${sqlText(CONTENT_TABLE[type])} set removed_at = null, removal_reason = null, search_vector = ${vector}::tsvector${sqlText(type === 'message' ? ', moved_to_thread_id = null' : '')}
        where id = ${id} and removed_at is not null returning id`,
  );
  return changed.length > 0;
}

/** A new thread made of a moved message, followed by its author. */
export async function insertMovedThread(
  em: EntityManager,
  t: { groupId: string; boardId: string; authorId: string; title: string; body: string; vector: string | null },
): Promise<string> {
  const [{ id }] = await rows<{ id: string }>(
    em,
    sql`insert into thread (id, group_id, board_id, author_id, title, body, created_at, last_activity_at, search_vector)
       values (gen_random_uuid(), ${t.groupId}, ${t.boardId}, ${t.authorId}, ${t.title}, ${t.body}, now(), now(), ${t.vector}::tsvector) returning id`,
  );
  await rows(em, sql`insert into thread_follow (thread_id, user_id, last_seen_floor, created_at) values (${id}, ${t.authorId}, 0, now()) on conflict do nothing`);
  return id;
}

// --- Members and sanctions -------------------------------------------------------------------

/** The group's escalation rule with the member's active warnings, under the member's row lock. */
export async function lockEscalation(em: EntityManager, groupId: string, userId: string) {
  const [rule] = await rows<{ warn_threshold: number; warn_window_days: number; warn_mute_minutes: number; muted_until: Date | null; active: string }>(
    em,
    sql`select g.warn_threshold, g.warn_window_days, g.warn_mute_minutes, gm.muted_until,
              (select count(*) from moderation_sanction s where s.group_id = g.id and s.user_id = gm.user_id and s.kind = 'warning' and s.revoked_at is null
                  and s.created_at > now() - make_interval(days => g.warn_window_days)) as active
         from chat_group g join group_member gm on gm.group_id = g.id and gm.user_id = ${userId}
        where g.id = ${groupId} for update of gm`,
  );
  return rule;
}

export interface NewSanction {
  groupId: string;
  userId: string;
  kind: ModerationSanction['kind'];
  actorId: string | null;
  reason: ModerationReason;
  note: string | null;
  contentType: ContentType | null;
  contentId: string | null;
  endsAt: Date | null;
}

export async function insertSanction(em: EntityManager, s: NewSanction): Promise<string> {
  const [row] = await rows<{ id: string }>(
    em,
    sql`insert into moderation_sanction (id, group_id, user_id, kind, actor_id, reason, note, content_type, content_id, ends_at, created_at)
     values (gen_random_uuid(), ${s.groupId}, ${s.userId}, ${s.kind}, ${s.actorId}, ${s.reason}, ${s.note}, ${s.contentType}, ${s.contentId}, ${s.endsAt}, now()) returning id`,
  );
  return row.id;
}

/** Revokes an active warning; false when it was revoked already. */
export async function revokeWarningSanction(em: EntityManager, sanctionId: string, actorId: string, reason: string): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update moderation_sanction set revoked_at = now(), revoked_by_id = ${actorId}, revoke_reason = ${reason} where id = ${sanctionId} and revoked_at is null returning id`,
  );
  return changed.length > 0;
}

/** A member's mute, locked (no row: not a member). */
export async function lockMemberMute(em: EntityManager, groupId: string, userId: string): Promise<{ muted_until: Date | null } | undefined> {
  const [row] = await rows<{ muted_until: Date | null }>(em, sql`select muted_until from group_member where group_id = ${groupId} and user_id = ${userId} for update`);
  return row;
}

/** A member's running mute, locked (no row: not muted now). */
export async function lockRunningMute(em: EntityManager, groupId: string, userId: string): Promise<{ muted_until: Date | null } | undefined> {
  const [row] = await rows<{ muted_until: Date | null }>(
    em,
    sql`select muted_until from group_member where group_id = ${groupId} and user_id = ${userId} and muted_until > now() for update`,
  );
  return row;
}

export async function setMemberMutedUntil(em: EntityManager, groupId: string, userId: string, until: Date): Promise<void> {
  await rows(em, sql`update group_member set muted_until = ${until} where group_id = ${groupId} and user_id = ${userId}`);
}

/** Lifts a member's mute and ends their active mute records. */
export async function liftMemberMute(em: EntityManager, groupId: string, userId: string, actorId: string, reason: string): Promise<void> {
  await rows(em, sql`update group_member set muted_until = null where group_id = ${groupId} and user_id = ${userId}`);
  await rows(
    em,
    sql`update moderation_sanction set revoked_at = now(), revoked_by_id = ${actorId}, revoke_reason = ${reason}
        where group_id = ${groupId} and user_id = ${userId} and kind = 'mute' and revoked_at is null and (ends_at is null or ends_at > now())`,
  );
}

/** The group's 全员禁言, locked. */
export async function lockGroupMute(em: EntityManager, groupId: string): Promise<{ muted_all_until: Date | null }> {
  const [row] = await rows<{ muted_all_until: Date | null }>(em, sql`select muted_all_until from chat_group where id = ${groupId} for update`);
  return row;
}

export async function setGroupMutedUntil(em: EntityManager, groupId: string, until: Date | null): Promise<void> {
  await rows(em, sql`update chat_group set muted_all_until = ${until}, updated_at = now() where id = ${groupId}`);
}

export async function hasActiveBan(em: EntityManager, groupId: string, userId: string): Promise<boolean> {
  const found = await rows<{ id: string }>(em, sql`select id from moderation_sanction where group_id = ${groupId} and user_id = ${userId} and kind = 'ban' and revoked_at is null`);
  return found.length > 0;
}

/** A banned person's pending application is rejected and pending invitations declined. */
export async function closePendingWaysIn(em: EntityManager, groupId: string, userId: string, actorId: string): Promise<{ applicationIds: string[]; invitationIds: string[] }> {
  const applications = await rows<{ id: string }>(
    em,
    sql`update group_application set status = 'rejected', reason = ${'已被禁止加入'}, reviewed_by_id = ${actorId}, reviewed_at = now() where group_id = ${groupId} and applicant_id = ${userId} and status = 'pending' returning id`,
  );
  const invitations = await rows<{ id: string }>(em, sql`update group_invitation set status = 'declined', responded_at = now() where group_id = ${groupId} and invitee_id = ${userId} and status = 'pending' returning id`);
  return { applicationIds: applications.map((r) => String(r.id)), invitationIds: invitations.map((r) => String(r.id)) };
}

/** Ends an active ban; false when there was none. */
export async function revokeBan(em: EntityManager, groupId: string, userId: string, actorId: string, reason: string): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update moderation_sanction set revoked_at = now(), revoked_by_id = ${actorId}, revoke_reason = ${reason} where group_id = ${groupId} and user_id = ${userId} and kind = 'ban' and revoked_at is null returning id`,
  );
  return changed.length > 0;
}

export async function updateEscalationRule(em: EntityManager, groupId: string, rule: { warnThreshold: number; warnWindowDays: number; warnMuteMinutes: number }): Promise<void> {
  await rows(em, sql`update chat_group set warn_threshold = ${rule.warnThreshold}, warn_window_days = ${rule.warnWindowDays}, warn_mute_minutes = ${rule.warnMuteMinutes} where id = ${groupId}`);
}

// --- Reports ---------------------------------------------------------------------------------

/** A new open report; the unique index refuses a second one by the same person on the same item. */
export async function insertReport(
  em: EntityManager,
  r: { groupId: string; reporterId: string; contentType: ContentType; contentId: string; contentAuthorId: string; reason: ModerationReason; note: string | null },
): Promise<string> {
  const [row] = await rows<{ id: string }>(
    em,
    sql`insert into moderation_report (id, group_id, reporter_id, content_type, content_id, content_author_id, reason, note, status, created_at)
       values (gen_random_uuid(), ${r.groupId}, ${r.reporterId}, ${r.contentType}, ${r.contentId}, ${r.contentAuthorId}, ${r.reason}, ${r.note}, 'open', now()) returning id`,
  );
  return row.id;
}

/** Resolves an open report; false when it was resolved already. */
export async function resolveOpenReport(em: EntityManager, reportId: string, outcome: string, actorId: string, note: string | null): Promise<boolean> {
  const changed = await rows<{ id: string }>(
    em,
    sql`update moderation_report set status = ${outcome}, resolved_by_id = ${actorId}, resolved_at = now(), resolution_note = ${note} where id = ${reportId} and status = 'open' returning id`,
  );
  return changed.length > 0;
}

/** Open reports in a group, counted per reason and content type. */
export function openReportCounts(em: EntityManager, groupId: string) {
  return rows<{ reason: string; content_type: ContentType; n: string }>(
    em,
    sql`select reason, content_type, count(*) as n from moderation_report where group_id = ${groupId} and status = 'open' group by reason, content_type order by reason, content_type`,
  );
}

/** One page (plus one row) of a group's reports' keys, newest first, after the keyset cursor. */
export function reportKeys(em: EntityManager, groupId: string, status: ReportStatus | null, cursor: [string, string] | null, limit: number) {
  return rows<{ id: string; created_key: string }>(
    em,
    sql`select id, created_at::text as created_key from moderation_report
      where group_id = ${groupId} ${status ? sql`and status = ${status}` : sqlText('')} ${cursor ? sql`and (created_at, id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)` : sqlText('')}
      order by created_at desc, id desc limit ${limit}`,
  );
}

/** Open reports in a group. */
export async function openReportCount(em: EntityManager, groupId: string): Promise<number> {
  return Number((await rows<{ n: string }>(em, sql`select count(*) as n from moderation_report where group_id = ${groupId} and status = 'open'`))[0].n);
}

// --- The group's audit log -------------------------------------------------------------------

export interface AuditLogQuery {
  groupId: string;
  /** An action, or a prefix of actions ending in '.'. */
  action: string | null;
  actorId: string | null;
  targetUserId: string | null;
  from: Date | null;
  to: Date | null;
  beforeId: string | null;
  limit: number;
}

/** The person an entry is about: the userId of its after or before state. */
const AUDIT_TARGET = sqlText(`coalesce(a.after::jsonb ->> 'userId', a.before::jsonb ->> 'userId')`);

/**
 * A group's audit entries, newest first, filtered: those about the group itself and those about
 * its library's documents, its meeting notices and its announcements (recorded against them).
 */
export function groupAuditEntries(em: EntityManager, q: AuditLogQuery) {
  const g = q.groupId;
  const where = [
    sql`((a.target_type = 'group' and a.target_id = ${g})
      or (a.target_type = 'document' and a.target_id in (select id::text from document where group_id = ${g}))
      or (a.target_type = 'meeting' and a.target_id in (select id::text from meeting_notice where group_id = ${g}))
      or (a.target_type = 'announcement' and a.target_id in (select id::text from announcement where group_id = ${g})))`,
  ];
  if (q.action) where.push(q.action.endsWith('.') ? sql`a.action like ${`${q.action}%`}` : sql`a.action = ${q.action}`);
  if (q.actorId) where.push(sql`a.actor_id = ${q.actorId}`);
  if (q.targetUserId) where.push(sql`${AUDIT_TARGET} = ${q.targetUserId}`);
  if (q.from) where.push(sql`a.at >= ${q.from}`);
  if (q.to) where.push(sql`a.at < ${q.to}`);
  if (q.beforeId) where.push(sql`a.id < ${q.beforeId}`);
  return rows<{ id: string; at: Date; actor_id: string | null; action: string; target_type: string; target_id: string; reason: string | null; before: unknown; after: unknown; ip: string | null; target_user_id: string | null }>(
    em,
    sql`select a.id::text as id, a.at, a.actor_id, a.action, a.target_type, a.target_id::text as target_id, a.reason, a.before, a.after, a.ip, ${AUDIT_TARGET} as target_user_id
       from audit_log a where ${joinSql(where, ' and ')} order by a.id desc limit ${q.limit}`,
  );
}

// --- 我的记录 and the presenters' reads ---------------------------------------------------------

/** A person's removed messages, threads and replies with their text, newest first. */
export function removedContentOf(em: EntityManager, userId: string) {
  return rows<{ type: ContentType; id: string; group_id: string; title: string | null; body: string; reason: string; removed_at: Date; moved_to_thread_id: string | null }>(
    em,
    sql`select * from (
       select 'message' as type, m.id, coalesce(g.id, d.group_id) as group_id, null as title, m.body, m.removal_reason as reason, m.removed_at, m.moved_to_thread_id
         from message m
         left join chat_group g on g.conversation_id = m.conversation_id
         left join discussion_group d on d.conversation_id = m.conversation_id
        where m.author_id = ${userId} and m.removed_at is not null
       union all
       select 'thread', t.id, t.group_id, t.title, t.body, t.removal_reason, t.removed_at, null from thread t where t.author_id = ${userId} and t.removed_at is not null
       union all
       select 'reply', r.id, t.group_id, t.title, r.body, r.removal_reason, r.removed_at, null from thread_reply r join thread t on t.id = r.thread_id where r.author_id = ${userId} and r.removed_at is not null
     ) x order by removed_at desc limit 200`,
  );
}

/**
 * Reported messages. A discussion group's messages are for its members only: for anyone else
 * (`viewerId` not a member) the body is null.
 */
export function reportedMessages(em: EntityManager, viewerId: string | null, ids: string[]) {
  return rows<{ id: string; body: string | null; removed_at: Date | null; removal_reason: string | null; conversation_id: string; moved_to_thread_id: string | null }>(
    em,
    sql`select m.id,
            case when d.id is null or exists (select 1 from conversation_member cm where cm.conversation_id = m.conversation_id and cm.user_id = ${viewerId}) then m.body end as body,
            m.removed_at, m.removal_reason, m.conversation_id, m.moved_to_thread_id
       from message m left join discussion_group d on d.conversation_id = m.conversation_id
      where m.id in (${ids})`,
  );
}

/** Reported threads. */
export function reportedThreads(em: EntityManager, ids: string[]) {
  return rows<{ id: string; title: string; body: string; removed_at: Date | null; removal_reason: string | null }>(em, sql`select id, title, body, removed_at, removal_reason from thread where id in (${ids})`);
}

/** Reported replies. */
export function reportedReplies(em: EntityManager, ids: string[]) {
  return rows<{ id: string; body: string; removed_at: Date | null; removal_reason: string | null; thread_id: string }>(
    em,
    sql`select id, body, removed_at, removal_reason, thread_id from thread_reply where id in (${ids})`,
  );
}

// --- Names in the audit log ------------------------------------------------------------------

/** The kinds of things (besides people) an audit entry names, as `audit/sentences.ts` collects them. */
export type AuditNamedKind = 'thread' | 'message' | 'reply' | 'document' | 'folder' | 'board' | 'discussion' | 'request' | 'meeting' | 'announcement';

/**
 * What the audit log calls each referenced thread, message, document…, for its reader: one
 * statement for a whole page. A message reads as the start of its text and a thread as its title
 * only when the reader may read them (`auditShowsTextSql`); otherwise as a placeholder saying why
 * (recalled, removed, a discussion group's, restricted). A reply reads as its thread and floor.
 */
export async function auditSubjectNames(em: EntityManager, reader: { userId: string; moderatesEverywhere: boolean }, ids: Partial<Record<AuditNamedKind, string[]>>): Promise<Array<{ kind: AuditNamedKind; id: string; name: string }>> {
  const viewer = sql`${reader.userId}::uuid`;
  const threadName = (t: string) =>
    sql`case when ${auditShowsTextSql.thread(t, viewer, reader.moderatesEverywhere)} then ${sqlText(`${t}.title`)}
             when ${sqlText(`${t}.removed_at`)} is not null then '已移除的帖子'
             when ${sqlText(`${t}.confidentiality`)} = 'restricted' then '受限帖子' else '无权查看的帖子' end`;
  const parts: Record<AuditNamedKind, (list: string[]) => Statement> = {
    thread: (list) => sql`select 'thread' as kind, t.id::text as id, ${threadName('t')} as name from thread t where t.id in (${list})`,
    message: (list) => sql`select 'message' as kind, m.id::text as id,
                             case when ${auditShowsTextSql.message('m', viewer, reader.moderatesEverywhere)} then case when char_length(m.body) > 24 then left(m.body, 24) || '…' else m.body end
                                  when m.recalled_at is not null then '已撤回的消息'
                                  when m.removed_at is not null then '已移除的消息'
                                  when exists (select 1 from discussion_group d where d.conversation_id = m.conversation_id) then '讨论组消息'
                                  when m.confidentiality = 'restricted' then '受限消息' else '无权查看的消息' end as name
                           from message m where m.id in (${list})`,
    reply: (list) => sql`select 'reply' as kind, r.id::text as id, '《' || ${threadName('t')} || '》第 ' || r.floor || ' 楼' as name
                           from thread_reply r join thread t on t.id = r.thread_id where r.id in (${list})`,
    document: (list) => sql`select 'document' as kind, id::text as id, name from document where id in (${list})`,
    folder: (list) => sql`select 'folder' as kind, id::text as id, name from document_folder where id in (${list})`,
    board: (list) => sql`select 'board' as kind, id::text as id, name from board where id in (${list})`,
    discussion: (list) => sql`select 'discussion' as kind, id::text as id, topic as name from discussion_group where id in (${list})`,
    request: (list) => sql`select 'request' as kind, id::text as id, title as name from document_request where id in (${list})`,
    meeting: (list) => sql`select 'meeting' as kind, id::text as id, title as name from meeting_notice where id in (${list})`,
    announcement: (list) => sql`select 'announcement' as kind, id::text as id, title as name from announcement where id in (${list})`,
  };
  const selects = (Object.keys(parts) as AuditNamedKind[]).filter((kind) => ids[kind]?.length).map((kind) => parts[kind](ids[kind]!));
  if (!selects.length) return [];
  return rows<{ kind: AuditNamedKind; id: string; name: string }>(em, joinSql(selects, ' union all '));
}

/** A group's sanctions that still hold and can be lifted from 群管理: bans not lifted, warnings not revoked and within the window; newest first. */
export async function liftableSanctionIds(em: EntityManager, groupId: string, warningsSince: Date, limit: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select id from moderation_sanction
         where group_id = ${groupId} and revoked_at is null
           and (kind = 'ban' or (kind = 'warning' and created_at > ${warningsSince}))
         order by created_at desc, id desc limit ${limit}`,
  );
  return found.map((r) => r.id);
}

/** The roles and mutes of some people in some groups, in one read (absent: not a member). */
export function membershipsInGroups(em: EntityManager, groupIds: string[], userIds: string[]) {
  if (!groupIds.length || !userIds.length) return Promise.resolve([]);
  return rows<{ group_id: string; user_id: string; role: GroupRole; muted_until: Date | null }>(
    em,
    sql`select group_id, user_id, role, muted_until from group_member where group_id in (${groupIds}) and user_id in (${userIds})`,
  );
}
