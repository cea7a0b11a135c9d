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
import { directoryPage } from './pages/directory.js';
import { chatPage } from './pages/chat.js';
import { bbsPage } from './pages/bbs.js';
import { threadPage } from './pages/thread.js';
import { myThreadsPage } from './pages/myThreads.js';
import { notificationsPage } from './pages/notifications.js';
import { searchPage } from './pages/search.js';
import { groupDocsPage, myRequestsPage } from './documents/pages.js';
import { notificationStore } from './forum/notificationStore.js';
import { groupsPage } from './pages/groups.js';
import { loginPage } from './pages/login.js';
import { mePage } from './pages/me.js';
import { pendingPage } from './pages/pending.js';
import { createUserPage } from './pages/createUser.js';
import { profilePage } from './pages/profile.js';
import { registerPage } from './pages/register.js';
import { announcementPage, bulletinPage, groupBoardPage, meetingFormPage, meetingPage, meetingsHomePage } from './meetings/pages.js';
import { currentHash, navigate, Router } from './router.js';
import { isAdmin, loadViewer, onViewerChange, viewer } from './session.js';
import { Shell, type NavKey } from './shell.js';
import { moderationPage, myRecordPage } from './moderation/pages.js';
import type { Viewer } from './types.js';
import { errorBox, loading, pageTitle, type Page, type PageContext } from './ui.js';

interface RouteDef {
  /** Routes with the same key share one page instance (the page updates in place). */
  key: string;
  access: 'guest' | 'user' | 'admin';
  nav: NavKey;
  render: (ctx: PageContext) => Page;
  /** Fixed parameters of this route, merged into the matched ones (e.g. #/groups/new opens the form). */
  params?: Record<string, string>;
}

const router = new Router()
  .add('home', '/')
  .add('chat', '/chat')
  .add('conversation', '/chat/:conversationId')
  .add('groups', '/groups')
  .add('groupsNew', '/groups/new')
  .add('bbs', '/groups/:groupId/bbs')
  .add('bbsBoard', '/groups/:groupId/bbs/:boardId')
  .add('groupFiles', '/groups/:groupId/files')
  .add('groupRequests', '/groups/:groupId/requests')
  .add('myRequests', '/my/requests')
  .add('thread', '/thread/:id')
  .add('myThreads', '/my/threads')
  .add('notifications', '/notifications')
  .add('search', '/search')
  .add('login', '/login')
  .add('register', '/register')
  .add('directory', '/directory')
  .add('directoryUnit', '/directory/:unitId')
  .add('user', '/users/:id')
  .add('me', '/me')
  .add('pending', '/admin/pending')
  .add('createUser', '/admin/users/new')
  .add('meetings', '/meetings')
  .add('meetingsGroup', '/meetings/group/:groupId')
  .add('meetingNew', '/meetings/new/:groupId')
  .add('meetingEdit', '/meetings/:id/edit')
  .add('meeting', '/meetings/:id')
  .add('announcement', '/announcements/:id')
  .add('bulletinNew', '/bulletins/new')
  .add('moderation', '/groups/:groupId/moderation')
  .add('myRecord', '/my/record');

const ROUTES: Record<string, RouteDef> = {
  chat: { key: 'chat', access: 'user', nav: 'chat', render: (ctx) => chatPage(ctx) },
  conversation: { key: 'chat', access: 'user', nav: 'chat', render: (ctx) => chatPage(ctx) },
  groups: { key: 'groups', access: 'user', nav: 'groups', render: (ctx) => groupsPage(ctx) },
  groupsNew: { key: 'groups', access: 'user', nav: 'groups', render: (ctx) => groupsPage(ctx), params: { create: '1' } },
  bbs: { key: 'bbs', access: 'user', nav: 'chat', render: (ctx) => bbsPage(ctx) },
  bbsBoard: { key: 'bbs', access: 'user', nav: 'chat', render: (ctx) => bbsPage(ctx) },
  groupFiles: { key: 'groupDocs', access: 'user', nav: 'chat', render: (ctx) => groupDocsPage(ctx), params: { tab: 'files' } },
  groupRequests: { key: 'groupDocs', access: 'user', nav: 'chat', render: (ctx) => groupDocsPage(ctx), params: { tab: 'requests' } },
  myRequests: { key: 'myRequests', access: 'user', nav: 'notifications', render: (ctx) => myRequestsPage(ctx) },
  thread: { key: 'thread', access: 'user', nav: null, render: (ctx) => threadPage(ctx) },
  myThreads: { key: 'myThreads', access: 'user', nav: 'myThreads', render: (ctx) => myThreadsPage(ctx) },
  notifications: { key: 'notifications', access: 'user', nav: 'notifications', render: (ctx) => notificationsPage(ctx) },
  search: { key: 'search', access: 'user', nav: 'search', render: (ctx) => searchPage(ctx) },
  login: { key: 'login', access: 'guest', nav: null, render: () => loginPage() },
  register: { key: 'register', access: 'guest', nav: null, render: (ctx) => registerPage(ctx) },
  directory: { key: 'directory', access: 'user', nav: 'directory', render: (ctx) => directoryPage(ctx) },
  directoryUnit: { key: 'directory', access: 'user', nav: 'directory', render: (ctx) => directoryPage(ctx) },
  user: { key: 'user', access: 'user', nav: 'directory', render: (ctx) => profilePage(ctx) },
  me: { key: 'me', access: 'user', nav: 'me', render: (ctx) => mePage(ctx) },
  pending: { key: 'pending', access: 'admin', nav: 'pending', render: (ctx) => pendingPage(ctx) },
  createUser: { key: 'createUser', access: 'admin', nav: 'createUser', render: (ctx) => createUserPage(ctx) },
  meetings: { key: 'meetings', access: 'user', nav: 'meetings', render: (ctx) => meetingsHomePage(ctx) },
  meetingsGroup: { key: 'meetingsGroup', access: 'user', nav: 'meetings', render: (ctx) => groupBoardPage(ctx) },
  meetingNew: { key: 'meetingForm', access: 'user', nav: 'meetings', render: (ctx) => meetingFormPage(ctx) },
  meetingEdit: { key: 'meetingForm', access: 'user', nav: 'meetings', render: (ctx) => meetingFormPage(ctx) },
  meeting: { key: 'meeting', access: 'user', nav: 'meetings', render: (ctx) => meetingPage(ctx) },
  announcement: { key: 'announcement', access: 'user', nav: 'meetings', render: (ctx) => announcementPage(ctx) },
  bulletinNew: { key: 'bulletinNew', access: 'user', nav: 'meetings', render: (ctx) => bulletinPage(ctx) },
  moderation: { key: 'moderation', access: 'user', nav: 'chat', render: (ctx) => moderationPage(ctx) },
  myRecord: { key: 'myRecord', access: 'user', nav: 'me', render: (ctx) => myRecordPage(ctx) },
};

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
  if (match.name === 'home') {
    // 消息 is where officials start: their groups and private chats.
    navigate(v ? '#/chat' : '#/login', true);
    return;
  }
  const def = ROUTES[match.name];
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

let chatUserId: string | null = null;

/** The live stream and conversation list belong to whoever is signed in. */
function syncChat(v: Viewer | null): void {
  if ((v?.id ?? null) !== chatUserId) {
    realtime.stop();
    chatStore.stop();
    notificationStore.stop();
    chatUserId = v?.id ?? null;
  }
  if (v) {
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
    if (!v && active && ROUTES[router.match(active.hash)?.name ?? '']?.access !== 'guest') navigate('#/login', true);
  });
  window.addEventListener('hashchange', render);
  render();
}

void start();
