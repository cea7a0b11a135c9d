/**
 * Emoji and the classic expressions (经典表情, e.g. [微笑] [点赞] [抱拳]): the lists, how an
 * expression is drawn, and the picker used by the composer and for reactions.
 */
import { h } from '../dom.js';
import { expressionImage } from './expressionImages.js';

/**
 * The server's list (CLASSIC_EXPRESSIONS in server/modules/chat/messages.ts), in its order, with
 * the glyph the UI draws for each. The browser test checks both lists stay the same.
 */
export const CLASSIC_EXPRESSIONS: ReadonlyArray<readonly [code: string, glyph: string]> = [
  ['[微笑]', '🙂'],
  ['[大笑]', '😄'],
  ['[调皮]', '😜'],
  ['[害羞]', '☺️'],
  ['[鼓掌]', '👏'],
  ['[点赞]', '👍'],
  ['[握手]', '🤝'],
  ['[抱拳]', '🙏'],
  ['[疑问]', '❓'],
  ['[思考]', '🤔'],
  ['[加油]', '💪'],
  ['[辛苦了]', '🍵'],
  ['[收到]', '✅'],
  ['[玫瑰]', '🌹'],
  ['[OK]', '👌'],
];

const GLYPHS = new Map(CLASSIC_EXPRESSIONS);

/** Unicode emoji offered in the picker (any single emoji is accepted by the server). */
export const EMOJI: readonly string[] = [
  '😀', '😄', '😂', '😊', '😉', '😍', '🤔', '😅', '😭', '😮', '😎', '🙄', '😴', '😷', '🤗', '🙃',
  '👍', '👎', '👏', '🙏', '💪', '👌', '✌️', '🤝', '👋', '🙌', '✍️', '👀',
  '❤️', '🎉', '🔥', '✅', '❌', '❓', '❗', '⭐', '🌹', '☕', '🍵', '💡', '📄', '📌', '📢', '📅', '⏰', '🇨🇳',
];

/** Chinese names of the offered emoji: the tooltip and accessible name wherever one is shown. */
const EMOJI_NAMES: Record<string, string> = {
  '😀': '嘿嘿', '😄': '大笑', '😂': '笑哭', '😊': '愉快', '😉': '眨眼', '😍': '喜爱', '🤔': '思考', '😅': '擦汗',
  '😭': '大哭', '😮': '惊讶', '😎': '酷', '🙄': '白眼', '😴': '睡觉', '😷': '口罩', '🤗': '拥抱', '🙃': '倒脸',
  '👍': '赞', '👎': '踩', '👏': '鼓掌', '🙏': '抱拳', '💪': '加油', '👌': '好的', '✌️': '胜利', '🤝': '握手',
  '👋': '挥手', '🙌': '欢呼', '✍️': '书写', '👀': '关注', '❤️': '爱心', '🎉': '庆祝', '🔥': '火热', '✅': '完成',
  '❌': '错误', '❓': '疑问', '❗': '注意', '⭐': '星星', '🌹': '玫瑰', '☕': '咖啡', '🍵': '茶', '💡': '想法',
  '📄': '文件', '📌': '图钉', '📢': '通知', '📅': '日历', '⏰': '闹钟', '🇨🇳': '中国国旗', '🙂': '微笑', '😜': '调皮', '☺️': '害羞',
};

/** Reactions offered first (one tap). */
export const QUICK_REACTIONS: readonly string[] = ['👍', '[点赞]', '[收到]', '[抱拳]', '👏', '❤️', '😄', '[辛苦了]'];

export function isClassic(code: string): boolean {
  return GLYPHS.has(code);
}

/** Classic expressions whose code is not Chinese. */
const CLASSIC_NAMES: Record<string, string> = { '[OK]': '好的' };

/** "[微笑]" → "微笑" ([OK] → 好的); an emoji → its Chinese name when it has one (👍 → 赞), else itself. */
export function expressionName(code: string): string {
  return isClassic(code) ? (CLASSIC_NAMES[code] ?? code.slice(1, -1)) : (EMOJI_NAMES[code] ?? code);
}

/**
 * A Unicode emoji: Jiaoliu's own picture when it draws one (independent of the PC's fonts),
 * else the character in a colour-emoji font stack (styles: .emoji), named in Chinese.
 */
export function emojiGlyph(emoji: string, titled = true): HTMLElement {
  const name = expressionName(emoji);
  const img = expressionImage(emoji, name, 'emoji-img');
  if (img && titled) img.title = name;
  return img ?? h('span', { class: 'emoji', role: 'img', 'aria-label': name, title: titled ? name : null }, emoji);
}

/** A classic expression as a small picture with its name (the code is the tooltip); an emoji as {@link emojiGlyph}. */
export function expression(code: string, withLabel = true): HTMLElement {
  const glyph = GLYPHS.get(code);
  if (!glyph) return emojiGlyph(code);
  const name = expressionName(code);
  return h(
    'span',
    { class: 'expr', title: code, 'data-expr': code },
    expressionImage(glyph, name) ?? h('span', { class: 'expr-glyph emoji', role: 'img', 'aria-label': name }, glyph),
    // The picture carries the name for assistive technology; the visible label is not read twice.
    withLabel ? h('span', { class: 'expr-label', 'aria-hidden': 'true' }, name) : null,
  );
}

/** Matches any classic expression code in text. */
export const CLASSIC_PATTERN = CLASSIC_EXPRESSIONS.map(([code]) => code.replace(/[[\]]/g, '\\$&')).join('|');

interface Open {
  el: HTMLElement;
  anchor: HTMLElement;
  close: (returnFocus: boolean) => void;
}
let open: Open | null = null;

/**
 * Opens the picker next to `anchor` (a button). Arrow keys move between choices, Enter picks,
 * Escape closes and gives focus back to the anchor.
 */
export function openEmojiPicker(anchor: HTMLElement, onPick: (code: string) => void, title = '选择表情'): void {
  if (open?.anchor === anchor) {
    open.close(true);
    return;
  }
  open?.close(false);
  const choice = (code: string) =>
    h(
      'button',
      {
        type: 'button',
        class: isClassic(code) ? 'picker-choice picker-classic' : 'picker-choice',
        title: isClassic(code) ? code : expressionName(code),
        'aria-label': expressionName(code),
        'data-testid': 'emoji-choice',
        'data-code': code,
        tabindex: -1,
        onclick: () => {
          close(true);
          onPick(code);
        },
      },
      expression(code),
    );
  const el = h(
    'div',
    { class: 'picker', role: 'dialog', 'aria-label': title, 'data-testid': 'emoji-picker' },
    h('p', { class: 'picker-heading' }, '经典表情'),
    h('div', { class: 'picker-grid picker-grid-classic' }, CLASSIC_EXPRESSIONS.map(([code]) => choice(code))),
    h('p', { class: 'picker-heading' }, '表情'),
    h('div', { class: 'picker-grid' }, EMOJI.map(choice)),
  );
  const buttons = () => [...el.querySelectorAll<HTMLButtonElement>('.picker-choice')];
  const focusAt = (i: number) => {
    const all = buttons();
    const next = all[Math.max(0, Math.min(all.length - 1, i))];
    all.forEach((b) => (b.tabIndex = b === next ? 0 : -1));
    next?.focus();
  };
  el.addEventListener('keydown', (event) => {
    const all = buttons();
    const i = all.indexOf(document.activeElement as HTMLButtonElement);
    const grid = all[i]?.parentElement;
    const columns = grid ? Math.max(1, getComputedStyle(grid).gridTemplateColumns.split(' ').length) : 1;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns };
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
    } else if (event.key in step) {
      event.preventDefault();
      focusAt(i + step[event.key]);
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      focusAt(event.key === 'Home' ? 0 : all.length - 1);
    } else if (event.key === 'Tab') {
      close(false);
    }
  });
  const outside = (event: Event) => {
    if (!el.contains(event.target as Node) && !anchor.contains(event.target as Node)) close(false);
  };
  const reposition = () => place(el, anchor);
  function close(returnFocus: boolean): void {
    if (open?.el !== el) return;
    open = null;
    el.remove();
    anchor.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside, true);
    window.removeEventListener('resize', reposition);
    if (returnFocus) anchor.focus();
  }
  open = { el, anchor, close };
  anchor.setAttribute('aria-expanded', 'true');
  document.body.appendChild(el);
  place(el, anchor);
  document.addEventListener('pointerdown', outside, true);
  window.addEventListener('resize', reposition);
  focusAt(0);
}

/** Closes the picker if one is open (e.g. when the page changes). */
export function closeEmojiPicker(): void {
  open?.close(false);
}

/** Above the anchor when there is room, else below; kept inside the window. */
function place(el: HTMLElement, anchor: HTMLElement): void {
  const rect = anchor.getBoundingClientRect();
  const width = el.offsetWidth;
  const height = el.offsetHeight;
  const left = Math.max(8, Math.min(window.innerWidth - width - 8, rect.left));
  const above = rect.top - height - 6;
  const top = above >= 8 ? above : Math.min(window.innerHeight - height - 8, rect.bottom + 6);
  el.style.left = `${Math.round(left + window.scrollX)}px`;
  el.style.top = `${Math.round(Math.max(8, top) + window.scrollY)}px`;
}
