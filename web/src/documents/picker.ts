/**
 * Choosing files from a library (for BBS, chat and meeting attachments and answers to document
 * requests): a dialog that browses folders, lists documents with checkboxes (or radio buttons for
 * one), and can upload a new file into the folder shown, which is then selected. The choice
 * survives moving between folders. A discussion group's or private chat's files (no folders) are
 * listed from Conversation.documents and uploaded with conversationId.
 */
import { ApiError } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText, type Child } from '../dom.js';
import { dateTimeEl } from '../forum/render.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { fetchConversationDocuments, fetchDocument, fetchDocuments, fetchFolderPath } from './api.js';
import { formDialog, type Dialog } from './dialog.js';
import { fileIcon } from './preview.js';
import { formatSize, type AttachedVersion, type Folder, type LibraryDocument } from './types.js';
import { fileButton, UploadQueue, uploadLimitNote } from './uploadQueue.js';

/** Which library: a group's 群文件, or a discussion group's or private chat's own files. */
export type PickerLibrary = { groupId: string; conversationId?: undefined } | { conversationId: string; groupId?: undefined };

export type PickerOptions = PickerLibrary & {
  title: string;
  submitLabel: string;
  busyLabel: string;
  multiple: boolean;
  /** Already chosen (kept selected, e.g. attachments of the composer). */
  selected?: AttachedVersion[];
  /** More fields under the list (e.g. the answer's note). */
  extra?: Child;
  /** Throws an ApiError to show in the dialog; resolves to close it. */
  submit: (versions: AttachedVersion[], form: HTMLFormElement) => Promise<void>;
  testid?: string;
};

export function openPicker(options: PickerOptions): Dialog {
  const chosen = new Map<string, AttachedVersion>((options.selected ?? []).map((v) => [v.id, v]));
  const conversationId = options.conversationId ?? null;
  const groupId = options.groupId ?? null;
  const rootLabel = conversationId ? '会话文件' : '群文件';
  let path: string[] = [];
  let trail: Folder[] = [];
  let endCursor: string | null = null;
  let seq = 0;
  const crumbs = h('nav', { class: 'breadcrumb picker-crumbs', 'aria-label': '文件夹路径', 'data-testid': 'picker-breadcrumb' });
  const list = h('ul', { class: 'picker-list', 'data-testid': 'picker-list' });
  const status = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-small', hidden: true, 'data-testid': 'picker-more', onclick: () => void loadDocs(false) }, '加载更多');
  const summary = h('p', { class: 'muted small picker-summary', 'aria-live': 'polite', 'data-testid': 'picker-summary' });
  const uploadError = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const queue = new UploadQueue((result) => {
    void (async () => {
      try {
        const doc = await fetchDocument(result.documentId);
        if (!options.multiple) chosen.clear();
        chosen.set(doc.latestVersion.id, doc.latestVersion);
        await loadDocs(true);
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(uploadError, shown.message);
      }
    })();
  });
  const { button: uploadButton, input } = fileButton('上传新文件', (files) => void queue.add(options.multiple ? files : files.slice(0, 1), () => (conversationId ? { conversationId } : { groupId: groupId!, folderId: path.at(-1) ?? null })), {
    multiple: options.multiple,
    kind: 'btn-secondary btn-small',
    testid: 'picker-upload',
  });

  const renderSummary = () => {
    summary.textContent = chosen.size ? `已选：${[...chosen.values()].map((v) => v.name).join('、')}` : options.multiple ? '勾选要添加的文件，可多选' : '请选择一个文件';
  };

  function renderCrumbs(): void {
    const link = (label: string, depth: number) =>
      depth === path.length
        ? h('span', { 'aria-current': 'location' }, label)
        : h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'picker-crumb', onclick: () => void go(path.slice(0, depth)) }, label);
    replaceChildren(crumbs, link(rootLabel, 0), trail.map((f, i) => [h('span', { class: 'sep' }, '›'), link(f.name, i + 1)]));
  }

  function docRow(d: LibraryDocument): HTMLElement {
    const v = d.latestVersion;
    const control = h('input', {
      type: options.multiple ? 'checkbox' : 'radio',
      name: 'pick',
      value: v.id,
      checked: chosen.has(v.id) || [...chosen.values()].some((c) => c.documentId === d.id && c.id === v.id),
      'data-testid': 'picker-choice',
    });
    control.addEventListener('change', () => {
      if (!options.multiple) chosen.clear();
      if (control.checked) chosen.set(v.id, v);
      else chosen.delete(v.id);
      renderSummary();
    });
    return h(
      'li',
      { class: 'picker-item', 'data-testid': 'picker-item', 'data-name': d.name, 'data-document-id': d.id },
      h(
        'label',
        { class: 'picker-label' },
        control,
        fileIcon(d.name),
        h('span', { class: 'picker-name' }, d.name),
        h('span', { class: 'muted small' }, `${formatSize(d.size)} · ${d.uploader.realName} · `, dateTimeEl(d.updatedAt)),
      ),
    );
  }

  async function go(next: string[]): Promise<void> {
    const current = ++seq;
    replaceChildren(list);
    replaceChildren(status, loading('正在加载…'));
    more.hidden = true;
    try {
      if (conversationId) {
        // Files of a discussion group or private chat: one list, no folders.
        path = [];
        trail = [];
        renderCrumbs();
        await loadDocs(true, current);
        return;
      }
      const found = await fetchFolderPath(groupId!, next);
      if (current !== seq) return;
      if (!found) throw new ApiError('NOT_FOUND', '文件夹不存在或已被移动');
      path = next;
      trail = found.trail;
      renderCrumbs();
      for (const f of found.children) {
        list.appendChild(
          h(
            'li',
            { class: 'picker-item picker-folder', 'data-testid': 'picker-folder', 'data-name': f.name },
            h('button', { type: 'button', class: 'picker-open', onclick: () => void go([...path, f.id]) }, h('span', { class: 'file-icon file-folder', 'aria-hidden': 'true' }, '文件夹'), h('span', { class: 'picker-name' }, f.name)),
          ),
        );
      }
      await loadDocs(true, current);
    } catch (error) {
      if (current !== seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(status, errorBox(shown, () => void go(shown.code === 'NOT_FOUND' ? [] : next)));
    }
  }

  async function loadDocs(reset: boolean, current = seq): Promise<void> {
    if (reset) {
      for (const item of list.querySelectorAll('[data-testid=picker-item]')) item.remove();
      endCursor = null;
    }
    more.disabled = true;
    try {
      const after = reset ? null : endCursor;
      const page = conversationId ? await fetchConversationDocuments(conversationId, 'TIME', after) : await fetchDocuments(groupId!, path.at(-1) ?? null, 'TIME', after);
      if (current !== seq) return;
      // One entry per document, also when a reload after an upload overlaps another load.
      const shown = new Set([...list.querySelectorAll<HTMLElement>('[data-testid=picker-item]')].map((el) => el.dataset.documentId));
      for (const e of page.edges) if (!shown.has(e.node.id)) list.appendChild(docRow(e.node));
      renderSummary();
      endCursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      replaceChildren(status, list.children.length ? null : emptyState(conversationId ? '这里还没有文件，可以上传新文件' : '这个文件夹是空的，可以上传新文件'));
    } catch (error) {
      if (current !== seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(status, errorBox(shown, () => void loadDocs(reset)));
    } finally {
      more.disabled = false;
    }
  }

  const dialog = formDialog(
    {
      title: options.title,
      testid: options.testid ?? 'picker-dialog',
      size: 'wide',
      submitLabel: options.submitLabel,
      busyLabel: options.busyLabel,
      submit: async (form) => {
        if (queue.busy()) throw new ApiError('BAD_USER_INPUT', '文件还在上传，请稍候');
        if (!chosen.size) throw new ApiError('BAD_USER_INPUT', options.multiple ? '请至少选择一个文件' : '请选择一个文件');
        await options.submit([...chosen.values()], form);
      },
    },
    h('div', { class: 'picker-bar' }, crumbs, h('span', { class: 'spacer' }), uploadButton, input),
    h('p', { class: 'hint picker-limit' }, uploadLimitNote('picker-limit')),
    queue.el,
    uploadError,
    h('div', { class: 'picker-scroll' }, list, status, h('div', { class: 'more-row' }, more)),
    summary,
    options.extra ?? null,
  );
  renderSummary();
  renderCrumbs();
  void go([]);
  return dialog.open();
}
