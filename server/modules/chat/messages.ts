import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { authorize, can } from '../../policies/index.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { MAX_PAGE_SIZE } from '../pagination.js';
import { toTsvectorLiteral } from '../content/segment.js';
import { checkAttachments } from '../content/attachments.js';
import { conversationForActor } from '../groups/access.js';
import { messageForActor } from './access.js';
import { inTransaction, publisherOf, recordEvent } from '../core/events.js';
import { conversationMemberIds } from '../core/store.js';
import { loadMessageView, messagePageViews, messageViewOf, redactFor, type MessageView } from './messageViews.js';
import { PeopleSeen, personOf } from '../accounts/people.js';
import type { OutgoingEvent, StoredEventRef } from '../core/realtime.js';
import { isUniqueViolation } from '../../db/sql.js';
import { audit } from '../../audit/logger.js';
import { GroupAccess, type ConversationAccess } from '../groups/subjects.js';
import type { ConfidentialityLevel } from '../../db/entities/index.js';
import { higher, parseLevel, validAudience } from '../content/levels.js';
import { checkSensitive, sensitiveAuditAfter, type SensitiveMatch } from '../content/sensitive.js';
import { mutedError } from '../content/reasons.js';
import {
  advanceReadCursor,
  deleteReaction,
  discussionArchivedAt,
  historyAfter,
  historyAround,
  historyBefore,
  insertReaction,
  lockMessageForEdit,
  markRecalled,
  messageByClientId,
  peerStanding,
  raiseToInternal,
  readableMessageIn,
  unreadRows,
  writeEdit,
  writeMessageScript,
  type MessageWrite,
  type PageRow,
} from './store/messages.js';

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
    const target = isUuid(replyToId) && (await readableMessageIn(em, replyToId, access.conversation.id, actor.userId));
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
    const earlier = await messageByClientId(em, actor.userId, clientMessageId);
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
        if (await discussionArchivedAt(em, access.discussion.id)) throw forbidden('讨论组已归档，只能查看');
      }
      const earlier = await messageByClientId(em, actor.userId, clientMessageId);
      if (earlier) return replayed(em, earlier, access.conversation.id, actor.userId);
      throw new Error('message not written');
    }
    await ctx.deps.realtime.publish([{ event: sent.event, recipients: sent.recipients, message: sent.view }]);
    return sent.view;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException || isUniqueViolation(error)) {
      // The same clientMessageId raced in from a retry: return the one that won.
      const winner = await messageByClientId(em, actor.userId, clientMessageId);
      if (winner) return replayed(em, winner, access.conversation.id, actor.userId);
    }
    throw error;
  }
}

/** What the service hands the send's statement: the store's row fields, before segmentation and auditing. */
type NewMessage = Omit<MessageWrite, 'searchVector' | 'audit'> & {
  acknowledged: SensitiveMatch[];
  groupId: string | null;
  ip: string | null;
};

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
  const { written, people } = await writeMessageScript(em, {
    conversationId: m.conversationId,
    authorId: m.authorId,
    body: m.body,
    searchVector: toTsvectorLiteral(m.body),
    replyToId: m.replyToId,
    clientMessageId: m.clientMessageId,
    mentionAll: m.mentionAll,
    mentionIds: m.mentionIds,
    attachmentIds: m.attachmentIds,
    confidentiality: m.confidentiality,
    audienceIds: m.audienceIds,
    audit: m.acknowledged.length
      ? {
          action: 'content.sensitive_acknowledged',
          targetType: m.groupId ? 'group' : 'conversation',
          targetId: m.groupId ?? m.conversationId,
          reason: '发送前确认了保密提醒',
          after: sensitiveAuditAfter({ conversationId: m.conversationId, messageId: null }, m.acknowledged, m.confidentiality),
          ip: m.ip,
        }
      : null,
  });
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
  const row = await peerStanding(em, access.peerId, actor.userId);
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
      const confidentiality = await raiseToInternal(tem, access.message.id);
      audit(tem, {
        actorId: actor.userId,
        action: 'content.sensitive_acknowledged',
        targetType: group ? 'group' : 'conversation',
        targetId: group?.id ?? access.conversation.conversation.id,
        reason: '编辑时确认了保密提醒',
        after: sensitiveAuditAfter({ conversationId: access.conversation.conversation.id, messageId: access.message.id }, verdict.matches, confidentiality),
        ip: ctx.ip,
      });
    }
    const current = await lockMessageForEdit(tem, access.message.id);
    if (current.recalled_at) throw conflict('消息已撤回，不能编辑');
    if (current.removed_at) throw conflict('消息已被管理员移除，不能编辑');
    await writeEdit(tem, access.message.id, current.body, body, toTsvectorLiteral(body));
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
    if (!(await markRecalled(tem, access.message.id))) throw conflict('消息已经撤回');
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
    const changed = add ? await insertReaction(tem, access.message.id, actor.userId, emoji) : await deleteReaction(tem, access.message.id, actor.userId, emoji);
    if (!changed) throw conflict(add ? '您已经用这个表情回应过了' : '您没有用这个表情回应过');
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
  const messagesOf = (rows: PageRow[]) => rows.filter((r) => r.id !== null).sort((a, b) => a.seq - b.seq);

  let rows: PageRow[];
  let lastSeq: number;
  if (args.around !== null && args.around !== undefined) {
    if (!isUuid(args.around)) throw notFound('消息');
    // The target must be one the viewer may read: a restricted message of others is NOT_FOUND.
    const found = await historyAround(em, conversationId, viewerId, args.around, Math.ceil(size / 2), size);
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
    const found = after ? await historyAfter(em, conversationId, viewerId, args.after!, size) : await historyBefore(em, conversationId, viewerId, args.before ?? null, size);
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
    const readSeq = await advanceReadCursor(tem, access.conversation.id, actor.userId, seq ?? null);
    if (readSeq !== undefined) {
      emit(await recordEvent(tem, { conversationId: access.conversation.id, type: 'READ_STATE', onlyUserId: actor.userId, readSeq }));
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
  const rows = await unreadRows(em, userId, conversationIds ? [...conversationIds] : undefined);
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

