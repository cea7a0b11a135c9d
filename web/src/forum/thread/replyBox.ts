/**
 * 回复 under a thread: the Markdown editor with @ mentions, files from the library and the
 * floor's level, or why the viewer cannot reply (removed, locked, archived, not a member).
 * `update` with the thread; the editor is made once and kept while replying stays open.
 */
import { gql } from '../../api.js';
import { withConfirmation } from '../../confidentiality/confirm.js';
import { ConfidentialitySelector } from '../../confidentiality/selector.js';
import { AttachmentField } from '../../documents/attachField.js';
import { h, replaceChildren } from '../../dom.js';
import { icon } from '../../icons.js';
import { graphql } from '../../graphql/index.js';
import { notify } from '../../notify.js';
import { MarkdownEditor, type EditorOptions } from '../editor.js';
import type { Reply, Thread } from '../types.js';
import { plain } from './history.js';

const REPLY = graphql(`mutation Reply($t: ID!, $body: String!, $quote: ID, $mentions: [ID!], $files: [ID!], $level: Confidentiality, $ack: Boolean) {
  replyToThread(threadId: $t, body: $body, quoteReplyId: $quote, mentionUserIds: $mentions, attachmentVersionIds: $files, confidentiality: $level, acknowledgeSensitive: $ack) { id floor } }`);

export interface ReplyBoxOptions {
  mentions: () => EditorOptions['mentions'];
  /** After a reply was posted as this floor. */
  replied: (floor: number) => Promise<void>;
}

export class ReplyBox {
  readonly el = h('section', { class: 'card reply-card', 'aria-label': '回帖', 'data-testid': 'reply-box' });
  private editor: MarkdownEditor | null = null;

  constructor(private readonly options: ReplyBoxOptions) {}

  /** Whether the viewer may reply now (and so quote floors). */
  get open(): boolean {
    return !!this.editor;
  }

  update(t: Thread): void {
    if (!t.viewerCan.reply) {
      this.editor = null;
      replaceChildren(
        this.el,
        h('p', { class: 'muted', 'data-testid': 'reply-closed' }, t.removal ? '本帖已被管理员移除，不能回复。' : t.locked ? [icon('lock'), ' 本帖已锁定，不能回复。'] : t.group.viewerRole ? '该版块已归档，不能回复。' : '您不是本群成员，不能回复。'),
      );
      return;
    }
    if (this.editor) return;
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
      placeholder: '写下您的回复，可用上方“格式”按钮；输入 @ 提及成员。Ctrl+Enter 回复',
      mentions: this.options.mentions(),
      testid: 'reply-editor',
      submit: async (value) => {
        const data = await withConfirmation((ack) =>
          gql(REPLY, {
            t: t.id,
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
        await this.options.replied(data.replyToThread.floor);
      },
    });
    this.editor = form;
    replaceChildren(this.el, h('h2', { class: 'panel-title' }, '回复'), form.el);
  }

  /** 引用: the floor goes above the editor. */
  quote(r: Reply): void {
    if (!this.editor) return;
    this.editor.setQuote({ id: r.id, floor: r.floor, authorName: r.author.realName, text: plain(r.body ?? '', 60) });
    this.el.scrollIntoView({ block: 'nearest' });
  }

  /** A floor was deleted: drop it if it is the one quoted. */
  forget(r: Reply): void {
    if (this.editor?.quoted() === r.id) this.editor.setQuote(null);
  }

  /** A new thread opens in the page: the next `update` makes a new editor. */
  reset(): void {
    this.editor = null;
  }
}
