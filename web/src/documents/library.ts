/**
 * The group library (群文件): the folder path as a breadcrumb, 新建文件夹, sorting by
 * 名称/时间/大小, the folder's subfolders and documents (name, size, uploader's real name, time,
 * download count), 加载更多, uploads by button or by dropping files on the list with a progress
 * bar per file, and per document: 下载, 预览 (images, PDF), 版本 (list, 上传新版本), 移动, 删除.
 * The folder path lives in the hash ("?path=<id>,<id>") so back/forward and links work.
 */
import { ApiError } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { dateTimeEl } from '../forum/render.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { createFolder, deleteDocument, deleteFolder, fetchDocument, fetchDocuments, fetchFolderPath, fetchFolderTree, moveDocument, renameFolder } from './api.js';
import { Dialog, field, formDialog } from './dialog.js';
import { downloadLink, fileIcon, openPreview } from './preview.js';
import { ALLOWED_EXTENSIONS, formatSize, previewKind, SORT_LABELS, type DocumentSort, type DocumentVersion, type Folder, type LibraryDocument } from './types.js';
import { fileButton, UploadQueue, uploadLimitNote } from './uploadQueue.js';

export const libraryHref = (groupId: string, path: string[] = []) => `#/groups/${encodeURIComponent(groupId)}/files${path.length ? `?path=${path.map(encodeURIComponent).join(',')}` : ''}`;

export class LibraryView {
  readonly el: HTMLElement;
  private readonly crumbs: HTMLElement;
  private readonly sortGroup: HTMLElement;
  private readonly tbody: HTMLElement;
  private readonly table: HTMLElement;
  private readonly status: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly summary: HTMLElement;
  private readonly queue: UploadQueue;
  private readonly overlay: HTMLElement;
  private path: string[] = [];
  private trail: Folder[] = [];
  private folders: Folder[] = [];
  private sort: DocumentSort = 'TIME';
  private endCursor: string | null = null;
  private seq = 0;
  private dragDepth = 0;
  private docCount = 0;

  constructor(private readonly groupId: string, private readonly signal: AbortSignal) {
    this.crumbs = h('nav', { class: 'breadcrumb lib-crumbs', 'aria-label': '文件夹路径', 'data-testid': 'lib-breadcrumb' });
    this.sortGroup = h('div', { class: 'seg', role: 'group', 'aria-label': '排序', 'data-testid': 'lib-sort' });
    this.tbody = h('tbody', { 'data-testid': 'lib-rows' });
    this.table = h(
      'table',
      { class: 'doc-table', 'data-testid': 'lib-table' },
      h(
        'thead',
        null,
        h('tr', null, h('th', { scope: 'col', class: 'col-name' }, '名称'), h('th', { scope: 'col', class: 'col-size' }, '大小'), h('th', { scope: 'col', class: 'col-who' }, '上传者'), h('th', { scope: 'col', class: 'col-time' }, '更新时间'), h('th', { scope: 'col', class: 'col-count' }, '下载'), h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, '操作'))),
      ),
      this.tbody,
    );
    this.status = h('div', { 'data-testid': 'lib-status' });
    this.more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'lib-more', onclick: () => void this.loadDocs(false) }, '加载更多');
    this.summary = h('span', { class: 'muted small', 'aria-live': 'polite', 'data-testid': 'lib-summary' });
    this.queue = new UploadQueue(
      (result) => notify(result.version > 1 ? `“${result.name}”已上传为第 ${result.version} 版` : `“${result.name}”已上传`),
      (uploaded) => {
        if (uploaded) void this.refresh();
      },
    );
    const { button: upload, input } = fileButton('上传文件', (files) => this.upload(files), { testid: 'lib-upload' });
    const newFolder = h('button', { type: 'button', class: 'btn btn-secondary', 'aria-haspopup': 'dialog', 'data-testid': 'lib-new-folder', onclick: () => this.openCreateFolder() }, '新建文件夹');
    const limit = uploadLimitNote('lib-limit');
    this.overlay = h('div', { class: 'drop-overlay', hidden: true, 'aria-hidden': 'true' }, h('p', null, '松开鼠标，上传到当前文件夹'));
    this.el = h(
      'section',
      { class: 'card lib-card', 'aria-label': '群文件', 'data-testid': 'library' },
      h('div', { class: 'lib-toolbar' }, this.crumbs, h('span', { class: 'spacer' }), this.sortGroup, newFolder, upload, input),
      h('p', { class: 'hint lib-hint' }, `可将文件拖到此处上传。支持 ${ALLOWED_EXTENSIONS.join('、')}。`, limit),
      this.queue.el,
      h('div', { class: 'table-scroll' }, this.table),
      this.status,
      h('div', { class: 'lib-foot' }, this.summary, h('span', { class: 'spacer' }), this.more),
      this.overlay,
    );
    this.bindDrop();
    this.renderSort();
  }

  /** Shows a folder path (ids from the top). */
  async show(path: string[]): Promise<void> {
    const current = ++this.seq;
    this.path = path;
    replaceChildren(this.tbody);
    this.table.hidden = true;
    this.more.hidden = true;
    this.summary.textContent = '';
    replaceChildren(this.status, loading('正在加载群文件…'));
    try {
      const found = await fetchFolderPath(this.groupId, path, this.signal);
      if (current !== this.seq) return;
      if (!found) {
        notify('文件夹不存在，已回到群文件首页', 'info');
        navigate(libraryHref(this.groupId), true);
        return;
      }
      this.trail = found.trail;
      this.folders = found.children;
      this.renderCrumbs();
      await this.loadDocs(true, current);
    } catch (error) {
      if (current !== this.seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(this.status, errorBox(shown, () => void this.show(path)));
    }
  }

  /** Reload the current folder in place (after uploads, moves, deletes). */
  async refresh(): Promise<void> {
    await this.show(this.path);
  }

  private folderId(): string | null {
    return this.path.at(-1) ?? null;
  }

  private folderName(): string {
    return this.trail.at(-1)?.name ?? '群文件';
  }

  private renderCrumbs(): void {
    const items = [{ name: '群文件', path: [] as string[] }, ...this.trail.map((f, i) => ({ name: f.name, path: this.path.slice(0, i + 1) }))];
    replaceChildren(
      this.crumbs,
      items.map((item, i) => [
        i ? h('span', { class: 'sep', 'aria-hidden': 'true' }, '›') : null,
        i === items.length - 1 ? h('span', { 'aria-current': 'location', 'data-testid': 'lib-crumb-current' }, item.name) : h('a', { href: libraryHref(this.groupId, item.path), 'data-testid': 'lib-crumb' }, item.name),
      ]),
    );
  }

  private renderSort(): void {
    replaceChildren(
      this.sortGroup,
      h('span', { class: 'seg-label muted small' }, '排序'),
      (Object.keys(SORT_LABELS) as DocumentSort[]).map((key) =>
        h(
          'button',
          {
            type: 'button',
            class: 'seg-btn',
            'aria-pressed': String(this.sort === key),
            'data-testid': `lib-sort-${key.toLowerCase()}`,
            onclick: () => {
              if (this.sort === key) return;
              this.sort = key;
              this.renderSort();
              void this.loadDocs(true);
            },
          },
          SORT_LABELS[key],
        ),
      ),
    );
  }

  private async loadDocs(reset: boolean, current = this.seq): Promise<void> {
    if (reset) {
      this.endCursor = null;
      this.docCount = 0;
      replaceChildren(this.tbody, this.folders.map((f) => this.folderRow(f)));
    }
    this.more.disabled = true;
    try {
      const page = await fetchDocuments(this.groupId, this.folderId(), this.sort, reset ? null : this.endCursor, this.signal);
      if (current !== this.seq) return;
      if (reset) replaceChildren(this.tbody, this.folders.map((f) => this.folderRow(f)));
      for (const e of page.edges) this.tbody.appendChild(this.docRow(e.node));
      this.docCount += page.edges.length;
      this.endCursor = page.pageInfo.endCursor;
      this.more.hidden = !page.pageInfo.hasNextPage;
      this.table.hidden = this.tbody.children.length === 0;
      this.summary.textContent = `${this.folders.length ? `${this.folders.length} 个文件夹，` : ''}${page.pageInfo.hasNextPage ? `已显示 ${this.docCount} 个文件` : `${this.docCount} 个文件`}`;
      replaceChildren(
        this.status,
        this.tbody.children.length ? null : emptyState(this.path.length ? '这个文件夹是空的' : '群文件里还没有文件', h('p', { class: 'muted small' }, '点击“上传文件”，或把文件拖到这里')),
      );
    } catch (error) {
      if (current !== this.seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(this.status, errorBox(shown, () => void this.loadDocs(reset)));
    } finally {
      this.more.disabled = false;
    }
  }

  private folderRow(f: Folder): HTMLElement {
    return h(
      'tr',
      { class: 'doc-row folder-row', 'data-testid': 'lib-folder', 'data-name': f.name },
      h('td', { class: 'col-name' }, h('a', { class: 'doc-name', href: libraryHref(this.groupId, [...this.path, f.id]), 'data-testid': 'lib-folder-open' }, h('span', { class: 'file-icon file-folder', 'aria-hidden': 'true' }, '文件夹'), h('span', null, f.name))),
      h('td', { class: 'col-size muted' }, '—'),
      h('td', { class: 'col-who muted' }, '—'),
      h('td', { class: 'col-time muted' }, '—'),
      h('td', { class: 'col-count muted' }, '—'),
      h(
        'td',
        { class: 'col-actions' },
        h(
          'div',
          { class: 'row-actions' },
          f.viewerCan.rename ? h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-haspopup': 'dialog', 'aria-label': `重命名文件夹“${f.name}”`, 'data-testid': 'folder-rename', onclick: () => this.openRenameFolder(f) }, '重命名') : null,
          f.viewerCan.delete ? h('button', { type: 'button', class: 'btn btn-small btn-ghost btn-danger-link', 'aria-haspopup': 'dialog', 'aria-label': `删除文件夹“${f.name}”`, 'data-testid': 'folder-delete', onclick: () => this.openDeleteFolder(f) }, '删除') : null,
        ),
      ),
    );
  }

  private openRenameFolder(f: Folder): void {
    const name = h('input', { type: 'text', name: 'name', maxlength: 50, autocomplete: 'off', required: true, value: f.name, 'data-testid': 'folder-name' });
    formDialog(
      {
        title: `重命名文件夹“${f.name}”`,
        testid: 'folder-rename-dialog',
        submitLabel: '保存',
        busyLabel: '正在保存…',
        submit: async () => {
          const value = name.value.trim();
          if (!value) throw new ApiError('BAD_USER_INPUT', '请填写文件夹名称', 'name');
          if (value === f.name) return;
          const renamed = await renameFolder(f.id, value);
          notify(`已将文件夹“${f.name}”重命名为“${renamed.name}”`);
          await this.refresh();
        },
      },
      field('文件夹名称', name, '不超过 50 字，不能包含 / 或 \\'),
    ).open();
    name.select();
  }

  private openDeleteFolder(f: Folder): void {
    formDialog(
      {
        title: `删除文件夹“${f.name}”？`,
        testid: 'folder-delete-dialog',
        submitLabel: '删除',
        busyLabel: '正在删除…',
        danger: true,
        submit: async () => {
          await deleteFolder(f.id);
          notify(`已删除文件夹“${f.name}”`, 'info');
          await this.refresh();
        },
      },
      h('p', null, '只能删除空文件夹：文件夹里还有文件或子文件夹时，请先把它们移走或删除。删除操作会记入审计日志。'),
    ).open();
  }

  private docRow(d: LibraryDocument): HTMLElement {
    const row = h('tr', { class: 'doc-row', 'data-testid': 'lib-doc', 'data-name': d.name, 'data-document-id': d.id });
    const v = d.latestVersion;
    const kind = previewKind(d.mime);
    const count = h('td', { class: 'col-count', 'data-testid': 'doc-download-count' }, String(d.downloadCount));
    const download = downloadLink(v);
    // The server counts the download; show it at once rather than on the next reload.
    download.addEventListener('click', () => (count.textContent = String(Number(count.textContent) + 1)));
    const name = kind
      ? h('button', { type: 'button', class: 'doc-name doc-name-btn', title: `预览“${d.name}”`, 'data-testid': 'doc-name', onclick: () => openPreview(v) }, fileIcon(d.name), h('span', null, d.name))
      : h('a', { class: 'doc-name', href: v.downloadPath, download: d.name, title: `下载“${d.name}”`, 'data-testid': 'doc-name' }, fileIcon(d.name), h('span', null, d.name));
    const action = (label: string, testid: string, onclick: () => void, cls = 'btn btn-small btn-ghost') => h('button', { type: 'button', class: cls, 'aria-haspopup': 'dialog', 'data-testid': testid, onclick }, label);
    replaceChildren(
      row,
      h('td', { class: 'col-name' }, name, v.version > 1 ? h('span', { class: 'badge doc-version-badge', title: `共 ${v.version} 个版本` }, `v${v.version}`) : null),
      h('td', { class: 'col-size', 'data-testid': 'doc-size' }, formatSize(d.size)),
      h('td', { class: 'col-who', 'data-testid': 'doc-uploader', title: `${d.uploader.unit.name} · ${d.uploader.title}` }, d.uploader.realName),
      h('td', { class: 'col-time' }, dateTimeEl(d.updatedAt)),
      count,
      h(
        'td',
        { class: 'col-actions' },
        h(
          'div',
          { class: 'row-actions' },
          download,
          kind ? action('预览', 'doc-preview', () => openPreview(v)) : null,
          action('版本', 'doc-versions', () => this.openVersions(d)),
          d.viewerCan.move ? action('移动', 'doc-move', () => void this.openMove(d)) : null,
          d.viewerCan.delete ? action('删除', 'doc-delete', () => this.openDelete(d), 'btn btn-small btn-ghost btn-danger-link') : null,
        ),
      ),
    );
    return row;
  }

  private upload(files: File[]): void {
    const folderId = this.folderId();
    void this.queue.add(files, () => ({ groupId: this.groupId, folderId }));
  }

  private bindDrop(): void {
    const hasFiles = (event: DragEvent) => !!event.dataTransfer && [...event.dataTransfer.types].includes('Files');
    this.el.addEventListener('dragenter', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.dragDepth += 1;
      this.overlay.hidden = false;
      this.el.classList.add('is-dragging');
    });
    this.el.addEventListener('dragover', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    });
    const end = () => {
      this.dragDepth = 0;
      this.overlay.hidden = true;
      this.el.classList.remove('is-dragging');
    };
    this.el.addEventListener('dragleave', (event) => {
      if (!hasFiles(event)) return;
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      if (!this.dragDepth) end();
    });
    this.el.addEventListener('drop', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      end();
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length) this.upload(files);
    });
  }

  private openCreateFolder(): void {
    const name = h('input', { type: 'text', name: 'name', maxlength: 50, autocomplete: 'off', required: true, 'data-testid': 'folder-name' });
    formDialog(
      {
        title: `在“${this.folderName()}”中新建文件夹`,
        testid: 'folder-dialog',
        submitLabel: '创建',
        busyLabel: '正在创建…',
        submit: async () => {
          const value = name.value.trim();
          if (!value) throw new ApiError('BAD_USER_INPUT', '请填写文件夹名称', 'name');
          const folder = await createFolder(this.groupId, value, this.folderId());
          notify(`已新建文件夹“${folder.name}”`);
          await this.refresh();
        },
      },
      field('文件夹名称', name, '不超过 50 字，不能包含 / 或 \\'),
    ).open();
  }

  private openVersions(d: LibraryDocument): void {
    const list = h('div', { 'data-testid': 'versions-list' }, loading('正在加载版本…'));
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const queue = new UploadQueue(
      (result) => {
        notify(`已上传第 ${result.version} 版`);
        void load();
        void this.refresh();
      },
    );
    const bar = h('div', { class: 'dlg-toolbar' });
    const dialog = new Dialog({ title: `版本记录：${d.name}`, testid: 'versions-dialog', size: 'wide' }, bar, queue.el, alert, list);
    const load = async () => {
      try {
        const doc = await fetchDocument(d.id);
        dialog.titleEl.textContent = `版本记录：${doc.name}`;
        if (doc.viewerCan.addVersion) {
          const { button, input } = fileButton('上传新版本', (files) => void queue.add(files.slice(0, 1), () => ({ groupId: this.groupId, documentId: d.id })), { multiple: false, kind: 'btn-primary btn-small', testid: 'version-upload' });
          replaceChildren(bar, h('p', { class: 'muted small' }, '新版本会替换列表中显示的文件，旧版本仍可在此下载。'), h('span', { class: 'spacer' }), button, input);
        } else replaceChildren(bar, h('p', { class: 'muted small' }, '只有上传者和群管理员可以上传新版本。'));
        replaceChildren(list, versionTable(doc.versions));
      } catch (error) {
        const shown = pageError(error);
        if (shown) replaceChildren(list, errorBox(shown, () => void load()));
      }
    };
    setText(alert, null);
    dialog.open();
    void load();
  }

  private async openMove(d: LibraryDocument): Promise<void> {
    const select = h('select', { name: 'folderId', 'data-testid': 'move-folder', disabled: true }, h('option', { value: '' }, '正在加载文件夹…'));
    const dialog = formDialog(
      {
        title: `移动“${d.name}”`,
        testid: 'move-dialog',
        submitLabel: '移动',
        busyLabel: '正在移动…',
        submit: async () => {
          const target = select.value || null;
          if ((d.folder?.id ?? null) === target) throw new ApiError('BAD_USER_INPUT', '文件已在这个文件夹中', 'folderId');
          await moveDocument(d.id, target);
          const label = select.selectedOptions[0]?.dataset.name ?? '群文件';
          notify(`已将“${d.name}”移动到“${label}”`);
          await this.refresh();
        },
      },
      field('移动到', select),
    ).open();
    try {
      const tree = await fetchFolderTree(this.groupId, this.signal);
      if (dialog.isClosed()) return;
      const current = d.folder?.id ?? '';
      replaceChildren(
        select,
        h('option', { value: '', 'data-name': '群文件' }, `群文件（顶层）${current === '' ? '（当前位置）' : ''}`),
        tree.map((f) => h('option', { value: f.id, 'data-name': f.name }, `${'\u3000'.repeat(f.depth + 1)}${f.name}${current === f.id ? '（当前位置）' : ''}`)),
      );
      select.disabled = false;
      // Preselect the first other place, so Enter moves somewhere.
      select.value = tree.find((f) => f.id !== current)?.id ?? '';
      select.focus();
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(select, h('option', { value: '' }, `无法加载文件夹：${shown.message}`));
    }
  }

  private openDelete(d: LibraryDocument): void {
    const reason = h('textarea', { name: 'reason', rows: 3, maxlength: 200, placeholder: '例如：已有更新的版本', 'data-testid': 'delete-reason' });
    formDialog(
      {
        title: `删除“${d.name}”？`,
        testid: 'delete-dialog',
        submitLabel: '删除',
        busyLabel: '正在删除…',
        danger: true,
        submit: async () => {
          await deleteDocument(d.id, reason.value.trim() || null);
          notify(`已删除“${d.name}”`, 'info');
          await this.refresh();
        },
      },
      h('p', null, '删除后，群成员在群文件中将看不到这个文件（含全部版本）。已作为附件发出的仍可下载。删除操作会记入审计日志。'),
      field('删除原因', reason, '不超过 200 字', true),
    ).open();
  }
}

/** The versions of a document, newest first, each with download and (images, PDF) preview. */
export function versionTable(versions: DocumentVersion[]): HTMLElement {
  if (!versions.length) return emptyState('没有版本记录');
  return h(
    'table',
    { class: 'doc-table versions-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '版本'), h('th', { scope: 'col' }, '文件名'), h('th', { scope: 'col' }, '大小'), h('th', { scope: 'col' }, '上传者'), h('th', { scope: 'col' }, '时间'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, '操作')))),
    h(
      'tbody',
      null,
      versions.map((v, i) =>
        h(
          'tr',
          { 'data-testid': 'version-row', 'data-version': String(v.version) },
          h('td', null, `第 ${v.version} 版`, i === 0 ? h('span', { class: 'badge badge-current' }, '当前') : null),
          h('td', { class: 'col-name' }, fileIcon(v.name), ' ', v.name),
          h('td', null, formatSize(v.size)),
          h('td', null, v.uploader.realName),
          h('td', null, dateTimeEl(v.createdAt)),
          h('td', null, h('div', { class: 'row-actions' }, downloadLink(v, '下载', 'btn btn-small btn-secondary', 'version-download'), previewKind(v.mime) ? h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => openPreview(v) }, '预览') : null)),
        ),
      ),
    ),
  );
}
