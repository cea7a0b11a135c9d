import type { EntityManager } from '@mikro-orm/postgresql';
import { query, script } from '../../../db/sql.js';
import { rows, sql, sqlText, type Statement } from '../../../db/statement.js';
import { auditInsert, type AuditRecord } from '../../../audit/logger.js';
import type { ConfidentialityLevel } from '../../../db/entities/index.js';
import { personColumns, personJoinSql } from '../../accounts/store.js';
import type { PersonRow } from '../../accounts/people.js';
import { mayReadSql } from '../../../policies/index.js';
import type { MessageRow } from '../messageViews.js';
import { messageRowColumns, messageRowColumnsOf, readerColumns } from './messageRows.js';

/** Messages: the send path's one-round-trip write, edits, recalls, reactions, history pages, read state and unread counts. */

/** The message an author sent under a clientMessageId, if any. */
export async function messageByClientId(em: EntityManager, authorId: string, clientMessageId: string): Promise<{ id: string; conversation_id: string } | undefined> {
  const [row] = await rows<{ id: string; conversation_id: string }>(em, sql`select id, conversation_id from message where author_id = ${authorId} and client_message_id = ${clientMessageId}`);
  return row;
}

/** Whether the message is in the conversation and readable by the viewer. */
export async function readableMessageIn(em: EntityManager, messageId: string, conversationId: string, viewerId: string): Promise<boolean> {
  const found = await rows<{ id: string }>(
    em,
    sql`select id from message where id = ${messageId} and conversation_id = ${conversationId} and ${mayReadSql('id', 'confidentiality', 'author_id', 'jl_conversation_group(conversation_id)', sql`${viewerId}`)}`,
  );
  return found.length > 0;
}

export async function discussionArchivedAt(em: EntityManager, discussionId: string): Promise<Date | null | undefined> {
  const [d] = await rows<{ archived_at: Date | null }>(em, sql`select archived_at from discussion_group where id = ${discussionId}`);
  return d?.archived_at;
}

/** A private chat's peer: their status, and whether they blocked the sender. */
export async function peerStanding(em: EntityManager, peerId: string | null, senderId: string): Promise<{ status: string; blocked: boolean } | undefined> {
  const [row] = await rows<{ status: string; blocked: boolean }>(
    em,
    sql`select u.status, exists(select 1 from user_block b where b.blocker_id = u.id and b.blocked_id = ${senderId}) as blocked from app_user u where u.id = ${peerId}`,
  );
  return row;
}

export interface MessageWrite {
  conversationId: string;
  authorId: string;
  body: string;
  /** The body as a tsvector literal (content/segment.ts). */
  searchVector: string | null;
  replyToId: string | null;
  clientMessageId: string;
  mentionAll: boolean;
  mentionIds: string[];
  attachmentIds: string[];
  confidentiality: ConfidentialityLevel;
  audienceIds: string[];
  /** An audit row of the author's (an acknowledged sensitive warning): written with the message, `after.messageId` set to its id. */
  audit: Omit<AuditRecord, 'actorId'> | null;
}

export type WrittenMessageRow = MessageRow & { event_id: string; event_at: Date; recipients: string[]; readers: string[] | null };

const MESSAGE_COLUMNS = sqlText('id, conversation_id, seq, author_id, body, reply_to_id, client_message_id, mentions_all, created_at, edited_at, recalled_at, confidentiality, removed_at, removal_reason, moved_to_thread_id');
const nothing = sqlText('');

/**
 * The sending transaction in ONE round trip: statements that PostgreSQL runs as one implicit
 * transaction (all or nothing), each with its own snapshot (messages.ts `writeMessage` says what
 * each does). The written row is empty when nothing was written (a retry, an archived discussion).
 */
export async function writeMessageScript(em: EntityManager, m: MessageWrite): Promise<{ written: WrittenMessageRow[]; people: PersonRow[] }> {
  const audited = m.audit
    ? sql`
            audited as (
              ${auditInsert({ ...m.audit, actorId: sqlText('m.author_id'), after: sql`jsonb_set(${JSON.stringify(m.audit.after ?? {})}::jsonb, '{messageId}', to_jsonb(m.id::text))` }, sqlText('m'))}
            ),`
    : nothing;
  const [, , written, people] = (await script(em, [
    // The row lock first, so that the next statement's snapshot sees whatever committed before
    // it was granted (an archive of the discussion group takes this lock too).
    sql`select 1 from conversation where id = ${m.conversationId} for update`,
    // A message's time never precedes the one before it in the conversation (a send that waited
    // for the lock started earlier), so seq order is time order: search walks blocks of seq.
    sql`update conversation c set last_seq = last_seq + 1, last_message_at = greatest(now(), c.last_message_at + interval '1 microsecond')
             where c.id = ${m.conversationId} and not exists (select 1 from message where author_id = ${m.authorId} and client_message_id = ${m.clientMessageId})
               and not exists (select 1 from discussion_group d where d.conversation_id = c.id and d.archived_at is not null)
            returning last_seq`,
    sql`with m as (
              insert into message (id, conversation_id, seq, author_id, body, reply_to_id, client_message_id, mentions_all, created_at, search_vector, confidentiality)
              select gen_random_uuid(), c.id, c.last_seq, ${m.authorId}, ${m.body}, ${m.replyToId}, ${m.clientMessageId}, ${m.mentionAll}, c.last_message_at, ${m.searchVector}::tsvector, ${m.confidentiality}
                from conversation c
               where c.id = ${m.conversationId} and c.last_seq > 0
                 and not exists (select 1 from message x where x.conversation_id = c.id and x.seq = c.last_seq)
              returning ${MESSAGE_COLUMNS}
            ),${m.mentionIds.length ? sql`
            mentions as (insert into message_mention (message_id, user_id) select m.id, p.id from m, unnest(array[${m.mentionIds}]::uuid[]) as p(id)),` : nothing}${m.attachmentIds.length ? sql`
            attached as (insert into attachment (version_id, message_id, created_at) select a.id, m.id, now() from m, unnest(array[${m.attachmentIds}]::uuid[]) as a(id)),` : nothing}${m.audienceIds.length ? sql`
            audience as (insert into content_audience (subject_id, user_id, kind) select m.id, p.id, 'message' from m, unnest(array[${m.audienceIds}]::uuid[]) as p(id)),` : nothing}${audited}
            cursor as (
              update conversation_member cm set last_read_seq = m.seq from m
               where cm.conversation_id = m.conversation_id and cm.user_id = m.author_id and cm.last_read_seq < m.seq
            ),
            event as (
              insert into chat_event (conversation_id, type, message_id, user_id, only_user_id, data, at)
              select m.conversation_id, 'MESSAGE_ADDED', m.id, m.author_id, null, null, now() from m
              returning id, at
            )
            select m.*, event.id as event_id, event.at as event_at,
                   array(select user_id from conversation_member where conversation_id = m.conversation_id) as recipients,
                   ${m.confidentiality === 'restricted'
                     ? sql`array(select unnest(array[${m.audienceIds}]::uuid[]) union select m.author_id
                              union select gm.user_id from group_member gm where gm.group_id = jl_conversation_group(m.conversation_id) and gm.role in ('owner', 'admin'))`
                     : sqlText('null::uuid[]')} as readers
              from m, event`,
    sql`select ${personColumns} from app_user pu join org_unit po on po.id = pu.unit_id where pu.id in (${[m.authorId, ...m.mentionIds]})`,
  ])) as [unknown, unknown, WrittenMessageRow[], PersonRow[]];
  return { written, people };
}

/** Raises a normal message to internal (an acknowledged sensitive warning on edit); its level now. */
export async function raiseToInternal(em: EntityManager, messageId: string): Promise<ConfidentialityLevel> {
  const [row] = await rows<{ confidentiality: ConfidentialityLevel }>(
    em,
    sql`update message set confidentiality = case when confidentiality = 'normal' then 'internal' else confidentiality end where id = ${messageId} returning confidentiality`,
  );
  return row.confidentiality;
}

/** The message's body and state, locked for an edit (the caller's transaction). */
export async function lockMessageForEdit(em: EntityManager, messageId: string): Promise<{ body: string; recalled_at: Date | null; removed_at: Date | null }> {
  const [current] = await rows<{ body: string; recalled_at: Date | null; removed_at: Date | null }>(em, sql`select body, recalled_at, removed_at from message where id = ${messageId} for update`);
  return current;
}

/** Keeps the previous body, then writes the new one with its search vector (a tsvector literal). */
export async function writeEdit(em: EntityManager, messageId: string, previousBody: string, body: string, searchVector: string | null): Promise<void> {
  await rows(em, sql`insert into message_edit (message_id, previous_body, edited_at) values (${messageId}, ${previousBody}, now())`);
  await rows(em, sql`update message set body = ${body}, edited_at = now(), search_vector = ${searchVector}::tsvector where id = ${messageId}`);
}

/** Marks a message recalled (true unless it was already). */
export async function markRecalled(em: EntityManager, messageId: string): Promise<boolean> {
  const changed = await rows(em, sql`update message set recalled_at = now(), search_vector = null where id = ${messageId} and recalled_at is null returning id`);
  return changed.length > 0;
}

/** Adds a reaction (true unless the user had it already). */
export async function insertReaction(em: EntityManager, messageId: string, userId: string, emoji: string): Promise<boolean> {
  const changed = await rows(em, sql`insert into message_reaction (message_id, user_id, emoji, created_at) values (${messageId}, ${userId}, ${emoji}, now()) on conflict do nothing returning emoji`);
  return changed.length > 0;
}

/** Removes a reaction (true when the user had it). */
export async function deleteReaction(em: EntityManager, messageId: string, userId: string, emoji: string): Promise<boolean> {
  const changed = await rows(em, sql`delete from message_reaction where message_id = ${messageId} and user_id = ${userId} and emoji = ${emoji} returning emoji`);
  return changed.length > 0;
}

export type PageRow = MessageRow & PersonRow & { last_seq: number; target_seq?: number | null };

/**
 * ONE prepared statement: the conversation's last seq, the page's messages (`messages`, a
 * subquery over `c`, and `t` when `target` joins it) with the readers of restricted ones and
 * their authors with their units, only while the viewer is still a member (none otherwise).
 */
function historyPage(em: EntityManager, name: string, conversationId: string, viewerId: string, messages: Statement, target?: (viewer: Statement) => Statement): Promise<PageRow[]> {
  const viewer = sql`${viewerId}`;
  return query<PageRow>(
    em,
    `jiaoliu_history_${name}_v3`,
    sql`select c.last_seq${target ? sqlText(', t.seq as target_seq') : nothing}, ${messageRowColumns}, ${readerColumns}, ${personColumns}
         from conversation c${target ? target(viewer) : nothing}
         left join lateral (${messages}) m on true
         ${personJoinSql('m.author_id', true)}
        where c.id = ${conversationId} and exists (select 1 from conversation_member cm where cm.conversation_id = c.id and cm.user_id = ${viewer})`,
  );
}

const pageColumns = messageRowColumnsOf('x');

/** Up to `size` messages before `before` (or the newest), newest first. */
export function historyBefore(em: EntityManager, conversationId: string, viewerId: string, before: number | null, size: number): Promise<PageRow[]> {
  return historyPage(em, 'before', conversationId, viewerId, sql`select ${pageColumns} from message x where x.conversation_id = c.id and x.seq < coalesce(${before}::int, c.last_seq + 1) order by x.seq desc limit ${size}`);
}

/** Up to `size` messages after `after`, oldest first. */
export function historyAfter(em: EntityManager, conversationId: string, viewerId: string, after: number, size: number): Promise<PageRow[]> {
  return historyPage(em, 'after', conversationId, viewerId, sql`select ${pageColumns} from message x where x.conversation_id = c.id and x.seq > ${after} order by x.seq asc limit ${size}`);
}

/**
 * Up to `older` messages up to the target (itself included) and `newer` after it, with the
 * target's seq; none when the viewer may not read the target (a restricted message of others).
 */
export function historyAround(em: EntityManager, conversationId: string, viewerId: string, targetId: string, older: number, newer: number): Promise<PageRow[]> {
  return historyPage(
    em,
    'around',
    conversationId,
    viewerId,
    sql`(select ${pageColumns} from message x where x.conversation_id = c.id and x.seq <= t.seq order by x.seq desc limit ${older})
       union all
       (select ${pageColumns} from message x where x.conversation_id = c.id and x.seq > t.seq order by x.seq asc limit ${newer})`,
    (viewer) => sql` join message t on t.id = ${targetId} and t.conversation_id = c.id and ${mayReadSql('t.id', 't.confidentiality', 't.author_id', 'jl_conversation_group(t.conversation_id)', viewer)}`,
  );
}

/** Moves a member's read cursor forward to `seq` (or the last seq), never back; the new cursor, if it moved. */
export async function advanceReadCursor(em: EntityManager, conversationId: string, userId: string, seq: number | null): Promise<number | undefined> {
  const [changed] = await rows<{ last_read_seq: number }>(
    em,
    sql`update conversation_member cm set last_read_seq = least(coalesce(${seq}, c.last_seq), c.last_seq)
         from conversation c
        where c.id = cm.conversation_id and cm.conversation_id = ${conversationId} and cm.user_id = ${userId}
          and cm.last_read_seq < least(coalesce(${seq}, c.last_seq), c.last_seq)
        returning cm.last_read_seq`,
  );
  return changed?.last_read_seq;
}

export interface UnreadRow {
  conversation_id: string;
  last_read_seq: number;
  unread: string;
  mentions: string;
}

/** Unread and mention counts of a user's conversations (all of them, or the ones given). */
export function unreadRows(em: EntityManager, userId: string, conversationIds?: string[]): Promise<UnreadRow[]> {
  return rows<UnreadRow>(
    em,
    sql`select cm.conversation_id, cm.last_read_seq,
            count(m.id) as unread,
            count(m.id) filter (where m.mentions_all or exists (select 1 from message_mention mm where mm.message_id = m.id and mm.user_id = cm.user_id)) as mentions
       from conversation_member cm
       left join message m on m.conversation_id = cm.conversation_id and m.seq > cm.last_read_seq
                          and m.author_id <> cm.user_id and m.recalled_at is null and m.removed_at is null
                          -- Restricted messages count only for their readers.
                          and ${mayReadSql('m.id', 'm.confidentiality', 'm.author_id', 'jl_conversation_group(m.conversation_id)', sqlText('cm.user_id'))}
      where cm.user_id = ${userId} ${conversationIds ? sql`and cm.conversation_id in (${conversationIds})` : nothing}
      group by cm.conversation_id, cm.last_read_seq`,
  );
}
