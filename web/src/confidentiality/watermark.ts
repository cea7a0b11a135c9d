/**
 * A per-viewer watermark (real name, unit, date) over the whole window while internal or
 * restricted content is on screen (as 浙政钉 and 粤政易 do), so that a photo or screenshot of it
 * says who looked at it, however short the content. Generated here as an SVG text pattern and
 * handed to CSS as a custom property through the CSSOM (element.style.setProperty), which the
 * page's CSP allows (img-src data:; no inline style attribute is written). Text only: the name
 * is escaped for XML.
 */
import { viewer } from '../session.js';

const cache = new Map<string, string>();

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Today in Asia/Shanghai, e.g. 2026-11-25. */
function today(): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** The watermark text for the signed-in viewer: "李劲松 巴中市政务服务中心 2026-11-25". */
export function watermarkText(): string {
  const v = viewer();
  return v ? `${v.realName} ${v.unit.name} ${today()}` : today();
}

export function watermarkUrl(text = watermarkText()): string {
  let url = cache.get(text);
  if (!url) {
    // Two rows per tile, the second offset by half a width, so the text repeats evenly over
    // the window from its top edge down (legible however little of the page is confidential).
    const row = (x: number, y: number) =>
      `<text x="${x}" y="${y}" transform="rotate(-18 ${x} ${y})" font-family="sans-serif" font-size="14" fill="rgba(90,90,90,0.16)">${xml(text)}</text>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="180">${row(10, 60)}${row(190, 150)}</svg>`;
    url = `url("data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}")`;
    cache.set(text, url);
  }
  return url;
}

/**
 * One overlay over the whole window (fixed, clicks pass through), shown while any internal or
 * restricted content is in view: an IntersectionObserver follows every watermarked element.
 */
let overlay: HTMLElement | null = null;
const inView = new Set<Element>();
let observer: IntersectionObserver | null = null;
/** Elements seen on the page: one that is then detached is gone for good (one never attached yet may still be). */
const attached = new WeakSet<Element>();

function watermarkOverlay(): HTMLElement {
  if (!overlay) {
    overlay = document.createElement('div');
    overlay.className = 'watermark-overlay';
    overlay.setAttribute('aria-hidden', 'true');
    overlay.dataset.testid = 'watermark-overlay';
    overlay.hidden = true;
    document.body.append(overlay);
  }
  return overlay;
}

function updateOverlay(): void {
  for (const el of inView) if (!el.isConnected) inView.delete(el);
  const el = watermarkOverlay();
  const show = inView.size > 0;
  if (show) {
    // The viewer may have changed since it was last shown (sign-out, another account).
    const text = watermarkText();
    if (el.dataset.watermark !== text) {
      el.dataset.watermark = text;
      el.style.setProperty('--watermark', watermarkUrl(text));
    }
  }
  el.hidden = !show;
}

function follow(el: HTMLElement): void {
  observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.target.isConnected) attached.add(entry.target);
      if (entry.isIntersecting && entry.target.isConnected) inView.add(entry.target);
      else {
        inView.delete(entry.target);
        // Gone from the page (a re-render, another conversation): stop following it.
        if (!entry.target.isConnected && attached.has(entry.target)) observer?.unobserve(entry.target);
      }
    }
    updateOverlay();
  });
  observer.observe(el);
}

/** Marks an element as confidential content; the viewer's watermark covers the window while it is in view. */
export function applyWatermark(el: HTMLElement, level: string | null | undefined): void {
  if (level !== 'INTERNAL' && level !== 'RESTRICTED') return;
  el.classList.add('watermarked');
  el.dataset.watermark = watermarkText();
  follow(el);
}
