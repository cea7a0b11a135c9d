/** The frame around every page: product name, navigation, who is signed in, sign-out. */
import { gql } from './api.js';
import { h, replaceChildren } from './dom.js';
import { graphql } from './graphql/index.js';
import { notify } from './notify.js';
import { navigate } from './router.js';
import { isAdmin, setViewer, viewer } from './session.js';
import type { Viewer } from './types.js';

export type NavKey = 'chat' | 'groups' | 'myThreads' | 'meetings' | 'search' | 'notifications' | 'directory' | 'me' | 'pending' | 'createUser' | 'orgImport' | null;

const NAV: Array<{ key: Exclude<NavKey, null | 'notifications' | 'search'>; label: string; href: string; adminOnly?: boolean; systemAdminOnly?: boolean }> = [
  { key: 'chat', label: '消息', href: '#/chat' },
  { key: 'groups', label: '群组', href: '#/groups' },
  { key: 'myThreads', label: '我的帖子', href: '#/my/threads' },
  { key: 'meetings', label: '会议公告', href: '#/meetings' },
  { key: 'directory', label: '通讯录', href: '#/directory' },
  { key: 'me', label: '我的资料', href: '#/me' },
  { key: 'pending', label: '审核注册', href: '#/admin/pending', adminOnly: true },
  { key: 'createUser', label: '新建账号', href: '#/admin/users/new', adminOnly: true },
  { key: 'orgImport', label: '组织导入', href: '#/admin/org-import', systemAdminOnly: true },
];

const LOGOUT = graphql('mutation Logout { logout }');

export class Shell {
  readonly el: HTMLElement;
  readonly main: HTMLElement;
  private readonly nav: HTMLElement;
  private readonly userBox: HTMLElement;
  private activeKey: NavKey = null;
  private loggingOut = false;
  /** Unread messages in all conversations, on the 消息 link. */
  private readonly unreadBadge: HTMLElement;
  /** Unread notifications, on the bell. */
  private readonly bellBadge: HTMLElement;
  private notificationCount = 0;

  constructor() {
    this.main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
    this.nav = h('nav', { class: 'nav', 'aria-label': '主导航' });
    this.userBox = h('div', { class: 'userbox' });
    this.unreadBadge = h('span', { class: 'count-badge nav-badge', hidden: true, 'data-testid': 'nav-unread' });
    this.bellBadge = h('span', { class: 'count-badge bell-badge', hidden: true, 'data-testid': 'bell-count' });
    const skip = h('button', { type: 'button', class: 'skip-link', onclick: () => this.main.focus() }, '跳到主要内容');
    const header = h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'topbar-inner' },
        h(
          'a',
          { class: 'brand', href: '#/', 'data-testid': 'brand' },
          h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '交'),
          h('span', { class: 'brand-text' }, h('strong', null, '交流'), h('span', { class: 'brand-long' }, h('span', { class: 'brand-sep' }, ' · '), '政务服务工作交流平台')),
        ),
        this.nav,
        this.userBox,
      ),
    );
    const footer = h('footer', { class: 'footer' }, '交流 · 政务服务工作交流平台 — 实名交流，遵守保密守则，文明上网');
    this.el = h('div', { class: 'shell' }, skip, header, this.main, footer);
    this.update(viewer());
  }

  /** The total unread count next to 消息 (hidden at 0). */
  setUnread(count: number): void {
    this.unreadBadge.hidden = count === 0;
    this.unreadBadge.textContent = count > 99 ? '99+' : String(count);
    this.unreadBadge.title = `${count} 条未读消息`;
  }

  /** Unread notifications on the bell (hidden at 0). */
  setNotifications(count: number): void {
    this.notificationCount = count;
    this.bellBadge.hidden = count === 0;
    this.bellBadge.textContent = count > 99 ? '99+' : String(count);
    const bell = this.userBox.querySelector<HTMLElement>('[data-testid=bell]');
    bell?.setAttribute('aria-label', count ? `通知，${count} 条未读` : '通知');
    if (bell) bell.title = count ? `${count} 条未读通知` : '通知';
  }

  /** 'fill' pages (chat) take the window's height and scroll inside. */
  setLayout(layout: 'fill' | undefined): void {
    this.el.classList.toggle('shell-fill', layout === 'fill');
  }

  setActive(key: NavKey): void {
    this.activeKey = key;
    this.update(viewer());
  }

  update(v: Viewer | null): void {
    if (!v) {
      replaceChildren(this.nav);
      replaceChildren(this.userBox);
      this.nav.hidden = true;
      this.userBox.hidden = true;
      return;
    }
    this.nav.hidden = false;
    this.userBox.hidden = false;
    replaceChildren(
      this.nav,
      h(
        'ul',
        null,
        NAV.filter((item) => (!item.adminOnly || isAdmin(v)) && (!item.systemAdminOnly || v.isSystemAdmin)).map((item) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: item.href, class: 'nav-link', 'aria-current': item.key === this.activeKey ? 'page' : null, 'data-testid': `nav-${item.key}` },
              item.label,
              item.key === 'chat' ? this.unreadBadge : null,
            ),
          ),
        ),
      ),
    );
    const search = h('input', { type: 'search', class: 'topbar-search', name: 'q', maxlength: 50, placeholder: '搜索消息和帖子', 'aria-label': '搜索消息和帖子', autocomplete: 'off', 'data-testid': 'header-search' });
    // The search page's entry in the navigation: a box that opens #/search with what was typed.
    const searchForm = h(
      'form',
      { class: `topbar-search-form${this.activeKey === 'search' ? ' is-current' : ''}`, role: 'search', 'aria-label': '搜索', novalidate: true, 'data-testid': 'nav-search' },
      search,
    );
    searchForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const q = search.value.trim();
      navigate(q ? `#/search?q=${encodeURIComponent(q)}` : '#/search');
      search.value = '';
      search.blur();
    });
    const bell = h(
      'a',
      { class: 'bell', href: '#/notifications', 'aria-current': this.activeKey === 'notifications' ? 'page' : null, 'data-testid': 'bell' },
      bellIcon(),
      this.bellBadge,
    );
    replaceChildren(
      this.userBox,
      searchForm,
      bell,
      h(
        'a',
        { class: 'viewer', href: '#/me', title: '我的资料' },
        h('span', { class: 'viewer-name', 'data-testid': 'viewer-name' }, v.realName),
        h('span', { class: 'viewer-unit', 'data-testid': 'viewer-unit' }, v.unit.name),
      ),
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'logout', onclick: () => this.logout() }, '退出登录'),
    );
    this.setNotifications(this.notificationCount);
  }

  private async logout(): Promise<void> {
    if (this.loggingOut) return;
    this.loggingOut = true;
    try {
      await gql(LOGOUT);
      setViewer(null);
      notify('您已退出登录', 'info');
      navigate('#/login', true);
    } catch (error) {
      notify(error instanceof Error ? error.message : '退出登录失败，请重试', 'error');
    } finally {
      this.loggingOut = false;
    }
  }
}

/** A bell drawn as SVG (built with DOM calls: no markup strings, no emoji font needed). */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'bell-icon');
  for (const d of ['M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9', 'M10.3 21a1.94 1.94 0 0 0 3.4 0']) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(path);
  }
  return svg;
}
