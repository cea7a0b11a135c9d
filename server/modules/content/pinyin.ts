import { customPinyin, pinyin } from 'pinyin-pro';

/**
 * Pinyin for search: officials type 行政 as `xingzheng` or its initials `xz`, and names such as
 * 张凯峰 as `zhangkaifeng` or `zkf`. pinyin-pro reads whole words from its dictionary, which
 * settles most polyphonic characters by context (行政 xingzheng, 银行 yinhang); names are read
 * with the surname rules (曾 zeng, 单 shan). Only that one reading is indexed: a character read
 * otherwise in a name will not be found by its other reading (docs/search.md).
 */

/**
 * Official titles pinyin-pro's dictionary reads as 长 cháng (checked with 3.29.4): the titles of
 * the directory are searched by pinyin too, so their reading must be the one officials type.
 */
customPinyin({
  处长: 'chù zhǎng',
  局长: 'jú zhǎng',
  所长: 'suǒ zhǎng',
  乡长: 'xiāng zhǎng',
  馆长: 'guǎn zhǎng',
  室长: 'shì zhǎng',
  秘书长: 'mì shū zhǎng',
});

const HAN = /\p{Script=Han}/u;
const ONLY_HAN = /^\p{Script=Han}+$/u;

/** The syllables of the Chinese characters of a text, lower case, without tones, ü as v. */
function syllables(text: string, name: boolean): string[] {
  if (!HAN.test(text)) return [];
  return pinyin(text, { toneType: 'none', type: 'array', v: true, nonZh: 'removed', surname: name ? 'head' : 'off' })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ''))
    .filter(Boolean);
}

/** Full pinyin and initials of a text's Chinese characters: 行政 → { full: 'xingzheng', initials: 'xz' }. */
export function pinyinOf(text: string, options: { name?: boolean } = {}): { full: string; initials: string } {
  const parts = syllables(text, !!options.name);
  return { full: parts.join(''), initials: parts.map((s) => s[0]).join('') };
}

/**
 * Pinyin search words for the index words of a title (Chinese words only): each word's full
 * pinyin, and its initials when it has two characters or more (a single letter would match
 * almost anything). 行政许可 → xingzhengxuke, xzxk; its sub-words 行政, 许可 add xingzheng, xz, xuke, xk.
 */
export function pinyinWords(words: string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (!ONLY_HAN.test(word)) continue;
    const { full, initials } = pinyinOf(word);
    if (full) out.push(full);
    if (initials.length >= 2) out.push(initials);
  }
  return out;
}

/**
 * The stored pinyin key of a person's or group's names (`name_pinyin`): for each text, its full
 * pinyin and its initials, space-separated (张凯峰, 科长 → "zhangkaifeng zkf kezhang kz"). A query
 * in letters matches when it occurs in one of them (queryPinyin).
 */
export function namePinyinKey(texts: Array<{ text: string; name?: boolean }>): string {
  const keys: string[] = [];
  for (const { text, name } of texts) {
    const { full, initials } = pinyinOf(text, { name });
    if (full) keys.push(full, initials);
  }
  return keys.join(' ');
}

/**
 * The key of a person (`app_user.name_pinyin`): real name (surname rules) and title. Every
 * service that writes either sets it (a plain column: nothing recomputes it on flush).
 */
export function personPinyinKey(person: { realName: string; title: string }): string {
  return namePinyinKey([{ text: person.realName, name: true }, { text: person.title }]);
}

/** The key of a group's name (`chat_group.name_pinyin`), set where the name is written. */
export function groupPinyinKey(name: string): string {
  return namePinyinKey([{ text: name }]);
}

/**
 * A query that can be pinyin: Latin letters only, spaces and apostrophes between syllables
 * allowed (xing zheng, xi'an), lower-cased and joined; null for anything else.
 */
export function queryPinyin(query: string): string | null {
  const text = query.normalize('NFKC').toLowerCase().replace(/[\s']+/g, '');
  return /^[a-z]{1,60}$/.test(text) ? text : null;
}

/**
 * The Chinese words of `words` (a text's index words) whose pinyin or initials is one of the
 * query words: what to highlight in a text that matched by pinyin.
 */
export function pinyinMatches(words: string[], queryWords: string[]): string[] {
  const letters = new Set(queryWords.filter((w) => /^[a-z]+$/.test(w)));
  if (!letters.size) return [];
  const found = new Set<string>();
  for (const word of words) {
    if (!ONLY_HAN.test(word) || found.has(word)) continue;
    const { full, initials } = pinyinOf(word);
    if (letters.has(full) || (initials.length >= 2 && letters.has(initials))) found.add(word);
  }
  return [...found];
}
