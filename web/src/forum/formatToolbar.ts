/**
 * 格式 buttons over a text box whose text the server renders as formatted text (BBS posts,
 * 会议公告): 加粗、列表、表格、链接、引用 put the markup around the selection (or a sample to
 * type over), so nobody needs to know the syntax. Plain buttons in the tab order, Chinese labels.
 */
import { h } from '../dom.js';

interface Edit {
  /** The new text for the selection. */
  text: string;
  /** What is selected afterwards, relative to the start of `text`. */
  select: [number, number];
}

/** Each selected line (or the caret's line) starting with `mark`. */
function prefixLines(selected: string, mark: string, sample: string): Edit {
  const lines = (selected || sample).split('\n').map((line) => `${mark}${line}`);
  const text = lines.join('\n');
  return { text, select: selected ? [0, text.length] : [mark.length, text.length] };
}

const FORMATS: Array<{ key: string; label: string; title: string; edit: (selected: string) => Edit }> = [
  {
    key: 'bold',
    label: '加粗',
    title: '加粗：选中文字后点击',
    edit: (s) => {
      const inner = s || '加粗文字';
      return { text: `**${inner}**`, select: [2, 2 + inner.length] };
    },
  },
  { key: 'list', label: '列表', title: '列表：每行一项', edit: (s) => prefixLines(s, '- ', '列表项') },
  {
    key: 'table',
    label: '表格',
    title: '插入表格（两列，可继续添加行和列）',
    edit: (s) => {
      const text = `| 项目 | 内容 |\n| --- | --- |\n| ${s.replace(/\n/g, ' ') || '　'} | 　 |\n`;
      return { text, select: [2, 4] };
    },
  },
  {
    key: 'link',
    label: '链接',
    title: '链接：选中文字后点击，再填网址',
    edit: (s) => {
      const label = s || '链接文字';
      const text = `[${label}](https://)`;
      // The address is what is left to type.
      return { text, select: [label.length + 3, text.length - 1] };
    },
  },
  { key: 'quote', label: '引用', title: '引用：选中的段落作为引文', edit: (s) => prefixLines(s, '> ', '引用的文字') },
];

/** The toolbar for `textarea`; `before` runs first (e.g. leaving the preview). */
export function formatToolbar(textarea: HTMLTextAreaElement, before?: () => void): HTMLElement {
  const apply = (edit: (selected: string) => Edit) => {
    before?.();
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    const { text, select } = edit(textarea.value.slice(start, end));
    // Block formats (lists, tables, quotes) start on a line of their own.
    const block = text.startsWith('- ') || text.startsWith('> ') || text.startsWith('| ');
    const lead = block && start > 0 && textarea.value[start - 1] !== '\n' ? '\n' : '';
    textarea.focus();
    textarea.setRangeText(lead + text, start, end, 'end');
    textarea.setSelectionRange(start + lead.length + select[0], start + lead.length + select[1]);
    // Counters, drafts and @-lists listen for input.
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  };
  return h(
    'div',
    { class: 'format-toolbar', role: 'group', 'aria-label': '格式', 'data-testid': 'format-toolbar' },
    FORMATS.map((f) => h('button', { type: 'button', class: 'btn btn-small btn-ghost', title: f.title, 'data-testid': `format-${f.key}`, onclick: () => apply(f.edit) }, f.label)),
  );
}

/** The toolbar inside a form field (forms.ts `field`), just above its text box. */
export function withFormatToolbar(field: { control: HTMLElement }): void {
  if (field.control instanceof HTMLTextAreaElement) field.control.before(formatToolbar(field.control));
}
