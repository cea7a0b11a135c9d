/**
 * 资料寻找 (document requests): a card per request (what is wanted, who asks whom, by when, the
 * answers with their files), 发起请求 (title, details, an addressee among the group's members or
 * the whole group, a due date), 提供文件 (choose or upload a file of the group library, with a
 * note), and for the requester 已找到 / 关闭. Used by the group's 资料寻找 tab and by
 * 向我索要的资料.
 */
import { ApiError } from '../api.js';
import { pageError } from '../auth.js';
import { dayKey } from '../chat/time.js';
import type { MemberDirectory } from '../chat/members.js';
import { h, replaceChildren } from '../dom.js';
import { formatDate } from '../format.js';
import { notificationStore } from '../forum/notificationStore.js';
import { dateTimeEl } from '../forum/render.js';
import { notify } from '../notify.js';
import { viewer } from '../session.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { answerRequest, closeRequest, fetchGroupRequests, requestDocument } from './api.js';
import { field, formDialog } from './dialog.js';
import { openPicker } from './picker.js';
import { attachmentList } from './preview.js';
import { requestsHref, STATUS_LABELS, type DocumentRequest } from './types.js';

export interface RequestCardOptions {
  /** Show the group's name (lists across groups). */
  showGroup?: boolean;
  onChanged: (request: DocumentRequest) => void;
}

/** "2026-11-25" → "2026年11月25日"; past due when before today in Beijing. */
function dueText(r: DocumentRequest): { text: string; overdue: boolean } | null {
  if (!r.dueDate) return null;
  const overdue = r.status === 'OPEN' && r.dueDate < dayKey(Date.now());
  return { text: `期限 ${formatDate(`${r.dueDate}T00:00:00+08:00`)}`, overdue };
}

export function requestCard(r: DocumentRequest, options: RequestCardOptions): HTMLElement {
  const me = viewer()?.id;
  const mine = r.requester.id === me;
  const due = dueText(r);
  const item = h('li', { class: `card req-card req-${r.status.toLowerCase()}`, id: `request-${r.id}`, tabindex: '-1', 'data-testid': 'request', 'data-request-id': r.id, 'data-status': r.status });
  const act = async (button: HTMLButtonElement, run: () => Promise<DocumentRequest>, done: string) => {
    button.disabled = true;
    try {
      const next = await run();
      notify(done);
      options.onChanged(next);
    } catch (error) {
      const shown = pageError(error);
      if (shown) notify(shown.message, 'error');
      button.disabled = false;
    }
  };
  const actions: HTMLElement[] = [];
  if (r.status === 'OPEN' && !mine) {
    actions.push(h('button', { type: 'button', class: 'btn btn-primary btn-small', 'aria-haspopup': 'dialog', 'data-testid': 'request-answer', onclick: () => openAnswer(r, options.onChanged) }, '提供文件'));
  }
  if (r.viewerCanClose) {
    const found = h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'request-fulfilled' }, '已找到');
    found.addEventListener('click', () => void act(found, () => closeRequest(r.id, true), `“${r.title}”已标记为已找到`));
    const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-haspopup': 'dialog', 'data-testid': 'request-close' }, '关闭请求');
    close.addEventListener('click', () =>
      formDialog(
        {
          title: `关闭“${r.title}”？`,
          testid: 'request-close-dialog',
          submitLabel: '关闭请求',
          busyLabel: '正在关闭…',
          danger: true,
          submit: async () => {
            const next = await closeRequest(r.id, false);
            notify(`“${r.title}”已关闭`, 'info');
            options.onChanged(next);
          },
        },
        h('p', null, '关闭后不能再收到回应。如果已经拿到需要的资料，请选择“已找到”。'),
      ).open(),
    );
    actions.push(found, close);
  }
  replaceChildren(
    item,
    h(
      'div',
      { class: 'req-head' },
      h('h3', { class: 'req-title', 'data-testid': 'request-title' }, r.title),
      h('span', { class: `badge req-status req-status-${r.status.toLowerCase()}`, 'data-testid': 'request-status' }, STATUS_LABELS[r.status]),
      due ? h('span', { class: `badge req-due${due.overdue ? ' req-overdue' : ''}`, 'data-testid': 'request-due' }, due.overdue ? `${due.text}（已逾期）` : due.text) : null,
    ),
    h(
      'p',
      { class: 'req-meta muted small' },
      h('a', { href: `#/users/${encodeURIComponent(r.requester.id)}` }, r.requester.realName),
      `（${r.requester.unit.name}）`,
      r.addressee ? ['向 ', h('a', { href: `#/users/${encodeURIComponent(r.addressee.id)}`, 'data-testid': 'request-addressee' }, r.addressee.id === me ? '您' : r.addressee.realName), ' 索要'] : '向全群征集',
      options.showGroup ? [' · ', h('a', { href: requestsHref(r.group.id, `?request=${encodeURIComponent(r.id)}`) }, r.group.name)] : null,
      ' · ',
      dateTimeEl(r.createdAt),
      r.closedAt ? [' · ', r.status === 'FULFILLED' ? '找到于 ' : '关闭于 ', dateTimeEl(r.closedAt)] : null,
    ),
    r.details ? h('p', { class: 'req-details pre', 'data-testid': 'request-details' }, r.details) : null,
    r.answers.length
      ? h(
          'div',
          { class: 'req-answers' },
          h('h4', { class: 'req-answers-title' }, `回应（${r.answers.length}）`),
          h(
            'ol',
            { class: 'req-answer-list', 'data-testid': 'request-answers' },
            r.answers.map((a) =>
              h(
                'li',
                { class: 'req-answer', 'data-testid': 'request-answer-item' },
                h('p', { class: 'small' }, h('a', { href: `#/users/${encodeURIComponent(a.answerer.id)}` }, a.answerer.realName), h('span', { class: 'muted' }, `（${a.answerer.unit.name}）· `), dateTimeEl(a.createdAt)),
                a.note ? h('p', { class: 'req-note pre', 'data-testid': 'request-answer-note' }, a.note) : null,
                attachmentList([{ version: a.version }], 'request-answer-file'),
              ),
            ),
          ),
        )
      : r.status === 'OPEN'
        ? h('p', { class: 'muted small' }, '还没有人回应')
        : null,
    actions.length ? h('div', { class: 'actions req-actions' }, actions) : null,
  );
  return item;
}

/** 提供文件: pick (or upload) one file of the group library and add a note. */
export function openAnswer(r: DocumentRequest, onChanged: (request: DocumentRequest) => void): void {
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 500, placeholder: '例如：这是我们中心 2026 年的版本，供参考', 'data-testid': 'answer-note' });
  openPicker({
    groupId: r.group.id,
    title: `提供文件：${r.title}`,
    submitLabel: '提供',
    busyLabel: '正在提交…',
    multiple: false,
    testid: 'answer-dialog',
    extra: field('留言', note, '不超过 500 字', true),
    submit: async (versions) => {
      const next = await answerRequest(r.id, versions[0].id, note.value.trim() || null);
      notify(`已向${r.requester.realName}提供“${versions[0].name}”`);
      onChanged(next);
    },
  });
}

/** 发起请求. */
export function openNewRequest(groupId: string, directory: MemberDirectory, onCreated: (request: DocumentRequest) => void): void {
  const title = h('input', { type: 'text', name: 'title', maxlength: 100, autocomplete: 'off', placeholder: '例如：2026 年行政许可事项清单（县级）', 'data-testid': 'request-title-input' });
  const details = h('textarea', { name: 'details', rows: 4, maxlength: 1000, placeholder: '用途、版本、格式等，便于同事查找', 'data-testid': 'request-details-input' });
  const addressee = h('select', { name: 'addresseeId', 'data-testid': 'request-addressee-input', disabled: true }, h('option', { value: '' }, '全群成员（正在加载成员…）'));
  const today = dayKey(Date.now());
  const due = h('input', { type: 'date', name: 'dueDate', min: today, 'data-testid': 'request-due-input' });
  const dialog = formDialog(
    {
      title: '发起资料请求',
      testid: 'request-dialog',
      submitLabel: '发起请求',
      busyLabel: '正在提交…',
      submit: async () => {
        const t = title.value.trim();
        if (!t) throw new ApiError('BAD_USER_INPUT', '请写明需要什么资料', 'title');
        if (due.value && due.value < today) throw new ApiError('BAD_USER_INPUT', '期限不能早于今天', 'dueDate');
        const created = await requestDocument({ groupId, title: t, details: details.value.trim() || null, addresseeId: addressee.value || null, dueDate: due.value || null });
        notify(created.addressee ? `已向${created.addressee.realName}发出请求，对方会收到通知` : '已向全群发出请求');
        onCreated(created);
      },
    },
    field('需要的资料', title, '不超过 100 字'),
    field('说明', details, '不超过 1000 字', true),
    field('向谁索要', addressee, '选定一位成员时，对方会收到通知；不选则向全群征集。', true),
    field('期限', due, undefined, true),
  ).open();
  void directory
    .all()
    .then((members) => {
      if (dialog.isClosed()) return;
      const me = viewer()?.id;
      const collator = new Intl.Collator('zh-CN-u-co-pinyin');
      const others = members.filter((m) => m.user.id !== me).sort((a, b) => collator.compare(a.user.realName, b.user.realName));
      replaceChildren(addressee, h('option', { value: '' }, '全群成员'), others.map((m) => h('option', { value: m.user.id }, `${m.user.realName}（${m.user.unit.name}${m.user.title ? ` · ${m.user.title}` : ''}）`)));
      addressee.disabled = false;
    })
    .catch(() => {
      if (!dialog.isClosed()) replaceChildren(addressee, h('option', { value: '' }, '全群成员（成员列表加载失败）'));
      addressee.disabled = false;
    });
}

/** A group's 资料寻找 tab: open requests (or all, with 显示已结束), 发起请求. */
export class RequestsView {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly status: HTMLElement;
  private readonly closedToggle: HTMLInputElement;
  private seq = 0;
  private highlight: string | null = null;

  constructor(private readonly groupId: string, private readonly directory: MemberDirectory, private readonly signal: AbortSignal) {
    this.list = h('ul', { class: 'req-list', 'data-testid': 'request-list', 'aria-label': '资料请求' });
    this.status = h('div');
    this.closedToggle = h('input', { type: 'checkbox', 'data-testid': 'requests-show-closed', onchange: () => void this.load() });
    const create = h('button', { type: 'button', class: 'btn btn-primary', 'aria-haspopup': 'dialog', 'data-testid': 'request-new', onclick: () => openNewRequest(this.groupId, this.directory, () => void this.load()) }, '发起请求');
    this.el = h(
      'section',
      { class: 'req-view', 'aria-label': '资料寻找', 'data-testid': 'requests' },
      h(
        'div',
        { class: 'card req-toolbar' },
        h('p', { class: 'muted small' }, '找不到需要的文件？向全群或某位同事发起请求，对方可直接从群文件中选取或上传。'),
        h('span', { class: 'spacer' }),
        h('label', { class: 'check' }, this.closedToggle, '显示已结束'),
        h('a', { class: 'btn btn-secondary', href: '#/my/requests', 'data-testid': 'my-requests-link' }, '向我索要的资料'),
        create,
      ),
      this.list,
      this.status,
    );
    // A request or an answer in this group arrives live: show it (the toast still tells).
    const off = notificationStore.onNew((n) => {
      if ((n.kind === 'DOCUMENT_REQUEST' || n.kind === 'DOCUMENT_REQUEST_ANSWERED') && n.group?.id === this.groupId && this.el.isConnected) void this.load(null);
    });
    signal.addEventListener('abort', off);
  }

  /** Loads the list; `requestId` is scrolled to and highlighted (shown even when it has ended). */
  async load(requestId: string | null = this.highlight): Promise<void> {
    this.highlight = requestId;
    const current = ++this.seq;
    replaceChildren(this.status, loading('正在加载资料请求…'));
    try {
      let requests = await fetchGroupRequests(this.groupId, this.closedToggle.checked, this.signal);
      if (requestId && !requests.some((r) => r.id === requestId) && !this.closedToggle.checked) {
        const all = await fetchGroupRequests(this.groupId, true, this.signal);
        if (all.some((r) => r.id === requestId)) {
          this.closedToggle.checked = true;
          requests = all;
        }
      }
      if (current !== this.seq) return;
      replaceChildren(this.list, requests.map((r) => this.card(r)));
      replaceChildren(this.status, requests.length ? null : emptyState(this.closedToggle.checked ? '还没有资料请求' : '没有进行中的资料请求'));
      if (requestId) {
        const target = this.list.querySelector<HTMLElement>(`[data-request-id="${CSS.escape(requestId)}"]`);
        if (target) {
          target.scrollIntoView({ block: 'center' });
          target.classList.add('req-flash');
          target.focus({ preventScroll: true });
          window.setTimeout(() => target.classList.remove('req-flash'), 2500);
        } else notify('该资料请求已不可见', 'info');
        this.highlight = null;
      }
    } catch (error) {
      if (current !== this.seq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(this.status, errorBox(shown, () => void this.load()));
    }
  }

  private card(r: DocumentRequest): HTMLElement {
    return requestCard(r, {
      onChanged: (next) => {
        const old = this.list.querySelector(`[data-request-id="${CSS.escape(next.id)}"]`);
        // Replaced in place (an ended one stays until the next load), so the change is visible.
        old?.replaceWith(this.card(next));
        this.list.querySelector<HTMLElement>(`[data-request-id="${CSS.escape(next.id)}"]`)?.focus({ preventScroll: true });
      },
    });
  }
}
