/**
 * The UI's own small icons as SVG pictures (no emoji font needed: many government PCs have none).
 * Decorative by default (alt ""): the element around them, or the text next to them, says what they mean.
 */

const DRAWINGS = {
  lock: '<rect x="5" y="10.5" width="14" height="10.5" rx="2" fill="#8a6a00"/><path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" fill="none" stroke="#8a6a00" stroke-width="2"/><circle cx="12" cy="15.5" r="1.6" fill="#fff"/>',
  smile: '<circle cx="12" cy="12" r="9" fill="none" stroke="#555" stroke-width="1.8"/><circle cx="9" cy="10" r="1.2" fill="#555"/><circle cx="15" cy="10" r="1.2" fill="#555"/><path d="M8 14.2q4 3.6 8 0" fill="none" stroke="#555" stroke-width="1.8" stroke-linecap="round"/>',
  clip: '<path d="M16.5 7.5l-7.4 7.4a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L6.2 12a6 6 0 0 0 8.5 8.5l5.8-5.8" fill="none" stroke="#555" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>',
} as const;

export type IconName = keyof typeof DRAWINGS;

const urls = new Map<IconName, string>();

function url(name: IconName): string {
  let u = urls.get(name);
  if (!u) {
    u = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24">${DRAWINGS[name]}</svg>`)}`;
    urls.set(name, u);
  }
  return u;
}

/** An <img> of an icon, 1em square (class .icon); `label` names it when nothing around it does. */
export function icon(name: IconName, label = ''): HTMLImageElement {
  const img = document.createElement('img');
  // A property, not h(): h() refuses data: URLs, which guards against server-supplied ones; this is Jiaoliu's own markup.
  img.src = url(name);
  img.alt = label;
  img.className = 'icon';
  img.draggable = false;
  return img;
}
