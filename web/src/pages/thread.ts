/**
 * #/thread/<id>[?floor=N]: one BBS thread. Title with 置顶/精华/🔒, author (real name, unit),
 * the rendered body, then the floors (1楼, 2楼, …) each with its author and time, the floor it
 * quotes shown above it, and 引用 / 编辑 / 删除; edits are marked 已编辑 with their history;
 * deleted floors stay as a tombstone. Admins pin, mark 精华 and lock; anyone follows. Opening
 * the page records the visit (view count, new-reply count, notifications about it read). New
 * floors announced to a follower while the page is open are loaded at once.
 * Moderation: members 举报 a thread or floor (not their own); the group's owner and admins get a
 * 管理 menu (移除 with a reason, 恢复, 警告 / 禁言 of the author). A removed floor shows the notice
 * (该回复因「跑题」已被管理员移除) to members; moderators see the notice above the original and 恢复.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { MemberDirectory } from '../chat/members.js';
import { h, replaceChildren } from '../dom.js';
import { notificationStore } from '../forum/notificationStore.js';
import { FloorItem } from '../forum/thread/floor.js';
import { ThreadHead } from '../forum/thread/head.js';
import { ReplyBox } from '../forum/thread/replyBox.js';
import type { Reply, Thread } from '../forum/types.js';
import { ReplyFields, ReplyFiles, ThreadFields, ThreadFiles } from '../graphql/fragments.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import type { ForumModerationContext } from '../moderation/forumModeration.js';
import { notify } from '../notify.js';
import { hashQuery } from '../router.js';
import { viewer } from '../session.js';
import { emptyState, errorBox, loading, type Page, type PageContext } from '../ui.js';

const REPLY_PAGE = 50;
const VIEW = graphql(`mutation ViewThread($id: ID!, $first: Int, $after: String) { viewThread(threadId: $id) { ...ThreadFields ...ThreadFiles
  replies(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ReplyFields ...ReplyFiles } } } } }`, [ThreadFields, ThreadFiles, ReplyFields, ReplyFiles]);
const REPLIES = graphql(`query ThreadReplies($id: ID!, $first: Int, $after: String) { thread(id: $id) { id replyCount lastFloor
  replies(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ReplyFields ...ReplyFiles } } } } }`, [ReplyFields, ReplyFiles]);
type ReplyPage = NonNullable<ResultOf<typeof REPLIES>['thread']>['replies'];
const THREAD = graphql(`query Thread($id: ID!) { thread(id: $id) { ...ThreadFields ...ThreadFiles } }`, [ThreadFields, ThreadFiles]);

/** The page: loads the thread and its floors, pages through them, and keeps the three parts (head, floors, reply box) in step. */
export function threadPage(ctx: PageContext): Page {
  let threadId = ctx.params.id;
  const el = h('article', { class: 'thread-page', 'data-testid': 'thread-page' }, loading('正在加载帖子…'));
  let thread: Thread | null = null;
  let endCursor: string | null = null;
  let hasMore = false;
  let loadingMore: Promise<void> | null = null;
  let directory: MemberDirectory | null = null;
  const floors = new Map<string, FloorItem>();
  const floorEls = new Map<number, HTMLElement>();

  const floorsTitle = h('h2', { class: 'panel-title', 'data-testid': 'floors-title' });
  const floorList = h('ol', { class: 'floor-list', 'aria-label': '回帖', 'data-testid': 'floor-list' });
  const floorsStatus = h('div');
  const moreButton = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'floors-more', onclick: () => void loadMore() }, '加载更多楼层');

  const moderation = (): ForumModerationContext | null =>
    thread ? { groupId: thread.group.id, canModerate: thread.viewerCan.moderate, isMember: !!thread.group.viewerRole, viewerId: viewer()?.id } : null;
  const head = new ThreadHead({
    moderation,
    changed: (next, { repliesChanged }) => {
      thread = next;
      showHead();
      if (repliesChanged) showReplyBox();
    },
    reload: () => void refreshThread(),
  });
  const replyBox = new ReplyBox({
    mentions: () => {
      const dir = directory;
      return dir ? { members: async () => (await dir.all()).map((m) => m.user), mentionAll: () => false, viewerId: viewer()?.id } : undefined;
    },
    replied: async (floor) => {
      await loadNewest();
      void scrollToFloor(floor);
    },
  });
  const floorOptions = {
    threadId: () => threadId,
    /** A floor shows the stronger of its own level and its thread's (内部 / 受限). */
    level: (reply: Reply) => (thread?.confidentiality === 'RESTRICTED' ? 'RESTRICTED' : reply.confidentiality === 'INTERNAL' || thread?.confidentiality === 'INTERNAL' ? 'INTERNAL' : reply.confidentiality),
    moderation,
    canReply: () => !!thread?.viewerCan.reply,
    quote: (reply: Reply) => replyBox.quote(reply),
    scrollToFloor: (floor: number) => void scrollToFloor(floor),
    deleted: (reply: Reply) => replyBox.forget(reply),
  };

  function showHead(): void {
    if (!thread) return;
    head.update(thread);
    floorsTitle.textContent = `回帖（${thread.replyCount}）`;
  }

  function showReplyBox(): void {
    if (!thread) return;
    replyBox.update(thread);
    for (const floor of floors.values()) floor.setQuotable(replyBox.open);
  }

  /** After the thread was removed or restored: its title, body and whether replies are open change. */
  async function refreshThread(): Promise<void> {
    try {
      const data = await gql(THREAD, { id: threadId }, ctx.signal);
      thread = { ...thread, ...data.thread };
      showHead();
      showReplyBox();
    } catch (error) {
      const shown = pageError(error);
      if (shown) notify(shown.message, 'error');
    }
  }

  async function open(): Promise<void> {
    floors.clear();
    floorEls.clear();
    thread = null;
    replyBox.reset();
    replaceChildren(el, loading('正在加载帖子…'));
    try {
      const data = await gql(VIEW, { id: threadId, first: REPLY_PAGE, after: null }, ctx.signal);
      const { replies: page, ...t } = data.viewThread;
      thread = t;
      directory = new MemberDirectory(t.group.id);
      // Visiting marked the notifications about this thread read.
      void notificationStore.refresh();
      replaceChildren(floorList);
      replaceChildren(el, breadcrumb(t), head.el, h('section', { class: 'card floors-card', 'aria-label': '楼层' }, floorsTitle, floorList, floorsStatus, h('div', { class: 'more-row' }, moreButton)), replyBox.el);
      showHead();
      addPage(page);
      showReplyBox();
      const floor = Number(hashQuery().get('floor'));
      if (floor > 0) void scrollToFloor(floor);
    } catch (error) {
      const shown = pageError(error);
      if (!shown) return;
      document.title = '帖子 - 交流 · 政务服务工作交流平台';
      replaceChildren(
        el,
        shown.code === 'NOT_FOUND'
          ? h('section', { class: 'card empty', 'data-testid': 'thread-missing' }, h('h1', { class: 'page-title', tabindex: '-1' }, '帖子不存在，或您不是该群成员'), h('p', null, h('a', { href: '#/my/threads' }, '我的帖子'), ' · ', h('a', { href: '#/chat' }, '返回消息')))
          : errorBox(shown, () => void open()),
      );
    }
  }

  function addPage(page: ReplyPage): void {
    for (const edge of page.edges) {
      if (floors.has(edge.node.id)) continue;
      const floor = new FloorItem(edge.node, floorOptions);
      floors.set(edge.node.id, floor);
      floorEls.set(edge.node.floor, floor.el);
      floorList.appendChild(floor.el);
    }
    if (page.pageInfo.endCursor) endCursor = page.pageInfo.endCursor;
    hasMore = page.pageInfo.hasNextPage;
    moreButton.hidden = !hasMore;
    replaceChildren(floorsStatus, floorList.children.length ? null : emptyState(thread?.viewerCan.reply ? '还没有回帖，来坐个沙发吧' : '还没有回帖'));
  }

  /** The next page of floors (also used to fetch floors posted after the last one shown). */
  function loadMore(): Promise<void> {
    loadingMore ??= (async () => {
      moreButton.disabled = true;
      try {
        const data = await gql(REPLIES, { id: threadId, first: REPLY_PAGE, after: endCursor }, ctx.signal);
        addPage(data.thread.replies);
        if (thread && data.thread.replyCount !== thread.replyCount) {
          thread.replyCount = data.thread.replyCount;
          thread.lastFloor = data.thread.lastFloor;
          showHead();
        }
      } catch (error) {
        const shown = pageError(error);
        if (shown) notify(shown.message, 'error');
      } finally {
        moreButton.disabled = false;
        loadingMore = null;
      }
    })();
    return loadingMore;
  }

  /** Loads every floor up to the newest (after replying, or when a new one is announced). */
  async function loadNewest(): Promise<void> {
    for (let guard = 0; guard < 20; guard += 1) {
      await loadMore();
      if (!hasMore) return;
    }
  }

  async function scrollToFloor(floor: number): Promise<void> {
    for (let guard = 0; guard < 40 && !floorEls.has(floor) && hasMore; guard += 1) await loadMore();
    const target = floorEls.get(floor);
    if (!target) return notify(`${floor}楼已不存在`, 'info');
    target.scrollIntoView({ block: 'center' });
    target.classList.add('floor-flash');
    target.focus({ preventScroll: true });
    window.setTimeout(() => target.classList.remove('floor-flash'), 2500);
  }

  const offNotifications = notificationStore.onNew((n) => {
    if (!thread || n.thread?.id !== thread.id || n.kind === 'DISCUSSION_INVITE') return false;
    // Shown here: load the new floors and mark the notification read.
    void loadNewest().then(() => notificationStore.markRead([n.id]).catch(() => undefined));
    notify(`${n.actor.realName} 回复了本帖`, 'info');
    return true;
  });
  ctx.signal.addEventListener('abort', () => offNotifications());

  void open();

  return {
    title: '帖子',
    el,
    update(params) {
      if (params.id !== threadId) {
        threadId = params.id;
        void open();
        return;
      }
      const floor = Number(hashQuery().get('floor'));
      if (floor > 0 && thread) void scrollToFloor(floor);
    },
  };
}

function breadcrumb(t: Thread): HTMLElement {
  const bbs = `#/groups/${encodeURIComponent(t.group.id)}/bbs`;
  return h(
    'p',
    { class: 'breadcrumb', 'data-testid': 'thread-breadcrumb' },
    t.group.conversation ? h('a', { href: `#/chat/${encodeURIComponent(t.group.conversation.id)}` }, t.group.name) : t.group.name,
    h('span', { class: 'sep' }, ' › '),
    h('a', { href: bbs }, '论坛'),
    h('span', { class: 'sep' }, ' › '),
    h('a', { href: `${bbs}/${encodeURIComponent(t.board.id)}` }, t.board.name),
  );
}
