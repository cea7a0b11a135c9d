/**
 * The viewer's unread notification count (the bell in the header), kept current from the live
 * NOTIFICATION events of the chat stream. Notifications are not stored as events, so a reconnect
 * or resync asks the server for the count again. Pages listen for new ones (the thread page loads
 * new floors when a reply to it is announced).
 */
import { moderationNotificationHref, moderationNotificationText } from '../moderation/notifications.js';
import { gql } from '../api.js';
import { notify } from '../notify.js';
import { realtime } from '../chat/realtime.js';
import type { Notification } from './types.js';
import { graphql } from '../graphql/index.js';

const COUNT = graphql('query NotificationCount { notifications(first: 1, unreadOnly: true) { unreadCount } }');
const MARK = graphql('mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }');

/** One line a person reads, e.g. "程永 回复了您关注的帖子《…》". */
export function notificationText(n: Notification): string {
  const who = n.actor.realName;
  switch (n.kind) {
    case 'THREAD_REPLY':
      return `${who} 回复了您关注的帖子《${n.thread?.title ?? '已不可见的帖子'}》${n.reply ? `（${n.reply.floor}楼）` : ''}`;
    case 'MENTION':
      return `${who} 在${n.reply ? `《${n.thread?.title ?? '帖子'}》的 ${n.reply.floor}楼` : `帖子《${n.thread?.title ?? '已不可见的帖子'}》`}中提到了您`;
    case 'DISCUSSION_INVITE':
      return `${who} 邀请您加入讨论组“${n.discussion?.topic ?? '已退出的讨论组'}”`;
    case 'MEETING_INVITE':
      return `${who} 邀请您参加“${n.group.name}”的会议`;
    case 'MEETING_CHANGED':
      return `${who} 修改了您受邀参加的会议`;
    case 'MEETING_CANCELLED':
      return `${who} 取消了您受邀参加的会议`;
    case 'MEETING_REMINDER':
      return `您受邀参加的会议即将开始（${n.group.name}）`;
    case 'MEETING_NUDGE':
      return `${who} 请您回复会议通知`;
    case 'ANNOUNCEMENT':
      return `${who} 在“${n.group.name}”发布了新公告`;
    case 'DOCUMENT_REQUEST':
      return `${who} 向您索要文件（${n.group.name}）`;
    case 'DOCUMENT_REQUEST_ANSWERED':
      return `${who} 回复了您的文件请求`;
    default:
      return moderationNotificationText(n) ?? `${who} 有新动态`;
  }
}

/** Where a notification leads. */
export function notificationHref(n: Notification): string | null {
  if (n.thread) return `#/thread/${encodeURIComponent(n.thread.id)}${n.reply ? `?floor=${n.reply.floor}` : ''}`;
  if (n.discussion) return `#/chat/${encodeURIComponent(n.discussion.conversation.id)}`;
  if (n.kind === 'DOCUMENT_REQUEST' || n.kind === 'DOCUMENT_REQUEST_ANSWERED') {
    return `#/groups/${encodeURIComponent(n.group.id)}/requests${n.subjectId ? `?request=${encodeURIComponent(n.subjectId)}` : ''}`;
  }
  return moderationNotificationHref(n);
}

class NotificationStore {
  unread = 0;
  private readonly listeners = new Set<() => void>();
  private readonly newListeners = new Set<(n: Notification) => boolean | void>();
  private detach: Array<() => void> = [];
  private loadSeq = 0;

  start(): void {
    if (this.detach.length) return;
    this.detach = [
      realtime.onEvent((event) => {
        if (event.type !== 'NOTIFICATION' || !event.notification) return;
        const n = event.notification;
        if (!n.read) this.unread += 1;
        this.changed();
        let handled = false;
        for (const listener of [...this.newListeners]) {
          try {
            if (listener(n) === true) handled = true;
          } catch (error) {
            console.warn('notification listener failed', error);
          }
        }
        if (!handled) notify(notificationText(n), 'info', 8000);
      }),
      realtime.onResync(() => void this.refresh()),
      realtime.onState((_, recovered) => {
        if (recovered) void this.refresh();
      }),
    ];
    void this.refresh();
  }

  stop(): void {
    for (const off of this.detach) off();
    this.detach = [];
    this.unread = 0;
    this.loadSeq += 1;
    this.changed();
  }

  async refresh(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const data = await gql(COUNT);
      if (seq !== this.loadSeq) return;
      this.unread = data.notifications.unreadCount;
      this.changed();
    } catch {
      // The next event or visit corrects it.
    }
  }

  /** Marks some (or all, with null) read; the count is refetched afterwards. */
  async markRead(ids: string[] | null): Promise<void> {
    if (ids && !ids.length) return;
    await gql(MARK, { ids });
    await this.refresh();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A live notification arrived; return true when the page showed it itself (no toast). */
  onNew(listener: (n: Notification) => boolean | void): () => void {
    this.newListeners.add(listener);
    return () => this.newListeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export const notificationStore = new NotificationStore();
