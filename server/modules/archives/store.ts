import type { EntityManager } from '@mikro-orm/postgresql';
import type { GroupRole } from '../../db/entities/index.js';
import { rows, sql, sqlText, type Statement } from '../../db/statement.js';
import { mayReadSql } from '../../policies/index.js';

/**
 * The archives' SQL: the `archive_export` rows, and the reads that fill an archive. Every read of
 * content decides readability with the policy's own predicate (`mayReadSql`) for the exporter,
 * and leaves the text of what the exporter may not read (or what was recalled or removed) out
 * of the row altogether, so it never reaches the builder.
 */

export interface ExportRow {
  id: string;
  requester_id: string;
  kind: 'group' | 'personal';
  group_id: string | null;
  group_name: string | null;
  range_from: Date | null;
  range_to: Date | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  storage_key: string | null;
  size: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  expires_at: Date;
  /** The requester's role in the group now (null when no longer a member); the download re-checks it. */
  requester_role: GroupRole | null;
}

const EXPORT_COLUMNS = sqlText(`e.id, e.requester_id, e.kind, e.group_id, g.name as group_name, e.range_from, e.range_to, e.status, e.progress, e.storage_key, e.size, e.error, e.created_at, e.finished_at, e.expires_at, m.role as requester_role`);
const EXPORT_SOURCE = sqlText(`archive_export e left join chat_group g on g.id = e.group_id left join group_member m on m.group_id = e.group_id and m.user_id = e.requester_id`);

export async function exportRow(em: EntityManager, id: string): Promise<ExportRow | undefined> {
  const [row] = await rows<ExportRow>(em, sql`select ${EXPORT_COLUMNS} from ${EXPORT_SOURCE} where e.id = ${id}`);
  return row;
}

/** A requester's exports, newest first, after the keyset (created_at, id). */
export async function exportsOf(em: EntityManager, requesterId: string, after: [string, string] | null, limit: number): Promise<ExportRow[]> {
  const keyset = after ? sql` and (e.created_at, e.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sqlText('');
  return rows<ExportRow>(em, sql`select ${EXPORT_COLUMNS} from ${EXPORT_SOURCE}
    where e.requester_id = ${requesterId}${keyset} order by e.created_at desc, e.id desc limit ${limit}`);
}

export async function countExportsOf(em: EntityManager, requesterId: string): Promise<number> {
  const [row] = await rows<{ n: string }>(em, sql`select count(*) as n from archive_export where requester_id = ${requesterId}`);
  return Number(row?.n ?? 0);
}

/** Exports of a person still queued or running (the per-person limit). */
export async function countPendingExports(em: EntityManager, requesterId: string): Promise<number> {
  const [row] = await rows<{ n: string }>(em, sql`select count(*) as n from archive_export where requester_id = ${requesterId} and status in ('queued', 'running')`);
  return Number(row?.n ?? 0);
}

/** Serialises requests of one person (the limit check and the insert) within the caller's transaction. */
export async function lockRequester(em: EntityManager, requesterId: string): Promise<void> {
  await rows(em, sql`select id from app_user where id = ${requesterId} for update`);
}

/** Marks an export running (again, after a crash) and answers it; nothing when it is gone or finished. */
export async function startRun(em: EntityManager, id: string): Promise<ExportRow | undefined> {
  const [row] = await rows<{ id: string }>(em, sql`update archive_export set status = 'running', progress = 0, error = null where id = ${id} and status in ('queued', 'running') returning id`);
  return row ? exportRow(em, id) : undefined;
}

export async function setProgress(em: EntityManager, id: string, progress: number): Promise<void> {
  await rows(em, sql`update archive_export set progress = ${progress} where id = ${id} and status = 'running'`);
}

/** Records the finished ZIP; false when the export was deleted meanwhile (the caller removes the object). */
export async function finishRun(em: EntityManager, id: string, storageKey: string, size: number, expiresAt: Date): Promise<boolean> {
  const done = await rows(em, sql`update archive_export set status = 'done', progress = 100, storage_key = ${storageKey}, size = ${size}, finished_at = now(), expires_at = ${expiresAt} where id = ${id} and status = 'running' returning id`);
  return done.length > 0;
}

export async function failRun(em: EntityManager, id: string, message: string): Promise<void> {
  await rows(em, sql`update archive_export set status = 'failed', error = ${message}, finished_at = now() where id = ${id} and status = 'running'`);
}

/** Deletes an export row; answers its object key (to remove) when it existed. */
export async function deleteExportRow(em: EntityManager, id: string): Promise<{ storage_key: string | null } | undefined> {
  const [row] = await rows<{ storage_key: string | null }>(em, sql`delete from archive_export where id = ${id} and status <> 'running' returning storage_key`);
  return row;
}

/** Forgets the ZIP of an expired export; answers its object key. */
export async function expireExportRow(em: EntityManager, id: string): Promise<string | null> {
  const [row] = await rows<{ storage_key: string | null }>(em, sql`update archive_export e set storage_key = null from archive_export old
    where e.id = ${id} and old.id = e.id and e.expires_at <= now() and e.storage_key is not null returning old.storage_key`);
  return row?.storage_key ?? null;
}

// ---- What an archive holds ----

/** A range of instants [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

const person = (alias: string) => sqlText(`${alias}.real_name`);
const unitOf = (alias: string) => sqlText(`(select name from org_unit where id = ${alias}.unit_id)`);

export interface GroupHeaderRow {
  id: string;
  name: string;
  purpose: string;
  rules: string;
  conversation_id: string;
  created_at: Date;
  owner_name: string;
  member_count: number;
}

export async function groupHeader(em: EntityManager, groupId: string): Promise<GroupHeaderRow | undefined> {
  const [row] = await rows<GroupHeaderRow>(em, sql`select g.id, g.name, g.purpose, g.rules, g.conversation_id, g.created_at, ${person('o')} as owner_name, g.member_count
    from chat_group g join app_user o on o.id = g.owner_id where g.id = ${groupId}`);
  return row;
}

export interface PersonRow {
  id: string;
  login_name: string;
  real_name: string;
  unit_name: string;
  title: string;
  phone: string | null;
  status: string;
  is_system_admin: boolean;
  created_at: Date;
}

export async function personProfile(em: EntityManager, userId: string): Promise<PersonRow | undefined> {
  const [row] = await rows<PersonRow>(em, sql`select u.id, u.login_name, u.real_name, ${unitOf('u')} as unit_name, u.title, u.phone, u.status, u.is_system_admin, u.created_at from app_user u where u.id = ${userId}`);
  return row;
}

export interface MessageRow {
  id: string;
  seq: number;
  place: string | null;
  created_at: Date;
  edited_at: Date | null;
  recalled_at: Date | null;
  removed_at: Date | null;
  removal_reason: string | null;
  confidentiality: string;
  author_name: string;
  author_unit: string;
  reply_to_seq: number | null;
  readable: boolean;
  /** Null when withheld: not readable by the exporter, recalled or removed. */
  body: string | null;
  edit_count: number;
  edits: Array<{ at: string; previousBody: string }> | null;
  attachments: Array<{ versionId: string; name: string; size: number }> | null;
}

const messageReadable = (viewerId: string) => mayReadSql('m.id', 'm.confidentiality', 'm.author_id', 'jl_conversation_group(m.conversation_id)', sql`${viewerId}::uuid`);

/** The place a message was written, for a personal archive: the group, a discussion group, or a private chat. */
const messagePlace = sqlText(`case when pg.id is not null then pg.name
    when pd.id is not null then (select name from chat_group where id = pd.group_id) || ' · 讨论组「' || pd.topic || '」'
    else '私聊：' || coalesce((select pu.real_name from conversation_member cm join app_user pu on pu.id = cm.user_id where cm.conversation_id = m.conversation_id and cm.user_id <> m.author_id limit 1), '') end`);

function messageSelect(viewerId: string, where: Statement, order: Statement, limit: number): Statement {
  const readable = messageReadable(viewerId);
  const shown = sql`(${readable} and m.recalled_at is null and m.removed_at is null)`;
  return sql`select m.id, m.seq, ${messagePlace} as place, m.created_at, m.edited_at, m.recalled_at, m.removed_at, m.removal_reason, m.confidentiality,
      ${person('u')} as author_name, ${unitOf('u')} as author_unit, r.seq as reply_to_seq, ${readable} as readable,
      case when ${shown} then m.body end as body,
      (select count(*)::int from message_edit e where e.message_id = m.id) as edit_count,
      case when ${shown} then (select json_agg(json_build_object('at', e.edited_at, 'previousBody', e.previous_body) order by e.id) from message_edit e where e.message_id = m.id) end as edits,
      case when ${shown} then (select json_agg(json_build_object('versionId', v.id, 'name', v.name, 'size', o.size) order by a.id)
        from attachment a join document_version v on v.id = a.version_id join stored_object o on o.id = v.object_id where a.message_id = m.id) end as attachments
    from message m join app_user u on u.id = m.author_id left join message r on r.id = m.reply_to_id
      left join chat_group pg on pg.conversation_id = m.conversation_id left join discussion_group pd on pd.conversation_id = m.conversation_id
    where ${where} order by ${order} limit ${limit}`;
}

/** A conversation's messages written in the range, by seq after `afterSeq`. */
export function conversationMessages(em: EntityManager, conversationId: string, range: Range, viewerId: string, afterSeq: number, limit: number): Promise<MessageRow[]> {
  return rows<MessageRow>(em, messageSelect(viewerId, sql`m.conversation_id = ${conversationId} and m.created_at >= ${range.from} and m.created_at < ${range.to} and m.seq > ${afterSeq}`, sqlText('m.seq'), limit));
}

/** A person's own messages everywhere, by (created_at, id) after the keyset. */
export function authoredMessages(em: EntityManager, authorId: string, after: [Date, string] | null, limit: number): Promise<MessageRow[]> {
  const keyset = after ? sql` and (m.created_at, m.id) > (${after[0]}, ${after[1]}::uuid)` : sqlText('');
  return rows<MessageRow>(em, messageSelect(authorId, sql`m.author_id = ${authorId}${keyset}`, sqlText('m.created_at, m.id'), limit));
}

export interface DiscussionRow {
  id: string;
  topic: string;
  conversation_id: string;
  created_at: Date;
  archived_at: Date | null;
  creator_name: string;
  viewer_is_member: boolean;
  members: string[] | null;
}

/** The group's discussion groups that existed in the range. */
export function groupDiscussions(em: EntityManager, groupId: string, range: Range, viewerId: string): Promise<DiscussionRow[]> {
  return rows<DiscussionRow>(em, sql`select d.id, d.topic, d.conversation_id, d.created_at, d.archived_at, ${person('u')} as creator_name,
      exists (select 1 from conversation_member cm where cm.conversation_id = d.conversation_id and cm.user_id = ${viewerId}) as viewer_is_member,
      (select json_agg(pu.real_name order by pu.real_name) from conversation_member cm join app_user pu on pu.id = cm.user_id where cm.conversation_id = d.conversation_id) as members
    from discussion_group d join app_user u on u.id = d.creator_id
    where d.group_id = ${groupId} and d.created_at < ${range.to} and (d.archived_at is null or d.archived_at >= ${range.from})
    order by d.created_at, d.id`);
}

export interface ThreadRow {
  id: string;
  group_name: string;
  board_name: string;
  created_at: Date;
  edited_at: Date | null;
  removed_at: Date | null;
  removal_reason: string | null;
  confidentiality: string;
  pinned: boolean;
  essence: boolean;
  locked: boolean;
  author_name: string;
  author_unit: string;
  readable: boolean;
  title: string | null;
  body: string | null;
  edit_count: number;
  attachments: Array<{ versionId: string; name: string; size: number }> | null;
}

const threadReadable = (viewerId: string) => mayReadSql('t.id', 't.confidentiality', 't.author_id', 't.group_id', sql`${viewerId}::uuid`);

function threadSelect(viewerId: string, where: Statement, limit: number): Statement {
  const readable = threadReadable(viewerId);
  const shown = sql`(${readable} and t.removed_at is null)`;
  return sql`select t.id, (select name from chat_group where id = t.group_id) as group_name, b.name as board_name, t.created_at, t.edited_at, t.removed_at, t.removal_reason, t.confidentiality,
      t.pinned_at is not null as pinned, t.essence, t.locked_at is not null as locked, ${person('u')} as author_name, ${unitOf('u')} as author_unit, ${readable} as readable,
      case when ${shown} then t.title end as title, case when ${shown} then t.body end as body,
      (select count(*)::int from post_edit pe where pe.thread_id = t.id and pe.reply_id is null) as edit_count,
      case when ${shown} then (select json_agg(json_build_object('versionId', v.id, 'name', v.name, 'size', o.size) order by a.id)
        from attachment a join document_version v on v.id = a.version_id join stored_object o on o.id = v.object_id where a.thread_id = t.id) end as attachments
    from thread t join board b on b.id = t.board_id join app_user u on u.id = t.author_id
    where ${where} order by t.created_at, t.id limit ${limit}`;
}

const threadKeyset = (after: [Date, string] | null) => (after ? sql` and (t.created_at, t.id) > (${after[0]}, ${after[1]}::uuid)` : sqlText(''));

/** The group's threads started before the range ends and active in it. */
export function groupThreads(em: EntityManager, groupId: string, range: Range, viewerId: string, after: [Date, string] | null, limit: number): Promise<ThreadRow[]> {
  return rows<ThreadRow>(em, threadSelect(viewerId, sql`t.group_id = ${groupId} and t.created_at < ${range.to} and t.last_activity_at >= ${range.from}${threadKeyset(after)}`, limit));
}

export function authoredThreads(em: EntityManager, authorId: string, after: [Date, string] | null, limit: number): Promise<ThreadRow[]> {
  return rows<ThreadRow>(em, threadSelect(authorId, sql`t.author_id = ${authorId}${threadKeyset(after)}`, limit));
}

export interface ReplyRow {
  id: string;
  thread_id: string;
  thread_title: string | null;
  group_name: string;
  floor: number;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  removed_at: Date | null;
  removal_reason: string | null;
  confidentiality: string;
  quote_floor: number | null;
  author_name: string;
  author_unit: string;
  readable: boolean;
  body: string | null;
  edit_count: number;
}

function replySelect(viewerId: string, where: Statement, order: Statement, limit: number): Statement {
  const readable = sql`(${threadReadable(viewerId)} and ${mayReadSql('r.id', 'r.confidentiality', 'r.author_id', 'r.group_id', sql`${viewerId}::uuid`)})`;
  const shown = sql`(${readable} and r.removed_at is null and r.deleted_at is null)`;
  return sql`select r.id, r.thread_id, case when ${threadReadable(viewerId)} and t.removed_at is null then t.title end as thread_title, (select name from chat_group where id = r.group_id) as group_name,
      r.floor, r.created_at, r.edited_at, r.deleted_at, r.removed_at, r.removal_reason, r.confidentiality, q.floor as quote_floor,
      ${person('u')} as author_name, ${unitOf('u')} as author_unit, ${readable} as readable, case when ${shown} then r.body end as body,
      (select count(*)::int from post_edit pe where pe.reply_id = r.id) as edit_count
    from thread_reply r join thread t on t.id = r.thread_id join app_user u on u.id = r.author_id left join thread_reply q on q.id = r.quote_id
    where ${where} order by ${order} limit ${limit}`;
}

/** A thread's replies written in the range, by floor after `afterFloor`. */
export function threadReplies(em: EntityManager, threadId: string, range: Range, viewerId: string, afterFloor: number, limit: number): Promise<ReplyRow[]> {
  return rows<ReplyRow>(em, replySelect(viewerId, sql`r.thread_id = ${threadId} and r.created_at >= ${range.from} and r.created_at < ${range.to} and r.floor > ${afterFloor}`, sqlText('r.floor'), limit));
}

export function authoredReplies(em: EntityManager, authorId: string, after: [Date, string] | null, limit: number): Promise<ReplyRow[]> {
  const keyset = after ? sql` and (r.created_at, r.id) > (${after[0]}, ${after[1]}::uuid)` : sqlText('');
  return rows<ReplyRow>(em, replySelect(authorId, sql`r.author_id = ${authorId}${keyset}`, sqlText('r.created_at, r.id'), limit));
}

export interface FileRow {
  version_id: string;
  document_id: string;
  version: number;
  name: string;
  mime: string;
  size: string;
  storage_key: string;
  created_at: Date;
  deleted_at: Date | null;
  uploader_name: string;
  place: string | null;
  readable: boolean;
}

/** A version is withheld when it is attached to a message, thread or reply the exporter may not read. */
const versionReadable = (viewerId: string) => sql`not exists (select 1 from attachment a
    left join message m on m.id = a.message_id left join thread t on t.id = a.thread_id left join thread_reply r on r.id = a.reply_id
    where a.version_id = v.id and not ((m.id is null or ${messageReadable(viewerId)}) and (t.id is null or ${threadReadable(viewerId)})
      and (r.id is null or ${mayReadSql('r.id', 'r.confidentiality', 'r.author_id', 'r.group_id', sql`${viewerId}::uuid`)})))`;

function fileSelect(viewerId: string, where: Statement, limit: number): Statement {
  return sql`select v.id as version_id, d.id as document_id, v.version, v.name, o.mime, o.size, o.storage_key, v.created_at, d.deleted_at, ${person('u')} as uploader_name,
      coalesce((select name from chat_group where id = d.group_id), '私聊文件') as place, ${versionReadable(viewerId)} as readable
    from document_version v join document d on d.id = v.document_id join stored_object o on o.id = v.object_id join app_user u on u.id = v.uploader_id
    where ${where} order by v.created_at, v.id limit ${limit}`;
}

const fileKeyset = (after: [Date, string] | null) => (after ? sql` and (v.created_at, v.id) > (${after[0]}, ${after[1]}::uuid)` : sqlText(''));

/** Versions uploaded to the group's library in the range. */
export function groupFiles(em: EntityManager, groupId: string, range: Range, viewerId: string, after: [Date, string] | null, limit: number): Promise<FileRow[]> {
  return rows<FileRow>(em, fileSelect(viewerId, sql`d.group_id = ${groupId} and v.created_at >= ${range.from} and v.created_at < ${range.to}${fileKeyset(after)}`, limit));
}

export function uploadedFiles(em: EntityManager, uploaderId: string, after: [Date, string] | null, limit: number): Promise<FileRow[]> {
  return rows<FileRow>(em, fileSelect(uploaderId, sql`v.uploader_id = ${uploaderId}${fileKeyset(after)}`, limit));
}

export interface MeetingRow {
  id: string;
  title: string;
  agenda: string;
  starts_at: Date;
  ends_at: Date;
  place: string | null;
  online_url: string | null;
  status: string;
  cancel_reason: string | null;
  created_at: Date;
  organizer_name: string;
  roster: Array<{ name: string; unit: string; title: string; answer: string | null; reason: string | null; substitute: string | null; substituteFor: string | null; readAt: string | null; answeredAt: string | null }> | null;
}

/** The group's meeting notices issued or held in the range, with their rosters. */
export function groupMeetings(em: EntityManager, groupId: string, range: Range): Promise<MeetingRow[]> {
  return rows<MeetingRow>(em, sql`select mn.id, mn.title, mn.agenda, mn.starts_at, mn.ends_at, mn.place, mn.online_url, mn.status, mn.cancel_reason, mn.created_at, ${person('u')} as organizer_name,
      (select json_agg(json_build_object('name', iu.real_name, 'unit', ${unitOf('iu')}, 'title', iu.title, 'answer', i.answer, 'reason', i.reason,
          'substitute', (select real_name from app_user where id = i.substitute_id), 'substituteFor', (select real_name from app_user where id = i.substitute_for_id),
          'readAt', i.read_at, 'answeredAt', i.answered_at) order by iu.real_name)
        from meeting_invitee i join app_user iu on iu.id = i.user_id where i.meeting_id = mn.id) as roster
    from meeting_notice mn join app_user u on u.id = mn.organizer_id
    where mn.group_id = ${groupId} and ((mn.created_at >= ${range.from} and mn.created_at < ${range.to}) or (mn.starts_at >= ${range.from} and mn.starts_at < ${range.to}))
    order by mn.starts_at, mn.id`);
}

export interface AnnouncementRow {
  id: string;
  title: string;
  body: string;
  created_at: Date;
  edited_at: Date | null;
  pinned: boolean;
  author_name: string;
}

export function groupAnnouncements(em: EntityManager, groupId: string, range: Range): Promise<AnnouncementRow[]> {
  return rows<AnnouncementRow>(em, sql`select a.id, a.title, a.body, a.created_at, a.edited_at, a.pinned_at is not null as pinned, ${person('u')} as author_name
    from announcement a join app_user u on u.id = a.author_id where a.group_id = ${groupId} and a.created_at >= ${range.from} and a.created_at < ${range.to} order by a.created_at, a.id`);
}

export interface AuditRow {
  id: string;
  at: Date;
  action: string;
  target_type: string;
  target_id: string;
  reason: string | null;
  actor_name: string | null;
  /** Before and after, except for actions on content, whose details may quote it. */
  details: { before: unknown; after: unknown } | null;
}

/** The group's audit log in the range: the group itself, its conversations, files, meetings and announcements. */
export function groupAudit(em: EntityManager, groupId: string, range: Range, afterId: string, limit: number): Promise<AuditRow[]> {
  return rows<AuditRow>(em, sql`select l.id, l.at, l.action, l.target_type, l.target_id, l.reason, ${person('u')} as actor_name,
      case when l.action like 'moderation.%' or l.action like 'content.%' then null else json_build_object('before', l.before, 'after', l.after) end as details
    from audit_log l left join app_user u on u.id = l.actor_id
    where l.at >= ${range.from} and l.at < ${range.to} and l.id > ${afterId}::bigint and (
      (l.target_type = 'group' and l.target_id = ${groupId}::text)
      or (l.target_type = 'document' and l.target_id in (select id::text from document where group_id = ${groupId}))
      or (l.target_type = 'meeting' and l.target_id in (select id::text from meeting_notice where group_id = ${groupId}))
      or (l.target_type = 'announcement' and l.target_id in (select id::text from announcement where group_id = ${groupId}))
      or (l.target_type = 'conversation' and l.target_id in (select conversation_id::text from chat_group where id = ${groupId} union all select conversation_id::text from discussion_group where group_id = ${groupId})))
    order by l.id limit ${limit}`);
}
