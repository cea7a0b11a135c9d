/**
 * #/chat and #/chat/<conversationId>: the conversation list on the left, the open conversation
 * on the right (on narrow screens one or the other), and the connection banner above both.
 * Switching conversations keeps the page (and the list) and only replaces the right side.
 */
import { h, replaceChildren } from '../dom.js';
import { hashQuery } from '../router.js';
import { connectionBanner } from '../chat/connectionBanner.js';
import { ConversationView } from '../chat/conversationView.js';
import { ConversationSidebar } from '../chat/sidebar.js';
import { chatStore } from '../chat/store.js';
import type { Page, PageContext } from '../ui.js';

export function chatPage(ctx: PageContext): Page {
  const sidebar = new ConversationSidebar();
  const banner = connectionBanner();
  const pane = h('div', { class: 'chat-pane' });
  const layout = h('div', { class: 'chat-layout' }, sidebar.el, pane);
  const el = h('section', { class: 'chat', 'data-testid': 'chat-page' }, h('h1', { class: 'visually-hidden', tabindex: '-1' }, '消息'), banner.el, layout);
  let view: ConversationView | null = null;
  let openId: string | null | undefined;

  const setTitle = (title: string) => {
    document.title = `${title} - 交流 · 政务服务工作交流平台`;
  };

  /** "#/chat/<id>?msg=<messageId>&seq=<n>" (from a search result): scroll to that message. */
  function showTarget(): void {
    const query = hashQuery();
    // "?panel=members" (an application notification's link): the 成员 panel, where it is reviewed.
    if (view && query.get('panel') === 'members') view.openPanel('members');
    const msg = query.get('msg');
    if (!view || !msg) return;
    const seq = Number(query.get('seq'));
    view.showMessage(msg, Number.isFinite(seq) && seq > 0 ? seq : null);
  }

  function open(id: string | null): void {
    if (id === openId) return showTarget();
    view?.destroy();
    view = null;
    openId = id;
    sidebar.setActive(id);
    layout.classList.toggle('has-conversation', !!id);
    if (!id) {
      setTitle('消息');
      replaceChildren(
        pane,
        h(
          'div',
          { class: 'chat-placeholder', 'data-testid': 'chat-placeholder' },
          h('p', { class: 'placeholder-mark', 'aria-hidden': 'true' }, '交'),
          h('p', null, '选择左侧的群组或私聊开始交流'),
          h('p', { class: 'muted' }, h('a', { href: '#/groups' }, '发现群组'), ' · ', h('a', { href: '#/groups/new' }, '创建群组'), ' · ', h('a', { href: '#/directory' }, '在通讯录中找人私聊')),
        ),
      );
      return;
    }
    view = new ConversationView(id, setTitle);
    replaceChildren(pane, view.el);
    showTarget();
  }

  // Presence and invitations are not in the event log: refresh the list on every visit.
  if (chatStore.status === 'ready') void chatStore.load();
  open(ctx.params.conversationId ?? null);

  ctx.signal.addEventListener('abort', () => {
    view?.destroy();
    sidebar.destroy();
    banner.destroy();
  });

  return {
    title: '消息',
    el,
    layout: 'fill',
    update(params) {
      open(params.conversationId ?? null);
    },
  };
}
