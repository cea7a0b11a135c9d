/**
 * 会议公告: meeting notices (pinned until answered, answer buttons, the organizer's roster by
 * unit, 提醒未回复, .ics download, the issue/edit form) and announcements (群公告 with read
 * receipts for admins, bulletins for unit admins). Every text from the server goes in as a
 * text node (h()), never as HTML.
 */
import { gql, toApiError } from '../api.js';
import { AttachmentField } from '../documents/attachField.js';
import { attachmentList } from '../documents/preview.js';
import { h, replaceChildren, setText, type Child } from '../dom.js';
import { field, FormState, input, onSubmit, textarea } from '../forms.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import type { ResultOf } from '../graphql/index.js';
import { UNITS } from '../units.js';
import { withFormatToolbar } from '../forum/formatToolbar.js';
import { button, emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import {
  ANNOUNCEMENT,
  ANSWER,
  BULLETIN_TARGETS,
  CANCEL,
  EDIT,
  EDIT_ANNOUNCEMENT,
  GROUP_BOARD,
  GROUP_PEOPLE,
  HOME,
  ISSUE,
  MEETING,
  MEETING_STATUS_LABELS,
  NUDGE,
  OPEN_ANNOUNCEMENT,
  OPEN_MEETING,
  PIN_ANNOUNCEMENT,
  POLICY,
  POST_ANNOUNCEMENT,
  PUBLISH_BULLETIN,
  STATUS_LABELS,
  fromLocalInput,
  meetingTime,
  shortTime,
  toLocalInput,
  type AnnouncementSummary,
  type Invitation,
  type Meeting,
  type MeetingSummary,
  type Person,
  type RosterCounts,
  type Scope,
} from './data.js';

/** Loads, then renders; shows the error with a retry instead. */
function loader(ctx: PageContext, box: HTMLElement, load: () => Promise<void>): () => Promise<void> {
  const run = async () => {
    try {
      await load();
    } catch (error) {
      if (ctx.signal.aborted) return;
      replaceChildren(box, errorBox(toApiError(error), () => void run()));
    }
  };
  return run;
}

function meetingCard(m: MeetingSummary, pending: boolean): HTMLElement {
  return h(
    'li',
    { class: `meeting-item${pending ? ' meeting-pending' : ''}`, 'data-testid': 'meeting-item' },
    h('a', { href: `#/meetings/${m.id}`, class: 'meeting-link' }, m.title),
    pending ? h('span', { class: 'badge badge-pending', 'data-testid': 'meeting-pending' }, '待回复') : null,
    m.status !== 'ACTIVE' ? h('span', { class: 'badge' }, MEETING_STATUS_LABELS[m.status]) : null,
    h('p', { class: 'muted small' }, meetingTime(m.startsAt, m.endsAt), m.place ? ` · ${m.place}` : '', ` · ${m.group.name} · 发起人 ${m.organizer.realName}`),
  );
}

function announcementItem(a: AnnouncementSummary): HTMLElement {
  return h(
    'li',
    { class: 'meeting-item', 'data-testid': 'announcement-item' },
    a.pinned ? h('span', { class: 'badge badge-pin' }, '置顶') : null,
    a.bulletin ? h('span', { class: 'badge' }, '通报') : null,
    h('a', { href: `#/announcements/${a.id}`, class: 'meeting-link' }, a.title),
    a.viewerHasRead ? null : h('span', { class: 'badge badge-pending' }, '未读'),
    h('p', { class: 'muted small' }, `${a.author.realName} · ${shortTime(a.createdAt)}`, a.readCount !== null ? ` · 已读 ${a.readCount}/${a.memberCount}` : ''),
  );
}

/** #/meetings: notices waiting for the viewer's answer in every group, and the groups. */
export function meetingsHomePage(ctx: PageContext): Page {
  const body = h('div', null, loading());
  const el = h('section', { class: 'card', 'data-testid': 'meetings-home' }, pageTitle('会议通知与群公告'), body);
  void loader(ctx, body, async () => {
    const data = await gql(HOME, {}, ctx.signal);
    replaceChildren(
      body,
      h('h2', { class: 'panel-title' }, '待我回复的会议通知'),
      data.myPendingMeetings.length
        ? h('ul', { class: 'meeting-list', 'data-testid': 'pending-meetings' }, data.myPendingMeetings.map((m) => meetingCard(m, true)))
        : emptyState('没有待回复的会议通知'),
      // 我发布的: only for those who issued notices (an organizer follows their answers from here).
      data.myIssuedMeetings.length ? h('h2', { class: 'panel-title' }, '我发布的') : null,
      data.myIssuedMeetings.length ? h('ul', { class: 'meeting-list', 'data-testid': 'issued-meetings' }, data.myIssuedMeetings.map((m) => meetingCard(m, false))) : null,
      h('h2', { class: 'panel-title' }, '我的群组'),
      h('ul', { class: 'meeting-groups' }, data.myGroups.map((g) => h('li', null, h('a', { href: `#/meetings/group/${g.id}`, 'data-testid': 'meeting-group-link' }, g.name)))),
      data.bulletinTargets.length ? h('p', null, h('a', { class: 'btn btn-secondary', href: '#/bulletins/new', 'data-testid': 'bulletin-new' }, '发布通报（多个群）')) : null,
    );
  })();
  return { title: '会议通知与群公告', el };
}

/** #/meetings/group/<id>: one group's announcements and notices. */
export function groupBoardPage(ctx: PageContext): Page {
  const groupId = ctx.params.groupId;
  const body = h('div', null, loading());
  const heading = pageTitle('群公告与会议通知');
  const el = h('section', { class: 'card', 'data-testid': 'group-board' }, h('p', { class: 'breadcrumb' }, h('a', { href: '#/meetings' }, '会议通知与群公告')), heading, body);
  const run = loader(ctx, body, async () => {
    const { group } = await gql(GROUP_BOARD, { g: groupId }, ctx.signal);
    replaceChildren(heading.querySelector('h1')!, `${group.name} · 群公告与会议通知`);
    const pending = new Set(group.pinnedMeetings.map((m) => m.id));
    const postBox = h('div');
    const isManager = group.viewerRole === 'OWNER' || group.viewerRole === 'ADMIN';
    const policy = isManager
      ? h('label', { class: 'radio-row' }, h('input', {
          type: 'checkbox',
          checked: group.membersMayIssueMeetings,
          'data-testid': 'meeting-policy',
          onchange: async (event: Event) => {
            const box = event.target as HTMLInputElement;
            try {
              await gql(POLICY, { g: group.id, v: box.checked });
              notify(box.checked ? '普通成员现在也可以发布会议通知' : '现在只有群主和管理员可以发布会议通知');
            } catch (error) {
              box.checked = !box.checked;
              notify(toApiError(error).message, 'error');
            }
          },
        }), '允许普通成员发布会议通知')
      : null;
    replaceChildren(
      body,
      h(
        'div',
        { class: 'actions' },
        group.viewerCanIssueMeeting ? h('a', { class: 'btn btn-primary', href: `#/meetings/new/${group.id}`, 'data-testid': 'meeting-new' }, '发布会议通知') : null,
        group.viewerCanPostAnnouncement ? button('发布群公告', () => showPost(), 'secondary', { 'data-testid': 'announcement-new' }) : null,
        policy,
      ),
      postBox,
      h('h2', { class: 'panel-title' }, '群公告'),
      group.announcements.edges.length ? h('ul', { class: 'meeting-list' }, group.announcements.edges.map((e) => announcementItem(e.node))) : emptyState('还没有群公告'),
      h('h2', { class: 'panel-title' }, '会议通知'),
      group.meetings.edges.length
        ? h('ul', { class: 'meeting-list', 'data-testid': 'group-meetings' }, [...group.meetings.edges].sort((a, b) => Number(pending.has(b.node.id)) - Number(pending.has(a.node.id))).map((e) => meetingCard(e.node, pending.has(e.node.id))))
        : emptyState('还没有会议通知'),
    );
    function showPost(): void {
      if (postBox.firstChild) return void replaceChildren(postBox);
      replaceChildren(postBox, announcementForm(null, async (title, text) => {
        await gql(POST_ANNOUNCEMENT, { g: group.id, t: title, b: text });
        notify('群公告已发布');
        void run();
      }, () => replaceChildren(postBox)));
    }
  });
  void run();
  return { title: '群公告与会议通知', el };
}

function announcementForm(initial: { title: string; body: string } | null, save: (title: string, body: string) => Promise<void>, cancel: () => void): HTMLElement {
  const fields = {
    title: field({ label: '标题', control: input('title', { maxlength: 100, value: initial?.title ?? '' }) }),
    body: field({ label: '内容', control: textarea('body', { rows: 6, value: initial?.body ?? '' }), hint: '支持格式：可用上方按钮加粗、列表、表格、链接、引用' }),
  };
  withFormatToolbar(fields.body);
  const state = new FormState(fields);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'announcement-submit' }, initial ? '保存' : '发布');
  const form = h('form', { class: 'form', novalidate: true }, state.alert, fields.title.el, fields.body.el, h('div', { class: 'actions' }, submit, button('取消', cancel)));
  onSubmit(form, submit, '正在保存…', async () => {
    state.clear();
    await save(fields.title.control.value, fields.body.control.value);
  }, (error) => state.show(error));
  return form;
}

function countsLine(c: RosterCounts): string {
  return `共 ${c.invited} 人：未读 ${c.unread} · 已读 ${c.read} · 参加 ${c.attending} · 请假 ${c.onLeave} · 委派 ${c.substituted}`;
}

function invitationLine(i: Invitation): HTMLElement {
  return h(
    'li',
    { class: `roster-item roster-${i.status.toLowerCase()}`, 'data-testid': 'roster-entry' },
    h('span', { class: 'roster-name' }, i.user.realName),
    h('span', { class: 'badge', 'data-testid': 'roster-status' }, STATUS_LABELS[i.status]),
    i.reason ? h('span', { class: 'muted small' }, `事由：${i.reason}`) : null,
    i.substitute ? h('span', { class: 'muted small' }, `委派 ${i.substitute.realName}`) : null,
    i.substituteFor ? h('span', { class: 'muted small' }, `代 ${i.substituteFor.realName} 参会`) : null,
  );
}

/** The group's members for the 委派 picker and the invitee form (all pages of them). */
async function groupPeople(groupId: string, signal: AbortSignal): Promise<Person[]> {
  const people: Person[] = [];
  let after: string | null = null;
  for (;;) {
    const data: ResultOf<typeof GROUP_PEOPLE> = await gql(GROUP_PEOPLE, { g: groupId, after }, signal);
    people.push(...data.group.members.edges.map((e) => e.node.user));
    if (!data.group.members.pageInfo.hasNextPage) return people;
    after = data.group.members.pageInfo.endCursor;
  }
}

/** #/meetings/<id>: the notice; opening it records 已读. */
export function meetingPage(ctx: PageContext): Page {
  const id = ctx.params.id;
  const body = h('div', null, loading());
  const el = h('section', { class: 'card', 'data-testid': 'meeting-page' }, h('p', { class: 'breadcrumb' }, h('a', { href: '#/meetings' }, '会议通知与群公告')), body);
  const page: Page = { title: '会议通知', el };

  const render = (m: Meeting) => {
    page.title = m.title;
    document.title = `${m.title} - 交流 · 政务服务工作交流平台`;
    const inv = m.viewerInvitation;
    const answerBox = h('div', { class: 'answer-box' });
    const answerAlert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'answer-error' });
    const answer = async (value: 'ATTEND' | 'LEAVE' | 'DELEGATE', extra: { r?: string; s?: string } = {}) => {
      setText(answerAlert, null);
      try {
        const { answerMeeting } = await gql(ANSWER, { m: m.id, a: value, ...extra });
        notify('回复已提交');
        render(answerMeeting);
      } catch (error) {
        setText(answerAlert, toApiError(error).message);
      }
    };
    const leaveForm = () => {
      const reason = h('input', { type: 'text', name: 'reason', maxlength: 200, placeholder: '请填写请假事由', 'aria-label': '请假事由', 'data-testid': 'leave-reason' });
      replaceChildren(answerBox, h('div', { class: 'actions' }, reason, button('确认请假', () => void answer('LEAVE', { r: reason.value }), 'primary', { 'data-testid': 'leave-submit' })));
      reason.focus();
    };
    const delegateForm = async () => {
      replaceChildren(answerBox, loading('正在载入群成员…'));
      try {
        const people = (await groupPeople(m.group.id, ctx.signal)).filter((p) => p.id !== inv?.user.id && p.id !== m.organizer.id);
        const select = h('select', { name: 'substitute', 'aria-label': '被委派人', 'data-testid': 'delegate-select' }, h('option', { value: '' }, '请选择被委派人'), people.map((p) => h('option', { value: p.id }, `${p.realName}（${p.unit.name}）`)));
        replaceChildren(answerBox, h('div', { class: 'actions' }, select, button('确认委派', () => void answer('DELEGATE', { s: select.value || undefined }), 'primary', { 'data-testid': 'delegate-submit' })));
        select.focus();
      } catch (error) {
        replaceChildren(answerBox, errorBox(toApiError(error)));
      }
    };

    const facts: Array<[string, Child]> = [
      ['时间', meetingTime(m.startsAt, m.endsAt)],
      ['地点', m.place ?? '线上会议'],
      ['发起人', `${m.organizer.realName}（${m.organizer.unit.name}）`],
      ['群组', h('a', { href: `#/meetings/group/${m.group.id}` }, m.group.name)],
      ['邀请范围', m.scope === 'GROUP' ? '全体群成员' : m.scope === 'UNITS' ? m.scopeUnits.map((u) => u.name).join('、') : '指定成员'],
    ];
    if (m.onlineUrl) facts.splice(2, 0, ['线上会议', h('a', { href: m.onlineUrl, target: '_blank', rel: 'noopener noreferrer' }, m.onlineUrl)]);

    const manageBox = h('div');
    replaceChildren(
      body,
      pageTitle(m.title, m.status !== 'ACTIVE' ? h('span', { class: 'badge', 'data-testid': 'meeting-status' }, MEETING_STATUS_LABELS[m.status]) : null),
      m.status === 'CANCELLED' ? h('div', { class: 'alert alert-error', role: 'status' }, `会议已取消${m.cancelReason ? `：${m.cancelReason}` : ''}`) : null,
      h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v)))),
      m.agenda ? h('div', { class: 'agenda' }, h('h2', { class: 'panel-title' }, '议程'), h('p', { class: 'pre-wrap', 'data-testid': 'meeting-agenda' }, m.agenda)) : null,
      m.attachments.length
        ? h('div', { class: 'meeting-files' }, h('h2', { class: 'panel-title' }, `附件（${m.attachments.length}）`), attachmentList(m.attachments, 'meeting-attachments'))
        : null,
      h('p', null, h('a', { href: m.icsUrl, download: 'meeting.ics', 'data-testid': 'meeting-ics' }, '下载日历文件（.ics）')),
      inv
        ? h(
            'div',
            { class: 'answer-panel', 'data-testid': 'my-answer' },
            h('h2', { class: 'panel-title' }, '我的回复'),
            h('p', null, '当前：', h('strong', { 'data-testid': 'my-status' }, STATUS_LABELS[inv.status]), inv.reason ? `（${inv.reason}）` : '', inv.substitute ? `（委派 ${inv.substitute.realName}）` : ''),
            m.viewerCan.answer
              ? h(
                  'div',
                  { class: 'actions' },
                  button('参加', () => void answer('ATTEND'), 'primary', { 'data-testid': 'answer-attend' }),
                  button('请假', leaveForm, 'secondary', { 'data-testid': 'answer-leave' }),
                  button('委派', () => void delegateForm(), 'secondary', { 'data-testid': 'answer-delegate' }),
                )
              : null,
            answerBox,
            answerAlert,
          )
        : null,
      manageBox,
    );
    if (m.roster) {
      const nudge = button('提醒未回复', async () => {
        try {
          const { remindUnanswered } = await gql(NUDGE, { m: m.id });
          notify(remindUnanswered ? `已提醒 ${remindUnanswered} 位未回复的同志` : '所有人都已回复');
        } catch (error) {
          notify(toApiError(error).message, 'error');
        }
      }, 'secondary', { 'data-testid': 'meeting-nudge' });
      const cancelBox = h('div');
      const cancel = button('取消会议', () => {
        const reason = h('input', { type: 'text', maxlength: 200, placeholder: '取消原因（选填）', 'aria-label': '取消原因', 'data-testid': 'cancel-reason' });
        replaceChildren(cancelBox, h('div', { class: 'actions' }, reason, button('确认取消会议', async () => {
          try {
            const { cancelMeeting } = await gql(CANCEL, { m: m.id, r: reason.value || null });
            notify('会议已取消，已通知参会人员');
            render(cancelMeeting);
          } catch (error) {
            notify(toApiError(error).message, 'error');
          }
        }, 'danger', { 'data-testid': 'cancel-submit' })));
        reason.focus();
      }, 'danger', { 'data-testid': 'meeting-cancel' });
      replaceChildren(
        manageBox,
        h('h2', { class: 'panel-title' }, '回执（按单位）'),
        h('p', { 'data-testid': 'roster-counts' }, countsLine(m.roster.counts)),
        m.viewerCan.manage ? h('div', { class: 'actions' }, nudge, h('a', { class: 'btn btn-secondary', href: `#/meetings/${m.id}/edit`, 'data-testid': 'meeting-edit' }, '修改'), cancel) : null,
        cancelBox,
        m.roster.units.map((u) =>
          h(
            'div',
            { class: 'roster-unit', 'data-testid': 'roster-unit' },
            h('h3', { class: 'roster-unit-name' }, u.unit.name, h('span', { class: 'muted small' }, ` ${countsLine(u.counts)}`)),
            h('ul', { class: 'roster-list' }, u.invitees.map(invitationLine)),
          ),
        ),
        h('p', { class: 'muted small' }, button('刷新回执', () => void load(), 'link', { 'data-testid': 'roster-refresh' })),
      );
    }
  };

  const load = loader(ctx, body, async () => {
    const data = await gql(OPEN_MEETING, { m: id }, ctx.signal);
    if (!ctx.signal.aborted) render(data.openMeeting);
  });
  void load();
  return page;
}

/** #/meetings/new/<groupId> and #/meetings/<id>/edit. */
export function meetingFormPage(ctx: PageContext): Page {
  const editingId = ctx.params.id ?? null;
  const body = h('div', null, loading());
  const title = pageTitle(editingId ? '修改会议通知' : '发布会议通知');
  const el = h('section', { class: 'card', 'data-testid': 'meeting-form-page' }, title, body);
  void loader(ctx, body, async () => {
    const existing = editingId ? (await gql(MEETING, { m: editingId }, ctx.signal)).meeting : null;
    const groupId = existing?.group.id ?? ctx.params.groupId;
    const [people, units] = await Promise.all([groupPeople(groupId, ctx.signal), gql(UNITS, {}, ctx.signal)]);
    const fields = {
      title: field({ label: '会议名称', control: input('title', { maxlength: 100, value: existing?.title ?? '' }) }),
      agenda: field({ label: '议程', control: textarea('agenda', { rows: 5, value: existing?.agenda ?? '' }), optional: true }),
      startsAt: field({ label: '开始时间（北京时间）', control: input('startsAt', { type: 'datetime-local', value: existing ? toLocalInput(existing.startsAt) : '' }) }),
      endsAt: field({ label: '结束时间（北京时间）', control: input('endsAt', { type: 'datetime-local', value: existing ? toLocalInput(existing.endsAt) : '' }) }),
      place: field({ label: '会议地点', control: input('place', { maxlength: 200, value: existing?.place ?? '' }), hint: '会议地点和线上会议链接至少填写一项' }),
      onlineUrl: field({ label: '线上会议链接', control: input('onlineUrl', { type: 'url', maxlength: 500, value: existing?.onlineUrl ?? '', placeholder: 'https://' }), optional: true }),
    };
    const scopeError = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'error-invitees' });
    // Files from the group library (群文件): chosen there, or uploaded into it from the picker.
    const files = new AttachmentField(groupId, { buttonClass: 'btn btn-small btn-secondary' });
    const initialFiles = existing?.attachments.map((a) => a.version) ?? [];
    files.set(initialFiles);
    const filesError = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'error-attachments' });
    const state = new FormState(fields, { invitees: 'title' });
    let scope: Scope = existing?.scope ?? 'GROUP';
    const chosenUnits = new Set(existing?.scopeUnits.map((u) => u.id) ?? []);
    const unitBoxes = h(
      'div',
      { class: 'check-grid', 'data-testid': 'unit-picker' },
      units.orgUnits.map((u) =>
        h('label', { class: 'radio-row' }, h('input', { type: 'checkbox', value: u.id, checked: chosenUnits.has(u.id), 'data-testid': 'unit-option', 'data-name': u.name }), u.name),
      ),
    );
    // Editing a notice for chosen members starts from those the organizer chose (not substitutes).
    const chosenMembers = new Set(existing?.scope === 'MEMBERS' ? (existing.roster?.units ?? []).flatMap((u) => u.invitees.filter((i) => !i.substituteFor).map((i) => i.user.id)) : []);
    const memberBoxes = h(
      'div',
      { class: 'check-grid', 'data-testid': 'member-picker' },
      people
        .filter((p) => p.id !== (existing?.organizer.id ?? null))
        .map((p) => h('label', { class: 'radio-row' }, h('input', { type: 'checkbox', value: p.id, checked: chosenMembers.has(p.id), 'data-testid': 'member-option' }), `${p.realName}（${p.unit.name}）`)),
    );
    const scopeRadio = (value: Scope, label: string) =>
      h('label', { class: 'radio-row' }, h('input', { type: 'radio', name: 'scope', value, checked: scope === value, 'data-testid': `scope-${value.toLowerCase()}`, onchange: () => ((scope = value), sync()) }), label);
    const sync = () => {
      unitBoxes.hidden = scope !== 'UNITS';
      memberBoxes.hidden = scope !== 'MEMBERS';
    };
    sync();
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'meeting-submit' }, editingId ? '保存修改' : '发布');
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      state.alert,
      fields.title.el,
      fields.startsAt.el,
      fields.endsAt.el,
      fields.place.el,
      fields.onlineUrl.el,
      fields.agenda.el,
      h('fieldset', { class: 'field meeting-attach', 'data-testid': 'meeting-attachments-field' }, h('legend', null, '附件（选填，来自群文件）'), files.button(), files.el, filesError),
      h('fieldset', { class: 'field' }, h('legend', null, '邀请范围'), h('div', { class: 'actions' }, scopeRadio('GROUP', '全体群成员'), scopeRadio('UNITS', '按单位（含下级单位）'), scopeRadio('MEMBERS', '指定成员')), unitBoxes, memberBoxes, scopeError),
      h('div', { class: 'actions' }, submit, h('a', { class: 'btn btn-secondary', href: editingId ? `#/meetings/${editingId}` : `#/meetings/group/${groupId}` }, '取消')),
    );
    onSubmit(
      form,
      submit,
      '正在提交…',
      async () => {
        state.clear();
        setText(scopeError, null);
        setText(filesError, null);
        const fileIds = files.ids();
        const checked = (box: HTMLElement) => [...box.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
        const invitees = { scope, unitIds: scope === 'UNITS' ? checked(unitBoxes) : null, memberIds: scope === 'MEMBERS' ? checked(memberBoxes) : null };
        const startsAt = fromLocalInput(fields.startsAt.control.value);
        const endsAt = fromLocalInput(fields.endsAt.control.value);
        const missing: Array<[string, string]> = [];
        if (!fields.title.control.value.trim()) missing.push(['title', '请填写会议名称']);
        if (!startsAt) missing.push(['startsAt', '请填写开始时间']);
        if (!endsAt) missing.push(['endsAt', '请填写结束时间']);
        if (!fields.place.control.value.trim() && !fields.onlineUrl.control.value.trim()) missing.push(['place', '请填写会议地点或线上会议链接']);
        if (state.fieldErrors(missing) || !startsAt || !endsAt) return;
        const values = {
          title: fields.title.control.value,
          agenda: fields.agenda.control.value,
          startsAt,
          endsAt,
          place: fields.place.control.value || null,
          onlineUrl: fields.onlineUrl.control.value || null,
        };
        if (editingId) {
          const same = (now: string[], before: Set<string>) => now.sort().join() === [...before].sort().join();
          const sameInvitees =
            !!existing && scope === existing.scope && (scope === 'GROUP' || (scope === 'UNITS' ? same(checked(unitBoxes), chosenUnits) : same(checked(memberBoxes), chosenMembers)));
          // The full new list, only when it changed (omitted keeps the attachments).
          const sameFiles = fileIds.join() === initialFiles.map((v) => v.id).join();
          await gql(EDIT, { m: editingId, i: { ...values, ...(sameInvitees ? {} : { invitees }), ...(sameFiles ? {} : { attachmentVersionIds: fileIds }) } });
          notify('会议通知已修改，已通知参会人员');
          navigate(`#/meetings/${editingId}`);
        } else {
          const { issueMeeting } = await gql(ISSUE, { i: { groupId, ...values, invitees, ...(fileIds.length ? { attachmentVersionIds: fileIds } : {}) } });
          notify('会议通知已发布');
          navigate(`#/meetings/${issueMeeting.id}`);
        }
      },
      (error) => {
        const apiError = toApiError(error);
        if (apiError.field === 'unitIds' || apiError.field === 'memberIds' || apiError.field === 'invitees') setText(scopeError, apiError.message);
        else if (apiError.field === 'attachmentVersionIds') setText(filesError, apiError.message);
        else state.show(error);
      },
    );
    replaceChildren(body, form);
  })();
  return { title: editingId ? '修改会议通知' : '发布会议通知', el };
}

/** #/announcements/<id>: the announcement; opening records the read receipt; admins see who read it. */
export function announcementPage(ctx: PageContext): Page {
  const id = ctx.params.id;
  const body = h('div', null, loading());
  const el = h('section', { class: 'card', 'data-testid': 'announcement-page' }, body);
  const load = loader(ctx, body, async () => {
    await gql(OPEN_ANNOUNCEMENT, { a: id }, ctx.signal);
    const { announcement: a } = await gql(ANNOUNCEMENT, { a: id }, ctx.signal);
    const editBox = h('div');
    replaceChildren(
      body,
      h('p', { class: 'breadcrumb' }, h('a', { href: `#/meetings/group/${a.group.id}` }, `${a.group.name} · 群公告`)),
      pageTitle(a.title, a.pinned ? h('span', { class: 'badge badge-pin' }, '置顶') : null, a.bulletin ? h('span', { class: 'badge' }, '通报') : null),
      h('p', { class: 'muted small' }, `${a.author.realName}（${a.author.unit.name}） · ${shortTime(a.createdAt)}`, a.editedAt ? ` · 修改于 ${shortTime(a.editedAt)}` : ''),
      h('div', { class: 'pre-wrap announcement-body', 'data-testid': 'announcement-body' }, a.body),
      a.viewerCanManage
        ? h(
            'div',
            { class: 'actions' },
            button('修改', () => replaceChildren(editBox, announcementForm(a, async (title, text) => {
              await gql(EDIT_ANNOUNCEMENT, { a: a.id, t: title, b: text });
              notify('群公告已修改');
              void load();
            }, () => replaceChildren(editBox))), 'secondary'),
            button(a.pinned ? '取消置顶' : '置顶', async () => {
              try {
                await gql(PIN_ANNOUNCEMENT, { a: a.id, p: !a.pinned });
                void load();
              } catch (error) {
                notify(toApiError(error).message, 'error');
              }
            }, 'secondary', { 'data-testid': 'announcement-pin' }),
          )
        : null,
      editBox,
      a.readers
        ? h(
            'div',
            { class: 'receipts', 'data-testid': 'announcement-receipts' },
            h('h2', { class: 'panel-title' }, `已读 ${a.readCount ?? 0} / ${a.memberCount ?? 0}`),
            h('ul', { class: 'roster-list' }, a.readers.map((r) => h('li', { class: 'roster-item' }, h('span', { class: 'roster-name' }, r.user.realName), h('span', { class: 'muted small' }, `${r.user.unit.name} · ${shortTime(r.readAt)}`)))),
          )
        : null,
    );
  });
  void load();
  return { title: '群公告', el };
}

/** #/bulletins/new: a unit admin's bulletin to several groups at once. */
export function bulletinPage(ctx: PageContext): Page {
  const body = h('div', null, loading());
  const el = h('section', { class: 'card', 'data-testid': 'bulletin-page' }, h('p', { class: 'breadcrumb' }, h('a', { href: '#/meetings' }, '会议通知与群公告')), pageTitle('发布通报'), body);
  void loader(ctx, body, async () => {
    const { bulletinTargets } = await gql(BULLETIN_TARGETS, {}, ctx.signal);
    if (!bulletinTargets.length) return void replaceChildren(body, emptyState('只有单位管理员可以发布通报：须是群管理员，或群成员都在您管理的单位内。'));
    const fields = {
      title: field({ label: '标题', control: input('title', { maxlength: 100, placeholder: '如：工作周报（第24期）' }) }),
      body: field({ label: '内容', control: textarea('body', { rows: 8 }), hint: '支持格式：可用上方按钮加粗、列表、表格、链接、引用' }),
    };
    withFormatToolbar(fields.body);
    const state = new FormState(fields);
    const targets = h('div', { class: 'check-grid' }, bulletinTargets.map((g) => h('label', { class: 'radio-row' }, h('input', { type: 'checkbox', value: g.id, checked: true }), `${g.name}（${g.memberCount} 人）`)));
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '发布到所选群');
    const form = h('form', { class: 'form', novalidate: true }, state.alert, h('fieldset', { class: 'field' }, h('legend', null, '发布到'), targets), fields.title.el, fields.body.el, h('div', { class: 'actions' }, submit));
    onSubmit(form, submit, '正在发布…', async () => {
      state.clear();
      const groupIds = [...targets.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
      await gql(PUBLISH_BULLETIN, { g: groupIds, t: fields.title.control.value, b: fields.body.control.value });
      notify(`通报已发布到 ${groupIds.length} 个群`);
      navigate('#/meetings');
    }, (error) => state.show(error));
    replaceChildren(body, form);
  })();
  return { title: '发布通报', el };
}
