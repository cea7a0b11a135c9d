/**
 * Group forms: create or change a group (name, 宗旨, 群规, visibility), apply to join (message,
 * and "我已阅读并同意群规" under the rules), and an invitation to accept (rules shown, tick to
 * accept) or decline.
 */
import { ApiError, gql } from '../api.js';
import { notify } from '../notify.js';
import { pageError } from '../auth.js';
import { h, setText, uid } from '../dom.js';
import { field, FormState, input, onSubmit, textarea } from '../forms.js';
import { formatDateTime } from '../format.js';
import { VISIBILITY_LABELS, type GroupInfo, type GroupVisibility, type Invitation } from './types.js';
import { graphql } from '../graphql/index.js';

export interface GroupInput {
  name: string;
  purpose: string;
  rules: string;
  visibility: GroupVisibility;
}

export const DEFAULT_RULES = '1. 实名发言，昵称使用真实姓名；\n2. 围绕政务服务工作交流，不发与工作无关的内容；\n3. 遵守党的纪律和保密守则，涉密内容不得在群内传播；\n4. 文明上网，私人事务请私聊。';

function rulesBox(rules: string): HTMLElement {
  return h('div', { class: 'rules-box', tabindex: '0', 'aria-label': '群规', 'data-testid': 'rules-text' }, rules);
}

/** Create (no `initial`) or change a group. */
export function groupForm(initial: GroupInput | null, submitText: string, save: (input: GroupInput) => Promise<void>, cancel?: () => void): HTMLFormElement {
  const f = {
    name: field({ label: '群名称', control: input('name', { value: initial?.name ?? '', maxlength: 30, required: true, placeholder: '例如：政务服务工作交流' }), hint: '2 至 30 个字' }),
    purpose: field({ label: '宗旨', control: textarea('purpose', { value: initial?.purpose ?? '', maxlength: 500, rows: 2, placeholder: '这个群是做什么的' }), hint: '至多 500 字' }),
    rules: field({ label: '群规', control: textarea('rules', { value: initial?.rules ?? DEFAULT_RULES, maxlength: 2000, rows: 5 }), hint: '成员入群时须阅读并同意；至多 2000 字' }),
  };
  const name = uid('vis');
  const radios = (['LISTED', 'INVITE_ONLY'] as const).map((v) =>
    h('label', { class: 'check' }, h('input', { type: 'radio', name, value: v, checked: (initial?.visibility ?? 'LISTED') === v, 'data-testid': `visibility-${v}` }), VISIBILITY_LABELS[v]),
  );
  const state = new FormState(f);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'group-submit' }, submitText);
  const form = h(
    'form',
    { class: 'form group-form', novalidate: true, 'data-testid': 'group-form' },
    state.alert,
    f.name.el,
    f.purpose.el,
    f.rules.el,
    h('fieldset', { class: 'field' }, h('legend', null, '可见范围'), h('div', { class: 'radio-row' }, radios)),
    h('div', { class: 'form-actions' }, submit, cancel ? h('button', { type: 'button', class: 'btn btn-link', onclick: cancel }, '取消') : null),
  );
  onSubmit(
    form,
    submit,
    '正在保存…',
    async () => {
      state.clear();
      const value: GroupInput = {
        name: f.name.control.value.trim(),
        purpose: f.purpose.control.value.trim(),
        rules: f.rules.control.value.trim(),
        visibility: (form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? 'LISTED') as GroupVisibility,
      };
      if ([...value.name].length < 2) return state.fieldError('name', '群名称应为 2 至 30 个字');
      await save(value);
    },
    (error) => {
      if (pageError(error)) state.show(error);
    },
  );
  return form;
}

const APPLY = graphql('mutation Apply($g: ID!, $message: String, $accept: Boolean!) { applyToGroup(groupId: $g, message: $message, acceptRules: $accept) { id status } }');

/** Apply to a listed group: the rules, a message, and the tick that accepts them. */
export function applyForm(group: Pick<GroupInfo, 'id' | 'name' | 'rules'>, done: () => void, cancel: () => void): HTMLFormElement {
  const message = field({ label: '申请说明', control: textarea('message', { maxlength: 200, rows: 2, placeholder: '例如：南江县政务服务中心综合股，希望加入交流学习' }), optional: true });
  const accept = h('input', { type: 'checkbox', name: 'acceptRules', 'data-testid': 'accept-rules' });
  const acceptError = h('p', { class: 'field-error', hidden: true, role: 'alert' });
  const state = new FormState({ message });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'apply-submit' }, '提交申请');
  const form = h(
    'form',
    { class: 'inline-form apply-form', novalidate: true, 'data-testid': 'apply-form' },
    h('h3', null, `申请加入“${group.name}”`),
    state.alert,
    h('p', { class: 'label' }, '群规'),
    rulesBox(group.rules),
    message.el,
    h('label', { class: 'check' }, accept, '我已阅读并同意群规'),
    acceptError,
    h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'btn btn-link', onclick: cancel }, '取消')),
  );
  onSubmit(
    form,
    submit,
    '正在提交…',
    async () => {
      state.clear();
      setText(acceptError, null);
      if (!accept.checked) {
        setText(acceptError, '请先阅读并勾选同意群规');
        accept.focus();
        return;
      }
      await gql(APPLY, { g: group.id, message: message.control.value.trim() || null, accept: true });
      done();
    },
    (error) => {
      if (pageError(error)) state.show(error);
    },
  );
  return form;
}

const ACCEPT = graphql('mutation AcceptInvitation($id: ID!) { acceptInvitation(invitationId: $id, acceptRules: true) { id conversation { id } } }');
const DECLINE = graphql('mutation DeclineInvitation($id: ID!) { declineInvitation(invitationId: $id) }');

/** The invitation is no longer pending (withdrawn, or answered elsewhere): the server's CONFLICT, or NOT_FOUND. */
const isGone = (error: unknown) => error instanceof ApiError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND');

/**
 * An invitation: who invited, the group's purpose and rules, accept (after ticking) or decline.
 * One found gone is announced and `gone` drops it from the list.
 */
export function invitationCard(inv: Invitation, accepted: (conversationId: string | null) => void, declined: () => void, gone: () => void): HTMLElement {
  const accept = h('input', { type: 'checkbox', 'data-testid': 'invitation-accept-rules' });
  const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const failed = (error: unknown, button: HTMLButtonElement) => {
    if (isGone(error)) {
      notify(`加入“${inv.group.name}”的邀请已失效，已从列表中移除`, 'info');
      gone();
      return;
    }
    const shown = pageError(error);
    if (shown) setText(alert, shown.message);
    button.disabled = false;
  };
  const acceptButton = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'invitation-accept' }, '接受邀请');
  const declineButton = h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-testid': 'invitation-decline' }, '拒绝');
  const details = h(
    'div',
    { class: 'invitation-details', hidden: true },
    inv.group.purpose ? h('p', { class: 'small' }, h('strong', null, '宗旨：'), inv.group.purpose) : null,
    h('p', { class: 'label small' }, '群规'),
    rulesBox(inv.group.rules),
    h('label', { class: 'check small' }, accept, '我已阅读并同意群规'),
  );
  const more = h('button', { type: 'button', class: 'btn btn-link btn-small', 'aria-expanded': 'false', 'data-testid': 'invitation-rules' }, '查看群规');
  more.addEventListener('click', () => {
    details.hidden = !details.hidden;
    more.setAttribute('aria-expanded', String(!details.hidden));
  });
  acceptButton.addEventListener('click', async () => {
    setText(alert, null);
    if (!accept.checked) {
      details.hidden = false;
      more.setAttribute('aria-expanded', 'true');
      setText(alert, '请先阅读群规并勾选同意');
      accept.focus();
      return;
    }
    acceptButton.disabled = true;
    try {
      const data = await gql(ACCEPT, { id: inv.id });
      accepted(data.acceptInvitation.conversation?.id ?? null);
    } catch (error) {
      failed(error, acceptButton);
    }
  });
  declineButton.addEventListener('click', async () => {
    declineButton.disabled = true;
    try {
      await gql(DECLINE, { id: inv.id });
      declined();
    } catch (error) {
      failed(error, declineButton);
    }
  });
  return h(
    'div',
    { class: 'invitation', 'data-testid': 'invitation', 'data-group-id': inv.group.id },
    h('p', { class: 'invitation-title' }, h('strong', null, inv.group.name), h('span', { class: 'muted small' }, ` ${inv.group.memberCount} 人`)),
    h('p', { class: 'muted small' }, `${inv.inviter.realName} 邀请您加入 · ${formatDateTime(inv.createdAt)}`),
    details,
    alert,
    h('div', { class: 'actions' }, more, acceptButton, declineButton),
  );
}
