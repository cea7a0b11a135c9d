/**
 * A per-viewer watermark (real name, unit, date) drawn over internal and restricted content, so
 * that a photo or screenshot of it says who looked at it. Generated here as an SVG text pattern
 * and handed to CSS as a custom property through the CSSOM (element.style.setProperty), which
 * the page's CSP allows (img-src data:; no inline style attribute is written). Text only: the name is escaped for XML.
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
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="160">` +
      `<text x="10" y="90" transform="rotate(-18 160 80)" font-family="sans-serif" font-size="14" fill="rgba(90,90,90,0.16)">${xml(text)}</text>` +
      `</svg>`;
    url = `url("data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}")`;
    cache.set(text, url);
  }
  return url;
}

/** Marks an element as confidential content and draws the viewer's watermark over it. */
export function applyWatermark(el: HTMLElement, level: string | null | undefined): void {
  if (level !== 'INTERNAL' && level !== 'RESTRICTED') return;
  el.classList.add('watermarked');
  el.dataset.watermark = watermarkText();
  // Drawn by .watermarked::after (styles.css) over the content, clicks passing through.
  el.style.setProperty('--watermark', watermarkUrl());
}
