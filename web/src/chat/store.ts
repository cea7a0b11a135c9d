/**
 * The viewer's conversations (groups and private chats) with unread and mention counts, pending
 * invitations, and who is online: loaded once, then kept current from the event stream.
 * The sidebar, the nav badge and the conversation page read from here.
 */
import { gql, toApiError, type ApiError } from '../api.js';
import { pageError } from '../auth.js';
import { notify } from '../notify.js';
import { viewer } from '../session.js';
import { realtime } from './realtime.js';
import type { ChatEvent, ChatUser, ConversationKind, ConversationSummary, GroupInfo, Invitation, Message } from './types.js';
import { graphql } from '../graphql/index.js';
import { GroupFields, InvitationFields, SummaryFields, UserFields } from '../graphql/fragments.js';

export interface ConversationItem {
  id: string;
  kind: ConversationKind;
  title: string;
  /** For discussion groups (讨论组): which one, and whether it is archived (read-only). */
  discussion: { id: string; archived: boolean } | null;
  group: GroupInfo | null;
  peer: ChatUser | null;
  lastSeq: number;
  lastReadSeq: number;
  unread: number;
  mentions: number;
  lastMessage: Message | null;
  /** For sorting: the newest message, else when the group was made. */
  activityAt: string;
}

interface DiscussionRow {
  id: string;
  topic: string;
  createdAt: string;
  archivedAt: string | null;
  conversation: ConversationSummary;
}
type GroupRow = GroupInfo & { conversation: ConversationSummary | null; discussions: DiscussionRow[] };
type DirectRow = ConversationSummary & { peer: ChatUser | null };

const HOME = graphql(`query ChatHome {
  myGroups { ...GroupFields conversation { ...SummaryFields }
    discussions(includeArchived: true) { id topic createdAt archivedAt conversation { ...SummaryFields } } }
  directConversations(first: 100) { ...SummaryFields peer { ...UserFields presence { online lastSeenAt } } }
  myInvitations { ...InvitationFields }
}`, [GroupFields, SummaryFields, UserFields, InvitationFields]);
const INVITATIONS = graphql('query MyInvitations { myInvitations { ...InvitationFields } }', [InvitationFields]);
const COUNTS = graphql('query ConversationCounts($id: ID!) { conversation(id: $id) { id lastSeq lastReadSeq unreadCount mentionCount } }');

type Status = 'idle' | 'loading' | 'ready' | 'error';

class ChatStore {
  private readonly items = new Map<string, ConversationItem>();
  invitations: Invitation[] = [];
  status: Status = 'idle';
  error: ApiError | null = null;
  private readonly presence = new Map<string, boolean>();
  private readonly listeners = new Set<() => void>();
  private readonly presenceListeners = new Set<(userId: string, online: boolean) => void>();
  private viewing: string | null = null;
  private loadSeq = 0;
  private reloadTimer: number | undefined;
  private readonly countTimers = new Map<string, number>();
  private started = false;
  private detach: Array<() => void> = [];

  start(): void {
    if (this.started) return;
    this.started = true;
    this.detach = [
      realtime.onEvent((event) => this.apply(event)),
      realtime.onResync(() => void this.load()),
      realtime.onState((_, recovered) => {
        // Invitations and presence are not in the event log: refresh them after a drop.
        if (recovered) void this.load();
      }),
    ];
    void this.load();
  }

  /** An invitation arrives as the invitee's GROUP_INVITATION notification (not as a conversation event). */
  private async refreshInvitations(): Promise<void> {
    if (this.status !== 'ready') return;
    try {
      const data = await gql(INVITATIONS);
      const key = (list: Invitation[]) => list.map((i) => i.id).join(',');
      if (key(data.myInvitations) === key(this.invitations)) return;
      this.invitations = data.myInvitations;
      this.changed();
    } catch {
      // Next time.
    }
  }

  /** An invitation found gone (withdrawn, or answered in another tab) leaves the list at once. */
  dropInvitation(id: string): void {
    const kept = this.invitations.filter((i) => i.id !== id);
    if (kept.length === this.invitations.length) return;
    this.invitations = kept;
    this.changed();
  }

  stop(): void {
    this.started = false;
    for (const off of this.detach) off();
    this.detach = [];
    this.items.clear();
    this.invitations = [];
    this.presence.clear();
    this.status = 'idle';
    this.loadSeq += 1;
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onPresence(listener: (userId: string, online: boolean) => void): () => void {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  }

  /** Conversations, newest activity first. */
  list(): ConversationItem[] {
    return [...this.items.values()].sort((a, b) => (a.activityAt < b.activityAt ? 1 : a.activityAt > b.activityAt ? -1 : a.title.localeCompare(b.title, 'zh-CN')));
  }

  get(id: string): ConversationItem | undefined {
    return this.items.get(id);
  }

  totalUnread(): number {
    let n = 0;
    for (const item of this.items.values()) n += item.unread;
    return n;
  }

  isOnline(userId: string): boolean | undefined {
    return this.presence.get(userId);
  }

  setOnline(userId: string, online: boolean): void {
    this.presence.set(userId, online);
  }

  /**
   * The conversation the viewer is looking at, scrolled to the newest message (its new messages
   * are read at once, so they do not count as unread), or null.
   */
  setViewing(conversationId: string | null): void {
    this.viewing = conversationId;
  }

  /** The page marked messages read: update the badge without waiting for the server. */
  markedRead(conversationId: string, seq: number): void {
    const item = this.items.get(conversationId);
    if (!item || seq <= item.lastReadSeq) return;
    item.lastReadSeq = seq;
    if (seq >= item.lastSeq) {
      item.unread = 0;
      item.mentions = 0;
    } else this.refreshCounts(conversationId);
    this.changed();
  }

  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    if (this.status !== 'ready') {
      this.status = 'loading';
      this.changed();
    }
    try {
      const data = await gql(HOME);
      if (seq !== this.loadSeq) return;
      this.items.clear();
      for (const g of data.myGroups) {
        const { conversation, discussions, ...group } = g;
        if (conversation) this.items.set(conversation.id, this.item(conversation, group.name, group, null, group.createdAt));
        for (const d of discussions ?? []) {
          const item = this.item(d.conversation, d.topic, group, null, d.createdAt);
          item.discussion = { id: d.id, archived: !!d.archivedAt };
          this.items.set(d.conversation.id, item);
        }
      }
      for (const c of data.directConversations) {
        if (c.peer?.presence) this.presence.set(c.peer.id, c.peer.presence.online);
        this.items.set(c.id, this.item(c, c.peer?.realName ?? '私聊', null, c.peer, ''));
      }
      this.invitations = data.myInvitations;
      this.status = 'ready';
      this.error = null;
    } catch (error) {
      if (seq !== this.loadSeq) return;
      const shown = pageError(error);
      if (!shown) return;
      this.error = toApiError(shown);
      if (this.status !== 'ready') this.status = 'error';
    }
    this.changed();
  }

  private item(c: ConversationSummary, title: string, group: GroupInfo | null, peer: ChatUser | null, createdAt: string): ConversationItem {
    return {
      id: c.id,
      kind: c.kind,
      title,
      discussion: null,
      group,
      peer,
      lastSeq: c.lastSeq,
      lastReadSeq: c.lastReadSeq,
      unread: c.unreadCount,
      mentions: c.mentionCount,
      lastMessage: c.lastMessage,
      activityAt: c.lastMessage?.createdAt ?? createdAt,
    };
  }

  /** Reloads everything soon (several triggers in a row make one request). */
  scheduleReload(): void {
    window.clearTimeout(this.reloadTimer);
    this.reloadTimer = window.setTimeout(() => void this.load(), 200);
  }

  private refreshCounts(conversationId: string): void {
    window.clearTimeout(this.countTimers.get(conversationId));
    this.countTimers.set(
      conversationId,
      window.setTimeout(async () => {
        this.countTimers.delete(conversationId);
        try {
          const { conversation: c } = await gql(COUNTS, { id: conversationId });
          const item = this.items.get(conversationId);
          if (!item) return;
          item.lastReadSeq = c.lastReadSeq;
          item.unread = c.unreadCount;
          item.mentions = c.mentionCount;
          this.changed();
        } catch {
          // The next event or reload corrects it.
        }
      }, 300),
    );
  }

  private apply(event: ChatEvent): void {
    const me = viewer()?.id;
    if (event.type === 'PRESENCE') {
      if (!event.user || event.online === null) return;
      this.presence.set(event.user.id, event.online);
      for (const listener of [...this.presenceListeners]) listener(event.user.id, event.online);
      return;
    }
    if (event.type === 'NOTIFICATION' && event.notification?.kind === 'GROUP_INVITATION') return void this.refreshInvitations();
    // An invitation withdrawn (e.g. by a ban) comes as a change to the invitee's notifications.
    if (event.type === 'NOTIFICATIONS_CHANGED') return void this.refreshInvitations();
    if (event.type === 'TYPING' || !event.conversationId) return;
    const item = this.items.get(event.conversationId);
    const aboutMe = !!event.user && event.user.id === me;
    switch (event.type) {
      case 'MESSAGE_ADDED': {
        const m = event.message;
        if (!m) return;
        if (!item) return this.scheduleReload();
        // Already counted (the list was loaded after it was sent).
        if (m.seq <= item.lastSeq) return;
        item.lastSeq = Math.max(item.lastSeq, m.seq);
        item.lastMessage = m;
        item.activityAt = m.createdAt;
        if (m.restrictedPlaceholder) {
          // Not readable by the viewer: not counted (the server's counts leave it out too).
        } else if (m.author?.id === me) {
          item.lastReadSeq = m.seq;
          item.unread = 0;
          item.mentions = 0;
        } else if (this.viewing !== item.id && m.seq > item.lastReadSeq) {
          item.unread += 1;
          if (m.mentionsAll || m.mentions.some((u) => u.id === me)) item.mentions += 1;
        }
        break;
      }
      case 'MESSAGE_EDITED':
      case 'MESSAGE_RECALLED':
      case 'MESSAGE_REMOVED':
      case 'MESSAGE_RESTORED':
      case 'REACTION_CHANGED': {
        const m = event.message;
        if (!item || !m) return;
        if (item.lastMessage?.id === m.id) item.lastMessage = m;
        if ((event.type === 'MESSAGE_RECALLED' || event.type === 'MESSAGE_REMOVED' || event.type === 'MESSAGE_RESTORED') && item.unread > 0 && m.seq > item.lastReadSeq) this.refreshCounts(item.id);
        break;
      }
      case 'READ_STATE': {
        if (!item || event.readSeq === null) return;
        if (event.readSeq >= item.lastSeq) {
          item.lastReadSeq = event.readSeq;
          item.unread = 0;
          item.mentions = 0;
        } else if (event.readSeq > item.lastReadSeq) {
          item.lastReadSeq = event.readSeq;
          this.refreshCounts(item.id);
        }
        break;
      }
      case 'MEMBER_JOINED':
        if (aboutMe || !item) return this.scheduleReload();
        return;
      case 'MEMBER_LEFT':
      case 'MEMBER_REMOVED':
        if (!item) return;
        if (aboutMe) {
          this.items.delete(item.id);
          if (event.type === 'MEMBER_REMOVED') notify(`您已被移出群组“${item.title}”`, 'info', 10_000);
          break;
        }
        return;
      case 'MEMBER_ROLE_CHANGED':
      case 'GROUP_UPDATED':
        return this.scheduleReload();
      default:
        return;
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export const chatStore = new ChatStore();
