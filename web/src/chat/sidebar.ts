/**
 * The left column of 消息: pending invitations, then every group and private chat, newest
 * activity first, each with its last message, an unread badge and an @ marker when the viewer
 * was mentioned. A filter box narrows the list by name.
 */
import { h, replaceChildren } from '../dom.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { viewer } from '../session.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { previewText } from './body.js';
import { invitationCard } from './groupForms.js';
import { presenceDot } from './members.js';
import { chatStore, type ConversationItem } from './store.js';
import { listTime } from './time.js';

export class ConversationSidebar {
  readonly el: HTMLElement;
  private readonly invitations: HTMLElement;
  private readonly listBox: HTMLElement;
  private readonly filter: HTMLInputElement;
  private activeId: string | null = null;
  private invitationKey: string | null = null;
  private readonly off: () => void;
  private readonly offPresence: () => void;

  constructor() {
    this.filter = h('input', { type: 'search', class: 'search', placeholder: '搜索群组或私聊', 'aria-label': '搜索会话', maxlength: 30, 'data-testid': 'conversation-filter' });
    this.filter.addEventListener('input', () => this.render());
    this.invitations = h('div', { class: 'invitations' });
    this.listBox = h('nav', { class: 'conv-list-box', 'aria-label': '会话列表' });
    this.el = h(
      'aside',
      { class: 'chat-sidebar', 'aria-label': '会话', 'data-testid': 'chat-sidebar' },
      h(
        'div',
        { class: 'sidebar-head' },
        h('h2', { class: 'panel-title' }, '消息'),
        h('div', { class: 'actions' }, h('a', { class: 'btn btn-small btn-secondary', href: '#/groups', 'data-testid': 'discover-groups' }, '发现群组'), h('a', { class: 'btn btn-small btn-primary', href: '#/groups/new', 'data-testid': 'create-group' }, '创建群组')),
      ),
      this.filter,
      this.invitations,
      this.listBox,
    );
    this.off = chatStore.onChange(() => this.render());
    this.offPresence = chatStore.onPresence(() => this.render());
    this.render();
  }

  destroy(): void {
    this.off();
    this.offPresence();
  }

  setActive(id: string | null): void {
    this.activeId = id;
    for (const a of this.listBox.querySelectorAll<HTMLElement>('a.conv-item')) {
      if (a.dataset.conversationId === id) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  private render(): void {
    this.renderInvitations();
    const focusedId = this.listBox.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.conversationId : undefined;
    if (chatStore.status === 'loading' || chatStore.status === 'idle') {
      replaceChildren(this.listBox, loading('正在加载会话…'));
      return;
    }
    if (chatStore.status === 'error' && chatStore.error) {
      replaceChildren(this.listBox, errorBox(chatStore.error, () => void chatStore.load()));
      return;
    }
    const q = this.filter.value.trim().toLowerCase();
    const items = chatStore.list().filter((item) => !q || item.title.toLowerCase().includes(q) || (item.peer?.unit.name.includes(q) ?? false));
    if (!items.length) {
      replaceChildren(
        this.listBox,
        q ? emptyState('没有符合条件的会话') : emptyState('您还没有加入任何群组', h('p', null, h('a', { href: '#/groups' }, '发现并申请加入群组'), ' 或 ', h('a', { href: '#/groups/new' }, '创建一个群组'))),
      );
      return;
    }
    replaceChildren(this.listBox, h('ul', { class: 'conv-list', 'data-testid': 'conversation-list' }, items.map((item) => h('li', null, this.row(item)))));
    if (focusedId) this.listBox.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  private row(item: ConversationItem): HTMLElement {
    const last = item.lastMessage;
    const me = viewer()?.id;
    const many = item.kind !== 'DIRECT';
    const preview = last ? `${many && !last.recalledAt && last.author ? `${last.author.id === me ? '我' : last.author.realName}：` : ''}${previewText(last, 40, true)}` : many ? '暂无消息' : '还没有聊过';
    const unread = item.unread > 99 ? '99+' : String(item.unread);
    return h(
      'a',
      {
        class: `conv-item${item.unread ? ' conv-unread' : ''}`,
        href: `#/chat/${encodeURIComponent(item.id)}`,
        'aria-current': item.id === this.activeId ? 'page' : null,
        'data-testid': 'conversation-item',
        'data-conversation-id': item.id,
        'data-kind': item.kind,
      },
      item.kind === 'GROUP'
        ? h('span', { class: 'conv-avatar conv-avatar-group', 'aria-hidden': 'true' }, '群')
        : item.kind === 'DISCUSSION'
          ? h('span', { class: 'conv-avatar conv-avatar-discussion', 'aria-hidden': 'true' }, '讨')
          : h('span', { class: 'conv-avatar', 'aria-hidden': 'true' }, [...item.title][0] ?? '?', item.peer ? presenceDot(item.peer.id) : null),
      h(
        'span',
        { class: 'conv-text' },
        h(
          'span',
          { class: 'conv-line' },
          h('span', { class: 'conv-name', 'data-testid': 'conversation-name' }, item.title),
          item.discussion ? h('span', { class: 'conv-tag', title: item.group ? `${item.group.name} 的讨论组` : '讨论组' }, item.discussion.archived ? '已归档' : '讨论组') : null,
          h('span', { class: 'conv-time' }, listTime(last?.createdAt ?? null)),
        ),
        h(
          'span',
          { class: 'conv-line' },
          h('span', { class: 'conv-preview' }, item.mentions ? h('span', { class: 'conv-at', 'data-testid': 'mention-marker' }, '[有人@我] ') : null, preview),
          item.unread ? h('span', { class: 'count-badge', 'data-testid': 'unread-badge' }, unread) : null,
          // The link's name is its visible text (a screen reader hears what is shown), plus what the count means.
          item.unread ? h('span', { class: 'visually-hidden' }, ' 条未读') : null,
        ),
      ),
    );
  }

  private renderInvitations(): void {
    const list = chatStore.invitations;
    // Only when the invitations changed: a half-filled card must survive new messages.
    const key = list.map((i) => i.id).join(',');
    if (key === this.invitationKey) return;
    this.invitationKey = key;
    if (!list.length) {
      replaceChildren(this.invitations);
      return;
    }
    replaceChildren(
      this.invitations,
      h('h3', { class: 'side-subtitle' }, `群邀请（${list.length}）`),
      list.map((inv) =>
        invitationCard(
          inv,
          (conversationId) => {
            notify(`您已加入“${inv.group.name}”`);
            void chatStore.load();
            if (conversationId) navigate(`#/chat/${encodeURIComponent(conversationId)}`);
          },
          () => {
            notify('已拒绝邀请', 'info');
            void chatStore.load();
          },
          () => chatStore.dropInvitation(inv.id),
        ),
      ),
    );
  }
}
