/**
 * The confidentiality selector of a composer (chat, thread, reply): 普通 / 内部 / 受限, and for
 * 受限 a member picker (checkboxes, filterable) of who besides the author and the admins may read.
 */
import { h } from '../dom.js';
import { LEVEL_HINTS, LEVEL_LABELS, type Confidentiality } from './levels.js';

export interface PickableMember {
  id: string;
  realName: string;
  unit?: { name: string } | null;
}

export interface SelectorOptions {
  /** Levels offered (e.g. no RESTRICTED in private chats or for a reply). */
  levels?: Confidentiality[];
  /** Members who may be named (loaded when 受限 is first chosen). */
  members?: () => Promise<PickableMember[]>;
  viewerId?: string;
}

export class ConfidentialitySelector {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly picker: HTMLElement;
  private readonly chosen = new Set<string>();
  private loaded = false;

  constructor(private readonly options: SelectorOptions = {}) {
    const levels = options.levels ?? ['NORMAL', 'INTERNAL', 'RESTRICTED'];
    this.select = h(
      'select',
      { class: 'level-select', 'aria-label': '保密级别', title: '保密级别', 'data-testid': 'level-select' },
      levels.map((l) => h('option', { value: l, title: LEVEL_HINTS[l] }, `保密：${LEVEL_LABELS[l]}`)),
    );
    this.picker = h('div', { class: 'audience-picker', hidden: true, 'data-testid': 'audience-picker', role: 'group', 'aria-label': '可见成员' });
    this.select.addEventListener('change', () => void this.update());
    this.el = h('span', { class: 'level-selector' }, this.select, this.picker);
  }

  get level(): Confidentiality {
    return this.select.value as Confidentiality;
  }

  get audienceUserIds(): string[] {
    return this.level === 'RESTRICTED' ? [...this.chosen] : [];
  }

  /** Back to 普通 after a send. */
  reset(): void {
    this.select.value = 'NORMAL';
    this.chosen.clear();
    for (const box of this.picker.querySelectorAll('input')) box.checked = false;
    this.picker.hidden = true;
  }

  private async update(): Promise<void> {
    const restricted = this.level === 'RESTRICTED';
    this.picker.hidden = !restricted;
    if (!restricted || this.loaded || !this.options.members) return;
    this.loaded = true;
    this.picker.replaceChildren(h('span', { class: 'muted' }, '正在加载成员…'));
    const members = (await this.options.members().catch(() => [])).filter((m) => m.id !== this.options.viewerId);
    const filter = h('input', { type: 'search', class: 'audience-filter', placeholder: '筛选成员', 'aria-label': '筛选成员' });
    const list = h(
      'div',
      { class: 'audience-list' },
      members.map((m) => {
        const box = h('input', { type: 'checkbox', value: m.id, 'data-testid': 'audience-member', 'data-name': m.realName });
        box.addEventListener('change', () => (box.checked ? this.chosen.add(m.id) : this.chosen.delete(m.id)));
        return h('label', { class: 'audience-item', 'data-name': m.realName }, box, ` ${m.realName}`, m.unit ? h('span', { class: 'muted' }, ` ${m.unit.name}`) : null);
      }),
    );
    filter.addEventListener('input', () => {
      const q = filter.value.trim();
      for (const item of list.children) (item as HTMLElement).hidden = !!q && !((item as HTMLElement).dataset.name ?? '').includes(q);
    });
    this.picker.replaceChildren(h('p', { class: 'audience-hint' }, '仅以下勾选的成员及群主、管理员可见：'), filter, list);
  }
}
