/**
 * The archive's HTML: plain pages that open from the unzipped folder in any browser, offline.
 * Every value is escaped here (user content is untrusted and shown as text, never as markup),
 * the pages carry no script, and their own Content-Security-Policy forbids any.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value. */
export const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const shanghai = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant as Beijing time, "2026-12-07 09:30". */
export function beijing(value: Date | string | null | undefined): string {
  if (!value) return '';
  const parts = Object.fromEntries(shanghai.formatToParts(new Date(value)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The Beijing calendar day of an instant, "2026-12-07". */
export const beijingDayOf = (value: Date) => beijing(value).slice(0, 10);

const STYLE = `
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1f2933;background:#f7f8fa;line-height:1.6}
header{background:#fff;border-bottom:1px solid #d9dde3;padding:16px 24px}
header h1{margin:0 0 4px;font-size:22px}
.by{margin:0;color:#52606d;font-size:14px}
nav{margin-top:8px;display:flex;flex-wrap:wrap;gap:12px;font-size:14px}
main{padding:16px 24px;max-width:960px}
section,article{background:#fff;border:1px solid #e4e7eb;border-radius:6px;padding:12px 16px;margin:0 0 12px}
h2{font-size:18px;margin:16px 0 8px}
h3{font-size:16px;margin:0 0 4px}
.meta{color:#616e7c;font-size:13px}
.text{white-space:pre-wrap;word-break:break-word;margin:6px 0}
.record{color:#8a4b08;background:#fff8e6;border-left:3px solid #f0b429;padding:4px 8px;margin:6px 0}
.withheld{color:#9b1c1c;background:#fdecec;border-left:3px solid #e12d39;padding:4px 8px;margin:6px 0}
.old{color:#52606d;border-left:3px solid #cbd2d9;padding:2px 8px;margin:4px 0;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border:1px solid #e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}
.empty{color:#616e7c}
footer{padding:0 24px 24px}
`;

export interface PageHeader {
  /** The archive's title (the group or the person). */
  archiveTitle: string;
  /** "导出人：… 导出时间：…", the same line on every page. */
  exportedBy: string;
  /** Links to the other pages: [file, label]. */
  nav: ReadonlyArray<readonly [string, string]>;
}

/** A page's opening, up to <main>; `pageEnd` closes it. */
export function pageStart(header: PageHeader, title: string): string {
  const links = header.nav.map(([file, label]) => `<a href="${esc(file)}">${esc(label)}</a>`).join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - ${esc(header.archiveTitle)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(title)}</h1><p class="by">${esc(header.archiveTitle)}</p><p class="by exported-by">${esc(header.exportedBy)}</p><nav>${links}</nav></header><main>
`;
}

export const pageEnd = (header: PageHeader) => `</main><footer><p class="by">${esc(header.exportedBy)}</p></footer></body></html>\n`;

/** The placeholder for content the exporter may not read, at its place. */
export const WITHHELD = '此内容为受限内容，导出人无权查看';
