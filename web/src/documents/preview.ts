/**
 * Previews of images (an <img>) and PDFs (an <iframe>, the browser's own viewer) in a modal,
 * fetched from GET /files/<versionId>?inline=1 with the session; other types only download.
 * Attachment lists (threads, replies, messages, request answers) with download links and image
 * thumbnails.
 */
import { h, replaceChildren } from '../dom.js';
import { Dialog } from './dialog.js';
import { fileKind, formatSize, inlinePath, previewKind, typeLabel, type AttachedVersion, type Attachment } from './types.js';

type Previewable = Pick<AttachedVersion, 'id' | 'name' | 'mime' | 'size' | 'downloadPath'>;

/** The download link of a version (the server answers with Content-Disposition: attachment). */
export function downloadLink(v: Pick<AttachedVersion, 'name' | 'downloadPath'>, label: string = '下载', cls = 'btn btn-small btn-secondary', testid = 'doc-download'): HTMLAnchorElement {
  return h('a', { class: cls, href: v.downloadPath, download: v.name, 'data-testid': testid, title: `下载“${v.name}”` }, label);
}

export function openPreview(v: Previewable): Dialog {
  const kind = previewKind(v.mime);
  const stage = h('div', { class: 'preview-stage', 'data-testid': 'preview-stage' });
  const status = h('p', { class: 'muted small preview-status', role: 'status' }, '正在加载预览…');
  const dialog = new Dialog(
    { title: v.name, testid: 'preview-dialog', size: 'full' },
    stage,
    h(
      'div',
      { class: 'dlg-actions' },
      status,
      h('span', { class: 'spacer' }),
      h('span', { class: 'muted small' }, formatSize(v.size)),
      kind ? h('a', { class: 'btn btn-secondary', href: inlinePath(v), target: '_blank', rel: 'noopener', 'data-testid': 'preview-open' }, '在新窗口打开') : null,
      downloadLink(v, '下载', 'btn btn-primary', 'preview-download'),
    ),
  );
  if (kind === 'image') {
    const img = h('img', { class: 'preview-image', src: inlinePath(v), alt: v.name, 'data-testid': 'preview-image' });
    img.addEventListener('load', () => (status.hidden = true));
    img.addEventListener('error', () => {
      replaceChildren(stage, h('p', { class: 'empty', 'data-testid': 'preview-error' }, '无法显示该图片，可能已被删除或您已无权查看。'));
      status.hidden = true;
    });
    replaceChildren(stage, img);
  } else if (kind === 'pdf') {
    const frame = h('iframe', { class: 'preview-pdf', src: inlinePath(v), title: `预览：${v.name}`, 'data-testid': 'preview-pdf' });
    frame.addEventListener('load', () => (status.hidden = true));
    replaceChildren(stage, frame);
  } else {
    status.hidden = true;
    replaceChildren(stage, h('p', { class: 'empty' }, `${typeLabel(v.name)}文件不能在页面中预览，请下载后查看。`));
  }
  return dialog.open();
}

/** The coloured type badge before a file name. */
export function fileIcon(name: string): HTMLElement {
  return h('span', { class: `file-icon file-${fileKind(name)}`, 'aria-hidden': 'true' }, typeLabel(name));
}

/** Files attached to a post or message: images as thumbnails that open the preview, others as chips. */
export function attachmentList(attachments: Attachment[] | null | undefined, testid = 'attachments'): HTMLElement | null {
  if (!attachments?.length) return null;
  return h(
    'ul',
    { class: 'attach-list', 'aria-label': `附件（${attachments.length}）`, 'data-testid': testid },
    attachments.map(({ version: v }) => {
      const kind = previewKind(v.mime);
      const thumb =
        kind === 'image'
          ? h(
              'button',
              { type: 'button', class: 'attach-thumb', title: `预览“${v.name}”`, 'aria-label': `预览图片“${v.name}”`, 'data-testid': 'attachment-thumb', onclick: () => openPreview(v) },
              h('img', { src: inlinePath(v), alt: '', loading: 'lazy' }),
            )
          : fileIcon(v.name);
      return h(
        'li',
        { class: `attach-item${kind === 'image' ? ' attach-image' : ''}`, 'data-testid': 'attachment', 'data-version-id': v.id },
        thumb,
        h(
          'span',
          { class: 'attach-meta' },
          h('a', { class: 'attach-name', href: v.downloadPath, download: v.name, title: `下载“${v.name}”`, 'data-testid': 'attachment-download' }, v.name),
          h('span', { class: 'muted small' }, formatSize(v.size), v.version > 1 ? ` · 第 ${v.version} 版` : ''),
        ),
        kind === 'pdf' ? h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'attachment-preview', onclick: () => openPreview(v) }, '预览') : null,
      );
    }),
  );
}
