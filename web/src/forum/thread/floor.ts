/**
 * One floor of a thread (1楼, 2楼, …): its author and time, the floor it quotes, the body (with
 * the watermark of its level) and files, and 引用 / 编辑 / 删除 / 举报 / 管理. A deleted floor
 * stays as a tombstone; a removed one shows the notice, and moderators the original below it.
 * Mount with the floor, `update` with the floor as the server now answers it.
 */
import { gql } from '../../api.js';
import { pageError } from '../../auth.js';
import { levelBadge } from '../../confidentiality/badge.js';
import { applyWatermark } from '../../confidentiality/watermark.js';
import { attachmentList } from '../../documents/preview.js';
import { h, replaceChildren, setText } from '../../dom.js';
import { ReplyFields, ReplyFiles } from '../../graphql/fragments.js';
import { graphql } from '../../graphql/index.js';
import { forumModerationButtons, restoreForum, type ForumModerationContext } from '../../moderation/forumModeration.js';
import { notify } from '../../notify.js';
import { MarkdownEditor } from '../editor.js';
import { dateTimeEl, markdownHtml } from '../render.js';
import type { Reply } from '../types.js';
import { editHistory, plain } from './history.js';

const EDIT_REPLY = graphql(`mutation EditReply($r: ID!, $body: String!) { editReply(replyId: $r, body: $body) { ...ReplyFields ...ReplyFiles } }`, [ReplyFields, ReplyFiles]);
const DELETE_REPLY = graphql('mutation DeleteReply($r: ID!) { deleteReply(replyId: $r) { ...ReplyFields } }', [ReplyFields]);

export interface FloorOptions {
  threadId: () => string;
  /** The level the floor shows: the stronger of its own and its thread's. */
  level: (reply: Reply) => string;
  moderation: () => ForumModerationContext | null;
  /** Whether the viewer may reply (and so quote). */
  canReply: () => boolean;
  quote: (reply: Reply) => void;
  scrollToFloor: (floor: number) => void;
  /** After the viewer deleted it (the reply editor drops a quote of it). */
  deleted: (reply: Reply) => void;
}

export class FloorItem {
  readonly el: HTMLLIElement;
  private reply: Reply;

  constructor(
    reply: Reply,
    private readonly options: FloorOptions,
  ) {
    this.reply = reply;
    this.el = h('li', { class: `floor${reply.deletedAt ? ' floor-deleted' : ''}`, id: `floor-${reply.floor}`, tabindex: '-1', 'data-testid': 'floor', 'data-floor': String(reply.floor), 'data-reply-id': reply.id });
    this.update(reply);
  }

  get current(): Reply {
    return this.reply;
  }

  update(reply: Reply): void {
    this.reply = reply;
    const { options } = this;
    const removal = reply.deletedAt ? null : (reply.removal ?? null);
    this.el.className = `floor${reply.deletedAt ? ' floor-deleted' : ''}${removal ? ' floor-removed' : ''}`;
    const mod = options.moderation();
    const setRemoval = (next: Reply['removal']) => this.update({ ...reply, removal: next, viewerCan: { ...reply.viewerCan, edit: next ? false : reply.viewerCan.edit } });
    const editBox = h('div');
    const confirmBox = h('div');
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const content = [
      this.quoteEl(),
      reply.bodyHtml !== null ? watermarked(markdownHtml(reply.bodyHtml, { 'data-testid': 'floor-body' }), options.level(reply)) : null,
      attachmentList(reply.attachments, 'floor-attachments'),
    ];
    const canQuote = !reply.deletedAt && !removal && options.canReply();
    const actions = h(
      'div',
      { class: 'floor-actions' },
      canQuote ? h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'floor-quote-button', onclick: () => options.quote(reply) }, '引用') : null,
      reply.viewerCan.edit && !removal ? h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'floor-edit', onclick: () => this.openEditor(editBox) }, '编辑') : null,
      reply.viewerCan.delete
        ? h('button', { type: 'button', class: 'btn btn-link btn-small btn-danger-link', 'data-testid': 'floor-delete', onclick: () => this.confirmDelete(confirmBox, alert) }, '删除')
        : null,
      mod && !reply.deletedAt ? forumModerationButtons(mod, { kind: 'REPLY', id: reply.id, author: reply.author, removal, prefix: 'floor' }, (next) => setRemoval(next)) : null,
    );
    replaceChildren(
      this.el,
      h(
        'div',
        { class: 'floor-head' },
        h('span', { class: 'floor-no', 'data-testid': 'floor-no' }, `${reply.floor}楼`),
        levelBadge(options.level(reply)),
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
  }

  /** Shows or hides 引用 when replying opens or closes. */
  setQuotable(quotable: boolean): void {
    const button = this.el.querySelector<HTMLElement>('[data-testid=floor-quote-button]');
    if (button) button.hidden = !quotable;
  }

  private quoteEl(): HTMLElement | null {
    const quote = this.reply.quote;
    if (!quote) return null;
    return h(
      'blockquote',
      { class: 'floor-quote', 'data-testid': 'floor-quote' },
      h(
        'a',
        { href: `#/thread/${encodeURIComponent(this.options.threadId())}?floor=${quote.floor}`, class: 'quote-author', onclick: (event: MouseEvent) => (event.preventDefault(), void this.options.scrollToFloor(quote.floor)) },
        `引用 ${quote.floor}楼 ${quote.author.realName}：`,
      ),
      quote.deletedAt
        ? h('span', { class: 'muted' }, '该楼层已删除')
        : quote.removal
          ? h('span', { class: 'muted', 'data-testid': 'floor-quote-removed' }, quote.removal.notice)
          : quote.body === null
            ? h('span', { class: 'muted' }, '该楼层已删除')
            : h('span', { class: 'quote-text' }, plain(quote.body)),
    );
  }

  private openEditor(editBox: HTMLElement): void {
    const reply = this.reply;
    const form = new MarkdownEditor({
      withTitle: false,
      body: reply.body ?? '',
      submitLabel: '保存',
      busyLabel: '正在保存…',
      cancel: () => replaceChildren(editBox),
      testid: 'floor-edit-editor',
      submit: async (value) => {
        const data = await gql(EDIT_REPLY, { r: reply.id, body: value.body });
        notify(`${reply.floor}楼已修改`);
        this.update(data.editReply);
      },
    });
    replaceChildren(editBox, form.el);
    form.textarea.focus();
  }

  private confirmDelete(confirmBox: HTMLElement, alert: HTMLElement): void {
    const reply = this.reply;
    const confirm = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'floor-delete-confirm' }, '确认删除');
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        const data = await gql(DELETE_REPLY, { r: reply.id });
        notify(`${reply.floor}楼已删除`, 'info');
        this.options.deleted(reply);
        this.update(data.deleteReply);
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
  }
}

function watermarked(el: HTMLElement, level: string): HTMLElement {
  applyWatermark(el, level);
  return el;
}
