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
import { formatMonthDayTime } from '../format.js';

const COUNT = graphql('query NotificationCount { notifications(first: 1, unreadOnly: true) { unreadCount } }');
const MARK = graphql('mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }');

/**
 * 会议“…”（12月10日 09:00）: the notice's title and start in Beijing time, read when shown (so
 * notifications stored before they carried it name the meeting too); the group's name when the
 * notice is no longer visible.
 */
function meetingName(n: Notification): string {
  return n.meeting ? `会议“${n.meeting.title}”（${formatMonthDayTime(n.meeting.startsAt)}）` : `“${n.groupName}”的会议`;
}

/** A text field of the notification's details (JSON), or null. */
function detail(n: Notification, key: string): string | null {
  if (!n.details) return null;
  try {
    const value = (JSON.parse(n.details) as Record<string, unknown>)[key];
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null;
  }
}

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
      return `${who} 邀请您参加${meetingName(n)}`;
    case 'MEETING_CHANGED':
      return `${who} 修改了${meetingName(n)}`;
    case 'MEETING_CANCELLED':
      return `${who} 取消了${meetingName(n)}`;
    case 'MEETING_REMINDER':
      return `${meetingName(n)}即将开始`;
    case 'MEETING_NUDGE':
      return `${who} 请您回复${meetingName(n)}`;
    case 'ANNOUNCEMENT':
      return `${who} 在“${n.groupName}”发布了新公告${n.announcement ? `《${n.announcement.title}》` : ''}`;
    case 'GROUP_APPLICATION':
      return `${who} 申请加入“${n.groupName}”，请审核`;
    case 'APPLICATION_APPROVED':
      return `${who} 同意了您加入“${n.groupName}”的申请`;
    case 'APPLICATION_REJECTED': {
      const reason = detail(n, 'reason');
      return `您加入“${n.groupName}”的申请未通过${reason ? `：${reason}` : ''}`;
    }
    case 'GROUP_INVITATION':
      return `${who} 邀请您加入“${n.groupName}”`;
    case 'DOCUMENT_REQUEST':
      return `${who} 向您索要文件（${n.groupName}）`;
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
  if (n.meeting) return `#/meetings/${encodeURIComponent(n.meeting.id)}`;
  if (n.announcement) return `#/announcements/${encodeURIComponent(n.announcement.id)}`;
  const chat = n.group?.conversation ? `#/chat/${encodeURIComponent(n.group.conversation.id)}` : null;
  // The application is reviewed in the group chat's 成员 panel.
  if (n.kind === 'GROUP_APPLICATION') return chat ? `${chat}?panel=members` : null;
  if (n.kind === 'APPLICATION_APPROVED') return chat;
  if (n.kind === 'APPLICATION_REJECTED' || n.kind === 'GROUP_INVITATION') return '#/groups';
  if ((n.kind === 'DOCUMENT_REQUEST' || n.kind === 'DOCUMENT_REQUEST_ANSWERED') && n.group) {
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
        // Read for the viewer elsewhere (an application another reviewer decided): count again.
        if (event.type === 'NOTIFICATIONS_CHANGED') return void this.refresh();
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
