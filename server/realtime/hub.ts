import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { MQEmitter } from 'mqemitter';
import { User } from '../db/entities/index.js';
import { involvesRestricted, loadMessageViews, redactFor, type MessageView } from '../modules/chat/messageViews.js';
import { loadPeople, PeopleSeen, type PersonView } from '../modules/accounts/people.js';
import { loadNotifications, type NotificationRow } from '../modules/forum/notifications.js';
import type { OutgoingEvent, PresenceReader, RealtimePublisher, StoredEventRef } from '../modules/chat/realtime.js';
import { countPublished } from '../metrics/registry.js';

/** What a subscriber's resolver receives: the event with its message and person already loaded. */
export interface ChatEventView {
  id: string | null;
  type: StoredEventRef['type'];
  conversationId: string | null;
  at: Date;
  message: MessageView | null;
  /** A person view (events built from stored rows) or the entity (presence). */
  user: User | PersonView | null;
  readSeq: number | null;
  online: boolean | null;
  notification: NotificationRow | null;
}

export const userTopic = (userId: string) => `user:${userId}`;

/**
 * Events with their messages and people loaded in a fixed number of queries (publish and
 * catch-up share it). Messages already loaded by the caller, and their authors, are reused.
 */
export async function eventViews(em: EntityManager, events: StoredEventRef[], preloaded: MessageView[] = [], viewerId?: string): Promise<ChatEventView[]> {
  const known = new Map(preloaded.map((m) => [m.id, m]));
  const seen = new PeopleSeen();
  for (const m of preloaded) if (m.author) seen.people.set(m.author.id, m.author);
  const messageIds = [...new Set(events.map((e) => e.messageId).filter((id): id is string => !!id && !known.has(id)))];
  const userIds = events.map((e) => e.userId).filter((id): id is string => !!id);
  const notificationIds = events.map((e) => e.notificationId).filter((id): id is string => !!id);
  const [loaded, userById, notifications] = await Promise.all([
    messageIds.length ? loadMessageViews(em, messageIds) : Promise.resolve(new Map<string, MessageView>()),
    loadPeople(em, userIds, seen),
    loadNotifications(em, notificationIds),
  ]);
  const messages = new Map([...known, ...loaded]);
  // For one viewer (catch-up): restricted messages they may not read become placeholders.
  const messageFor = (id: string) => {
    const view = messages.get(id) ?? null;
    return view && viewerId ? redactFor(view, viewerId) : view;
  };
  return events.map((event) => ({
    id: event.id,
    type: event.type,
    conversationId: event.conversationId,
    at: event.at,
    message: event.messageId ? messageFor(event.messageId) : null,
    user: event.userId ? userById.get(event.userId) ?? null : null,
    readSeq: event.readSeq ?? null,
    online: event.online ?? null,
    notification: event.notificationId ? notifications.get(event.notificationId) ?? null : null,
  }));
}
/**
 * The payloads of one event and who receives each. Usually one payload object for all
 * recipients (the shared lane caches its serialisation on it). When a restricted message (or
 * a quote of one) is involved, recipients are split by what they may read, and each group gets
 * its own payload, already redacted: a non-reader's payload never holds the text or author,
 * whichever lane (shared or per-subscriber) executes it.
 */
export function payloadsFor(view: ChatEventView, recipients: string[]): Array<[{ chatEvents: ChatEventView }, string[]]> {
  const message = view.message;
  if (!message || !involvesRestricted(message)) return [[{ chatEvents: view }, recipients]];
  const groups = new Map<string, [{ chatEvents: ChatEventView }, string[]]>();
  for (const recipient of recipients) {
    const seen = redactFor(message, recipient);
    const key = seen === message ? 'full' : seen.placeholder ? 'placeholder' : 'quote-hidden';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = [{ chatEvents: { ...view, message: seen } }, []]));
    group[1].push(recipient);
  }
  return [...groups.values()];
}

const END_SESSIONS = 'jiaoliu:end-sessions';

interface LiveConnection {
  userId: string;
  sessionId: string;
  close: (code: number, reason: string) => void;
}

/**
 * The realtime layer. Events go through the mqemitter that mercurius subscribes on, one topic
 * per user: recipients were computed inside the writing transaction, so a member removed in it
 * gets nothing more. Control messages (sessions ended) travel the same emitter, so a shared
 * emitter (Redis) makes every instance close its own sockets.
 */
export class RealtimeHub implements RealtimePublisher, PresenceReader {
  private readonly connections = new Map<string, Set<LiveConnection>>();

  constructor(
    private readonly emitter: MQEmitter,
    private readonly orm: MikroORM,
  ) {
    emitter.on(END_SESSIONS, (message, done) => {
      const { userId, sessionIds, exceptSessionId } = message as unknown as { userId: string; sessionIds?: string[]; exceptSessionId?: string };
      for (const connection of [...(this.connections.get(userId) ?? [])]) {
        if (sessionIds && !sessionIds.includes(connection.sessionId)) continue;
        if (exceptSessionId && connection.sessionId === exceptSessionId) continue;
        connection.close(4401, 'session ended');
      }
      done();
    });
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    // One load for the whole batch, shared by every recipient.
    const preloaded = events.map((e) => e.message).filter((m): m is MessageView => !!m);
    const views = await eventViews(this.orm.em.fork(), events.map((e) => e.event), preloaded);
    events.forEach(({ event, recipients }, i) => {
      countPublished(event.type);
      for (const [payload, users] of payloadsFor(views[i], recipients)) for (const recipient of users) this.emit(userTopic(recipient), payload);
    });
  }

  private emit(topic: string, payload: unknown): void {
    this.emitter.emit({ topic, payload } as never);
  }

  async endSessions(userId: string, sessionIds?: string[], exceptSessionId?: string): Promise<void> {
    this.emitter.emit({ topic: END_SESSIONS, userId, sessionIds, exceptSessionId } as never);
  }

  /** Registers a live connection; returns whether it is the user's first (they came online). */
  register(connection: LiveConnection): boolean {
    let set = this.connections.get(connection.userId);
    if (!set) this.connections.set(connection.userId, (set = new Set()));
    set.add(connection);
    return set.size === 1;
  }

  /** Returns whether it was the user's last connection (they went offline). */
  unregister(connection: LiveConnection): boolean {
    const set = this.connections.get(connection.userId);
    if (!set?.delete(connection)) return false;
    if (set.size) return false;
    this.connections.delete(connection.userId);
    return true;
  }

  isOnline(userId: string): boolean {
    return (this.connections.get(userId)?.size ?? 0) > 0;
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.connections.values()) n += set.size;
    return n;
  }

  /** Presence goes to everyone who shares a group with the user; going offline stamps last seen. */
  async presenceChanged(userId: string, online: boolean): Promise<void> {
    const em = this.orm.em.fork();
    if (!online) await em.execute(`update app_user set last_seen_at = now() where id = ?`, [userId]);
    const rows = await em.execute<Array<{ user_id: string }>>(
      `select distinct b.user_id from group_member a join group_member b on b.group_id = a.group_id where a.user_id = ? and b.user_id <> ?`,
      [userId, userId],
    );
    const user = await em.findOne(User, { id: userId }, { populate: ['unit'] });
    const view: ChatEventView = { id: null, type: 'PRESENCE', conversationId: null, at: new Date(), message: null, user, readSeq: null, online, notification: null };
    const payload = { chatEvents: view };
    countPublished('PRESENCE');
    for (const row of rows) this.emit(userTopic(row.user_id), payload);
  }
}
