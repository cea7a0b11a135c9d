/**
 * Web addresses in message text, found by linkify-it (the matcher markdown-it uses for the BBS):
 * only http and https (a bare "www.gov.cn" becomes http://www.gov.cn); javascript:, data:,
 * mailto:, ftp: and "//" never become links.
 */
import LinkifyIt from 'linkify-it';

const linkify = new LinkifyIt().set({ fuzzyEmail: false });
for (const schema of ['mailto:', 'ftp:', '//']) linkify.add(schema, null);

/**
 * Chinese characters and full-width punctuation end an address and may touch it on either side
 * ("请访问https://www.gov.cn查看"): linkify-it wants a boundary there, so it reads a copy where they
 * are spaces. Every one of them is a single UTF-16 unit, so positions stay those of the text.
 */
const CJK = /[\u2E80-\u2FFF\u3000-\u303F\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/g;
const WEB = /^https?:\/\//i;

export interface WebLink {
  index: number;
  lastIndex: number;
  text: string;
  url: string;
}

export function webLinks(text: string): WebLink[] {
  if (!text) return [];
  const matches = linkify.match(text.replace(CJK, ' ')) ?? [];
  return matches
    .filter((m) => WEB.test(m.url))
    .map((m) => ({ index: m.index, lastIndex: m.lastIndex, text: text.slice(m.index, m.lastIndex), url: m.url }));
}
