/**
 * Dialogs of moderation: report (举报) and the admin's actions (移除, 移至论坛, 警告, 禁言, 移出,
 * 禁止加入), each with a reason. Native <dialog>, text nodes only (strict CSP).
 */
import { gql, toApiError } from '../api.js';
import { h, replaceChildren, setText } from '../dom.js';
import { notify } from '../notify.js';
import { REASONS } from './context.js';
import { graphql, type ResultOf, type SchemaEnum } from '../graphql/index.js';

export type ContentKind = SchemaEnum<'ContentType'>;
/** The reason select offers the schema's ModerationReason values (context.ts REASONS). */
type ModerationReason = SchemaEnum<'ModerationReason'>;

const REPORT = graphql('mutation Report($t: ContentType!, $c: ID!, $r: ModerationReason!, $n: String) { reportContent(contentType: $t, contentId: $c, reason: $r, note: $n) { id } }');
const REMOVE = graphql('mutation Remove($t: ContentType!, $c: ID!, $r: ModerationReason!, $n: String) { removeContent(contentType: $t, contentId: $c, reason: $r, note: $n) { reason reasonLabel notice } }');
const RESTORE = graphql('mutation Restore($t: ContentType!, $c: ID!) { restoreContent(contentType: $t, contentId: $c) }');
const BOARDS = graphql('query Boards($g: ID!) { group(id: $g) { boards { id name archived } } }');
const MOVE = graphql('mutation Move($m: ID!, $b: ID!, $t: String, $n: String) { moveMessageToBoard(messageId: $m, boardId: $b, title: $t, note: $n) { id } }');
const WARN = graphql('mutation Warn($g: ID!, $u: ID!, $r: ModerationReason!, $n: String, $t: ContentType, $c: ID) { warnMember(groupId: $g, userId: $u, reason: $r, note: $n, contentType: $t, contentId: $c) { id } }');
const MUTE = graphql('mutation Mute($g: ID!, $u: ID!, $r: ModerationReason!, $n: String, $m: Int) { muteMember(groupId: $g, userId: $u, minutes: $m, reason: $r, note: $n) { id } }');
const KICK = graphql('mutation Kick($g: ID!, $u: ID!, $r: ModerationReason!, $n: String) { kickMember(groupId: $g, userId: $u, reason: $r, note: $n) }');
const BAN = graphql('mutation Ban($g: ID!, $u: ID!, $r: ModerationReason!, $n: String) { banMember(groupId: $g, userId: $u, reason: $r, note: $n) { id } }');

interface DialogField {
  name: string;
  label: string;
  control: HTMLElement;
  value: () => string;
}

function reasonSelect(): DialogField {
  const select = h('select', { name: 'reason', 'data-testid': 'moderation-reason' }, REASONS.map(([code, label]) => h('option', { value: code }, label)));
  return { name: 'reason', label: '原因', control: select, value: () => select.value };
}

function noteField(label = '说明（选填）'): DialogField {
  const area = h('textarea', { name: 'note', rows: 3, maxlength: 500, 'data-testid': 'moderation-note' });
  return { name: 'note', label, control: area, value: () => area.value.trim() };
}

/** Opens a modal form; `run` gets the field values and may throw (shown in the dialog). */
export function openDialog(title: string, fields: DialogField[], submitText: string, run: (values: Record<string, string>) => Promise<string | void>): HTMLDialogElement {
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'moderation-error' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'moderation-submit' }, submitText);
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => dialog.close() }, '取消');
  const form = h(
    'form',
    { class: 'moderation-form', method: 'dialog' },
    h('h2', { class: 'dialog-title' }, title),
    fields.map((f) => h('div', { class: 'field' }, h('label', null, f.label, f.control))),
    error,
    h('div', { class: 'form-actions' }, submit, cancel),
  );
  const dialog = h('dialog', { class: 'moderation-dialog', 'data-testid': 'moderation-dialog', 'aria-label': title }, form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    const values = Object.fromEntries(fields.map((f) => [f.name, f.value()]));
    run(values)
      .then((done) => {
        dialog.close();
        if (done) notify(done);
      })
      .catch((e: unknown) => {
        error.hidden = false;
        setText(error, toApiError(e).message);
      })
      .finally(() => (submit.disabled = false));
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

export function reportDialog(kind: ContentKind, id: string): void {
  const reason = reasonSelect();
  const note = noteField('举报说明（选填）');
  openDialog('举报', [reason, note], '提交举报', async (v) => {
    await gql(REPORT, { t: kind, c: id, r: v.reason as ModerationReason, n: v.note || null });
    return '已提交举报，管理员处理后会通知您';
  });
}

export type RemovalResult = ResultOf<typeof REMOVE>['removeContent'];

export function removeDialog(kind: ContentKind, id: string, onDone?: (removal: RemovalResult) => void): void {
  openDialog('移除内容', [reasonSelect(), noteField()], '移除', async (v) => {
    const data = await gql(REMOVE, { t: kind, c: id, r: v.reason as ModerationReason, n: v.note || null });
    onDone?.(data.removeContent);
    return '已移除，作者会收到通知';
  });
}

export async function restoreContent(kind: ContentKind, id: string): Promise<void> {
  await gql(RESTORE, { t: kind, c: id });
  notify('已恢复');
}

export async function moveDialog(messageId: string, groupId: string): Promise<void> {
  const { group } = await gql(BOARDS, { g: groupId });
  const select = h('select', { name: 'board', 'data-testid': 'move-board' }, group.boards.filter((b) => !b.archived).map((b) => h('option', { value: b.id }, b.name)));
  const title = h('input', { name: 'title', maxlength: 100, placeholder: '留空则取消息首行' });
  openDialog('移至论坛', [{ name: 'board', label: '版块', control: select, value: () => select.value }, { name: 'title', label: '帖子标题（选填）', control: title, value: () => title.value.trim() }, noteField()], '移动', async (v) => {
    await gql(MOVE, { m: messageId, b: v.board, t: v.title || null, n: v.note || null });
    return '已移至论坛，作者会收到通知';
  });
}

export type MemberAction = 'warn' | 'mute' | 'kick' | 'ban';

const MUTE_CHOICES: Array<[string, string]> = [['10', '10 分钟'], ['60', '1 小时'], ['1440', '1 天'], ['10080', '7 天'], ['43200', '30 天'], ['', '直至解除']];

/** Warn, mute, kick (移出: the one way to remove a member) or ban; `onDone` runs after it succeeded. */
export function memberActionDialog(action: MemberAction, groupId: string, userId: string, name: string, content?: { kind: ContentKind; id: string }, onDone?: () => void): void {
  const fields = [reasonSelect(), noteField()];
  let minutes: HTMLSelectElement | null = null;
  if (action === 'mute') {
    minutes = h('select', { name: 'minutes', 'data-testid': 'mute-minutes' }, MUTE_CHOICES.map(([v, l]) => h('option', { value: v }, l)));
    fields.unshift({ name: 'minutes', label: '禁言时长', control: minutes, value: () => minutes!.value });
  }
  const titles: Record<MemberAction, string> = { warn: `警告 ${name}`, mute: `禁言 ${name}`, kick: `将 ${name} 移出本群`, ban: `禁止 ${name} 加入本群` };
  const done: Record<MemberAction, string> = { warn: '已警告', mute: '已禁言', kick: '已移出', ban: '已禁止加入' };
  openDialog(titles[action], fields, '确定', async (v) => {
    const base = { g: groupId, u: userId, r: v.reason as ModerationReason, n: v.note || null };
    if (action === 'warn') await gql(WARN, { ...base, ...(content ? { t: content.kind, c: content.id } : {}) });
    else if (action === 'mute') await gql(MUTE, { ...base, m: v.minutes ? Number(v.minutes) : null });
    else if (action === 'kick') await gql(KICK, base);
    else await gql(BAN, base);
    onDone?.();
    return done[action];
  });
}

/** A small menu of buttons in a popover-like list (opens under its anchor). */
export function actionMenu(anchor: HTMLElement, items: Array<[string, string, () => void]>): void {
  document.querySelector('.moderation-menu')?.remove();
  const menu = h(
    'div',
    { class: 'moderation-menu', role: 'menu', 'data-testid': 'moderation-menu' },
    items.map(([label, testid, run]) => h('button', { type: 'button', role: 'menuitem', class: 'moderation-menu-item', 'data-testid': testid, onclick: () => (menu.remove(), run()) }, label)),
  );
  const close = (event: Event) => {
    if (!menu.contains(event.target as Node) && event.target !== anchor) {
      menu.remove();
      document.removeEventListener('click', close, true);
    }
  };
  document.addEventListener('click', close, true);
  anchor.after(menu);
  (menu.firstElementChild as HTMLElement | null)?.focus();
}

export const clear = (el: HTMLElement) => replaceChildren(el);

export async function unmute(groupId: string, userId: string): Promise<void> {
  await gql(graphql('mutation Unmute($g: ID!, $u: ID!) { unmuteMember(groupId: $g, userId: $u) }'), { g: groupId, u: userId });
  notify('已解除禁言');
}
