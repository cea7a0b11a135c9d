/**
 * The message box: Enter sends, Shift+Enter starts a new line (and Enter while an input method
 * is composing does neither), the emoji picker, @-mentions with autocomplete, a reply preview
 * with cancel, a character count near the limit, "typing" signals, and a draft kept per
 * conversation while the tab is open. 附件 attaches files of the conversation's library (the
 * group's 群文件, or a discussion group's or private chat's own files, where new ones can be
 * uploaded too), shown as chips above the box; a message may be only files. Disabled, with the
 * reason, when the viewer cannot post.
 */
import { AttachmentField } from '../documents/attachField.js';
import type { PickerLibrary } from '../documents/picker.js';
import type { AttachedVersion } from '../documents/types.js';
import { h, setText } from '../dom.js';
import { MENTION_ALL, previewText } from './body.js';
import { openEmojiPicker } from './emoji.js';
import { MentionPicker, type MentionSource } from './mentionPicker.js';
import type { ChatUser, Message } from './types.js';
import { ConfidentialitySelector } from '../confidentiality/selector.js';
import type { Confidentiality } from '../confidentiality/levels.js';
import { icon } from '../icons.js';

export const MAX_LENGTH = 4000;
const TYPING_EVERY_MS = 3000;
const drafts = new Map<string, string>();
const draftFiles = new Map<string, AttachedVersion[]>();

export interface SendInput {
  body: string;
  replyTo: Message | null;
  mentionUserIds: string[];
  mentionAll: boolean;
  /** 保密标识 chosen in the composer, and for 受限 who may read it. */
  confidentiality: Confidentiality;
  audienceUserIds: string[];
  /** Files to attach (versions of the conversation's library). */
  attachments: AttachedVersion[];
}

export interface ComposerOptions {
  conversationId: string;
  mentions: MentionSource & {
    /** Members already loaded (to recognise "@姓名" typed by hand), or null. */
    known: () => ChatUser[] | null;
  };
  /** Where attachments come from; null: no 附件 button. */
  library: PickerLibrary | null;
  send: (input: SendInput) => void;
  typing: () => void;
  /** Private chats offer no 受限 (only the two people read them anyway). */
  direct?: () => boolean;
}

/** What the composer says while the text is over the limit. */
const overText = (length: number) => `消息最多 ${MAX_LENGTH} 字，已超出 ${length - MAX_LENGTH} 字`;

export class Composer {
  readonly el: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly replyBox: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly notice: HTMLElement;
  /** 「消息最多 N 字，已超出 M 字」 while the text is too long. */
  private readonly over: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private readonly picker: MentionPicker;
  private readonly files: AttachmentField | null;
  private replyTo: Message | null = null;
  /** Chosen from the autocomplete: name → id. */
  private readonly chosen = new Map<string, string>();
  private lastTyping = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly level: ConfidentialitySelector;

  constructor(private readonly options: ComposerOptions) {
    this.textarea = h('textarea', {
      class: 'composer-input',
      name: 'body',
      rows: 3,
      placeholder: '输入消息，Enter 发送，Shift+Enter 换行，输入 @ 提及成员',
      'aria-label': '消息内容',
      // No maxlength: the browser would cut a long paste silently; the composer says how much is over.
      'aria-describedby': 'composer-hint composer-over',
      'data-testid': 'composer-input',
    });
    this.textarea.value = drafts.get(options.conversationId) ?? '';
    this.picker = new MentionPicker(this.textarea, options.mentions, (choice) => {
      if (choice.id) this.chosen.set(choice.name, choice.id);
    });
    this.replyBox = h('div', { class: 'reply-preview', hidden: true, 'data-testid': 'reply-preview' });
    this.counter = h('span', { class: 'composer-count', 'aria-live': 'polite', hidden: true });
    this.notice = h('p', { class: 'composer-disabled', hidden: true, 'data-testid': 'composer-disabled' });
    this.over = h('p', { class: 'composer-over', id: 'composer-over', role: 'status', hidden: true, 'data-testid': 'composer-over' });
    const emojiButton = h('button', { type: 'button', class: 'btn btn-ghost btn-icon', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', title: '表情', 'data-testid': 'emoji-button' }, icon('smile'), '表情');
    emojiButton.addEventListener('click', () => openEmojiPicker(emojiButton, (code) => this.insert(code)));
    const mentionButton = h('button', { type: 'button', class: 'btn btn-ghost btn-icon', title: '提及成员', 'data-testid': 'mention-button', onclick: () => this.insert('@', true) }, '@ 提及');
    const send = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'send' }, '发送');
    this.files = options.library
      ? new AttachmentField(options.library, {
          label: '附件',
          icon: 'clip',
          buttonClass: 'btn btn-ghost btn-icon',
          onChange: (versions) => {
            if (versions.length) draftFiles.set(options.conversationId, versions);
            else draftFiles.delete(options.conversationId);
          },
        })
      : null;
    const attachButton = this.files?.button() ?? null;
    if (attachButton) attachButton.title = '添加附件';
    this.files?.set(draftFiles.get(options.conversationId) ?? []);
    this.buttons = [emojiButton, mentionButton, ...(attachButton ? [attachButton] : []), send];
    this.level = new ConfidentialitySelector({
      levels: options.direct?.() ? ['NORMAL', 'INTERNAL'] : undefined,
      members: async () => options.mentions.members(),
      viewerId: options.mentions.viewerId,
    });
    this.el = h(
      'form',
      { class: 'composer', novalidate: true, 'aria-label': '发送消息', 'data-testid': 'composer' },
      this.replyBox,
      this.files ? h('div', { class: 'composer-files', 'data-testid': 'composer-files' }, this.files.el) : null,
      h('div', { class: 'composer-box' }, this.picker.el, this.textarea),
      h(
        'div',
        { class: 'composer-bar' },
        emojiButton,
        mentionButton,
        attachButton,
        this.level.el,
        h('span', { class: 'composer-hint', id: 'composer-hint' }, 'Enter 发送 · Shift+Enter 换行'),
        this.counter,
        send,
      ),
      this.over,
      this.notice,
    );
    this.el.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.textarea.addEventListener('keydown', (event) => this.onKey(event));
    this.textarea.addEventListener('input', () => this.onInput());
    this.updateCount();
  }

  focus(): void {
    this.textarea.focus();
  }

  /** Quote a message in the next one (null cancels). */
  setReply(message: Message | null): void {
    this.replyTo = message;
    if (!message) {
      this.replyBox.hidden = true;
      this.replyBox.replaceChildren();
      return;
    }
    this.replyBox.replaceChildren(
      h('span', { class: 'reply-label' }, '回复 ', h('strong', null, message.author?.realName ?? ''), '：'),
      h('span', { class: 'reply-text' }, previewText(message, 80)),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': '取消回复', 'data-testid': 'cancel-reply', onclick: () => (this.setReply(null), this.focus()) }, '×'),
    );
    this.replyBox.hidden = false;
    this.focus();
  }

  /** Puts text back into an empty box (a send the author took back to edit). */
  restore(body: string): void {
    if (!this.textarea.value.trim()) this.textarea.value = body;
    this.onInput();
    this.focus();
  }

  /** The message being replied to was recalled. */
  replyGone(messageId: string): void {
    if (this.replyTo?.id === messageId) this.setReply(null);
  }

  setEnabled(enabled: boolean, reason = ''): void {
    this.textarea.disabled = !enabled;
    for (const b of this.buttons) b.disabled = !enabled;
    this.files?.setDisabled(!enabled);
    setText(this.notice, enabled ? null : reason);
    this.el.classList.toggle('composer-off', !enabled);
  }

  /** Inserts text at the caret (an emoji, or "@" to start a mention). */
  insert(text: string, openMentions = false): void {
    const t = this.textarea;
    const start = t.selectionStart ?? t.value.length;
    const end = t.selectionEnd ?? t.value.length;
    t.value = t.value.slice(0, start) + text + t.value.slice(end);
    const caret = start + text.length;
    t.focus();
    t.setSelectionRange(caret, caret);
    this.onInput();
    if (openMentions) void this.picker.update();
  }

  private onKey(event: KeyboardEvent): void {
    // An input method is turning pinyin into characters: its Enter is not ours.
    if (event.isComposing || event.keyCode === 229) return;
    if (this.picker.handleKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      this.submit();
    } else if (event.key === 'Escape' && this.replyTo) {
      event.preventDefault();
      this.setReply(null);
    }
  }

  private onInput(): void {
    drafts.set(this.options.conversationId, this.textarea.value);
    this.updateCount();
    const now = Date.now();
    if (this.textarea.value.trim() && now - this.lastTyping > TYPING_EVERY_MS) {
      this.lastTyping = now;
      this.options.typing();
    }
  }

  private updateCount(): void {
    const n = [...this.textarea.value].length;
    this.counter.hidden = n < MAX_LENGTH - 500;
    this.counter.textContent = `${n} / ${MAX_LENGTH}`;
    this.counter.classList.toggle('over', n > MAX_LENGTH);
    setText(this.over, n > MAX_LENGTH ? overText(n) : null);
    if (n > MAX_LENGTH) this.textarea.setAttribute('aria-invalid', 'true');
    else this.textarea.removeAttribute('aria-invalid');
  }

  /**
   * Who "@姓名" in the text means: names picked from the list, and any member whose name was
   * typed by hand (members are loaded first when the text has an "@" and they are not yet).
   */
  private async resolveMentions(body: string, chosen: Map<string, string>): Promise<Pick<SendInput, 'mentionUserIds' | 'mentionAll'>> {
    const { mentions } = this.options;
    const ids = new Set<string>();
    for (const [name, id] of chosen) if (body.includes(`@${name}`)) ids.add(id);
    let members = mentions.known();
    // Every member is loaded only for an "@" that is not one picked from the list (typed by hand).
    let rest = body;
    for (const name of chosen.keys()) rest = rest.split(`@${name}`).join('');
    if (!members && rest.split(`@${MENTION_ALL}`).join('').includes('@')) members = await mentions.members().catch(() => []);
    for (const m of members ?? []) {
      if (m.id !== mentions.viewerId && body.includes(`@${m.realName}`)) ids.add(m.id);
    }
    return { mentionUserIds: [...ids].slice(0, 50), mentionAll: mentions.mentionAll() && body.includes(`@${MENTION_ALL}`) };
  }

  private submit(): void {
    if (this.textarea.disabled) return;
    const body = this.textarea.value;
    const attachments = this.files?.versions() ?? [];
    // Text, files, or both: a message of only files is fine.
    if (!body.trim() && !attachments.length) {
      this.focus();
      return;
    }
    // Too long: refused here, the text stays in the box for the author to shorten or split.
    const length = [...body].length;
    if (length > MAX_LENGTH) {
      setText(this.over, `${overText(length)}，请删减或分几条发送`);
      this.focus();
      return;
    }
    setText(this.notice, null);
    const replyTo = this.replyTo;
    const chosen = new Map(this.chosen);
    const level = { confidentiality: this.level.level, audienceUserIds: this.level.audienceUserIds };
    this.level.reset();
    this.textarea.value = '';
    drafts.delete(this.options.conversationId);
    this.files?.clear();
    this.chosen.clear();
    this.setReply(null);
    this.picker.close();
    this.updateCount();
    this.lastTyping = 0;
    // In order, even when one message waits for the member list.
    this.queue = this.queue.then(async () => this.options.send({ body: body.trim() ? body : '', replyTo, attachments, ...level, ...(await this.resolveMentions(body, chosen)) }));
    this.focus();
  }
}
