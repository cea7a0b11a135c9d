/**
 * Every hash route of the UI, declared once: its pattern, who may open it, the navigation
 * entry it lights up and the page it renders. main.ts matches the hash against this table,
 * in this order (the first match wins).
 */
import { groupArchivePage, myArchivesPage } from './archives/pages.js';
import { groupDocsPage, myRequestsPage } from './documents/pages.js';
import { announcementPage, bulletinPage, groupBoardPage, meetingFormPage, meetingPage, meetingsHomePage } from './meetings/pages.js';
import { moderationPage, myRecordPage } from './moderation/pages.js';
import { bbsPage } from './pages/bbs.js';
import { chatPage } from './pages/chat.js';
import { createUserPage } from './pages/createUser.js';
import { directoryPage } from './pages/directory.js';
import { groupsPage } from './pages/groups.js';
import { loginPage } from './pages/login.js';
import { mePage } from './pages/me.js';
import { myThreadsPage } from './pages/myThreads.js';
import { orgImportPage } from './pages/orgImport.js';
import { notificationsPage } from './pages/notifications.js';
import { pendingPage } from './pages/pending.js';
import { profilePage } from './pages/profile.js';
import { registerPage } from './pages/register.js';
import { searchPage } from './pages/search.js';
import { threadPage } from './pages/thread.js';
import type { NavKey } from './shell.js';
import type { Page, PageContext } from './ui.js';

export interface PageRoute {
  /** "/users/:id": one path segment per parameter. */
  pattern: string;
  /** Routes with the same key share one page instance (the page updates in place). */
  key: string;
  access: 'guest' | 'user' | 'admin' | 'systemAdmin';
  nav: NavKey;
  render: (ctx: PageContext) => Page;
  /** Fixed parameters of this route, merged into the matched ones (e.g. #/groups/new opens the form). */
  params?: Record<string, string>;
}

/** "#/" leads to 消息 (where officials start: their groups and private chats), or to login. */
export interface HomeRoute {
  pattern: '/';
  home: true;
}

export type Route = PageRoute | HomeRoute;

export const ROUTES: readonly Route[] = [
  { pattern: '/', home: true },
  { pattern: '/chat', key: 'chat', access: 'user', nav: 'chat', render: chatPage },
  { pattern: '/chat/:conversationId', key: 'chat', access: 'user', nav: 'chat', render: chatPage },
  { pattern: '/groups', key: 'groups', access: 'user', nav: 'groups', render: groupsPage },
  { pattern: '/groups/new', key: 'groups', access: 'user', nav: 'groups', render: groupsPage, params: { create: '1' } },
  { pattern: '/groups/:groupId/bbs', key: 'bbs', access: 'user', nav: 'chat', render: bbsPage },
  { pattern: '/groups/:groupId/bbs/:boardId', key: 'bbs', access: 'user', nav: 'chat', render: bbsPage },
  { pattern: '/groups/:groupId/files', key: 'groupDocs', access: 'user', nav: 'chat', render: groupDocsPage, params: { tab: 'files' } },
  { pattern: '/groups/:groupId/requests', key: 'groupDocs', access: 'user', nav: 'chat', render: groupDocsPage, params: { tab: 'requests' } },
  { pattern: '/my/requests', key: 'myRequests', access: 'user', nav: 'notifications', render: myRequestsPage },
  { pattern: '/thread/:id', key: 'thread', access: 'user', nav: null, render: threadPage },
  { pattern: '/my/threads', key: 'myThreads', access: 'user', nav: 'myThreads', render: myThreadsPage },
  { pattern: '/notifications', key: 'notifications', access: 'user', nav: 'notifications', render: notificationsPage },
  { pattern: '/search', key: 'search', access: 'user', nav: 'search', render: searchPage },
  { pattern: '/login', key: 'login', access: 'guest', nav: null, render: loginPage },
  { pattern: '/register', key: 'register', access: 'guest', nav: null, render: registerPage },
  { pattern: '/directory', key: 'directory', access: 'user', nav: 'directory', render: directoryPage },
  { pattern: '/directory/:unitId', key: 'directory', access: 'user', nav: 'directory', render: directoryPage },
  { pattern: '/users/:id', key: 'user', access: 'user', nav: 'directory', render: profilePage },
  { pattern: '/me', key: 'me', access: 'user', nav: 'me', render: mePage },
  { pattern: '/admin/pending', key: 'pending', access: 'admin', nav: 'pending', render: pendingPage },
  { pattern: '/admin/users/new', key: 'createUser', access: 'admin', nav: 'createUser', render: createUserPage },
  { pattern: '/admin/org-import', key: 'orgImport', access: 'systemAdmin', nav: 'orgImport', render: orgImportPage },
  { pattern: '/meetings', key: 'meetings', access: 'user', nav: 'meetings', render: meetingsHomePage },
  { pattern: '/meetings/group/:groupId', key: 'meetingsGroup', access: 'user', nav: 'meetings', render: groupBoardPage },
  { pattern: '/meetings/new/:groupId', key: 'meetingForm', access: 'user', nav: 'meetings', render: meetingFormPage },
  { pattern: '/meetings/:id/edit', key: 'meetingForm', access: 'user', nav: 'meetings', render: meetingFormPage },
  { pattern: '/meetings/:id', key: 'meeting', access: 'user', nav: 'meetings', render: meetingPage },
  { pattern: '/announcements/:id', key: 'announcement', access: 'user', nav: 'meetings', render: announcementPage },
  { pattern: '/bulletins/new', key: 'bulletinNew', access: 'user', nav: 'meetings', render: bulletinPage },
  { pattern: '/groups/:groupId/moderation', key: 'moderation', access: 'user', nav: 'chat', render: moderationPage },
  { pattern: '/my/record', key: 'myRecord', access: 'user', nav: 'me', render: myRecordPage },
  { pattern: '/groups/:groupId/archive', key: 'groupArchive', access: 'user', nav: 'chat', render: groupArchivePage },
  { pattern: '/my/archives', key: 'myArchives', access: 'user', nav: 'me', render: myArchivesPage },
];
