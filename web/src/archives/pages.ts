/**
 * Archives (档案导出). #/groups/:groupId/archive: the group's owner, admins and system admins
 * choose a range of days and export the group's records; #/my/archives: 导出我的数据. Both
 * list the viewer's exports with status and progress (polled while one is being built) and a
 * download button once done.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { field, FormState, input, onSubmit } from '../forms.js';
import { formatDateTime } from '../format.js';
import { notify } from '../notify.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const ExportFields = graphql(`fragment ArchiveExportFields on ArchiveExport { id kind groupName from to status progress size error createdAt finishedAt expiresAt viewerCan { download delete } }`);
const EXPORTS = graphql(`query MyArchiveExports { myArchiveExports(first: 50) { totalCount edges { node { ...ArchiveExportFields } } } }`, [ExportFields]);
const GROUP = graphql(`query ArchiveGroup($g: ID!) { group(id: $g) { id name viewerCanExportArchive } }`);
const REQUEST_GROUP = graphql(`mutation RequestGroupArchive($g: ID!, $from: String!, $to: String!) { requestGroupArchive(groupId: $g, from: $from, to: $to) { ...ArchiveExportFields } }`, [ExportFields]);
const REQUEST_PERSONAL = graphql(`mutation RequestPersonalArchive { requestPersonalArchive { ...ArchiveExportFields } }`, [ExportFields]);
const LINK = graphql(`mutation ArchiveDownloadLink($id: ID!) { archiveDownloadLink(id: $id) { url } }`);
const DELETE = graphql(`mutation DeleteArchiveExport($id: ID!) { deleteArchiveExport(id: $id) }`);

type ArchiveExport = ResultOf<typeof ExportFields>;

const STATUS_LABELS: Record<string, string> = { QUEUED: '排队中', RUNNING: '生成中', DONE: '完成', FAILED: '失败', EXPIRED: '已过期' };
const POLL_MS = 2000;

/** "YYYY-MM-DD" of a day in Beijing time, `daysAgo` before today. */
function beijingDay(daysAgo = 0): string {
  return new Date(Date.now() + 8 * 3600 * 1000 - daysAgo * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

function sizeText(bytes: number | null | undefined): string {
  if (!bytes) return '';
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The viewer's exports, refreshed every two seconds while one is queued or running. */
function exportList(signal: AbortSignal) {
  const el = h('section', { class: 'card archive-list', 'aria-label': '我的导出', 'data-testid': 'archive-list' }, loading('正在加载导出记录…'));
  let timer: number | undefined;
  signal.addEventListener('abort', () => window.clearTimeout(timer));

  async function load(): Promise<void> {
    window.clearTimeout(timer);
    try {
      const data = await gql(EXPORTS, {}, signal);
      if (signal.aborted) return;
      const exports = data.myArchiveExports.edges.map((e) => e.node);
      replaceChildren(
        el,
        h('h2', null, '我的导出'),
        h('p', { class: 'muted small' }, '导出完成后保留 7 天，可随时删除。下载链接一分钟内有效，仅限本人使用。'),
        exports.length ? h('ul', { class: 'archive-items' }, exports.map(item)) : emptyState('还没有导出记录。'),
      );
      if (exports.some((x) => x.status === 'QUEUED' || x.status === 'RUNNING')) timer = window.setTimeout(() => void load(), POLL_MS);
    } catch (error) {
      const shown = pageError(error);
      if (shown && !signal.aborted) replaceChildren(el, errorBox(shown, () => void load()));
    }
  }

  function item(x: ArchiveExport): HTMLElement {
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const what = x.kind === 'GROUP' ? `群组档案：${x.groupName ?? '（群组已解散）'}（${x.from} 至 ${x.to}）` : '我的数据';
    const progress = x.status === 'RUNNING' || x.status === 'QUEUED'
      ? h('progress', { max: 100, value: x.progress, 'aria-label': `${what} 进度` })
      : null;
    const download = x.viewerCan.download
      ? h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'archive-download' }, '下载')
      : null;
    download?.addEventListener('click', async () => {
      download.disabled = true;
      try {
        const { archiveDownloadLink } = await gql(LINK, { id: x.id });
        window.location.assign(archiveDownloadLink.url);
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
      } finally {
        download.disabled = false;
      }
    });
    const remove = x.viewerCan.delete ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'archive-delete' }, '删除') : null;
    remove?.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        await gql(DELETE, { id: x.id });
        notify('导出记录已删除');
        void load();
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
        remove.disabled = false;
      }
    });
    return h(
      'li',
      { class: 'archive-item', 'data-testid': 'archive-item', 'data-status': x.status },
      h('p', null, h('strong', null, what), ' ', h('span', { class: `badge archive-${x.status.toLowerCase()}`, 'data-testid': 'archive-status' }, STATUS_LABELS[x.status] ?? x.status),
        x.status === 'RUNNING' ? h('span', { class: 'muted small' }, ` ${x.progress}%`) : null),
      progress,
      h('p', { class: 'muted small' }, `申请于 ${formatDateTime(x.createdAt)}`, x.finishedAt ? ` · 完成于 ${formatDateTime(x.finishedAt)}` : '', x.size ? ` · ${sizeText(x.size)}` : '',
        x.status === 'DONE' ? ` · ${formatDateTime(x.expiresAt)} 前可下载` : ''),
      x.error ? h('p', { class: 'field-error' }, x.error) : null,
      h('div', { class: 'actions' }, download, remove),
      alert,
    );
  }

  void load();
  return { el, reload: () => void load() };
}

export function groupArchivePage(ctx: PageContext): Page {
  const groupId = ctx.params.groupId ?? '';
  const el = h('section', { class: 'archive-page' }, loading());
  const list = exportList(ctx.signal);

  async function load(): Promise<void> {
    try {
      const { group } = await gql(GROUP, { g: groupId }, ctx.signal);
      if (ctx.signal.aborted) return;
      if (!group.viewerCanExportArchive) {
        replaceChildren(el, pageTitle(`${group.name} · 导出档案`), emptyState('只有群主、群管理员或系统管理员可以导出群组档案。'), list.el);
        return;
      }
      replaceChildren(el, pageTitle(`${group.name} · 导出档案`), rangeForm(group.id), list.el);
      el.querySelector<HTMLElement>('h1')?.focus();
    } catch (error) {
      const shown = pageError(error);
      if (shown && !ctx.signal.aborted) replaceChildren(el, errorBox(shown, () => void load()));
    }
  }

  function rangeForm(id: string): HTMLElement {
    const from = field({ label: '开始日期', control: input('from', { type: 'date', required: true, value: beijingDay(30), max: beijingDay() }) });
    const to = field({ label: '结束日期', control: input('to', { type: 'date', required: true, value: beijingDay(), max: beijingDay() }), hint: '含当天；一次最多 366 天。' });
    const state = new FormState({ from, to });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'archive-request' }, '导出档案');
    const form = h('form', { class: 'card archive-form', 'aria-label': '导出群组档案', novalidate: true },
      h('p', { class: 'muted' }, '导出所选时间内的群聊消息（含编辑、撤回、移除记录）、讨论组、论坛帖子与回复、群文件、会议通知及参会名单、群公告和审计日志。受限内容仅在您有权查看时导出，否则以“此内容为受限内容，导出人无权查看”代替。'),
      state.alert, from.el, to.el, h('div', { class: 'form-actions' }, submit));
    onSubmit(form, submit, '正在提交…', async () => {
      state.clear();
      await gql(REQUEST_GROUP, { g: id, from: from.control.value, to: to.control.value });
      notify('已提交导出申请，生成完成后可在下方下载');
      list.reload();
    }, (error) => state.show(error));
    return form;
  }

  void load();
  return { title: '导出档案', el };
}

export function myArchivesPage(ctx: PageContext): Page {
  const list = exportList(ctx.signal);
  const alert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'form-error' });
  const submit = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'archive-request-personal' }, '导出我的数据');
  submit.addEventListener('click', async () => {
    submit.disabled = true;
    setText(alert, null);
    try {
      await gql(REQUEST_PERSONAL);
      notify('已提交导出申请，生成完成后可在下方下载');
      list.reload();
    } catch (error) {
      const shown = pageError(error);
      if (shown) setText(alert, shown.message);
    } finally {
      submit.disabled = false;
    }
  });
  const el = h('section', { class: 'archive-page' },
    pageTitle('导出我的数据'),
    h('div', { class: 'card' }, h('p', { class: 'muted' }, '导出您的个人资料、发送的消息、发表的帖子与回复，以及您上传的文件，打包为 ZIP：内含可离线浏览的中文网页和供程序读取的 JSON。'), h('div', { class: 'form-actions' }, submit), alert),
    list.el);
  return { title: '导出我的数据', el };
}
