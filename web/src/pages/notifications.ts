/**
 * #/notifications: the viewer's notifications, newest first (unread marked), with 只看未读,
 * 全部标为已读, and 加载更多. Opening one marks it read and goes to the thread floor or the
 * discussion group. New ones arrive live at the top.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren } from '../dom.js';
import { notificationHref, notificationStore, notificationText } from '../forum/notificationStore.js';
import { timeEl } from '../forum/render.js';
import type { Notification } from '../forum/types.js';
import { notify } from '../notify.js';
import { MODERATION_KIND_LABELS } from '../moderation/notifications.js';
import { navigate } from '../router.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql } from '../graphql/index.js';
import { NotificationFields } from '../graphql/fragments.js';

const LIST = graphql(`query Notifications($first: Int, $after: String, $unread: Boolean) { notifications(first: $first, after: $after, unreadOnly: $unread) {
  unreadCount pageInfo { hasNextPage endCursor } edges { cursor node { ...NotificationFields } } } }`, [NotificationFields]);
const PAGE_SIZE = 30;
const KIND_LABELS: Record<Notification['kind'], string> = {
  THREAD_REPLY: '回复',
  MENTION: '提及',
  DISCUSSION_INVITE: '讨论组',
  MEETING_INVITE: '会议',
  MEETING_CHANGED: '会议',
  MEETING_CANCELLED: '会议',
  MEETING_REMINDER: '会议',
  MEETING_NUDGE: '会议',
  ANNOUNCEMENT: '公告',
  DOCUMENT_REQUEST: '文件',
  DOCUMENT_REQUEST_ANSWERED: '文件',
  GROUP_APPLICATION: '入群',
  APPLICATION_APPROVED: '入群',
  APPLICATION_REJECTED: '入群',
  GROUP_INVITATION: '入群',
  ...MODERATION_KIND_LABELS,
};

export function notificationsPage(ctx: PageContext): Page {
  const list = h('ul', { class: 'notification-list', 'data-testid': 'notification-list', 'aria-label': '通知' });
  const status = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'notifications-more', onclick: () => void load(false) }, '加载更多');
  const unreadOnly = h('input', { type: 'checkbox', 'data-testid': 'notifications-unread-only', onchange: () => void load(true) });
  const markAll = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'notifications-mark-all' }, '全部标为已读');
  const summary = h('span', { class: 'muted small', 'aria-live': 'polite', 'data-testid': 'notifications-summary' });
  const el = h(
    'section',
    { class: 'notifications-page', 'data-testid': 'notifications-page' },
    pageTitle('通知', h('p', { class: 'muted' }, '关注的帖子有新回复、有人 @ 您、会议通知与群公告、入群申请与邀请、有人向您索要资料时，会在这里提醒您'), h('a', { class: 'btn btn-secondary btn-small', href: '#/my/requests', 'data-testid': 'notifications-my-requests' }, '向我索要的资料')),
    h('section', { class: 'card' }, h('div', { class: 'toolbar' }, summary, h('span', { class: 'spacer' }), h('label', { class: 'check' }, unreadOnly, '只看未读'), markAll), list, status, h('div', { class: 'more-row' }, more)),
  );
  let endCursor: string | null = null;
  let seq = 0;
  const shown = new Set<string>();

  const renderSummary = () => {
    summary.textContent = notificationStore.unread ? `${notificationStore.unread} 条未读` : '没有未读通知';
    markAll.disabled = notificationStore.unread === 0;
  };

  function row(n: Notification): HTMLElement {
    const href = notificationHref(n);
    const item = h('li', { class: `notification${n.read ? '' : ' notification-unread'}`, 'data-testid': 'notification', 'data-kind': n.kind, 'data-read': String(n.read) });
    const markRead = async () => {
      if (n.read) return;
      n.read = true;
      item.classList.remove('notification-unread');
      item.dataset.read = 'true';
      readButton?.remove();
      await notificationStore.markRead([n.id]).catch((error) => {
        const e = pageError(error);
        if (e) notify(e.message, 'error');
      });
    };
    const readButton = n.read ? null : h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'notification-read', onclick: () => void markRead() }, '标为已读');
    const text = notificationText(n);
    replaceChildren(
      item,
      h('span', { class: `badge notification-kind kind-${n.kind.toLowerCase()}` }, KIND_LABELS[n.kind] ?? '通知'),
      h(
        'div',
        { class: 'notification-main' },
        href
          ? h('a', { href, 'data-testid': 'notification-link', onclick: (event: MouseEvent) => (event.preventDefault(), void markRead(), navigate(href)) }, text)
          : h('span', null, text),
        h('p', { class: 'muted small' }, n.groupName, ' · ', timeEl(n.createdAt)),
      ),
      readButton,
    );
    return item;
  }

  async function load(reset: boolean): Promise<void> {
    const current = ++seq;
    if (reset) {
      endCursor = null;
      shown.clear();
      replaceChildren(list);
      replaceChildren(status, loading('正在加载通知…'));
      more.hidden = true;
    } else more.disabled = true;
    try {
      const data = await gql(LIST, { first: PAGE_SIZE, after: reset ? null : endCursor, unread: unreadOnly.checked || null }, ctx.signal);
      if (current !== seq) return;
      replaceChildren(status);
      for (const e of data.notifications.edges) {
        if (shown.has(e.node.id)) continue;
        shown.add(e.node.id);
        list.appendChild(row(e.node));
      }
      endCursor = data.notifications.pageInfo.endCursor;
      more.hidden = !data.notifications.pageInfo.hasNextPage;
      if (!list.children.length) replaceChildren(status, emptyState(unreadOnly.checked ? '没有未读通知' : '还没有通知'));
    } catch (error) {
      if (current !== seq) return;
      const e = pageError(error);
      if (e) replaceChildren(status, errorBox(e, () => void load(reset)));
    } finally {
      more.disabled = false;
    }
  }

  markAll.addEventListener('click', async () => {
    markAll.disabled = true;
    try {
      await notificationStore.markRead(null);
      for (const item of list.querySelectorAll<HTMLElement>('.notification-unread')) {
        item.classList.remove('notification-unread');
        item.dataset.read = 'true';
        item.querySelector('[data-testid=notification-read]')?.remove();
      }
      notify('已全部标为已读', 'info');
      if (unreadOnly.checked) void load(true);
    } catch (error) {
      const e = pageError(error);
      if (e) notify(e.message, 'error');
    } finally {
      renderSummary();
    }
  });

  const offChange = notificationStore.onChange(renderSummary);
  const offNew = notificationStore.onNew((n) => {
    if (shown.has(n.id)) return true;
    shown.add(n.id);
    replaceChildren(status);
    list.prepend(row(n));
    return true;
  });
  ctx.signal.addEventListener('abort', () => {
    offChange();
    offNew();
  });
  renderSummary();
  void notificationStore.refresh();
  void load(true);

  return {
    title: '通知',
    el,
    update() {
      void load(true);
    },
  };
}
