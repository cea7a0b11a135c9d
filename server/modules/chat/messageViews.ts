import type { EntityManager } from '@mikro-orm/postgresql';
import { User, type ConfidentialityLevel } from '../../db/entities/index.js';
import { ContentReaders, userMayRead } from '../../policies/index.js';

/**
 * A message with everything a reader sees, loaded in a fixed number of queries for any number
 * of messages. Built once per history page or per published event (not per subscriber): the
 * GraphQL presenter derives per-viewer fields from it without touching the database.
 */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  /** Empty for a placeholder. */
  authorId: string;
  /** Null only for a placeholder. */
  author: User | null;
  /** Stored text; the presenter hides it once the message is recalled (and a placeholder has none). */
  body: string;
  clientMessageId: string;
  replyTo: MessageView | null;
  mentions: User[];
  mentionsAll: boolean;
  reactions: Array<{ emoji: string; users: User[] }>;
  createdAt: Date;
  editedAt: Date | null;
  recalledAt: Date | null;
  /** 保密标识. */
  confidentiality: ConfidentialityLevel;
  /** Restricted only: who may read it (author, named members, group owner and admins) as loaded. */
  readers: string[] | null;
  /** The named members of a restricted message (readers minus the author and admins). */
  audienceIds: string[];
  /** A stand-in for a restricted message the viewer may not read: id, seq and time only. */
  placeholder?: boolean;
  /** Removed by a group admin: the presenter shows the tombstone instead of the body. */
  removedAt: Date | null;
  removalReason: string | null;
  movedToThreadId: string | null;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  author_id: string;
  body: string;
  reply_to_id: string | null;
  client_message_id: string;
  mentions_all: boolean;
  created_at: Date;
  edited_at: Date | null;
  recalled_at: Date | null;
  confidentiality: ConfidentialityLevel;
  removed_at?: Date | null;
  removal_reason?: string | null;
  moved_to_thread_id?: string | null;
}

const COLUMNS = 'id, conversation_id, seq, author_id, body, reply_to_id, client_message_id, mentions_all, created_at, edited_at, recalled_at, confidentiality, removed_at, removal_reason, moved_to_thread_id';

export async function loadMessageViews(em: EntityManager, ids: readonly string[]): Promise<Map<string, MessageView>> {
  const result = new Map<string, MessageView>();
  if (!ids.length) return result;
  const rows = await em.execute<MessageRow[]>(`select ${COLUMNS} from message where id in (?)`, [ids as string[]]);
  const replyIds = [...new Set(rows.map((r) => r.reply_to_id).filter((id): id is string => !!id))];
  const [replies, mentions, reactions] = await Promise.all([
    replyIds.length ? em.execute<MessageRow[]>(`select ${COLUMNS} from message where id in (?)`, [replyIds]) : Promise.resolve([] as MessageRow[]),
    em.execute<Array<{ message_id: string; user_id: string }>>(`select message_id, user_id from message_mention where message_id in (?)`, [ids as string[]]),
    em.execute<Array<{ message_id: string; user_id: string; emoji: string }>>(
      `select message_id, user_id, emoji from message_reaction where message_id in (?) order by created_at, user_id`,
      [ids as string[]],
    ),
  ]);
  const userIds = new Set<string>();
  for (const r of [...rows, ...replies]) userIds.add(r.author_id);
  mentions.forEach((m) => userIds.add(m.user_id));
  reactions.forEach((r) => userIds.add(r.user_id));
  const users = await em.find(User, { id: [...userIds] }, { populate: ['unit'] });
  const userById = new Map(users.map((u) => [u.id, u]));

  // Readers of restricted messages (one more query, only when a restricted message is loaded).
  const restricted = [...rows, ...replies].filter((r) => r.confidentiality === 'restricted').map((r) => r.id);
  const readers = await restrictedReaders(em, restricted);
  const toView = (r: MessageRow, replyTo: MessageView | null): MessageView => {
    const view = messageViewOf(r, userById.get(r.author_id)!, replyTo);
    const entry = readers.get(r.id);
    if (entry) (view.readers = entry.readers), (view.audienceIds = entry.audience);
    return view;
  };
  const replyViews = new Map(replies.map((r) => [r.id, toView(r, null)]));
  for (const r of rows) result.set(r.id, toView(r, r.reply_to_id ? replyViews.get(r.reply_to_id) ?? null : null));
  for (const m of mentions) {
    const user = userById.get(m.user_id);
    if (user) result.get(m.message_id)?.mentions.push(user);
  }
  for (const r of reactions) {
    const view = result.get(r.message_id);
    const user = userById.get(r.user_id);
    if (!view || !user) continue;
    let group = view.reactions.find((g) => g.emoji === r.emoji);
    if (!group) view.reactions.push((group = { emoji: r.emoji, users: [] }));
    group.users.push(user);
  }
  return result;
}

/** A message row as a view (mentions and reactions empty: the caller fills them). */
export function messageViewOf(r: MessageRow, author: User, replyTo: MessageView | null): MessageView {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    authorId: r.author_id,
    author,
    body: r.body,
    clientMessageId: r.client_message_id,
    replyTo,
    mentions: [],
    mentionsAll: r.mentions_all,
    reactions: [],
    createdAt: new Date(r.created_at),
    editedAt: r.edited_at ? new Date(r.edited_at) : null,
    recalledAt: r.recalled_at ? new Date(r.recalled_at) : null,
    confidentiality: r.confidentiality ?? 'normal',
    readers: null,
    audienceIds: [],
    removedAt: r.removed_at ? new Date(r.removed_at) : null,
    removalReason: r.removal_reason ?? null,
    movedToThreadId: r.moved_to_thread_id ?? null,
  };
}

/** Readers of restricted messages now: named members, the author, the group's owner and admins. */
export async function restrictedReaders(em: EntityManager, ids: string[]): Promise<Map<string, { readers: string[]; audience: string[] }>> {
  if (!ids.length) return new Map();
  const rows = await em.execute<Array<{ id: string; audience: string[]; managers: string[]; author_id: string }>>(
    `select m.id, m.author_id,
            array(select a.user_id from content_audience a where a.subject_id = m.id) as audience,
            array(select gm.user_id from group_member gm where gm.group_id = jl_conversation_group(m.conversation_id) and gm.role in ('owner', 'admin')) as managers
       from message m where m.id in (?)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { audience: r.audience, readers: [...new Set([r.author_id, ...r.audience, ...r.managers])] }]));
}

const readersOf = (view: MessageView) => new ContentReaders(view.confidentiality, view.readers ? new Set(view.readers) : new Set());

/** Whether this user may read the message (a policy question: see policies/confidentiality.ts). */
export const viewReadableBy = (view: MessageView, userId: string): boolean => !view.placeholder && userMayRead(userId, readersOf(view));

/**
 * The message as this user may see it: itself, or for a restricted message they are not a reader
 * of, a placeholder with only id, seq and time (so that seqs stay gapless for the client). A quote
 * of a restricted message is redacted the same way. Returns the same object when nothing changes.
 */
export function redactFor(view: MessageView, userId: string): MessageView {
  if (!viewReadableBy(view, userId) || view.placeholder) return placeholderOf(view);
  if (view.replyTo && !viewReadableBy(view.replyTo, userId)) return { ...view, replyTo: placeholderOf(view.replyTo) };
  return view;
}

export function placeholderOf(view: MessageView): MessageView {
  return {
    id: view.id,
    conversationId: view.conversationId,
    seq: view.seq,
    authorId: '',
    author: null,
    body: '',
    clientMessageId: '',
    replyTo: null,
    mentions: [],
    mentionsAll: false,
    reactions: [],
    createdAt: view.createdAt,
    editedAt: null,
    recalledAt: null,
    confidentiality: 'restricted',
    readers: null,
    audienceIds: [],
    removedAt: null,
    removalReason: null,
    movedToThreadId: null,
    placeholder: true,
  };
}

/** Whether redaction may differ between users (a restricted message or quote is involved). */
export const involvesRestricted = (view: MessageView | null): boolean => !!view && (view.confidentiality === 'restricted' || view.replyTo?.confidentiality === 'restricted');

export async function loadMessageView(em: EntityManager, id: string): Promise<MessageView | null> {
  return (await loadMessageViews(em, [id])).get(id) ?? null;
}
