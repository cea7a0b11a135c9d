/**
 * @-autocomplete for the composer textarea: typing "@" (then part of a name or login name)
 * lists matching members of the conversation (in a group, asked of the server, so any member of
 * a large group is found); ↑/↓ choose, Enter or Tab insert "@姓名 ", Escape closes. "@全体成员" is
 * offered only to those who may use it. The textarea controls the listbox (aria-controls,
 * aria-activedescendant).
 */
import { h, replaceChildren, uid } from '../dom.js';
import { MENTION_ALL } from './body.js';
import type { ChatUser } from './types.js';

export const MAX_OPTIONS = 8;
const SEARCH_DELAY_MS = 120;
/** "@" at the start or after anything but a letter or digit (not an e-mail address), then the query. */
const TRIGGER = /(^|[^A-Za-z0-9_.@])@([^\s@]{0,16})$/;

export interface MentionChoice {
  /** null for @全体成员. */
  id: string | null;
  name: string;
  user?: ChatUser;
}

export interface MentionSource {
  members: () => Promise<ChatUser[]>;
  /**
   * Asks the server for the members matching the text after "@" (large groups: the page does not
   * hold every member). Without it, `members()` is filtered here.
   */
  search?: (query: string) => Promise<ChatUser[]>;
  mentionAll: () => boolean;
  viewerId: string | undefined;
}

export class MentionPicker {
  readonly el: HTMLUListElement;
  private options: MentionChoice[] = [];
  private active = 0;
  private start = -1;
  private query = '';
  private requestSeq = 0;

  constructor(
    private readonly textarea: HTMLTextAreaElement,
    private readonly source: MentionSource,
    private readonly onChoose: (choice: MentionChoice) => void,
  ) {
    this.el = h('ul', { class: 'mention-list', role: 'listbox', id: uid('mentions'), 'aria-label': '选择要提及的成员', hidden: true, 'data-testid': 'mention-list' });
    // A textarea may not take the combobox role (ARIA in HTML): it stays a textbox that controls the list.
    textarea.setAttribute('aria-autocomplete', 'list');
    textarea.setAttribute('aria-controls', this.el.id);
    textarea.addEventListener('input', () => void this.update());
    textarea.addEventListener('click', () => void this.update());
    // Focus really left the box (not just the window losing focus): close.
    textarea.addEventListener('blur', () =>
      window.setTimeout(() => {
        if (document.activeElement !== textarea) this.close();
      }, 150),
    );
  }

  isOpen(): boolean {
    return !this.el.hidden;
  }

  /** Keys while open; returns true when the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.isOpen()) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const n = this.options.length;
      this.active = (this.active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.renderOptions();
      return true;
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      this.choose(this.options[this.active]);
      return true;
    }
    if (event.key === 'Escape') {
      this.close();
      return true;
    }
    return false;
  }

  close(): void {
    this.closeList();
    this.requestSeq += 1;
  }

  /** Hides the list (a search under way still answers). */
  private closeList(): void {
    this.el.hidden = true;
    this.textarea.removeAttribute('aria-activedescendant');
  }

  /** Opens the list for an "@" just before the caret, if there is one. */
  async update(): Promise<void> {
    const caret = this.textarea.selectionStart ?? 0;
    if (caret !== this.textarea.selectionEnd) return this.close();
    const match = TRIGGER.exec(this.textarea.value.slice(0, caret));
    if (!match) return this.close();
    this.query = match[2];
    this.start = caret - match[2].length - 1;
    const seq = ++this.requestSeq;
    const search = this.source.search;
    let byName: ChatUser[];
    try {
      if (search) {
        // Until the server answers, the list shows only what still matches (Enter never picks a stale option).
        if (this.isOpen()) this.show(this.withAll(this.filter(this.options.flatMap((o) => (o.user ? [o.user] : [])))));
        // One question per pause in typing, not per key.
        await new Promise((resolve) => window.setTimeout(resolve, SEARCH_DELAY_MS));
        if (seq !== this.requestSeq) return;
        byName = (await search(this.query)).filter((m) => m.id !== this.source.viewerId);
      } else byName = this.filter(await this.source.members());
    } catch {
      return seq === this.requestSeq ? this.close() : undefined;
    }
    if (seq !== this.requestSeq) return;
    this.show(this.withAll(byName));
  }

  /** @全体成员 (for those who may use it, when the query fits it), then the members. */
  private withAll(members: ChatUser[]): MentionChoice[] {
    const q = this.query.toLowerCase();
    const options: MentionChoice[] = [];
    if (this.source.mentionAll() && (MENTION_ALL.includes(this.query) || 'all'.startsWith(q) || 'quanti'.startsWith(q))) options.push({ id: null, name: MENTION_ALL });
    for (const m of members.slice(0, MAX_OPTIONS - options.length)) options.push({ id: m.id, name: m.realName, user: m });
    return options;
  }

  private show(options: MentionChoice[]): void {
    this.options = options;
    if (!options.length) return this.closeList();
    this.active = 0;
    this.renderOptions();
    this.el.hidden = false;
  }

  /** The loaded members matching the query: names that start with it first. */
  private filter(members: ChatUser[]): ChatUser[] {
    const q = this.query.toLowerCase();
    const found = members.filter((m) => m.id !== this.source.viewerId && (m.realName.includes(this.query) || (m.loginName ?? '').toLowerCase().includes(q)));
    return found.sort((a, b) => Number(!a.realName.startsWith(this.query)) - Number(!b.realName.startsWith(this.query)));
  }

  private renderOptions(): void {
    replaceChildren(
      this.el,
      this.options.map((option, i) => {
        const user = option.user;
        return h(
          'li',
          {
            id: `${this.el.id}-${i}`,
            role: 'option',
            class: 'mention-option',
            'aria-selected': String(i === this.active),
            'data-testid': 'mention-option',
            onmousedown: (event: MouseEvent) => {
              event.preventDefault();
              this.choose(option);
            },
          },
          h('span', { class: 'mention-name' }, option.id ? option.name : `@${MENTION_ALL}`),
          h('span', { class: 'mention-unit' }, user ? `${user.unit.name} · ${user.title}` : '通知群内所有成员'),
        );
      }),
    );
    this.textarea.setAttribute('aria-activedescendant', `${this.el.id}-${this.active}`);
    this.el.children[this.active]?.scrollIntoView({ block: 'nearest' });
  }

  private choose(option: MentionChoice | undefined): void {
    if (!option) return this.close();
    const value = this.textarea.value;
    const end = this.start + 1 + this.query.length;
    const insert = `@${option.name} `;
    this.textarea.value = value.slice(0, this.start) + insert + value.slice(end);
    const caret = this.start + insert.length;
    this.textarea.setSelectionRange(caret, caret);
    this.close();
    this.onChoose(option);
    this.textarea.dispatchEvent(new Event('input', { bubbles: true }));
  }
}
