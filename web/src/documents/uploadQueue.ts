/**
 * A list of uploads in progress: file name, a <progress> bar with the percentage, 取消 while
 * sending, and when it ends either 已上传 or the reason in Chinese (too large, type not allowed,
 * content does not match the extension…) with a 关闭 button. Files go one after another.
 */
import { ApiError } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren } from '../dom.js';
import { fetchDocument, fetchDocumentNamed, fetchUploadLimits } from './api.js';
import { askNameTaken } from './nameTaken.js';
import { fileIcon } from './preview.js';
import { ACCEPT, formatSize } from './types.js';
import { limitHint, precheck, uploadFile, type Uploaded, type UploadTarget } from './upload.js';

export class UploadQueue {
  readonly el: HTMLElement;
  private chain: Promise<unknown> = Promise.resolve();
  private active = 0;
  private uploaded = 0;

  /** `onIdle` runs when the last queued file ends, with how many of the batch were stored. */
  constructor(private readonly onUploaded: (result: Uploaded, file: File) => void, private readonly onIdle?: (uploaded: number) => void) {
    this.el = h('ul', { class: 'upload-list', 'aria-label': '上传进度', 'aria-live': 'polite', 'data-testid': 'upload-list' });
  }

  busy(): boolean {
    return this.active > 0;
  }

  /** Queues files for the target (the target is read when each one starts). Answers when all are done. */
  add(files: Iterable<File>, target: () => UploadTarget): Promise<void> {
    const list = [...files];
    const runs = list.map((file) => {
      const row = new UploadRow(file);
      this.el.appendChild(row.el);
      this.active += 1;
      const run = this.chain
        .then(() => row.start(target(), this.onUploaded))
        .then(() => (this.uploaded += 1))
        .finally(() => {
          this.active -= 1;
          if (this.active) return;
          const uploaded = this.uploaded;
          this.uploaded = 0;
          this.onIdle?.(uploaded);
        });
      this.chain = run.catch(() => undefined);
      return run;
    });
    return Promise.allSettled(runs).then(() => undefined);
  }
}

class UploadRow {
  readonly el: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly percent: HTMLElement;
  private readonly status: HTMLElement;
  private readonly actions: HTMLElement;
  private abort: (() => void) | null = null;
  private cancelled = false;

  constructor(private readonly file: File) {
    this.bar = h('progress', { class: 'upload-bar', max: 100, value: 0, 'aria-label': `“${file.name}”上传进度`, 'data-testid': 'upload-progress' });
    this.percent = h('span', { class: 'upload-percent', 'data-testid': 'upload-percent' }, '等待中');
    this.status = h('p', { class: 'upload-status small', hidden: true, 'data-testid': 'upload-status' });
    const cancel = h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'upload-cancel', onclick: () => this.cancel() }, '取消');
    this.actions = h('span', { class: 'upload-actions' }, cancel);
    this.el = h(
      'li',
      { class: 'upload-item', 'data-testid': 'upload-item', 'data-state': 'waiting', 'data-name': file.name },
      h('div', { class: 'upload-line' }, fileIcon(file.name), h('span', { class: 'upload-name' }, file.name), h('span', { class: 'muted small' }, formatSize(file.size)), h('span', { class: 'spacer' }), this.percent, this.actions),
      this.bar,
      this.status,
    );
  }

  private setState(state: 'waiting' | 'sending' | 'done' | 'failed' | 'cancelled'): void {
    this.el.dataset.state = state;
    this.el.classList.toggle('upload-failed', state === 'failed');
    this.el.classList.toggle('upload-done', state === 'done');
  }

  private cancel(): void {
    this.cancelled = true;
    if (this.abort) this.abort();
    else this.finish('cancelled', '已取消');
  }

  private dismissButton(): HTMLElement {
    return h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'upload-dismiss', 'aria-label': `关闭“${this.file.name}”的上传提示`, onclick: () => this.el.remove() }, '关闭');
  }

  private finish(state: 'done' | 'failed' | 'cancelled', message: string): void {
    this.setState(state);
    this.abort = null;
    this.status.textContent = message;
    this.status.hidden = state === 'done';
    this.status.setAttribute('role', state === 'failed' ? 'alert' : 'status');
    this.percent.textContent = state === 'done' ? '已上传' : state === 'cancelled' ? '已取消' : '上传失败';
    replaceChildren(this.actions, this.dismissButton());
    if (state === 'done') {
      this.bar.value = 100;
      // Successful rows clear themselves after a moment; failures stay until dismissed.
      window.setTimeout(() => this.el.remove(), 4000);
    }
  }

  async start(target: UploadTarget, onUploaded: (result: Uploaded, file: File) => void): Promise<void> {
    if (this.cancelled) return;
    // The server's limit, to refuse an oversize file before any byte goes (the server checks again).
    const limit = await fetchUploadLimits().then((l) => l.maxFileBytes, () => undefined);
    const early = precheck(this.file, limit);
    if (early) {
      this.finish('failed', `“${this.file.name}”无法上传：${early}`);
      throw new Error(early);
    }
    let to = target;
    // A new document whose name the folder already holds: ask first (new version, keep both, or cancel).
    if (!to.documentId && !to.ifNameTaken) {
      const existing = await fetchDocumentNamed(to, this.file.name).catch(() => null);
      if (existing) to = await this.ask(to, existing);
    }
    try {
      await this.send(to, onUploaded);
    } catch (error) {
      // Another upload of the name came first (between the check and the send): ask, then send again.
      if (!(error instanceof ApiError && error.code === 'CONFLICT' && error.extensions.reason === 'nameTaken' && typeof error.extensions.documentId === 'string')) throw error;
      const existing = await fetchDocument(error.extensions.documentId);
      await this.send(await this.ask(to, existing), onUploaded, false);
    }
  }

  /** The target the person chose for a same-named file; throws when they cancel. */
  private async ask(target: UploadTarget, existing: Parameters<typeof askNameTaken>[1]): Promise<UploadTarget> {
    this.el.dataset.state = 'asking';
    this.percent.textContent = '等待选择';
    const chosen = await askNameTaken(this.file, existing, target);
    if (chosen && !this.cancelled) return chosen;
    if (!this.cancelled) this.finish('cancelled', '已取消上传');
    throw new Error('已取消上传');
  }

  /** Sends the file; a same-named refusal is passed up to ask about once (`mayAsk`), else shown. */
  private async send(target: UploadTarget, onUploaded: (result: Uploaded, file: File) => void, mayAsk = true): Promise<void> {
    this.setState('sending');
    this.percent.textContent = '0%';
    const handle = uploadFile(target, this.file, (fraction) => {
      const pct = Math.round(fraction * 100);
      this.bar.value = pct;
      this.percent.textContent = `${pct}%`;
    });
    this.abort = handle.abort;
    try {
      const result = await handle.promise;
      this.finish('done', '已上传');
      onUploaded(result, this.file);
    } catch (error) {
      if (this.cancelled) {
        this.finish('cancelled', '已取消上传');
        throw error;
      }
      if (mayAsk && error instanceof ApiError && error.code === 'CONFLICT' && error.extensions.reason === 'nameTaken') {
        this.abort = null;
        throw error;
      }
      const shown = pageError(error);
      this.finish('failed', `“${this.file.name}”上传失败：${shown?.message ?? '请稍后重试'}`);
      throw error;
    }
  }
}

/** A hidden multi-file input and the button that opens it. */
export function fileButton(label: string, onFiles: (files: File[]) => void, options: { multiple?: boolean; kind?: string; testid?: string } = {}): { button: HTMLButtonElement; input: HTMLInputElement } {
  const input = h('input', { type: 'file', class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true', multiple: options.multiple !== false, accept: ACCEPT, 'data-testid': `${options.testid ?? 'upload'}-input` });
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) onFiles(files);
  });
  const button = h('button', { type: 'button', class: `btn ${options.kind ?? 'btn-primary'}`, 'data-testid': options.testid ?? 'upload', onclick: () => input.click() }, label);
  return { button, input };
}

/** 「单个文件不超过 N MB」 from the server's configured limit, filled in when it is known. */
export function uploadLimitNote(testid: string): HTMLElement {
  const note = h('span', { 'data-testid': testid });
  void fetchUploadLimits().then(
    (limits) => (note.textContent = `${limitHint(limits.maxFileBytes)}。`),
    () => undefined,
  );
  return note;
}
