import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities/index.js';

/**
 * A message with everything a reader sees, loaded in a fixed number of queries for any number
 * of messages. Built once per history page or per published event (not per subscriber): the
 * GraphQL presenter derives per-viewer fields from it without touching the database.
 */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  authorId: string;
  author: User;
  /** Stored text; the presenter hides it once the message is recalled. */
  body: string;
  clientMessageId: string;
  replyTo: MessageView | null;
  mentions: User[];
  mentionsAll: boolean;
  reactions: Array<{ emoji: string; users: User[] }>;
  createdAt: Date;
  editedAt: Date | null;
  recalledAt: Date | null;
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
  removed_at?: Date | null;
  removal_reason?: string | null;
  moved_to_thread_id?: string | null;
}

const COLUMNS = 'id, conversation_id, seq, author_id, body, reply_to_id, client_message_id, mentions_all, created_at, edited_at, recalled_at, removed_at, removal_reason, moved_to_thread_id';

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

  const toView = (r: MessageRow, replyTo: MessageView | null): MessageView => messageViewOf(r, userById.get(r.author_id)!, replyTo);
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
    removedAt: r.removed_at ? new Date(r.removed_at) : null,
    removalReason: r.removal_reason ?? null,
    movedToThreadId: r.moved_to_thread_id ?? null,
  };
}

export async function loadMessageView(em: EntityManager, id: string): Promise<MessageView | null> {
  return (await loadMessageViews(em, [id])).get(id) ?? null;
}
