import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { authorize, can, mayReadSql } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { MAX_PAGE_SIZE } from '../pagination.js';
import { toTsvectorLiteral } from '../content/segment.js';
import { checkAttachments } from '../content/attachments.js';
import { conversationForActor } from '../groups/access.js';
import { messageForActor } from './access.js';
import { conversationMemberIds, inTransaction, publisherOf, recordEvent } from '../core/events.js';
import { loadMessageView, MESSAGE_ROW_COLUMNS, messagePageViews, messageViewOf, READER_COLUMNS, redactFor, type MessageRow, type MessageView } from './messageViews.js';
import { PeopleSeen, PERSON_COLUMNS, personJoin, personOf, type PersonRow } from '../accounts/people.js';
import type { OutgoingEvent, StoredEventRef } from '../core/realtime.js';
import { isUniqueViolation, query, script } from '../../db/sql.js';
import { audit } from '../../audit/logger.js';
import { GroupAccess, type ConversationAccess } from '../groups/subjects.js';
import type { ConfidentialityLevel } from '../../db/entities/index.js';
import { higher, parseLevel, validAudience } from '../content/levels.js';
import { checkSensitive, sensitiveAuditAfter, type SensitiveMatch } from '../content/sensitive.js';
import { mutedError } from '../content/reasons.js';

export const MAX_BODY = 4000;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Classic expressions (经典表情) usable as reactions; the web UI draws them, the server stores the code. */
export const CLASSIC_EXPRESSIONS = ['[微笑]', '[大笑]', '[调皮]', '[害羞]', '[鼓掌]', '[点赞]', '[握手]', '[抱拳]', '[疑问]', '[思考]', '[加油]', '[辛苦了]', '[收到]', '[玫瑰]', '[OK]'];
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Regional_Indicator})(?:\p{Emoji_Modifier}|\uFE0F|\u200D(?:\p{Extended_Pictographic})|\p{Regional_Indicator})*$/u;

function validBody(raw: unknown): string {
  const body = String(raw ?? '').normalize('NFC').replace(/\r\n?/g, '\n');
  if (!body.trim()) throw badInput('消息内容不能为空', 'body');
  if ([...body].length > MAX_BODY) throw badInput(`消息不能超过 ${MAX_BODY} 字`, 'body');
  return body;
}

function validEmoji(raw: unknown): string {
  const emoji = String(raw ?? '').trim();
  if (CLASSIC_EXPRESSIONS.includes(emoji) || (emoji.length <= 16 && EMOJI.test(emoji))) return emoji;
  throw badInput('请选择一个表情', 'emoji');
}

/**
 * One transaction that writes a message change and queues its events; after commit the message
 * is loaded once and that view serves both the publish (redacted per recipient there) and the
 * mutation's answer (redacted for the actor: a quote of a restricted message they may not read
 * is a placeholder, as in their history).
 */
export async function commitMessageChange(ctx: DomainContext, work: (tem: EntityManager, emit: (event: OutgoingEvent) => void) => Promise<string>): Promise<MessageView> {
  const actor = requireActor(ctx);
  const queued: OutgoingEvent[] = [];
  const messageId = await ctx.em.transactional((tem) => work(tem, (event) => queued.push(event)));
  const view = (await loadMessageView(ctx.em, messageId))!;
  await ctx.deps.realtime.publish(queued.map((e) => (e.event.messageId === messageId ? { ...e, message: view } : e)));
  return redactFor(view, actor.userId);
}

export interface SendInput {
  body: unknown;
  clientMessageId: unknown;
  replyToId?: unknown;
  mentionUserIds?: unknown[] | null;
  mentionAll?: boolean | null;
  /** Versions of documents in the conversation's library (the group's 群文件, or the discussion's or private chat's files). */
  attachmentVersionIds?: unknown[] | null;
  /** NORMAL (default), INTERNAL or RESTRICTED. */
  confidentiality?: unknown;
  /** RESTRICTED only: the members (besides the author and the group admins) who may read it. */
  audienceUserIds?: unknown[] | null;
  /** Post anyway although the sensitive-content check warned (it is then marked INTERNAL and audited). */
  acknowledgeSensitive?: boolean | null;
}

interface CheckedSend {
  body: string;
  replyToId: string | null;
  mentionIds: string[];
  mentionAll: boolean;
  confidentiality: ConfidentialityLevel;
  audienceIds: string[];
  /** Sensitive matches the sender acknowledged (audited with the message). */
  acknowledged: SensitiveMatch[];
  attachmentIds: string[];
}

async function existingByClientId(em: EntityManager, authorId: string, clientMessageId: string) {
  const [row] = await em.execute<Array<{ id: string; conversation_id: string }>>(
    `select id, conversation_id from message where author_id = ? and client_message_id = ?`,
    [authorId, clientMessageId],
  );
  return row;
}

/** Check, then do: validates a send and computes what to write, writing nothing. */
async function checkSend(ctx: DomainContext, access: ConversationAccess, input: SendInput): Promise<CheckedSend> {
  const actor = requireActor(ctx);
  const { em } = ctx;
  const attachmentIds = input.attachmentVersionIds?.length
    ? await checkAttachments(em, access.conversation.kind === 'group' ? { groupId: access.group!.id, conversationId: null } : { groupId: null, conversationId: access.conversation.id }, input.attachmentVersionIds)
    : [];
  // A message may be only files.
  const body = attachmentIds.length && !String(input.body ?? '').trim() ? '' : validBody(input.body);
  await assertMayPost(em, ctx, access);
  const replyToId = (input.replyToId ?? null) as string | null;
  if (replyToId !== null) {
    // A restricted message the sender may not read is answered like one that does not exist.
    const [target] = isUuid(replyToId)
      ? await em.execute<Array<{ id: string }>>(
          `select id from message where id = ? and conversation_id = ? and ${mayReadSql('id', 'confidentiality', 'author_id', 'jl_conversation_group(conversation_id)', '?')}`,
          [replyToId, access.conversation.id, actor.userId],
        )
      : [];
    if (!target) throw badInput('只能回复本会话中的消息', 'replyToId');
  }
  const mentionIds = [...new Set((input.mentionUserIds ?? []).map(String))];
  if (mentionIds.length > 50) throw badInput('一条消息最多提及 50 人', 'mentionUserIds');
  if (mentionIds.length) {
    const members = new Set(await conversationMemberIds(em, access.conversation.id));
    if (!mentionIds.every((id) => members.has(id))) throw badInput('只能提及本会话的成员', 'mentionUserIds');
  }
  const mentionAll = !!input.mentionAll;
  if (mentionAll) {
    if (!access.group || !can(actor, 'mentionAll', new GroupAccess(access.group, access.role, false))) {
      throw forbidden('只有群主和管理员可以@全体成员');
    }
  }
  const requested = parseLevel(input.confidentiality);
  if (requested === 'restricted' && access.conversation.kind === 'direct') throw badInput('私聊消息不能设为「受限」', 'confidentiality');
  const audienceIds = await validAudience(em, requested, input.audienceUserIds, { conversationId: access.conversation.id }, actor.userId);
  if (requested === 'restricted' && mentionIds.some((id) => id !== actor.userId && !audienceIds.includes(id))) {
    throw badInput('受限消息只能提及可见成员', 'mentionUserIds');
  }
  // 保密提醒: cached rules, no SQL when nothing matches (and none at all once the rules are cached).
  const verdict = await checkSensitive(em, access.group?.id ?? null, [body], !!input.acknowledgeSensitive);
  const confidentiality = verdict.acknowledged ? higher(requested, 'internal') : requested;
  return { body, replyToId, mentionIds, mentionAll, confidentiality, audienceIds, acknowledged: verdict.matches, attachmentIds };
}

/**
 * Check, then do: everything is validated before the transaction; the transaction takes the
 * next seq under the conversation's row lock, writes the message, its mentions and the event;
 * the event is published after commit. A retry with the same clientMessageId returns the
 * message already sent, also across restarts (the unique index decides).
 */
export async function sendMessage(ctx: DomainContext, conversationId: unknown, input: SendInput): Promise<MessageView> {
  const actor = requireActor(ctx);
  const { em } = ctx;
  const access = await conversationForActor(em, actor, conversationId);
  const clientMessageId = String(input.clientMessageId ?? '');
  if (!CLIENT_ID.test(clientMessageId)) throw badInput('clientMessageId 应为 8 至 64 位字母、数字、下划线或连字符', 'clientMessageId');

  // A retry is recognised by the write itself (it writes nothing), so the common case costs no
  // lookup. Checks made before the write may refuse a retry that was fine the first time (the
  // sender was blocked since, a mentioned member left): then the message already sent is the answer.
  const checked = await checkSend(ctx, access, input).catch(async (error: unknown) => {
    const earlier = await existingByClientId(em, actor.userId, clientMessageId);
    if (earlier) return { replay: await replayed(em, earlier, access.conversation.id, actor.userId) };
    throw error;
  });
  if ('replay' in checked) return checked.replay;
  try {
    const sent = await writeMessage(em, {
      ...checked,
      conversationId: access.conversation.id,
      groupId: access.group?.id ?? null,
      authorId: actor.userId,
      clientMessageId,
      ip: ctx.ip ?? null,
    });
    if (!sent) {
      // Nothing written: the discussion group was archived (checked under the conversation's
      // lock, which archiving takes too), or the clientMessageId was used before (a retry).
      if (access.discussion) {
        const [d] = await em.execute<Array<{ archived_at: Date | null }>>(`select archived_at from discussion_group where id = ?`, [access.discussion.id]);
        if (d?.archived_at) throw forbidden('讨论组已归档，只能查看');
      }
      const earlier = await existingByClientId(em, actor.userId, clientMessageId);
      if (earlier) return replayed(em, earlier, access.conversation.id, actor.userId);
      throw new Error('message not written');
    }
    await ctx.deps.realtime.publish([{ event: sent.event, recipients: sent.recipients, message: sent.view }]);
    return sent.view;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException || isUniqueViolation(error)) {
      // The same clientMessageId raced in from a retry: return the one that won.
      const winner = await existingByClientId(em, actor.userId, clientMessageId);
      if (winner) return replayed(em, winner, access.conversation.id, actor.userId);
    }
    throw error;
  }
}

interface NewMessage {
  conversationId: string;
  authorId: string;
  body: string;
  replyToId: string | null;
  clientMessageId: string;
  mentionAll: boolean;
  mentionIds: string[];
  attachmentIds: string[];
  confidentiality: ConfidentialityLevel;
  audienceIds: string[];
  acknowledged: SensitiveMatch[];
  groupId: string | null;
  ip: string | null;
}

const MESSAGE_COLUMNS = 'id, conversation_id, seq, author_id, body, reply_to_id, client_message_id, mentions_all, created_at, edited_at, recalled_at, confidentiality, removed_at, removal_reason, moved_to_thread_id';

/**
 * The sending transaction in ONE round trip: three statements that PostgreSQL runs as one
 * implicit transaction (all or nothing), each with its own snapshot.
 * 1. Takes the next seq under the conversation's row lock, unless this author already used
 *    the clientMessageId (a retry writes nothing).
 * 2. Only if the seq was just taken (no message holds it yet): inserts the message, its
 *    mentions, the sender's read cursor and the event, and reads the recipients: the members
 *    as of this statement, which runs after the lock was taken.
 * 3. Reads the author and mentioned people, so the message view needs no further query.
 * A restricted message also writes its named readers and returns who may read it (named
 * members, the author, the group's owner and admins at this moment); an acknowledged sensitive
 * warning writes its audit row. Both are extra parts of statement 2: no extra round trip.
 * A concurrent retry of the same clientMessageId fails statement 2 on the unique index, and
 * the whole transaction rolls back: no seq is lost.
 */
async function writeMessage(em: EntityManager, m: NewMessage): Promise<{ view: MessageView; event: StoredEventRef; recipients: string[] } | null> {
  const [, , written, people] = (await script(em, [
    // The row lock first, so that the next statement's snapshot sees whatever committed before
    // it was granted (an archive of the discussion group takes this lock too).
    { sql: `select 1 from conversation where id = ? for update`, params: [m.conversationId] },
    {
      // A message's time never precedes the one before it in the conversation (a send that waited
      // for the lock started earlier), so seq order is time order: search walks blocks of seq.
      sql: `update conversation c set last_seq = last_seq + 1, last_message_at = greatest(now(), c.last_message_at + interval '1 microsecond')
             where c.id = ? and not exists (select 1 from message where author_id = ? and client_message_id = ?)
               and not exists (select 1 from discussion_group d where d.conversation_id = c.id and d.archived_at is not null)
            returning last_seq`,
      params: [m.conversationId, m.authorId, m.clientMessageId],
    },
    {
      sql: `with m as (
              insert into message (id, conversation_id, seq, author_id, body, reply_to_id, client_message_id, mentions_all, created_at, search_vector, confidentiality)
              select gen_random_uuid(), c.id, c.last_seq, ?, ?, ?, ?, ?, c.last_message_at, ?::tsvector, ?
                from conversation c
               where c.id = ? and c.last_seq > 0
                 and not exists (select 1 from message x where x.conversation_id = c.id and x.seq = c.last_seq)
              returning ${MESSAGE_COLUMNS}
            ),${m.mentionIds.length ? `
            mentions as (insert into message_mention (message_id, user_id) select m.id, p.id from m, unnest(array[?]::uuid[]) as p(id)),` : ''}${m.attachmentIds.length ? `
            attached as (insert into attachment (version_id, message_id, created_at) select a.id, m.id, now() from m, unnest(array[?]::uuid[]) as a(id)),` : ''}${m.audienceIds.length ? `
            audience as (insert into content_audience (subject_id, user_id, kind) select m.id, p.id, 'message' from m, unnest(array[?]::uuid[]) as p(id)),` : ''}${m.acknowledged.length ? `
            audited as (
              insert into audit_log (at, actor_id, action, target_type, target_id, reason, after, ip)
              select now(), m.author_id, 'content.sensitive_acknowledged', ?, ?, ?, jsonb_set(?::jsonb, '{messageId}', to_jsonb(m.id::text)), ? from m
            ),` : ''}
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
                     ? `array(select unnest(array[?]::uuid[]) union select m.author_id
                              union select gm.user_id from group_member gm where gm.group_id = jl_conversation_group(m.conversation_id) and gm.role in ('owner', 'admin'))`
                     : 'null::uuid[]'} as readers
              from m, event`,
      params: [
        m.authorId, m.body, m.replyToId, m.clientMessageId, m.mentionAll, toTsvectorLiteral(m.body), m.confidentiality, m.conversationId,
        ...(m.mentionIds.length ? [m.mentionIds] : []),
        ...(m.attachmentIds.length ? [m.attachmentIds] : []),
        ...(m.audienceIds.length ? [m.audienceIds] : []),
        ...(m.acknowledged.length
          ? [m.groupId ? 'group' : 'conversation', m.groupId ?? m.conversationId, '发送前确认了保密提醒', JSON.stringify(sensitiveAuditAfter({ conversationId: m.conversationId, messageId: null }, m.acknowledged, m.confidentiality)), m.ip]
          : []),
        ...(m.confidentiality === 'restricted' ? [m.audienceIds] : []),
      ],
    },
    {
      sql: `select ${PERSON_COLUMNS} from app_user pu join org_unit po on po.id = pu.unit_id where pu.id in (?)`,
      params: [[m.authorId, ...m.mentionIds]],
    },
  ])) as [unknown, unknown, Array<MessageRow & { event_id: string; event_at: Date; recipients: string[]; readers: string[] | null }>, PersonRow[]];
  const row = written[0];
  if (!row) return null;
  const seen = new PeopleSeen();
  for (const p of people) personOf(p, seen);
  const replyTo = row.reply_to_id ? (await loadMessageView(em, row.reply_to_id)) : null;
  const view = messageViewOf(row, seen.people.get(row.author_id)!, replyTo);
  view.mentions = m.mentionIds.map((id) => seen.people.get(id)).filter((user) => !!user);
  if (row.readers) (view.readers = row.readers), (view.audienceIds = m.audienceIds);
  return {
    view,
    event: { id: String(row.event_id), type: 'MESSAGE_ADDED', conversationId: row.conversation_id, at: new Date(row.event_at), messageId: row.id, userId: row.author_id, readSeq: null },
    recipients: row.recipients,
  };
}

/** The message a retry already sent, as its author may see it now (a quote they may no longer read is a placeholder). */
async function replayed(em: EntityManager, previous: { id: string; conversation_id: string }, conversationId: string, authorId: string): Promise<MessageView> {
  if (previous.conversation_id !== conversationId) throw conflict('该 clientMessageId 已用于另一个会话的消息', 'clientMessageId');
  return redactFor((await loadMessageView(em, previous.id))!, authorId);
}

/** Group members post; in private chats the other person must be active and not have blocked the sender. */
async function assertMayPost(em: EntityManager, ctx: DomainContext, access: ConversationAccess): Promise<void> {
  const actor = requireActor(ctx);
  if (access.conversation.kind !== 'direct') {
    // 禁言: the mute was read by the access query (no extra round trip); the error says until when.
    if (!can(actor, 'postInGroup', access)) throw mutedError(access.role, access.mutedUntil, access.group) ?? forbidden(access.readOnly ? '讨论组已归档，只能查看' : '您不是该群成员，不能发言');
    return;
  }
  const [row] = await em.execute<Array<{ status: string; blocked: boolean }>>(
    `select u.status, exists(select 1 from user_block b where b.blocker_id = u.id and b.blocked_id = ?) as blocked from app_user u where u.id = ?`,
    [actor.userId, access.peerId],
  );
  if (!row || row.status !== 'active') throw forbidden('对方账号已停用，无法发送私聊消息');
  if (row.blocked) throw forbidden('对方已设置不接收您的私聊消息');
}

export async function editMessage(ctx: DomainContext, messageId: unknown, rawBody: unknown, acknowledgeSensitive = false): Promise<MessageView> {
  const actor = requireActor(ctx);
  const access = await messageForActor(ctx.em, actor, messageId);
  if (access.message.removedAt) throw conflict('消息已被管理员移除，不能编辑');
  authorize(actor, 'edit', access, '只能在发送后 10 分钟内编辑自己的消息');
  const body = validBody(rawBody);
  if (body === access.message.body) throw badInput('内容没有变化', 'body');
  // An edit passes the same sensitive-content check as a send.
  const group = access.conversation.group;
  const verdict = await checkSensitive(ctx.em, group?.id ?? null, [body], acknowledgeSensitive);
  return commitMessageChange(ctx, async (tem, emit) => {
    if (verdict.acknowledged) {
      const [row] = await tem.execute<Array<{ confidentiality: ConfidentialityLevel }>>(
        `update message set confidentiality = case when confidentiality = 'normal' then 'internal' else confidentiality end where id = ? returning confidentiality`,
        [access.message.id],
      );
      audit(tem, {
        actorId: actor.userId,
        action: 'content.sensitive_acknowledged',
        targetType: group ? 'group' : 'conversation',
        targetId: group?.id ?? access.conversation.conversation.id,
        reason: '编辑时确认了保密提醒',
        after: sensitiveAuditAfter({ conversationId: access.conversation.conversation.id, messageId: access.message.id }, verdict.matches, row.confidentiality),
        ip: ctx.ip,
      });
    }
    const [current] = await tem.execute<Array<{ body: string; recalled_at: Date | null; removed_at: Date | null }>>(`select body, recalled_at, removed_at from message where id = ? for update`, [access.message.id]);
    if (current.recalled_at) throw conflict('消息已撤回，不能编辑');
    if (current.removed_at) throw conflict('消息已被管理员移除，不能编辑');
    await tem.execute(`insert into message_edit (message_id, previous_body, edited_at) values (?, ?, now())`, [access.message.id, current.body]);
    await tem.execute(`update message set body = ?, edited_at = now(), search_vector = ?::tsvector where id = ?`, [body, toTsvectorLiteral(body), access.message.id]);
    emit(await recordEvent(tem, { conversationId: access.conversation.conversation.id, type: 'MESSAGE_EDITED', messageId: access.message.id, userId: actor.userId }));
    return access.message.id;
  });
}

/** 撤回: everyone then sees "<name> 撤回了一条消息"; the text stays only in the database. */
export async function recallMessage(ctx: DomainContext, messageId: unknown): Promise<MessageView> {
  const actor = requireActor(ctx);
  const access = await messageForActor(ctx.em, actor, messageId);
  if (access.message.recalledAt) throw conflict('消息已经撤回');
  authorize(actor, 'recall', access, '只能在发送后 2 分钟内撤回自己的消息');
  return commitMessageChange(ctx, async (tem, emit) => {
    const changed = await tem.execute<Array<{ id: string }>>(`update message set recalled_at = now(), search_vector = null where id = ? and recalled_at is null returning id`, [access.message.id]);
    if (!changed.length) throw conflict('消息已经撤回');
    emit(await recordEvent(tem, { conversationId: access.conversation.conversation.id, type: 'MESSAGE_RECALLED', messageId: access.message.id, userId: actor.userId }));
    return access.message.id;
  });
}

export async function react(ctx: DomainContext, messageId: unknown, rawEmoji: unknown, add: boolean): Promise<MessageView> {
  const actor = requireActor(ctx);
  const access = await messageForActor(ctx.em, actor, messageId);
  if (!can(actor, 'react', access)) {
    const c = access.conversation;
    throw (c.group ? mutedError(c.role, c.mutedUntil, c.group) : null) ?? forbidden(access.message.removedAt ? '已移除的消息不能回应' : '已撤回的消息不能回应');
  }
  const emoji = validEmoji(rawEmoji);
  return commitMessageChange(ctx, async (tem, emit) => {
    const changed = add
      ? await tem.execute<Array<{ emoji: string }>>(
          `insert into message_reaction (message_id, user_id, emoji, created_at) values (?, ?, ?, now()) on conflict do nothing returning emoji`,
          [access.message.id, actor.userId, emoji],
        )
      : await tem.execute<Array<{ emoji: string }>>(`delete from message_reaction where message_id = ? and user_id = ? and emoji = ? returning emoji`, [access.message.id, actor.userId, emoji]);
    if (!changed.length) throw conflict(add ? '您已经用这个表情回应过了' : '您没有用这个表情回应过');
    emit(await recordEvent(tem, { conversationId: access.conversation.conversation.id, type: 'REACTION_CHANGED', messageId: access.message.id, userId: actor.userId }));
    return access.message.id;
  });
}

export interface HistoryArgs {
  before?: number | null;
  after?: number | null;
  around?: string | null;
  first?: number | null;
}

export interface HistoryPage {
  messages: MessageView[];
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

type PageRow = MessageRow & PersonRow & { last_seq: number; target_seq?: number | null };

/**
 * One page of history, oldest first, as the viewer may see it (restricted messages they may not
 * read are placeholders at their seq). Seqs are gapless (taken under the conversation's lock in
 * the sending transaction), so the page edges alone say whether more exist on either side.
 *
 * ONE prepared statement reads the conversation's last seq, the page's messages with the readers
 * of restricted ones, and their authors with their units, and checks again that the viewer is
 * still a member (a member removed since the access check sees nothing). Quotes, mentions and
 * reactions are loaded for the whole page only when the viewer's query selects them (`viewExtras`).
 */
export async function history(em: EntityManager, access: ConversationAccess, args: HistoryArgs, viewerId: string): Promise<HistoryPage> {
  const size = args.first ?? 50;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badInput(`每页数量应在 1 至 ${MAX_PAGE_SIZE} 之间`, 'first');
  const given = [args.before, args.after, args.around].filter((v) => v !== null && v !== undefined).length;
  if (given > 1) throw badInput('before、after 与 around 只能选一个');
  const conversationId = access.conversation.id;
  const page = (name: string, target: string, messages: string, values: unknown[]) =>
    query<PageRow>(
      em,
      `jiaoliu_history_${name}_v2`,
      `select c.last_seq${target ? ', t.seq as target_seq' : ''}, ${MESSAGE_ROW_COLUMNS}, ${READER_COLUMNS}, ${PERSON_COLUMNS}
         from conversation c${target}
         left join lateral (${messages}) m on true
         ${personJoin('m.author_id', true)}
        where c.id = $1 and exists (select 1 from conversation_member cm where cm.conversation_id = c.id and cm.user_id = $2)`,
      [conversationId, viewerId, ...values],
    );
  const pageColumns = MESSAGE_ROW_COLUMNS.replace(/\bm\./g, 'x.');
  const messagesOf = (rows: PageRow[]) => rows.filter((r) => r.id !== null).sort((a, b) => a.seq - b.seq);

  let rows: PageRow[];
  let lastSeq: number;
  if (args.around !== null && args.around !== undefined) {
    if (!isUuid(args.around)) throw notFound('消息');
    // The target must be one the viewer may read: a restricted message of others is NOT_FOUND.
    const found = await page(
      'around',
      ` join message t on t.id = $3 and t.conversation_id = c.id and ${mayReadSql('t.id', 't.confidentiality', 't.author_id', 'jl_conversation_group(t.conversation_id)', '$2')}`,
      `(select ${pageColumns} from message x where x.conversation_id = c.id and x.seq <= t.seq order by x.seq desc limit $4)
       union all
       (select ${pageColumns} from message x where x.conversation_id = c.id and x.seq > t.seq order by x.seq asc limit $5)`,
      [args.around, Math.ceil(size / 2), size],
    );
    if (!found.length) throw notFound('消息');
    lastSeq = Number(found[0].last_seq);
    const target = Number(found[0].target_seq);
    const all = messagesOf(found);
    const older = all.filter((r) => r.seq <= target);
    rows = [...older, ...all.filter((r) => r.seq > target).slice(0, size - older.length)];
  } else {
    const after = args.after !== null && args.after !== undefined;
    if (after && !Number.isInteger(args.after)) throw badInput('after 无效', 'after');
    if (!after && args.before !== null && args.before !== undefined && !Number.isInteger(args.before)) throw badInput('before 无效', 'before');
    const found = after
      ? await page('after', '', `select ${pageColumns} from message x where x.conversation_id = c.id and x.seq > $3 order by x.seq asc limit $4`, [args.after, size])
      : await page('before', '', `select ${pageColumns} from message x where x.conversation_id = c.id and x.seq < coalesce($3::int, c.last_seq + 1) order by x.seq desc limit $4`, [args.before ?? null, size]);
    if (!found.length) throw notFound('会话');
    lastSeq = Number(found[0].last_seq);
    rows = messagesOf(found);
  }
  const messages = messagePageViews(em, rows, viewerId);
  const start = messages[0]?.seq;
  const end = messages[messages.length - 1]?.seq;
  return {
    messages,
    hasPreviousPage: start !== undefined ? start > 1 : (args.after ?? 0) > 0 && lastSeq > 0,
    hasNextPage: end !== undefined ? end < lastSeq : args.before !== null && args.before !== undefined && args.before <= lastSeq,
  };
}

/** Moves the viewer's read cursor forward (never back); the new state goes to the viewer only. */
export async function markRead(ctx: DomainContext, conversationId: unknown, seq?: number | null): Promise<ConversationAccess> {
  const actor = requireActor(ctx);
  const access = await conversationForActor(ctx.em, actor, conversationId);
  if (seq !== null && seq !== undefined && (!Number.isInteger(seq) || seq < 0)) throw badInput('seq 无效', 'seq');
  await inTransaction(ctx.em, publisherOf(ctx), async (tem, emit) => {
    const changed = await tem.execute<Array<{ last_read_seq: number }>>(
      `update conversation_member cm set last_read_seq = least(coalesce(?, c.last_seq), c.last_seq)
         from conversation c
        where c.id = cm.conversation_id and cm.conversation_id = ? and cm.user_id = ?
          and cm.last_read_seq < least(coalesce(?, c.last_seq), c.last_seq)
        returning cm.last_read_seq`,
      [seq ?? null, access.conversation.id, actor.userId, seq ?? null],
    );
    if (changed.length) {
      emit(await recordEvent(tem, { conversationId: access.conversation.id, type: 'READ_STATE', onlyUserId: actor.userId, readSeq: changed[0].last_read_seq }));
    }
  });
  return access;
}

export interface UnreadCounts {
  lastReadSeq: number;
  unread: number;
  mentions: number;
}

/** Unread and mention counts of a user's conversations (all of them, or the ones given). */
export async function unreadCounts(em: EntityManager, userId: string, conversationIds?: readonly string[]): Promise<Map<string, UnreadCounts>> {
  if (conversationIds && !conversationIds.length) return new Map();
  const rows = await em.execute<Array<{ conversation_id: string; last_read_seq: number; unread: string; mentions: string }>>(
    `select cm.conversation_id, cm.last_read_seq,
            count(m.id) as unread,
            count(m.id) filter (where m.mentions_all or exists (select 1 from message_mention mm where mm.message_id = m.id and mm.user_id = cm.user_id)) as mentions
       from conversation_member cm
       left join message m on m.conversation_id = cm.conversation_id and m.seq > cm.last_read_seq
                          and m.author_id <> cm.user_id and m.recalled_at is null and m.removed_at is null
                          -- Restricted messages count only for their readers.
                          and ${mayReadSql('m.id', 'm.confidentiality', 'm.author_id', 'jl_conversation_group(m.conversation_id)', 'cm.user_id')}
      where cm.user_id = ? ${conversationIds ? 'and cm.conversation_id in (?)' : ''}
      group by cm.conversation_id, cm.last_read_seq`,
    conversationIds ? [userId, conversationIds as string[]] : [userId],
  );
  return new Map(rows.map((r) => [r.conversation_id, { lastReadSeq: Number(r.last_read_seq), unread: Number(r.unread), mentions: Number(r.mentions) }]));
}

const lastTyping = new Map<string, number>();

/** Typing: sent to the other members now, never stored; at most one every 2 seconds per person. */
export async function setTyping(ctx: DomainContext, conversationId: unknown): Promise<boolean> {
  const actor = requireActor(ctx);
  const access = await conversationForActor(ctx.em, actor, conversationId);
  const key = `${access.conversation.id}:${actor.userId}`;
  const now = Date.now();
  if (now - (lastTyping.get(key) ?? 0) < 2000) return true;
  lastTyping.set(key, now);
  if (lastTyping.size > 10_000) lastTyping.clear();
  const recipients = (await conversationMemberIds(ctx.em, access.conversation.id)).filter((id) => id !== actor.userId);
  await ctx.deps.realtime.publish([{ event: { id: null, type: 'TYPING', conversationId: access.conversation.id, at: new Date(), userId: actor.userId }, recipients }]);
  return true;
}

