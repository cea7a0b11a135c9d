import { createRequire } from 'node:module';
import type { Jieba as JiebaType } from '@node-rs/jieba';
import { pinyinMatches, pinyinWords } from './pinyin.js';

/**
 * Chinese word segmentation for search. Text is cut with jieba's search mode (long words also
 * yield their dictionary sub-words: 行政许可 → 行政, 许可, 行政许可) and written as a tsvector
 * literal with positions, so PostgreSQL's own parser (which does not segment Chinese) is never
 * involved: the GIN index holds exactly the words jieba found, lower-cased.
 */
const require = createRequire(import.meta.url);
const { Jieba } = require('@node-rs/jieba') as { Jieba: typeof JiebaType };
const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };

let jieba: JiebaType | null = null;
const segmenter = () => (jieba ??= Jieba.withDict(dict));

const WORD = /[\p{L}\p{N}]/u;
/** PostgreSQL limits: positions up to 16,383, 255 positions per lexeme, lexemes under 2 KiB. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_WORD = 255;
const MAX_WORD_LENGTH = 200;

const normalise = (text: string) => text.normalize('NFKC').toLowerCase();

/**
 * The words of a text for the index (with repeats): jieba's search mode, plus every dictionary
 * word of two or more characters found anywhere (full mode). Search mode alone depends on
 * context: it cuts 行政许可权 into 行政 / 许可 / 许可权 and never yields 行政许可, so the query
 * 行政许可 would miss it. Full mode finds 行政许可 inside it, so a dictionary word in a query
 * finds every text that contains it. Its single characters are left out (they would bloat the
 * index and match almost anything).
 */
export function indexWords(text: string): string[] {
  const normalised = normalise(text);
  const jieba = segmenter();
  const words = jieba.cutForSearch(normalised, true).map((w) => w.trim()).filter(usable);
  const seen = new Set(words);
  for (const word of jieba.cutAll(normalised)) {
    if (word.length >= 2 && !seen.has(word) && usable(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
}

const usable = (w: string) => !!w && WORD.test(w) && w.length <= MAX_WORD_LENGTH && !/\s/.test(w);

const quoteLexeme = (word: string) => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** A tsvector literal (`'word':1,5 'other':2`) for `?::tsvector`; null for text without words. */
export function toTsvectorLiteral(...texts: string[]): string | null {
  return vectorLiteral(texts.map(indexWords));
}

/**
 * The vector of a titled text (a thread's title and body, a file's name): the title's words are
 * also indexed in pinyin (full and initials, content/pinyin.ts), so 行政 is found as `xingzheng`
 * or `xz`. Bodies are not: see docs/search.md for why and what it would cost.
 */
export function toTitledTsvectorLiteral(title: string, ...bodies: string[]): string | null {
  const titleWords = indexWords(title);
  return vectorLiteral([[...titleWords, ...pinyinWords(titleWords)], ...bodies.map(indexWords)]);
}

function vectorLiteral(texts: string[][]): string | null {
  const positions = new Map<string, number[]>();
  let position = 0;
  for (const words of texts) {
    for (const word of words) {
      position = Math.min(position + 1, MAX_POSITION);
      let list = positions.get(word);
      if (!list) positions.set(word, (list = []));
      if (list.length < MAX_POSITIONS_PER_WORD && list[list.length - 1] !== position) list.push(position);
    }
  }
  if (!positions.size) return null;
  return [...positions].map(([word, list]) => `${quoteLexeme(word)}:${list.join(',')}`).join(' ');
}

/**
 * The words of a search query: jieba's precise mode (行政许可 stays one word, which the index
 * holds because search mode keeps long words too), de-duplicated, at most 8.
 */
export function queryWords(query: string): string[] {
  const words = segmenter()
    .cut(normalise(query), true)
    .map((w) => w.trim())
    .filter((w) => w && WORD.test(w) && w.length <= MAX_WORD_LENGTH);
  return [...new Set(words)].slice(0, 8);
}

/** A tsquery literal matching documents that contain every word. */
export function toTsqueryLiteral(words: string[]): string {
  return words.map(quoteLexeme).join(' & ');
}

export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * A short excerpt around the first match, split into plain and matching parts. `text` is plain
 * text: Markdown is turned into text before (forum/markdown.ts markdownText). Parts are text,
 * never markup: the client renders them as text nodes, so a document cannot inject HTML here.
 */
export function snippet(text: string, words: string[], width = 80): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = normalise(flat);
  // NFKC can change lengths (e.g. full-width forms stay one char, ligatures do not): fall back to no highlight then.
  const comparable = lower.length === flat.length;
  // A query in pinyin (xingzheng) marks the Chinese words it stands for (行政).
  const all = words.some((w) => /^[a-z]+$/.test(w)) ? [...words, ...pinyinMatches(indexWords(flat), words)] : words;
  const needles = comparable ? [...new Set(all)].sort((a, b) => b.length - a.length) : [];
  let first = -1;
  for (const w of needles) {
    const at = lower.indexOf(w);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  const start = first < 0 ? 0 : Math.max(0, first - Math.floor(width / 4));
  const end = Math.min(flat.length, start + width);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '…', match: false });
  let i = start;
  let plain = '';
  while (i < end) {
    const hit = needles.find((w) => lower.startsWith(w, i));
    if (hit) {
      if (plain) parts.push({ text: plain, match: false });
      plain = '';
      parts.push({ text: flat.slice(i, i + hit.length), match: true });
      i += hit.length;
    } else {
      plain += flat[i];
      i += 1;
    }
  }
  if (plain) parts.push({ text: plain, match: false });
  if (end < flat.length) parts.push({ text: '…', match: false });
  return parts;
}
