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
import { h, replaceChildren, setText, type Child } from '../dom.js';
import { AttachmentField } from '../documents/attachField.js';
import { attachmentList } from '../documents/preview.js';
import { MarkdownEditor } from '../forum/editor.js';
import { ConfidentialitySelector } from '../confidentiality/selector.js';
import { withConfirmation } from '../confidentiality/confirm.js';
import { levelBadge } from '../confidentiality/badge.js';
import { applyWatermark } from '../confidentiality/watermark.js';
import { notificationStore } from '../forum/notificationStore.js';
import { countText, dateTimeEl, markdownHtml } from '../forum/render.js';
import { lockMark, threadBadges } from '../forum/threadList.js';
import type { PostEdit, Reply, Thread } from '../forum/types.js';
import { forumModerationButtons, restoreForum, type ForumModerationContext } from '../moderation/forumModeration.js';
import { notify } from '../notify.js';
import { hashQuery } from '../router.js';
import { viewer } from '../session.js';
import { emptyState, errorBox, loading, type Page, type PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { ReplyFields, ReplyFiles, ThreadFields, ThreadFiles } from '../graphql/fragments.js';

const REPLY_PAGE = 50;
const VIEW = graphql(`mutation ViewThread($id: ID!, $first: Int, $after: String) { viewThread(threadId: $id) { ...ThreadFields ...ThreadFiles
  replies(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ReplyFields ...ReplyFiles } } } } }`, [ThreadFields, ThreadFiles, ReplyFields, ReplyFiles]);
const REPLIES = graphql(`query ThreadReplies($id: ID!, $first: Int, $after: String) { thread(id: $id) { id replyCount lastFloor
  replies(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ...ReplyFields ...ReplyFiles } } } } }`, [ReplyFields, ReplyFiles]);
type ReplyPage = NonNullable<ResultOf<typeof REPLIES>['thread']>['replies'];
const REPLY = graphql(`mutation Reply($t: ID!, $body: String!, $quote: ID, $mentions: [ID!], $files: [ID!], $level: Confidentiality, $ack: Boolean) {
  replyToThread(threadId: $t, body: $body, quoteReplyId: $quote, mentionUserIds: $mentions, attachmentVersionIds: $files, confidentiality: $level, acknowledgeSensitive: $ack) { id floor } }`);
const EDIT_THREAD = graphql('mutation EditThread($t: ID!, $title: String!, $body: String!) { editThread(threadId: $t, title: $title, body: $body) { ...ThreadFields } }', [ThreadFields]);
const EDIT_REPLY = graphql(`mutation EditReply($r: ID!, $body: String!) { editReply(replyId: $r, body: $body) { ...ReplyFields ...ReplyFiles } }`, [ReplyFields, ReplyFiles]);
const DELETE_REPLY = graphql('mutation DeleteReply($r: ID!) { deleteReply(replyId: $r) { ...ReplyFields } }', [ReplyFields]);
const THREAD = graphql(`query Thread($id: ID!) { thread(id: $id) { ...ThreadFields ...ThreadFiles } }`, [ThreadFields, ThreadFiles]);
const FOLLOW = graphql('mutation Follow($t: ID!, $follow: Boolean!) { setThreadFollowed(threadId: $t, follow: $follow) { id viewerFollows } }');
const PIN = graphql('mutation Pin($t: ID!, $on: Boolean!) { setThreadPinned(threadId: $t, pinned: $on) { ...ThreadFields } }', [ThreadFields]);
const ESSENCE = graphql('mutation Essence($t: ID!, $on: Boolean!) { setThreadEssence(threadId: $t, essence: $on) { ...ThreadFields } }', [ThreadFields]);
const LOCK = graphql('mutation Lock($t: ID!, $on: Boolean!) { setThreadLocked(threadId: $t, locked: $on) { ...ThreadFields } }', [ThreadFields]);
/** Sets one of the thread's flags and answers the thread as it now is. */
const SET_FLAG = {
  pinned: async (t: string, on: boolean) => (await gql(PIN, { t, on })).setThreadPinned,
  essence: async (t: string, on: boolean) => (await gql(ESSENCE, { t, on })).setThreadEssence,
  locked: async (t: string, on: boolean) => (await gql(LOCK, { t, on })).setThreadLocked,
};

/** A quoted floor as one line of plain text. */
function plain(markdown: string, max = 120): string {
  const text = markdown.replace(/\s+/g, ' ').trim();
  return [...text].length > max ? `${[...text].slice(0, max).join('')}…` : text;
}

/** "已编辑" that opens the earlier versions (plain text, newest first). */
function editHistory(edits: PostEdit[], editedAt: string | null): Child {
  if (!editedAt) return null;
  const box = h('div', { class: 'edit-history', hidden: true, 'data-testid': 'edit-history' });
  const toggle = h('button', { type: 'button', class: 'btn btn-link btn-small edited-mark', 'aria-expanded': 'false', title: '查看编辑记录', 'data-testid': 'edited' }, '已编辑');
  toggle.addEventListener('click', () => {
    const open = box.hidden;
    box.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (!open) return replaceChildren(box);
    replaceChildren(
      box,
      h('h4', null, `编辑记录（${edits.length}）`),
      edits.length
        ? h(
            'ol',
            { class: 'edit-list' },
            edits.map((e) =>
              h(
                'li',
                { 'data-testid': 'edit-version' },
                h('p', { class: 'muted small' }, `${e.editor.realName} 于 `, dateTimeEl(e.editedAt), ' 编辑，此前的内容：'),
                e.previousTitle !== null ? h('p', { class: 'edit-title' }, `标题：${e.previousTitle}`) : null,
                h('pre', { class: 'edit-body' }, e.previousBody),
              ),
            ),
          )
        : h('p', { class: 'muted small' }, '没有更早的版本'),
    );
  });
  return [toggle, box];
}

export function threadPage(ctx: PageContext): Page {
  let threadId = ctx.params.id;
  const el = h('article', { class: 'thread-page', 'data-testid': 'thread-page' }, loading('正在加载帖子…'));
  let thread: Thread | null = null;
  /** A floor shows the stronger of its own level and its thread's (内部 / 受限). */
  const floorLevel = (reply: Reply) => (thread?.confidentiality === 'RESTRICTED' ? 'RESTRICTED' : reply.confidentiality === 'INTERNAL' || thread?.confidentiality === 'INTERNAL' ? 'INTERNAL' : reply.confidentiality);
  const watermarked = (el: HTMLElement, level: string) => (applyWatermark(el, level), el);
  let endCursor: string | null = null;
  let hasMore = false;
  let loadingMore: Promise<void> | null = null;
  let directory: MemberDirectory | null = null;
  let editor: MarkdownEditor | null = null;
  const floorEls = new Map<number, HTMLElement>();
  const replies = new Map<string, Reply>();

  const headBox = h('header', { class: 'card thread-head' });
  const floorList = h('ol', { class: 'floor-list', 'aria-label': '回帖', 'data-testid': 'floor-list' });
  const floorsStatus = h('div');
  const moreButton = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'floors-more', onclick: () => void loadMore() }, '加载更多楼层');
  const replyBox = h('section', { class: 'card reply-card', 'aria-label': '回帖', 'data-testid': 'reply-box' });

  const modContext = (): ForumModerationContext | null =>
    thread ? { groupId: thread.group.id, canModerate: thread.viewerCan.moderate, isMember: !!thread.group.viewerRole, viewerId: viewer()?.id } : null;

  /** After the thread was removed or restored: its title, body and whether replies are open change. */
  async function refreshThread(): Promise<void> {
    try {
      const data = await gql(THREAD, { id: threadId }, ctx.signal);
      thread = { ...thread, ...data.thread };
      renderHead();
      renderReplyBox();
    } catch (error) {
      const shown = pageError(error);
      if (shown) notify(shown.message, 'error');
    }
  }

  function mentions() {
    const dir = directory;
    return dir ? { members: async () => (await dir.all()).map((m) => m.user), mentionAll: () => false, viewerId: viewer()?.id } : undefined;
  }

  async function open(): Promise<void> {
    floorEls.clear();
    replies.clear();
    thread = null;
    editor = null;
    replaceChildren(el, loading('正在加载帖子…'));
    try {
      const data = await gql(VIEW, { id: threadId, first: REPLY_PAGE, after: null }, ctx.signal);
      const { replies: page, ...t } = data.viewThread;
      thread = t;
      directory = new MemberDirectory(t.group.id);
      // Visiting marked the notifications about this thread read.
      void notificationStore.refresh();
      replaceChildren(floorList);
      replaceChildren(el, breadcrumb(t), headBox, h('section', { class: 'card floors-card', 'aria-label': '楼层' }, h('h2', { class: 'panel-title', 'data-testid': 'floors-title' }), floorList, floorsStatus, h('div', { class: 'more-row' }, moreButton)), replyBox);
      renderHead();
      addPage(page);
      renderReplyBox();
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

  function renderHead(): void {
    const t = thread;
    if (!t) return;
    document.title = `${t.title} - 交流 · 政务服务工作交流平台`;
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'thread-error' });
    const act = (label: string, testid: string, run: (button: HTMLButtonElement) => Promise<void>, kind = 'btn-secondary') => {
      const button = h('button', { type: 'button', class: `btn btn-small ${kind}`, 'data-testid': testid }, label);
      button.addEventListener('click', async () => {
        button.disabled = true;
        setText(alert, null);
        try {
          await run(button);
        } catch (error) {
          const shown = pageError(error);
          if (shown) setText(alert, shown.message);
        } finally {
          button.disabled = false;
        }
      });
      return button;
    };
    const flag = (key: 'pinned' | 'essence' | 'locked', on: string, off: string) =>
      act(t[key] ? off : on, `thread-${key}`, async () => {
        const next = await SET_FLAG[key](t.id, !t[key]);
        thread = { ...t, ...next };
        notify(`${t[key] ? off : on}：已完成`);
        renderHead();
        renderReplyBox();
      });
    const follow = act(t.viewerFollows ? '已关注' : '关注', 'thread-follow', async () => {
      const data = await gql(FOLLOW, { t: t.id, follow: !t.viewerFollows });
      t.viewerFollows = data.setThreadFollowed.viewerFollows;
      notify(t.viewerFollows ? '已关注，有新回复时会通知您' : '已取消关注', 'info');
      renderHead();
    });
    follow.setAttribute('aria-pressed', String(t.viewerFollows));
    follow.title = t.viewerFollows ? '点击取消关注' : '关注后有新回复时会通知您';
    const editBox = h('div');
    const edit = t.viewerCan.edit
      ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'thread-edit' }, '编辑')
      : null;
    const removal = t.removal ?? null;
    // Members get the notice as the title and an empty body; moderators still read the thread.
    const hidden = !!removal && !t.bodyHtml && t.title === removal.notice;
    const bodyBox = hidden
      ? h('div', { class: 'thread-body' }, h('p', { class: 'floor-tombstone muted', 'data-testid': 'thread-removed' }, removal.notice))
      : h('div', { class: 'thread-body' }, markdownHtml(t.bodyHtml, { 'data-testid': 'thread-body' }));
    if (!hidden) applyWatermark(bodyBox, t.confidentiality);
    const mod = modContext();
    const modButtons = mod
      ? forumModerationButtons(mod, { kind: 'THREAD', id: t.id, author: t.author, removal, prefix: 'thread' }, () => void refreshThread(), 'btn btn-small btn-secondary')
      : [];
    const removedBanner =
      removal && !hidden
        ? h(
            'div',
            { class: 'alert thread-removed-banner', role: 'note', 'data-testid': 'thread-removed-banner' },
            h('span', null, `${removal.notice}（成员看不到标题和正文，仅管理员可见原文）`),
            t.viewerCan.moderate && t.author.id !== viewer()?.id
              ? h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-testid': 'thread-restore', onclick: () => void restoreForum({ kind: 'THREAD', id: t.id }, () => void refreshThread()) }, '恢复')
              : null,
          )
        : null;
    edit?.addEventListener('click', () => {
      const close = () => {
        replaceChildren(editBox);
        bodyBox.hidden = false;
        edit.focus();
      };
      const form = new MarkdownEditor({
        withTitle: true,
        title: t.title,
        body: t.body,
        submitLabel: '保存',
        busyLabel: '正在保存…',
        cancel: close,
        testid: 'thread-edit-editor',
        submit: async (value) => {
          const data = await gql(EDIT_THREAD, { t: t.id, title: value.title, body: value.body });
          thread = { ...t, ...data.editThread };
          notify('帖子已修改');
          renderHead();
        },
      });
      bodyBox.hidden = true;
      replaceChildren(editBox, form.el);
      form.textarea.focus();
    });
    const moderate = t.viewerCan.moderate ? [flag('pinned', '置顶', '取消置顶'), flag('essence', '设为精华', '取消精华'), flag('locked', '锁定', '解锁')] : [];
    replaceChildren(
      headBox,
      h(
        'h1',
        { class: `page-title thread-h1${hidden ? ' thread-title-removed' : ''}`, tabindex: '-1' },
        threadBadges(t),
        removal && !hidden ? h('span', { class: 'badge badge-removed', 'data-testid': 'badge-removed' }, '已移除') : null,
        h('span', { 'data-testid': 'thread-title' }, t.title),
        levelBadge(t.confidentiality),
        lockMark(t.locked),
      ),
      h(
        'p',
        { class: 'thread-meta' },
        h('span', { class: 'floor-tag' }, '楼主'),
        h('a', { class: 'thread-author', href: `#/users/${encodeURIComponent(t.author.id)}`, 'data-testid': 'thread-author' }, t.author.realName),
        h('span', { class: 'muted', 'data-testid': 'thread-author-unit' }, ` ${t.author.unit.name} · ${t.author.title}`),
        h('span', { class: 'muted' }, ' · 发表于 '),
        dateTimeEl(t.createdAt),
        ' ',
        editHistory(t.edits, t.editedAt),
      ),
      h('p', { class: 'muted small thread-counts' }, h('span', { 'data-testid': 'thread-view-count' }, `浏览 ${countText(t.viewCount)}`), ' · ', h('span', { 'data-testid': 'thread-reply-count' }, `回复 ${countText(t.replyCount)}`)),
      t.locked ? h('p', { class: 'alert thread-locked', role: 'note', 'data-testid': 'thread-locked-notice' }, '🔒 本帖已被管理员锁定，不能回复或编辑。') : null,
      removedBanner,
      bodyBox,
      hidden ? null : attachmentList(t.attachments, 'thread-attachments'),
      editBox,
      h(
        'div',
        { class: 'actions thread-actions' },
        follow,
        edit,
        moderate.length ? h('span', { class: 'mod-actions', role: 'group', 'aria-label': '管理操作' }, moderate) : null,
        modButtons.length ? h('span', { class: 'mod-actions', role: 'group', 'aria-label': '举报与管理' }, modButtons) : null,
      ),
      alert,
    );
    const title = el.querySelector('[data-testid=floors-title]');
    if (title) title.textContent = `回帖（${t.replyCount}）`;
  }

  function addPage(page: ReplyPage): void {
    for (const edge of page.edges) {
      if (replies.has(edge.node.id)) continue;
      replies.set(edge.node.id, edge.node);
      const item = floorItem(edge.node);
      floorEls.set(edge.node.floor, item);
      floorList.appendChild(item);
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
          renderHead();
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

  function floorItem(r: Reply): HTMLElement {
    const item = h('li', { class: `floor${r.deletedAt ? ' floor-deleted' : ''}`, id: `floor-${r.floor}`, tabindex: '-1', 'data-testid': 'floor', 'data-floor': String(r.floor), 'data-reply-id': r.id });
    const render = (reply: Reply) => {
      replies.set(reply.id, reply);
      const removal = reply.deletedAt ? null : reply.removal ?? null;
      item.className = `floor${reply.deletedAt ? ' floor-deleted' : ''}${removal ? ' floor-removed' : ''}`;
      const mod = modContext();
      const setRemoval = (next: Reply['removal']) => render({ ...reply, removal: next, viewerCan: { ...reply.viewerCan, edit: next ? false : reply.viewerCan.edit } });
      const editBox = h('div');
      const confirmBox = h('div');
      const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
      const quote = reply.quote;
      const quoteEl = quote
        ? h(
            'blockquote',
            { class: 'floor-quote', 'data-testid': 'floor-quote' },
            h('a', { href: `#/thread/${encodeURIComponent(threadId)}?floor=${quote.floor}`, class: 'quote-author', onclick: (event: MouseEvent) => (event.preventDefault(), void scrollToFloor(quote.floor)) }, `引用 ${quote.floor}楼 ${quote.author.realName}：`),
            quote.deletedAt
              ? h('span', { class: 'muted' }, '该楼层已删除')
              : quote.removal
                ? h('span', { class: 'muted', 'data-testid': 'floor-quote-removed' }, quote.removal.notice)
                : quote.body === null
                  ? h('span', { class: 'muted' }, '该楼层已删除')
                  : h('span', { class: 'quote-text' }, plain(quote.body)),
          )
        : null;
      const canQuote = !reply.deletedAt && !removal && !!thread?.viewerCan.reply;
      const actions = h(
        'div',
        { class: 'floor-actions' },
        canQuote
          ? h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'floor-quote-button', onclick: () => quoteFloor(reply) }, '引用')
          : null,
        reply.viewerCan.edit && !removal
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-link btn-small',
                'data-testid': 'floor-edit',
                onclick: () => {
                  const close = () => replaceChildren(editBox);
                  const form = new MarkdownEditor({
                    withTitle: false,
                    body: reply.body ?? '',
                    submitLabel: '保存',
                    busyLabel: '正在保存…',
                    cancel: close,
                    testid: 'floor-edit-editor',
                    submit: async (value) => {
                      const data = await gql(EDIT_REPLY, { r: reply.id, body: value.body });
                      notify(`${reply.floor}楼已修改`);
                      render(data.editReply);
                    },
                  });
                  replaceChildren(editBox, form.el);
                  form.textarea.focus();
                },
              },
              '编辑',
            )
          : null,
        reply.viewerCan.delete
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-link btn-small btn-danger-link',
                'data-testid': 'floor-delete',
                onclick: () => {
                  const confirm = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'floor-delete-confirm' }, '确认删除');
                  confirm.addEventListener('click', async () => {
                    confirm.disabled = true;
                    try {
                      const data = await gql(DELETE_REPLY, { r: reply.id });
                      notify(`${reply.floor}楼已删除`, 'info');
                      if (editor?.quoted() === reply.id) editor.setQuote(null);
                      render(data.deleteReply);
                    } catch (error) {
                      const shown = pageError(error);
                      if (shown) setText(alert, shown.message);
                      confirm.disabled = false;
                    }
                  });
                  replaceChildren(
                    confirmBox,
                    h('span', { class: 'small' }, '删除后楼层号保留，内容不再显示。'),
                    confirm,
                    h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: () => replaceChildren(confirmBox) }, '取消'),
                  );
                  confirm.focus();
                },
              },
              '删除',
            )
          : null,
        mod && !reply.deletedAt ? forumModerationButtons(mod, { kind: 'REPLY', id: reply.id, author: reply.author, removal, prefix: 'floor' }, (next) => setRemoval(next)) : null,
      );
      const content = [quoteEl, reply.bodyHtml !== null ? watermarked(markdownHtml(reply.bodyHtml, { 'data-testid': 'floor-body' }), floorLevel(reply)) : null, attachmentList(reply.attachments, 'floor-attachments')];
      replaceChildren(
        item,
        h(
          'div',
          { class: 'floor-head' },
          h('span', { class: 'floor-no', 'data-testid': 'floor-no' }, `${reply.floor}楼`),
          levelBadge(floorLevel(reply)),
          h('a', { class: 'floor-author', href: `#/users/${encodeURIComponent(reply.author.id)}`, 'data-testid': 'floor-author' }, reply.author.realName),
          h('span', { class: 'muted small' }, ` ${reply.author.unit.name} · ${reply.author.title}`),
          h('span', { class: 'spacer' }),
          dateTimeEl(reply.createdAt, 'floor-time'),
          editHistory(reply.edits, reply.deletedAt ? null : reply.editedAt),
        ),
        reply.deletedAt
          ? h('p', { class: 'floor-tombstone muted', 'data-testid': 'floor-deleted' }, '该楼层已删除')
          : removal
            ? [
                h(
                  'p',
                  { class: 'floor-tombstone muted', 'data-testid': 'floor-removed' },
                  removal.notice,
                  mod?.canModerate && reply.author.id !== mod.viewerId
                    ? [' ', h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'floor-restore', onclick: () => void restoreForum({ kind: 'REPLY', id: reply.id }, () => setRemoval(null)) }, '恢复')]
                    : null,
                ),
                // Moderators still read it (members get a null body).
                reply.bodyHtml !== null
                  ? h('div', { class: 'floor-removed-original', 'data-testid': 'floor-removed-original' }, h('p', { class: 'muted small' }, `原文（${reply.author.realName}，仅管理员可见）：`), content)
                  : null,
              ]
            : content,
        editBox,
        reply.deletedAt ? null : actions,
        confirmBox,
        alert,
      );
    };
    render(r);
    return item;
  }

  function quoteFloor(r: Reply): void {
    if (!editor) return;
    editor.setQuote({ id: r.id, floor: r.floor, authorName: r.author.realName, text: plain(r.body ?? '', 60) });
    replyBox.scrollIntoView({ block: 'nearest' });
  }

  function renderReplyBox(): void {
    const t = thread;
    if (!t) return;
    if (!t.viewerCan.reply) {
      editor = null;
      replaceChildren(
        replyBox,
        h('p', { class: 'muted', 'data-testid': 'reply-closed' }, t.removal ? '本帖已被管理员移除，不能回复。' : t.locked ? '🔒 本帖已锁定，不能回复。' : t.group.viewerRole ? '该版块已归档，不能回复。' : '您不是本群成员，不能回复。'),
      );
      for (const b of floorList.querySelectorAll<HTMLElement>('[data-testid=floor-quote-button]')) b.hidden = true;
      return;
    }
    for (const b of floorList.querySelectorAll<HTMLElement>('[data-testid=floor-quote-button]')) b.hidden = false;
    if (editor) return;
    const attachments = new AttachmentField(t.group.id);
    // A floor is 普通 or 内部; a restricted thread's floors are restricted with it.
    const level = new ConfidentialitySelector({ levels: ['NORMAL', 'INTERNAL'] });
    const form = new MarkdownEditor({
      extra: level.el,
      withTitle: false,
      tools: attachments.button(),
      below: attachments.el,
      submitLabel: '回复',
      busyLabel: '正在回复…',
      placeholder: '写下您的回复，支持 Markdown；输入 @ 提及成员。Ctrl+Enter 回复',
      mentions: mentions(),
      testid: 'reply-editor',
      submit: async (value) => {
        const data = await withConfirmation((ack) =>
          gql(REPLY, {
            t: threadId,
            body: value.body,
            quote: form.quoted(),
            mentions: value.mentionUserIds.length ? value.mentionUserIds : null,
            files: attachments.ids().length ? attachments.ids() : null,
            level: level.level,
            ack: ack || null,
          }),
        );
        if (!data) return;
        form.reset();
        level.reset();
        attachments.clear();
        notify(`回复成功（${data.replyToThread.floor}楼）`);
        await loadNewest();
        void scrollToFloor(data.replyToThread.floor);
      },
    });
    editor = form;
    replaceChildren(replyBox, h('h2', { class: 'panel-title' }, '回复'), form.el);
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
