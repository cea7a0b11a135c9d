/**
 * Jiaoliu's own pictures of the classic expressions (经典表情) and of the emoji it offers for
 * one-tap reactions, as small SVGs (24×24, circles and paths, no text): many government PCs have
 * no colour-emoji font and would draw these as empty boxes. Keyed by the Unicode emoji each
 * stands for, so 👍 and [点赞] look the same.
 */

const INK = '#5b3a0a';
const SKIN = 'fill="#f5c26b" stroke="#c98a2b" stroke-width="1" stroke-linejoin="round"';
const SKIN_LIGHT = 'fill="#ffd98a" stroke="#c98a2b" stroke-width="1" stroke-linejoin="round"';
const LINE = `fill="none" stroke="${INK}" stroke-width="1.5" stroke-linecap="round"`;
const FACE = '<circle cx="12" cy="12" r="10.5" fill="#ffcc4d" stroke="#e0a526"/>';
const EYES = `<circle cx="8.5" cy="10" r="1.3" fill="${INK}"/><circle cx="15.5" cy="10" r="1.3" fill="${INK}"/>`;
const TONGUE = '#e8596e';

/** Inner SVG markup per emoji. */
const DRAWINGS: Record<string, string> = {
  // 微笑
  '🙂': `${FACE}${EYES}<path d="M7.5 14.5q4.5 4 9 0" ${LINE}/>`,
  // 大笑
  '😄': `${FACE}<path d="M6.5 10.5q2-2.5 4 0M13.5 10.5q2-2.5 4 0" ${LINE}/><path d="M6.5 13h11q-.5 5.5-5.5 5.5T6.5 13z" fill="${INK}"/><path d="M9 16.8q3-1.6 6 0q-1.2 1.7-3 1.7t-3-1.7z" fill="${TONGUE}"/>`,
  // 调皮
  '😜': `${FACE}<circle cx="8.5" cy="10" r="1.3" fill="${INK}"/><path d="M13.5 8.8l3 1.2-3 1.2" ${LINE}/><path d="M7.5 13.5q4.5 3.5 9 0" ${LINE}/><path d="M11 15.2h3.5v1.8a1.75 1.75 0 0 1-3.5 0z" fill="${TONGUE}"/>`,
  // 害羞
  '☺️': `${FACE}<path d="M6.8 10q1.7 1.6 3.4 0M13.8 10q1.7 1.6 3.4 0" ${LINE}/><ellipse cx="7" cy="13.5" rx="2" ry="1.2" fill="#f4978e"/><ellipse cx="17" cy="13.5" rx="2" ry="1.2" fill="#f4978e"/><path d="M9.5 15q2.5 2 5 0" ${LINE}/>`,
  // 鼓掌
  '👏': `<path d="M4 5.5 2.5 4M12 3.2V1.5M20 5.5 21.5 4" fill="none" stroke="#e0a526" stroke-width="1.3" stroke-linecap="round"/><rect x="5" y="6" width="7" height="14" rx="3.5" transform="rotate(-18 8.5 13)" ${SKIN}/><rect x="12" y="6" width="7" height="14" rx="3.5" transform="rotate(18 15.5 13)" ${SKIN_LIGHT}/>`,
  // 点赞
  '👍': `<rect x="3" y="11" width="4.5" height="9.5" rx="1" fill="#4a7bd0"/><path d="M7.5 11.2l3.6-5.6c.4-.7 1.2-1.1 1.9-.9.9.3 1.2 1.2 1 2.1L13.3 10h5.1c1.2 0 2 1.1 1.7 2.2l-1.6 6.6c-.2.9-1 1.7-2 1.7H7.5z" ${SKIN}/><path d="M14.5 13.2h4.6M14.5 15.8h4M14.5 18.3h3.4" fill="none" stroke="#c98a2b" stroke-width=".9" stroke-linecap="round"/>`,
  // 握手
  '🤝': `<rect x="1.5" y="8.5" width="4" height="9" rx="1" fill="#4a7bd0"/><rect x="18.5" y="8.5" width="4" height="9" rx="1" fill="#e07a3f"/><path d="M5.5 9.5l4-2.5h3.2l-4 3.2c-.6.5-.4 1.4.4 1.5l2.5-.3L17 7.5h1.5v8.5l-5.5 3.5c-.8.5-1.8.4-2.5-.2L5.5 15.5z" ${SKIN}/>`,
  // 抱拳
  '🙏': `<path d="M12 3c-1 0-1.6.8-1.9 1.8L8 13l-3 4 3.5 4 3.5-3z" ${SKIN}/><path d="M12 3c1 0 1.6.8 1.9 1.8L16 13l3 4-3.5 4-3.5-3z" ${SKIN_LIGHT}/>`,
  // 疑问
  '❓': '<circle cx="12" cy="12" r="10.5" fill="#e5534b"/><path d="M9 9.2a3 3 0 1 1 4.4 2.6c-.9.5-1.4 1.1-1.4 2.1v.6" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/><circle cx="12" cy="17.6" r="1.4" fill="#fff"/>',
  // 思考
  '🤔': `${FACE}<path d="M6.5 7.2q2-1.5 4-.4" ${LINE}/>${EYES}<path d="M10 16l5-1" ${LINE}/><path d="M4.5 20q1-3 4-3.5l4 .3q1 .6 0 1.4l-3 .2 2.5.6q.8.8-.2 1.5H7z" ${SKIN}/>`,
  // 加油
  '💪': `<path d="M4 20.5c0-4 1-7.5 3-10.5l2.5-5c.5-1 1.7-1.4 2.7-.9l1.3.7c.8.4 1 1.4.5 2.1L12 9.5c1.2-.9 2.8-1.2 4.3-.9 2.8.6 4.7 3.1 4.7 6 0 3.3-2.7 6-6 6H4z" ${SKIN}/><path d="M10.5 14.5q3-2.5 6.5-.5" fill="none" stroke="#c98a2b" stroke-linecap="round"/>`,
  // 辛苦了
  '🍵': '<path d="M8.5 7.5q-1-1.5 0-3M12.5 7.5q-1-1.5 0-3" fill="none" stroke="#9aa5b1" stroke-width="1.3" stroke-linecap="round"/><path d="M18 11.5h1a2.5 2.5 0 0 1 0 5h-1.5" fill="none" stroke="#3f8a5a" stroke-width="1.4"/><path d="M4 10h14v3.5a7 7 0 0 1-14 0z" fill="#5faf7a" stroke="#3f8a5a"/><path d="M3 21.5h16" stroke="#8a6a3a" stroke-width="1.6" stroke-linecap="round"/>',
  // 收到
  '✅': '<rect x="2" y="2" width="20" height="20" rx="5" fill="#3baa5c"/><path d="M6.5 12.5l3.8 3.8 7.2-7.8" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/>',
  // 玫瑰
  '🌹': '<path d="M12 13v9" stroke="#3f8a5a" stroke-width="1.6" stroke-linecap="round"/><path d="M12 18c-3.5.5-5-1-5.5-3 2.5-.3 4.5.6 5.5 3z" fill="#5faf7a"/><path d="M6 5.5c2-.3 3.6.6 6 .4s4-1 6-.4c.6 4.5-1.6 8.5-6 8.5S5.4 10 6 5.5z" fill="#d9344b"/><path d="M9 3.5c1.5 1 2.3 1.3 3 1.3s1.5-.3 3-1.3" fill="none" stroke="#d9344b" stroke-width="1.6" stroke-linecap="round"/><path d="M9.5 8.5q2.5 2 5 0" fill="none" stroke="#a3213a" stroke-linecap="round"/>',
  // OK
  '👌': `<rect x="11.2" y="3" width="2.6" height="10" rx="1.3" ${SKIN}/><rect x="14" y="4" width="2.6" height="9" rx="1.3" ${SKIN}/><rect x="16.8" y="6" width="2.6" height="8.5" rx="1.3" ${SKIN}/><rect x="7" y="11.5" width="12.4" height="10" rx="3.5" ${SKIN}/><circle cx="7.5" cy="11" r="3.2" fill="none" stroke="#c98a2b" stroke-width="3.4"/><circle cx="7.5" cy="11" r="3.2" fill="none" stroke="#f5c26b" stroke-width="1.8"/>`,
  // 爱心
  '❤️': '<path d="M12 20.5S3 15 3 9a4.5 4.5 0 0 1 9-1.5A4.5 4.5 0 0 1 21 9c0 6-9 11.5-9 11.5z" fill="#e5534b"/>',
};

const urls = new Map<string, string>();

/** The picture of an emoji as a data: URL (img-src data: is allowed by the page's CSP), or null when Jiaoliu draws none. */
export function expressionImageUrl(emoji: string): string | null {
  const drawing = DRAWINGS[emoji];
  if (!drawing) return null;
  let url = urls.get(emoji);
  if (!url) {
    url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24">${drawing}</svg>`)}`;
    urls.set(emoji, url);
  }
  return url;
}

/** An <img> of the picture, named for assistive technology (alt). */
export function expressionImage(emoji: string, name: string, className = 'expr-img'): HTMLImageElement | null {
  const url = expressionImageUrl(emoji);
  if (!url) return null;
  const img = document.createElement('img');
  // Set as a property: dom.ts's h() refuses data: URLs in attributes, which guards against
  // server-supplied ones; this one is built above from Jiaoliu's own markup.
  img.src = url;
  img.alt = name;
  img.className = className;
  img.width = 20;
  img.height = 20;
  img.draggable = false;
  img.decoding = 'sync';
  return img;
}
