import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConfidentialityLevel } from '../../db/entities/index.js';
import { PeopleSeen, personOf, type PersonRow, type PersonView } from '../accounts/people.js';
import { mentionRows, messageRows, reactionRows, restrictedReaderRows } from './store/messageRows.js';
import { ContentReaders, userMayRead } from '../../policies/index.js';

/**
 * A message with everything a reader sees. Built once per history page or per published event
 * (not per subscriber): the GraphQL presenter derives per-viewer fields from it without
 * touching the database.
 *
 * Two ways to get one:
 * - `loadMessageViews`: everything loaded now (publishing, the mutations' answers, catch-up).
 * - `messagePageViews` (history pages, last messages): the message, its author and its readers
 *   now; the quoted message, mentions and reactions are in `more`, loaded for the whole page at
 *   once and only when a reader's query selects one of them (`viewExtras`).
 */
export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  /** Empty for a placeholder. */
  authorId: string;
  /** Null only for a placeholder. */
  author: PersonView | null;
  /** Stored text; the presenter hides it once the message is recalled (and a placeholder has none). */
  body: string;
  clientMessageId: string;
  replyToId: string | null;
  /** Meaningful only when `more` is not set. */
  replyTo: MessageView | null;
  /** Meaningful only when `more` is not set. */
  mentions: PersonView[];
  mentionsAll: boolean;
  /** Meaningful only when `more` is not set. */
  reactions: Array<{ emoji: string; users: PersonView[] }>;
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
  /**
   * Set (not enumerable) on the views of a history page: quote, mentions and reactions not
   * loaded yet, see `viewExtras`. The quote comes already redacted for the page's viewer.
   */
  more?: PageExtras;
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
  /** With store/messageRows.ts `readerColumns`: restricted messages' named members and group managers (null otherwise). */
  audience?: string[] | null;
  managers?: string[] | null;
}

/** A restricted row's readers and named members (from `readerColumns`), or null. */
function readersOfRow(r: MessageRow): { readers: string[]; audience: string[] } | null {
  if (r.confidentiality !== 'restricted' || !r.audience) return null;
  return { audience: r.audience, readers: [...new Set([r.author_id, ...r.audience, ...(r.managers ?? [])])] };
}

/**
 * What a view serialises to: the message's identity and state, without the people, quote and
 * readers it holds. Nothing sends views as JSON; mercurius serialises a loader's parent object
 * as its cache key, for every Message loader call (two per message of a page). Views with equal
 * keys get equal answers from those loaders (attachments, removedBody: by id, placeholder,
 * recall, removal, and edit, which changes the body).
 */
function viewKey(this: MessageView) {
  return [this.id, this.conversationId, this.seq, !!this.placeholder, this.editedAt, this.recalledAt, this.removedAt];
}
const keyed = (view: MessageView): MessageView => Object.defineProperty(view, 'toJSON', { value: viewKey, enumerable: false });
/** Gives a view rebuilt from plain data (a bus payload from another instance) its key again. */
export const keyedView = keyed;
export const isKeyedView = (value: object): boolean => Object.getOwnPropertyDescriptor(value, 'toJSON')?.value === viewKey;

/**
 * A message row as a view (mentions and reactions empty: the caller fills them). The readers of
 * a restricted message come from the row when it carries `readerColumns`.
 */
export function messageViewOf(r: MessageRow, author: PersonView, replyTo: MessageView | null): MessageView {
  const readers = readersOfRow(r);
  return keyed({
    id: r.id,
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    authorId: r.author_id,
    author,
    body: r.body,
    clientMessageId: r.client_message_id,
    replyToId: r.reply_to_id,
    replyTo,
    mentions: [],
    mentionsAll: r.mentions_all,
    reactions: [],
    createdAt: new Date(r.created_at),
    editedAt: r.edited_at ? new Date(r.edited_at) : null,
    recalledAt: r.recalled_at ? new Date(r.recalled_at) : null,
    confidentiality: r.confidentiality ?? 'normal',
    readers: readers?.readers ?? null,
    audienceIds: readers?.audience ?? [],
    removedAt: r.removed_at ? new Date(r.removed_at) : null,
    removalReason: r.removal_reason ?? null,
    movedToThreadId: r.moved_to_thread_id ?? null,
  });
}

/** Readers of restricted messages now: named members, the author, the group's owner and admins. */
export async function restrictedReaders(em: EntityManager, ids: string[]): Promise<Map<string, { readers: string[]; audience: string[] }>> {
  if (!ids.length) return new Map();
  const rows = await restrictedReaderRows(em, ids);
  return new Map(rows.map((r) => [r.id, readersOfRow(r)] as const).filter((e): e is [string, { readers: string[]; audience: string[] }] => !!e[1]));
}

const readersOf = (view: MessageView) => new ContentReaders(view.confidentiality, view.readers ? new Set(view.readers) : new Set());

/** Whether this user may read the message (a policy question: see policies/confidentiality.ts). */
export const viewReadableBy = (view: MessageView, userId: string): boolean => !view.placeholder && userMayRead(userId, readersOf(view));

/** A quoted message as this user may see it: itself, or a placeholder. */
const quoteFor = (quote: MessageView, userId: string): MessageView => (viewReadableBy(quote, userId) ? quote : placeholderOf(quote));

/**
 * The message as this user may see it: itself, or for a restricted message they are not a reader
 * of, a placeholder with only id, seq and time (so that seqs stay gapless for the client). A quote
 * of a restricted message is redacted the same way. Returns the same object when nothing changes.
 */
export function redactFor(view: MessageView, userId: string): MessageView {
  if (!viewReadableBy(view, userId) || view.placeholder) return placeholderOf(view);
  if (view.replyTo && quoteFor(view.replyTo, userId) !== view.replyTo) return keyed({ ...view, replyTo: placeholderOf(view.replyTo) });
  return view;
}

export function placeholderOf(view: MessageView): MessageView {
  return keyed({
    id: view.id,
    conversationId: view.conversationId,
    seq: view.seq,
    authorId: '',
    author: null,
    body: '',
    clientMessageId: '',
    replyToId: null,
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
  });
}

/** Whether redaction may differ between users (a restricted message or quote is involved). */
export const involvesRestricted = (view: MessageView | null): boolean => !!view && (view.confidentiality === 'restricted' || view.replyTo?.confidentiality === 'restricted');

export interface MessageExtras {
  replyTo: MessageView | null;
  mentions: PersonView[];
  reactions: Array<{ emoji: string; users: PersonView[] }>;
}

/**
 * The quoted messages, mentions and reactions of some messages: up to three prepared statements,
 * sent at once on separate connections, each carrying the people's columns. With `viewerId`,
 * quotes come redacted for that viewer.
 */
async function loadExtras(em: EntityManager, views: readonly MessageView[], viewerId: string | null, seen: PeopleSeen): Promise<Map<string, MessageExtras>> {
  const result = new Map<string, MessageExtras>(views.map((v) => [v.id, { replyTo: null, mentions: [], reactions: [] }]));
  if (!views.length) return result;
  const ids = views.map((v) => v.id);
  const replyIds = [...new Set(views.map((v) => v.replyToId).filter((id): id is string => !!id))];
  const [replies, mentions, reactions] = await Promise.all([
    messageRows(em, replyIds),
    mentionRows(em, ids),
    reactionRows(em, ids),
  ]);
  const replyViews = new Map(
    replies.map((r) => {
      const quote = messageViewOf(r, personOf(r, seen)!, null);
      return [r.id, viewerId ? quoteFor(quote, viewerId) : quote];
    }),
  );
  for (const v of views) if (v.replyToId) result.get(v.id)!.replyTo = replyViews.get(v.replyToId) ?? null;
  for (const m of mentions) {
    const user = personOf(m, seen);
    if (user) result.get(m.message_id)?.mentions.push(user);
  }
  for (const r of reactions) {
    const extras = result.get(r.message_id);
    const user = personOf(r, seen);
    if (!extras || !user) continue;
    let group = extras.reactions.find((g) => g.emoji === r.emoji);
    if (!group) extras.reactions.push((group = { emoji: r.emoji, users: [] }));
    group.users.push(user);
  }
  return result;
}

/** Loads a page's extras once, on first use, for every view of the page, redacted for its viewer. */
export class PageExtras {
  private loaded: Promise<Map<string, MessageExtras>> | null = null;
  constructor(
    private readonly em: EntityManager,
    private readonly views: readonly MessageView[],
    private readonly viewerId: string,
    private readonly seen: PeopleSeen,
  ) {}

  get(id: string): Promise<MessageExtras | undefined> {
    this.loaded ??= loadExtras(this.em, this.views, this.viewerId, this.seen);
    return this.loaded.then((all) => all.get(id));
  }
}

/** A view's quote, mentions and reactions: from the view itself, or loaded with its page. */
export async function viewExtras(view: MessageView): Promise<MessageExtras> {
  if (!view.more) return view;
  return (await view.more.get(view.id)) ?? { replyTo: null, mentions: [], reactions: [] };
}

/**
 * Views of a history page (or of conversations' last messages) for one viewer, from rows that
 * carry the message, reader and author columns (store/messageRows.ts `messageRowColumns`,
 * `readerColumns`, accounts' `personColumns`). Restricted messages the viewer may not read become placeholders at their seq.
 * No further query unless the viewer's query selects quote, mentions or reactions.
 */
export function messagePageViews(em: EntityManager, rows: ReadonlyArray<MessageRow & PersonRow>, viewerId: string): MessageView[] {
  const seen = new PeopleSeen();
  const views = rows.map((r) => {
    const view = messageViewOf(r, personOf(r, seen)!, null);
    return viewReadableBy(view, viewerId) ? view : placeholderOf(view);
  });
  const open = views.filter((v) => !v.placeholder);
  const more = new PageExtras(em, open, viewerId, seen);
  // Not enumerable: mercurius keys its loader caches by the serialised parent object.
  for (const v of open) Object.defineProperty(v, 'more', { value: more, enumerable: false });
  return views;
}

/**
 * Complete views of some messages, by id: the rows with readers and authors, then quotes,
 * mentions and reactions. Not redacted (callers redact per viewer: `redactFor`).
 */
export async function loadMessageViews(em: EntityManager, ids: readonly string[]): Promise<Map<string, MessageView>> {
  const result = new Map<string, MessageView>();
  if (!ids.length) return result;
  const rows = await messageRows(em, [...new Set(ids)]);
  const seen = new PeopleSeen();
  const views = rows.map((r) => messageViewOf(r, personOf(r, seen)!, null));
  const extras = await loadExtras(em, views, null, seen);
  for (const v of views) {
    Object.assign(v, extras.get(v.id));
    result.set(v.id, v);
  }
  return result;
}

export async function loadMessageView(em: EntityManager, id: string): Promise<MessageView | null> {
  return (await loadMessageViews(em, [id])).get(id) ?? null;
}
