import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Bus, BusLog } from './bus.js';
import type { SharedPresence } from './presence.js';
import { involvesRestricted, loadMessageViews, redactFor, type MessageView } from '../modules/chat/messageViews.js';
import { loadPeople, PeopleSeen, type PersonView } from '../modules/accounts/people.js';
import { coMembersOf, liveSessionIds, stampLastSeen } from '../modules/accounts/store.js';
import { loadNotifications, type NotificationRow } from '../modules/notifications/notifications.js';
import type { OutgoingEvent, PresenceReader, RealtimePublisher, StoredEventRef } from '../modules/core/realtime.js';
import { countBusError, countPublished } from '../metrics/registry.js';

/** What a subscriber's resolver receives: the event with its message and person already loaded. */
export interface ChatEventView {
  id: string | null;
  type: StoredEventRef['type'];
  conversationId: string | null;
  /** A Date (bus payloads keep Dates, see wire.ts). */
  at: Date;
  message: MessageView | null;
  /** Plain data only (it may cross to other instances): a person view, never an entity. */
  user: PersonView | null;
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
/** After a Redis outage this instance's sockets reconnect spread over this long (no thundering herd). */
const RESYNC_SPREAD_MS = 2000;
/** People per statement when presence changes in bulk (a stop): well under PostgreSQL's 65535 parameters. */
const CHUNK = 5000;

interface LiveConnection {
  userId: string;
  sessionId: string;
  close: (code: number, reason: string) => void;
}

/** A subscription filtered to one conversation (chatEvents(conversationId:)). */
interface ConversationStream {
  conversationId: string;
  /** Completes it after what it already received (the client gets `complete`). */
  end: () => void;
}

const LEFT_CONVERSATION = 'jiaoliu:left-conversation';
/** Events after which the person named in them is no longer in the conversation. */
const LEAVING: ReadonlySet<string> = new Set(['MEMBER_REMOVED', 'MEMBER_LEFT']);

interface EndSessions {
  userId: string;
  sessionIds?: string[];
  exceptSessionId?: string;
}

/**
 * The realtime layer. Events go through the bus that mercurius subscribes on, one topic per
 * user: recipients were computed inside the writing transaction, so a member removed in it
 * gets nothing more. Control messages (sessions ended) travel the same bus, so with Redis
 * every instance closes its own sockets. Presence is shared (presence.ts): this hub keeps the
 * sockets of this instance only.
 */
export class RealtimeHub implements RealtimePublisher, PresenceReader {
  private readonly connections = new Map<string, Set<LiveConnection>>();
  /** This instance's conversation-filtered subscriptions, per user. */
  private readonly streams = new Map<string, Set<ConversationStream>>();
  /** Presence work under way (database and Redis): a stop waits for it before the pool closes. */
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  /** Closed by `resync` with 1012: they reconnect at once, so their presence is not handed over (no offline/online flap). */
  private readonly resyncing = new WeakSet<LiveConnection>();
  private readonly resyncTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly bus: Bus,
    private readonly orm: MikroORM,
    private readonly presence: SharedPresence,
    private readonly log: BusLog,
    /** The session's absolute age limit (SESSION_MAX_DAYS), as resolveSession checks it. */
    private readonly sessionMaxDays: number,
  ) {
    bus.onReconnect(() => void this.track(this.resync()));
    bus.emitter.on(END_SESSIONS, ((message: { payload: EndSessions }, done: () => void) => {
      const { userId, sessionIds, exceptSessionId } = message.payload;
      for (const connection of [...(this.connections.get(userId) ?? [])]) {
        if (sessionIds && !sessionIds.includes(connection.sessionId)) continue;
        if (exceptSessionId && connection.sessionId === exceptSessionId) continue;
        connection.close(4401, 'session ended');
      }
      done();
    }) as never);
    // Kicked, banned, removed or gone: their subscriptions to that conversation complete on every instance.
    bus.emitter.on(LEFT_CONVERSATION, ((message: { payload: { userId: string; conversationId: string } }, done: () => void) => {
      const { userId, conversationId } = message.payload;
      for (const stream of [...(this.streams.get(userId) ?? [])]) if (stream.conversationId === conversationId) stream.end();
      done();
    }) as never);
  }

  /** Tracks a conversation-filtered subscription; the returned function forgets it (it ended). */
  trackStream(userId: string, stream: ConversationStream): () => void {
    let set = this.streams.get(userId);
    if (!set) this.streams.set(userId, (set = new Set()));
    set.add(stream);
    return () => {
      set.delete(stream);
      if (!set.size && this.streams.get(userId) === set) this.streams.delete(userId);
    };
  }

  /** Starts the presence heartbeat: people whose last instance died go offline, stamped with their last heartbeat. */
  start(): void {
    this.presence.start(
      () => this.connections.keys(),
      (userId, lastSeen) => void this.track(this.presenceChanged([userId], false, lastSeen)),
    );
  }

  /**
   * Stops the heartbeat and hands this instance's people over at once (a graceful stop): those
   * with no connection left anywhere go offline now, not after the TTL. Sockets that close
   * afterwards find nothing to do.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.presence.stop();
    for (const timer of this.resyncTimers) clearTimeout(timer);
    this.resyncTimers.clear();
    const userIds = [...this.connections.keys()];
    this.connections.clear();
    // One batch for everyone (one Redis pipeline, three SQL statements), not a batch per person.
    const handOver = async () => this.presenceChanged(await this.presence.changed(userIds, false), false);
    await Promise.all([...this.pending, handOver()]);
  }

  /**
   * After a Redis outage. Session ends and events published by other instances meanwhile never
   * reached this one (Redis pub/sub keeps nothing). So: one query finds which of this instance's
   * sockets still have a valid session (the conditions of resolveSession); the others close at
   * once with 4401. The rest close with 1012 spread over RESYNC_SPREAD_MS: clients reconnect at
   * once and catch up through chatEvents(after:), which fills the gap. If the query fails they
   * all get 1012, and their sessions are checked again when they subscribe.
   */
  private async resync(): Promise<void> {
    const live = [...this.connections.values()].flatMap((set) => [...set]);
    if (this.stopped || !live.length) return;
    let valid: Set<string> | null = null;
    try {
      const ids = [...new Set(live.map((c) => c.sessionId))];
      valid = new Set(await liveSessionIds(this.orm.em.fork(), ids, this.sessionMaxDays));
    } catch (error) {
      this.log.error({ err: error }, 'sessions not checked after the bus reconnected: every socket reconnects');
    }
    let ended = 0;
    for (const connection of live) {
      if (valid && !valid.has(connection.sessionId)) {
        ended++;
        connection.close(4401, 'session ended');
        continue;
      }
      this.resyncing.add(connection);
      const timer = setTimeout(() => {
        this.resyncTimers.delete(timer);
        connection.close(1012, 'Service Restart');
      }, Math.floor(Math.random() * RESYNC_SPREAD_MS));
      timer.unref();
      this.resyncTimers.add(timer);
    }
    this.log.info({ redis: 'bus', sessionsEnded: ended, reconnecting: live.length - ended }, 'bus reconnected: ended sessions closed, other sockets reconnect to catch up');
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    return work.finally(() => this.pending.delete(work));
  }

  async publish(events: OutgoingEvent[]): Promise<void> {
    // One load for the whole batch, shared by every recipient.
    const preloaded = events.map((e) => e.message).filter((m): m is MessageView => !!m);
    const views = await eventViews(this.orm.em.fork(), events.map((e) => e.event), preloaded);
    events.forEach(({ event, recipients }, i) => {
      countPublished(event.type);
      for (const [payload, users] of payloadsFor(views[i], recipients)) if (users.length) this.bus.deliver(users.map(userTopic), payload);
      // After the event itself, on the same bus: the person's filtered streams get it, then complete.
      if (LEAVING.has(event.type) && event.userId && event.conversationId) this.bus.deliver([LEFT_CONVERSATION], { userId: event.userId, conversationId: event.conversationId });
    });
  }

  async endSessions(userId: string, sessionIds?: string[], exceptSessionId?: string): Promise<void> {
    this.bus.deliver([END_SESSIONS], { userId, sessionIds, exceptSessionId } satisfies EndSessions);
  }

  /** Registers a live connection; a person's first connection anywhere makes them online. */
  async connect(connection: LiveConnection): Promise<void> {
    let set = this.connections.get(connection.userId);
    if (!set) this.connections.set(connection.userId, (set = new Set()));
    set.add(connection);
    // Still registered while stopping (a session end must reach it), but presence is handed over.
    if (set.size > 1 || this.stopped) return;
    await this.track((async () => this.presenceChanged(await this.presence.changed([connection.userId], true), true))());
  }

  /** A person whose last connection anywhere closed goes offline (last seen stamped). */
  async disconnect(connection: LiveConnection): Promise<void> {
    const set = this.connections.get(connection.userId);
    if (!set?.delete(connection) || set.size) return;
    this.connections.delete(connection.userId);
    // Reconnecting after a resync: its presence entry stays until it reconnects or the TTL passes.
    if (this.resyncing.has(connection)) return;
    await this.track((async () => this.presenceChanged(await this.presence.changed([connection.userId], false), false))());
  }

  isLocal(userId: string): boolean {
    return (this.connections.get(userId)?.size ?? 0) > 0;
  }

  onlineAmong(userIds: string[]): Promise<Set<string>> {
    return this.presence.onlineAmong(userIds);
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.connections.values()) n += set.size;
    return n;
  }

  /**
   * Presence goes to everyone who shares a group with each user; going offline stamps last seen.
   * Any number of users in three statements. Failures are logged here: presence never fails a
   * subscription or a disconnect.
   */
  async presenceChanged(userIds: string[], online: boolean, lastSeen?: Date): Promise<void> {
    if (!userIds.length) return;
    try {
      const em = this.orm.em.fork();
      for (let i = 0; i < userIds.length; i += CHUNK) {
        const ids = userIds.slice(i, i + CHUNK);
        if (!online) await stampLastSeen(em, ids, lastSeen ?? new Date());
        const [rows, people] = await Promise.all([coMembersOf(em, ids), loadPeople(em, ids)]);
        const watchers = new Map<string, string[]>();
        for (const { about, user_id } of rows) {
          const list = watchers.get(about);
          if (list) list.push(user_id);
          else watchers.set(about, [user_id]);
        }
        const at = new Date();
        for (const userId of ids) {
          countPublished('PRESENCE');
          const to = watchers.get(userId);
          const view: ChatEventView = { id: null, type: 'PRESENCE', conversationId: null, at, message: null, user: people.get(userId) ?? null, readSeq: null, online, notification: null };
          if (to?.length) this.bus.deliver(to.map(userTopic), { chatEvents: view });
        }
      }
    } catch (error) {
      countBusError('presence');
      this.log.error({ err: error, userIds: userIds.slice(0, 5), count: userIds.length, online }, 'presence change not published');
    }
  }
}
