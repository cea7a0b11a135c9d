/**
 * Entry point: asks who is signed in, then renders the page for the current hash route
 * inside the shell. Pages that need login send a signed-out visitor to #/login.
 */
import { toApiError } from './api.js';
import { rememberReturn } from './auth.js';
import { closeEmojiPicker } from './chat/emoji.js';
import { realtime } from './chat/realtime.js';
import { chatStore } from './chat/store.js';
import { h, replaceChildren } from './dom.js';
import { toastRegion } from './notify.js';
import { notificationStore } from './forum/notificationStore.js';
import { currentHash, navigate, Router } from './router.js';
import { ROUTES } from './routes.js';
import { isAdmin, loadViewer, onViewerChange, viewer } from './session.js';
import { initialPasswordPage } from './pages/initialPassword.js';
import { Shell, type NavKey } from './shell.js';
import type { Viewer } from './types.js';
import { errorBox, loading, pageTitle, type Page } from './ui.js';

const router = new Router(ROUTES);

let shell: Shell;
let active: { key: string; hash: string; page: Page; controller: AbortController } | null = null;

function show(key: string, title: string, el: HTMLElement, nav: NavKey = null): void {
  active?.controller.abort();
  active = { key, hash: currentHash(), page: { title, el }, controller: new AbortController() };
  mount(active.page, nav);
}

function mount(page: Page, nav: NavKey): void {
  closeEmojiPicker();
  shell.setLayout(page.layout);
  replaceChildren(shell.main, page.el);
  document.title = `${page.title} - 交流 · 政务服务工作交流平台`;
  shell.setActive(nav);
  window.scrollTo(0, 0);
  const target = page.el.querySelector<HTMLElement>('[data-autofocus]') ?? page.el.querySelector<HTMLElement>('h1') ?? shell.main;
  target.focus({ preventScroll: true });
}

function render(): void {
  const hash = currentHash();
  const match = router.match(hash);
  const v = viewer();
  if (!match) {
    show('notfound', '页面不存在', h('section', { class: 'card empty' }, pageTitle('页面不存在'), h('p', null, h('a', { href: v ? '#/chat' : '#/login' }, v ? '返回消息' : '前往登录'))));
    return;
  }
  const def = match.route;
  // An initial password: nothing but changing it until it is changed (the server refuses the rest).
  if (v?.mustChangePassword && !('access' in def && def.access === 'guest')) {
    if (active?.key !== 'initial-password') {
      const page = initialPasswordPage(v);
      show('initial-password', page.title, page.el);
    }
    return;
  }
  if ('home' in def) {
    navigate(v ? '#/chat' : '#/login', true);
    return;
  }
  const params = { ...match.params, ...def.params };
  if (def.access !== 'guest' && !v) {
    rememberReturn(hash);
    navigate('#/login', true);
    return;
  }
  if (def.access === 'guest' && v) {
    navigate('#/chat', true);
    return;
  }
  if (def.access === 'systemAdmin' && !v?.isSystemAdmin) {
    show('forbidden', '没有权限', h('section', { class: 'card empty', 'data-testid': 'forbidden' }, pageTitle('没有权限'), h('p', null, '只有系统管理员可以使用此功能。'), h('p', null, h('a', { href: '#/directory' }, '返回通讯录'))), def.nav);
    return;
  }
  if (def.access === 'admin' && !isAdmin(v)) {
    show('forbidden', '没有权限', h('section', { class: 'card empty', 'data-testid': 'forbidden' }, pageTitle('没有权限'), h('p', null, '只有单位管理员可以审核注册申请。'), h('p', null, h('a', { href: '#/directory' }, '返回通讯录'))), def.nav);
    return;
  }
  if (active && active.key === def.key && active.page.update) {
    active.hash = hash;
    active.page.update(params);
    shell.setActive(def.nav);
    return;
  }
  active?.controller.abort();
  const controller = new AbortController();
  const page = def.render({ params, signal: controller.signal });
  active = { key: def.key, hash, page, controller };
  mount(page, def.nav);
}

/** Pages for the signed-out (login, register); "not found" and "forbidden" count as not. */
function isGuestPage(hash: string): boolean {
  const route = router.match(hash)?.route;
  return !!route && 'access' in route && route.access === 'guest';
}

let chatUserId: string | null = null;

/** The live stream and conversation list belong to whoever is signed in. */
function syncChat(v: Viewer | null): void {
  if ((v?.id ?? null) !== chatUserId) {
    realtime.stop();
    chatStore.stop();
    notificationStore.stop();
    chatUserId = v?.id ?? null;
  }
  if (v && !v.mustChangePassword) {
    realtime.start();
    chatStore.start();
    notificationStore.start();
  }
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  shell = new Shell();
  replaceChildren(root, shell.el, toastRegion());
  replaceChildren(shell.main, loading('正在连接服务器…'));
  try {
    await loadViewer();
  } catch (error) {
    replaceChildren(shell.main, h('section', { class: 'card' }, pageTitle('无法连接服务器'), errorBox(toApiError(error), () => void start())));
    return;
  }
  chatStore.onChange(() => shell.setUnread(chatStore.totalUnread()));
  notificationStore.onChange(() => shell.setNotifications(notificationStore.unread));
  syncChat(viewer());
  onViewerChange((v) => {
    syncChat(v);
    shell.update(v);
    // Signed out while on a page that needs login: leave it.
    if (!v && active && !isGuestPage(active.hash)) navigate('#/login', true);
    // Into or out of the forced password change (main.ts render shows it).
    else if (v && (v.mustChangePassword || active?.key === 'initial-password')) render();
  });
  window.addEventListener('hashchange', render);
  render();
}

void start();
