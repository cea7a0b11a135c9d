/**
 * The head of a thread page: title with its badges, 楼主 and time, counts, the body (or the
 * removal notice), files, and 关注 / 编辑 / 置顶 / 精华 / 锁定 / 举报 / 管理. Mount empty,
 * `update` with the thread; what it changes goes back through `changed`.
 */
import { gql } from '../../api.js';
import { pageError } from '../../auth.js';
import { levelBadge } from '../../confidentiality/badge.js';
import { openRaiseDialog } from '../../confidentiality/raise.js';
import { applyWatermark } from '../../confidentiality/watermark.js';
import { MemberDirectory } from '../../chat/members.js';
import { attachmentList } from '../../documents/preview.js';
import { h, replaceChildren, setText } from '../../dom.js';
import { icon } from '../../icons.js';
import { ThreadFields } from '../../graphql/fragments.js';
import { graphql } from '../../graphql/index.js';
import { forumModerationButtons, restoreForum, type ForumModerationContext } from '../../moderation/forumModeration.js';
import { notify } from '../../notify.js';
import { viewer } from '../../session.js';
import { MarkdownEditor } from '../editor.js';
import { countText, dateTimeEl, markdownHtml } from '../render.js';
import { lockMark, threadBadges } from '../threadList.js';
import type { Thread } from '../types.js';
import { editHistory } from './history.js';

const EDIT_THREAD = graphql('mutation EditThread($t: ID!, $title: String!, $body: String!) { editThread(threadId: $t, title: $title, body: $body) { ...ThreadFields } }', [ThreadFields]);
const FOLLOW = graphql('mutation Follow($t: ID!, $follow: Boolean!) { setThreadFollowed(threadId: $t, follow: $follow) { id viewerFollows } }');
const PIN = graphql('mutation Pin($t: ID!, $on: Boolean!) { setThreadPinned(threadId: $t, pinned: $on) { ...ThreadFields } }', [ThreadFields]);
const ESSENCE = graphql('mutation Essence($t: ID!, $on: Boolean!) { setThreadEssence(threadId: $t, essence: $on) { ...ThreadFields } }', [ThreadFields]);
const RAISE = graphql(
  'mutation RaiseThreadLevel($t: ID!, $level: Confidentiality!, $audience: [ID!]) { raiseThreadConfidentiality(threadId: $t, confidentiality: $level, audienceUserIds: $audience) { ...ThreadFields } }',
  [ThreadFields],
);
const LOCK = graphql('mutation Lock($t: ID!, $on: Boolean!) { setThreadLocked(threadId: $t, locked: $on) { ...ThreadFields } }', [ThreadFields]);
/** Sets one of the thread's flags and answers the thread as it now is. */
const SET_FLAG = {
  pinned: async (t: string, on: boolean) => (await gql(PIN, { t, on })).setThreadPinned,
  essence: async (t: string, on: boolean) => (await gql(ESSENCE, { t, on })).setThreadEssence,
  locked: async (t: string, on: boolean) => (await gql(LOCK, { t, on })).setThreadLocked,
};

export interface ThreadHeadOptions {
  moderation: () => ForumModerationContext | null;
  /** The thread after an action here (flags, follow, edit). */
  changed: (thread: Thread, options: { repliesChanged: boolean }) => void;
  /** Load the thread again (after it was removed or restored). */
  reload: () => void;
}

export class ThreadHead {
  readonly el = h('header', { class: 'card thread-head' });

  constructor(private readonly options: ThreadHeadOptions) {}

  update(t: Thread): void {
    const { options } = this;
    document.title = `${t.title} - 交流 · 政务服务工作交流平台`;
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'thread-error' });
    const act = (label: string, testid: string, run: () => Promise<void>) => {
      const button = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': testid }, label);
      button.addEventListener('click', async () => {
        button.disabled = true;
        setText(alert, null);
        try {
          await run();
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
        notify(`${t[key] ? off : on}：已完成`);
        options.changed({ ...t, ...next }, { repliesChanged: true });
      });
    const follow = act(t.viewerFollows ? '已关注' : '关注', 'thread-follow', async () => {
      const data = await gql(FOLLOW, { t: t.id, follow: !t.viewerFollows });
      const viewerFollows = data.setThreadFollowed.viewerFollows;
      notify(viewerFollows ? '已关注，有新回复时会通知您' : '已取消关注', 'info');
      options.changed({ ...t, viewerFollows }, { repliesChanged: false });
    });
    follow.setAttribute('aria-pressed', String(t.viewerFollows));
    follow.title = t.viewerFollows ? '点击取消关注' : '关注后有新回复时会通知您';
    const editBox = h('div');
    const removal = t.removal ?? null;
    // Members get the notice as the title and an empty body; moderators still read the thread.
    const hidden = !!removal && !t.bodyHtml && t.title === removal.notice;
    const bodyBox = hidden
      ? h('div', { class: 'thread-body' }, h('p', { class: 'floor-tombstone muted', 'data-testid': 'thread-removed' }, removal.notice))
      : h('div', { class: 'thread-body' }, markdownHtml(t.bodyHtml, { 'data-testid': 'thread-body' }));
    if (!hidden) applyWatermark(bodyBox, t.confidentiality);
    const edit = t.viewerCan.edit ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'thread-edit' }, '编辑') : null;
    edit?.addEventListener('click', () => this.openEditor(t, edit, editBox, bodyBox));
    const mod = options.moderation();
    const modButtons = mod ? forumModerationButtons(mod, { kind: 'THREAD', id: t.id, author: t.author, removal, prefix: 'thread' }, () => options.reload(), 'btn btn-small btn-secondary') : [];
    const removedBanner =
      removal && !hidden
        ? h(
            'div',
            { class: 'alert thread-removed-banner', role: 'note', 'data-testid': 'thread-removed-banner' },
            h('span', null, `${removal.notice}（成员看不到标题和正文，仅管理员可见原文）`),
            t.viewerCan.moderate && t.author.id !== viewer()?.id
              ? h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-testid': 'thread-restore', onclick: () => void restoreForum({ kind: 'THREAD', id: t.id }, () => options.reload()) }, '恢复')
              : null,
          )
        : null;
    // 提高密级 (group owner and admins): confirmed in a dialog that says what changes.
    const raise = t.viewerCan.raiseConfidentiality
      ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-haspopup': 'dialog', 'data-testid': 'thread-raise' }, '提高密级')
      : null;
    raise?.addEventListener('click', () => {
      const directory = new MemberDirectory(t.group.id);
      void openRaiseDialog({
        current: t.confidentiality,
        what: '这个帖子',
        members: async () => (await directory.all()).map((m) => m.user),
        authorId: t.author.id,
        apply: async ({ level, audienceUserIds }) => {
          const next = (await gql(RAISE, { t: t.id, level, audience: audienceUserIds })).raiseThreadConfidentiality;
          options.changed({ ...t, ...next }, { repliesChanged: true });
        },
      }).then((raised) => (raised ? notify('已提高保密级别') : raise.focus()));
    });
    const moderate = t.viewerCan.moderate ? [flag('pinned', '置顶', '取消置顶'), flag('essence', '设为精华', '取消精华'), flag('locked', '锁定', '解锁')] : [];
    replaceChildren(
      this.el,
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
      t.locked ? h('p', { class: 'alert thread-locked', role: 'note', 'data-testid': 'thread-locked-notice' }, icon('lock'), ' 本帖已被管理员锁定，不能回复或编辑。') : null,
      removedBanner,
      bodyBox,
      hidden ? null : attachmentList(t.attachments, 'thread-attachments'),
      editBox,
      h(
        'div',
        { class: 'actions thread-actions' },
        follow,
        edit,
        raise,
        moderate.length ? h('span', { class: 'mod-actions', role: 'group', 'aria-label': '管理操作' }, moderate) : null,
        modButtons.length ? h('span', { class: 'mod-actions', role: 'group', 'aria-label': '举报与管理' }, modButtons) : null,
      ),
      alert,
    );
  }

  private openEditor(t: Thread, edit: HTMLButtonElement, editBox: HTMLElement, bodyBox: HTMLElement): void {
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
        notify('帖子已修改');
        this.options.changed({ ...t, ...data.editThread }, { repliesChanged: false });
      },
    });
    bodyBox.hidden = true;
    replaceChildren(editBox, form.el);
    form.textarea.focus();
  }
}
