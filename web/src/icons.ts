/**
 * The UI's own small icons as SVG pictures (no emoji font needed: many government PCs have none).
 * Decorative by default (alt ""): the element around them, or the text next to them, says what they mean.
 */

const DRAWINGS = {
  lock: '<rect x="5" y="10.5" width="14" height="10.5" rx="2" fill="#8a6a00"/><path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" fill="none" stroke="#8a6a00" stroke-width="2"/><circle cx="12" cy="15.5" r="1.6" fill="#fff"/>',
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
