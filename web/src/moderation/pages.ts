/**
 * #/groups/:groupId/moderation: the moderation queue (open counts per reason and type, reports
 * with 处理/驳回), 全员禁言, and the group's audit log with filters. #/my/record: 我的记录.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren } from '../dom.js';
import { notify } from '../notify.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { reasonLabel, shanghai } from './context.js';
import { openDialog, removeDialog } from './dialogs.js';
import { escalationSection, sanctionsSection, sensitiveRulesSection } from './tools.js';
import { graphql, type ResultOf, type SchemaEnum } from '../graphql/index.js';

const QUEUE = graphql(`query Queue($g: ID!, $s: ReportStatus) { group(id: $g) { id name moderation { mutedAll mutedAllUntil escalation { warnings windowDays muteMinutes } } }
  moderationQueue(groupId: $g) { openCount counts { reason contentType count }
    reports(status: $s, first: 50) { edges { node { id contentType contentId reason note status createdAt contentExcerpt conversationId threadId resolutionNote
      contentRemoval { notice } reporter { realName } contentAuthor { id realName } resolvedBy { realName } } } } } }`);
const LOG = graphql(`query Log($g: ID!, $f: AuditLogFilter, $after: String) { groupAuditLog(groupId: $g, filter: $f, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id at actionLabel summary details { label value } } } } }`);

type ReportStatus = SchemaEnum<'ReportStatus'>;

const TYPE_LABELS: Record<string, string> = { MESSAGE: '消息', THREAD: '帖子', REPLY: '回复' };
const STATUS_LABELS: Record<string, string> = { OPEN: '待处理', ACTIONED: '已处理', DISMISSED: '已驳回' };

type Report = ResultOf<typeof QUEUE>['moderationQueue']['reports']['edges'][number]['node'];

export function moderationPage(ctx: PageContext): Page {
  const groupId = ctx.params.groupId;
  const queueEl = h('div', { 'data-testid': 'moderation-queue' }, loading());
  const logEl = h('div', { 'data-testid': 'audit-log' });
  const head = h('div');
  const escalationEl = h('div');
  let status: ReportStatus | '' = 'OPEN';
  const statusSelect = h('select', { 'data-testid': 'queue-status', onchange: () => ((status = statusSelect.value as ReportStatus | ''), void loadQueue()) },
    h('option', { value: 'OPEN' }, '待处理'), h('option', { value: 'ACTIONED' }, '已处理'), h('option', { value: 'DISMISSED' }, '已驳回'), h('option', { value: '' }, '全部'));

  async function loadQueue() {
    try {
      const data = await gql(
        QUEUE, { g: groupId, s: status || null }, ctx.signal);
      const g = data.group;
      const q = data.moderationQueue;
      const muteButton = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'group-mute-toggle', onclick: () => void toggleGroupMute(g.moderation.mutedAll) }, g.moderation.mutedAll ? '解除全员禁言' : '开启全员禁言');
      replaceChildren(
        head,
        pageTitle(`${g.name} · 群管理`),
        h('p', { class: 'muted' },
          g.moderation.mutedAll ? `全员禁言中${g.moderation.mutedAllUntil ? `，至 ${shanghai(g.moderation.mutedAllUntil)}` : '，直至解除'}。` : '',
          `处罚规则：${g.moderation.escalation.windowDays} 天内 ${g.moderation.escalation.warnings} 次有效警告自动禁言 ${g.moderation.escalation.muteMinutes} 分钟。`),
        h('div', { class: 'form-actions' }, muteButton, h('a', { class: 'btn btn-small btn-secondary', href: '#/my/record' }, '我的记录')),
      );
      replaceChildren(escalationEl, escalationSection(groupId, g.moderation.escalation, () => (void loadQueue(), void loadLog(true))));
      replaceChildren(
        queueEl,
        h('h2', null, `举报队列（待处理 ${q.openCount}）`),
        q.counts.length ? h('ul', { class: 'queue-counts', 'data-testid': 'queue-counts' }, q.counts.map((c) => h('li', null, `${reasonLabel(c.reason)} · ${TYPE_LABELS[c.contentType]}：${c.count}`))) : null,
        h('label', null, '状态 ', statusSelect),
        q.reports.edges.length
          ? h('ul', { class: 'report-list' }, q.reports.edges.map(({ node: r }) => reportItem(r)))
          : emptyState('没有举报'),
      );
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(queueEl, errorBox(shown, () => void loadQueue()));
    }
  }

  function reportItem(r: Report): HTMLElement {
    const link = r.contentType === 'MESSAGE' && r.conversationId ? `#/chat/${encodeURIComponent(r.conversationId)}` : r.threadId ? `#/thread/${encodeURIComponent(r.threadId)}` : null;
    const resolve = (outcome: 'ACTIONED' | 'DISMISSED') => {
      const note = h('textarea', { name: 'note', rows: 3, maxlength: 500 });
      openDialog(outcome === 'ACTIONED' ? '标记为已处理' : '驳回举报', [{ name: 'note', label: '处理说明（举报人可见）', control: note, value: () => note.value.trim() }], '确定', async (v) => {
        await gql(graphql('mutation Resolve($r: ID!, $o: ReportOutcome!, $n: String) { resolveReport(reportId: $r, outcome: $o, note: $n) { id } }'), { r: r.id, o: outcome, n: v.note || null });
        void loadQueue();
        return '已处理，举报人会收到通知';
      });
    };
    return h(
      'li',
      { class: 'report card', 'data-testid': 'report' },
      h('p', null, h('strong', null, `${reasonLabel(r.reason)} · ${TYPE_LABELS[r.contentType]}`), ` 举报人：${r.reporter.realName} · 作者：${r.contentAuthor.realName} · ${STATUS_LABELS[r.status]}`),
      r.note ? h('p', null, `说明：${r.note}`) : null,
      h('blockquote', { class: 'report-excerpt' }, r.contentExcerpt ?? '（内容已不存在）'),
      r.contentRemoval ? h('p', { class: 'muted' }, r.contentRemoval.notice) : null,
      r.resolutionNote ? h('p', { class: 'muted' }, `处理说明：${r.resolutionNote}（${r.resolvedBy?.realName ?? ''}）`) : null,
      h('div', { class: 'form-actions' },
        link ? h('a', { class: 'btn btn-small btn-secondary', href: link }, '查看') : null,
        r.status === 'OPEN' && !r.contentRemoval ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'report-remove', onclick: () => removeDialog(r.contentType as 'MESSAGE', r.contentId, () => void loadQueue()) }, '移除内容') : null,
        r.status === 'OPEN' ? h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'report-actioned', onclick: () => resolve('ACTIONED') }, '已处理') : null,
        r.status === 'OPEN' ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'report-dismiss', onclick: () => resolve('DISMISSED') }, '驳回') : null,
      ),
    );
  }

  async function toggleGroupMute(on: boolean) {
    if (on) {
      await gql(graphql('mutation($g: ID!) { setGroupMute(groupId: $g, muted: false) { id } }'), { g: groupId });
      notify('已解除全员禁言');
      return void loadQueue();
    }
    const minutes = h('select', { name: 'minutes' }, [['30', '30 分钟'], ['60', '1 小时'], ['1440', '1 天'], ['', '直至解除']].map(([v, l]) => h('option', { value: v }, l)));
    const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
    openDialog('开启全员禁言（群主和管理员除外）', [{ name: 'minutes', label: '时长', control: minutes, value: () => minutes.value }, { name: 'note', label: '说明（选填）', control: note, value: () => note.value.trim() }], '开启', async (v) => {
      await gql(graphql('mutation($g: ID!, $m: Int, $n: String) { setGroupMute(groupId: $g, muted: true, minutes: $m, note: $n) { id } }'), { g: groupId, m: v.minutes ? Number(v.minutes) : null, n: v.note || null });
      void loadQueue();
      return '已开启全员禁言';
    });
  }

  // Audit log with filters.
  const action = h('select', { 'data-testid': 'log-action' }, h('option', { value: '' }, '全部操作'), h('option', { value: 'moderation.' }, '全部管理操作'),
  );
  // The server names every action (one table for the log, its filter and archives).
  void gql(graphql('query AuditActions { auditActions { action label } }'), {}, ctx.signal)
    .then(({ auditActions }) => action.append(...auditActions.map((a) => h('option', { value: a.action }, a.label))))
    .catch(() => {});
  const from = h('input', { type: 'date', 'data-testid': 'log-from' });
  const to = h('input', { type: 'date', 'data-testid': 'log-to' });
  const list = h('ul', { class: 'audit-list' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, onclick: () => void loadLog(false) }, '加载更多');
  let after: string | null = null;
  const day = (value: string, end: boolean) => (value ? new Date(`${value}T00:00:00+08:00`).getTime() + (end ? 86_400_000 : 0) : null);
  async function loadLog(reset: boolean) {
    if (reset) (after = null), replaceChildren(list);
    try {
      const f = { action: action.value || null, from: day(from.value, false) ? new Date(day(from.value, false)!).toISOString() : null, to: day(to.value, true) ? new Date(day(to.value, true)!).toISOString() : null };
      const { groupAuditLog } = await gql(
        LOG, { g: groupId, f, after }, ctx.signal);
      for (const { node: e } of groupAuditLog.edges) {
        // The server words each entry (audit/sentences.ts): names, Asia/Shanghai times, no ids.
        list.append(h('li', { class: 'audit-entry', 'data-testid': 'audit-entry' },
          h('time', { datetime: e.at }, shanghai(e.at)), ' ',
          h('span', { class: 'badge' }, e.actionLabel), ' ',
          h('span', { 'data-testid': 'audit-summary' }, e.summary),
          e.details.length
            ? h('details', null, h('summary', null, '详情'),
                h('dl', { class: 'audit-details', 'data-testid': 'audit-details' }, e.details.flatMap((d) => [h('dt', null, d.label), h('dd', null, d.value)])))
            : null));
      }
      if (!groupAuditLog.edges.length && reset) list.append(h('li', { class: 'muted' }, '没有记录'));
      after = groupAuditLog.pageInfo.endCursor;
      more.hidden = !groupAuditLog.pageInfo.hasNextPage;
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(logEl, errorBox(shown));
    }
  }
  const filters = h('form', { class: 'audit-filters', onsubmit: (e: Event) => (e.preventDefault(), void loadLog(true)) },
    h('label', null, '操作 ', action), h('label', null, '从 ', from), h('label', null, '至 ', to), h('button', { type: 'submit', class: 'btn btn-small btn-secondary' }, '筛选'));
  replaceChildren(logEl, h('h2', null, '操作记录'), filters, list, more);
  void loadQueue();
  void loadLog(true);
  // A change made with the tools is a new entry of the log below: show it.
  const logChanged = () => void loadLog(true);
  const tools = h('div', { class: 'moderation-tools' }, sanctionsSection(groupId, ctx.signal, logChanged), escalationEl, sensitiveRulesSection(groupId, ctx.signal, logChanged));
  return { title: '群管理', el: h('section', { class: 'card moderation-page', 'data-testid': 'moderation-page' }, head, queueEl, tools, logEl) };
}

const MY_RECORD = graphql(`query MyModerationRecord { myModerationRecord { sanctions { id kind active reasonLabel note createdAt endsAt revokedAt revokeReason group { name } actor { realName } }
        removedContent { id contentType title body group { name } removal { notice removedAt } } } }`);

export function myRecordPage(ctx: PageContext): Page {
  const body = h('div', null, loading());
  void (async () => {
    try {
      const { myModerationRecord: r } = await gql(MY_RECORD, {}, ctx.signal);
      const KIND: Record<string, string> = { WARNING: '警告', MUTE: '禁言', KICK: '移出', BAN: '禁止加入' };
      replaceChildren(
        body,
        h('h2', null, '警告与处罚'),
        r.sanctions.length
          ? h('ul', { class: 'record-list', 'data-testid': 'record-sanctions' }, r.sanctions.map((s) => h('li', { 'data-testid': 'record-sanction' },
              h('strong', null, KIND[s.kind] ?? s.kind), ` · ${s.group?.name ?? ''} · ${s.reasonLabel}${s.note ? `：${s.note}` : ''} · ${shanghai(s.createdAt)}`,
              s.kind === 'MUTE' ? `（${s.endsAt ? `至 ${shanghai(s.endsAt)}` : '直至解除'}）` : '',
              s.actor ? ` · ${s.actor.realName}` : s.kind === 'MUTE' ? ' · 自动' : '',
              h('span', { class: s.active ? 'badge badge-warn' : 'badge' }, s.revokedAt ? `已撤销${s.revokeReason ? `：${s.revokeReason}` : ''}` : s.active ? '有效' : '已失效'))))
          : emptyState('没有警告或处罚记录'),
        h('h2', null, '被移除的内容'),
        r.removedContent.length
          ? h('ul', { class: 'record-list', 'data-testid': 'record-removed' }, r.removedContent.map((c) => h('li', null,
              h('p', null, h('strong', null, c.removal.notice), ` · ${c.group?.name ?? ''} · ${shanghai(c.removal.removedAt)}`),
              c.title ? h('p', null, `标题：${c.title}`) : null,
              h('blockquote', null, c.body))))
          : emptyState('没有被移除的内容'),
      );
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(body, errorBox(shown));
    }
  })();
  return { title: '我的记录', el: h('section', { class: 'card', 'data-testid': 'my-record' }, pageTitle('我的记录'), body) };
}
