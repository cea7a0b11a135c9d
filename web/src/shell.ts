/** The frame around every page: product name, navigation, who is signed in, sign-out. */
import { gql } from './api.js';
import { h, replaceChildren } from './dom.js';
import { notify } from './notify.js';
import { navigate } from './router.js';
import { isAdmin, setViewer, viewer } from './session.js';
import type { Viewer } from './types.js';

export type NavKey = 'chat' | 'groups' | 'meetings' | 'directory' | 'me' | 'pending' | 'createUser' | null;

const NAV: Array<{ key: Exclude<NavKey, null>; label: string; href: string; adminOnly?: boolean }> = [
  { key: 'chat', label: '消息', href: '#/chat' },
  { key: 'groups', label: '群组', href: '#/groups' },
  { key: 'meetings', label: '会议公告', href: '#/meetings' },
  { key: 'directory', label: '通讯录', href: '#/directory' },
  { key: 'me', label: '我的资料', href: '#/me' },
  { key: 'pending', label: '审核注册', href: '#/admin/pending', adminOnly: true },
  { key: 'createUser', label: '新建账号', href: '#/admin/users/new', adminOnly: true },
];

export class Shell {
  readonly el: HTMLElement;
  readonly main: HTMLElement;
  private readonly nav: HTMLElement;
  private readonly userBox: HTMLElement;
  private activeKey: NavKey = null;
  private loggingOut = false;
  /** Unread messages in all conversations, on the 消息 link. */
  private readonly unreadBadge: HTMLElement;

  constructor() {
    this.main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
    this.nav = h('nav', { class: 'nav', 'aria-label': '主导航' });
    this.userBox = h('div', { class: 'userbox' });
    this.unreadBadge = h('span', { class: 'count-badge nav-badge', hidden: true, 'data-testid': 'nav-unread' });
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
          h('span', { class: 'brand-text' }, h('strong', null, '交流'), h('span', { class: 'brand-sep' }, ' · '), '政务服务工作交流平台'),
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
        NAV.filter((item) => !item.adminOnly || isAdmin(v)).map((item) =>
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
    replaceChildren(
      this.userBox,
      h(
        'a',
        { class: 'viewer', href: '#/me', title: '我的资料' },
        h('span', { class: 'viewer-name', 'data-testid': 'viewer-name' }, v.realName),
        h('span', { class: 'viewer-unit', 'data-testid': 'viewer-unit' }, v.unit.name),
      ),
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'logout', onclick: () => this.logout() }, '退出登录'),
    );
  }

  private async logout(): Promise<void> {
    if (this.loggingOut) return;
    this.loggingOut = true;
    try {
      await gql<{ logout: boolean }>('mutation Logout { logout }');
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
