/**
 * The admin's inline forms on a profile: title/phone, real name/unit, disable/enable,
 * appoint/remove unit admin. Each shows only when the server's `viewerCan` allows it.
 */
import { gql } from './api.js';
import { pageError } from './auth.js';
import { h, replaceChildren } from './dom.js';
import { field, FormState, input, onSubmit, textarea } from './forms.js';
import { ActionPanel, type PanelAction } from './panel.js';
import type { ProfileUser } from './profileView.js';
import { errorBox, loading } from './ui.js';
import { fetchUnits, unitOptions, UNITS_WITH_ABILITIES } from './units.js';
import { graphql } from './graphql/index.js';

export type Saved = (message: string) => void;

const UPDATE_PROFILE = graphql('mutation UpdateProfile($userId: ID!, $input: UpdateProfileInput!) { updateProfile(userId: $userId, input: $input) { id } }');
const UPDATE_IDENTITY = graphql('mutation UpdateIdentity($userId: ID!, $input: UpdateIdentityInput!) { updateIdentity(userId: $userId, input: $input) { id } }');
const DISABLE = graphql('mutation Disable($userId: ID!, $reason: String!) { disableUser(userId: $userId, reason: $reason) { id status } }');
const ENABLE = graphql('mutation Enable($userId: ID!, $reason: String!) { enableUser(userId: $userId, reason: $reason) { id status } }');
const GRANT = graphql('mutation Grant($userId: ID!, $unitId: ID!) { grantUnitAdmin(userId: $userId, unitId: $unitId) { id } }');
const REVOKE = graphql('mutation Revoke($userId: ID!, $unitId: ID!) { revokeUnitAdmin(userId: $userId, unitId: $unitId) { id } }');

function formButtons(submitText: string, close: () => void, kind: 'primary' | 'danger' = 'primary'): { row: HTMLElement; submit: HTMLButtonElement } {
  const submit = h('button', { type: 'submit', class: `btn btn-${kind}`, 'data-testid': 'action-submit' }, submitText);
  const row = h('div', { class: 'form-actions' }, submit, h('button', { type: 'button', class: 'btn btn-link', onclick: close }, '取消'));
  return { row, submit };
}

/** Errors: UNAUTHENTICATED goes to login, the rest next to the field or above the form. */
function showError(state: FormState) {
  return (error: unknown) => {
    if (pageError(error)) state.show(error);
  };
}

/** Shown beside a field the LDAP directory provides (read-only here, docs/directory.md). */
const FROM_DIRECTORY = '来自统一身份认证目录，如需修改请联系单位的目录管理员';

/** Title and phone (also used on #/me for oneself); fields the directory provides are shown read-only. */
export function profileForm(user: Pick<ProfileUser, 'id' | 'title' | 'phone' | 'directoryFields'>, close: () => void, saved: Saved): HTMLElement {
  const fromDirectory = (name: string) => user.directoryFields.includes(name);
  const f = {
    title: field({
      label: '职务',
      control: input('title', { value: user.title, maxlength: 30, required: true, disabled: fromDirectory('title') }),
      hint: fromDirectory('title') ? FROM_DIRECTORY : undefined,
    }),
    phone: field({
      label: '联系电话',
      control: input('phone', { type: 'tel', value: user.phone ?? '', maxlength: 20, disabled: fromDirectory('phone') }),
      hint: fromDirectory('phone') ? FROM_DIRECTORY : '11 位手机号或“区号-号码”；留空表示清除',
      optional: true,
    }),
  };
  const state = new FormState(f);
  const { row, submit } = formButtons('保存', close);
  const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'profile-form' }, h('h3', null, '修改职务和电话'), state.alert, f.title.el, f.phone.el, row);
  onSubmit(
    form,
    submit,
    '正在保存…',
    async () => {
      state.clear();
      const title = f.title.control.value.trim();
      const phone = f.phone.control.value.trim();
      if (!title && !fromDirectory('title')) return state.fieldError('title', '请填写职务');
      const changes: { title?: string; phone?: string } = {};
      if (title !== user.title && !fromDirectory('title')) changes.title = title;
      if (phone !== (user.phone ?? '') && !fromDirectory('phone')) changes.phone = phone;
      if (!Object.keys(changes).length) return state.fieldError('title', '没有需要修改的内容');
      await gql(UPDATE_PROFILE, { userId: user.id, input: changes });
      saved('职务和电话已更新');
    },
    showError(state),
  );
  return form;
}

function identityForm(user: ProfileUser, close: () => void, saved: Saved): HTMLElement {
  const box = h('div', { class: 'inline-form' }, loading('正在加载单位列表…'));
  const load = async () => {
    replaceChildren(box, loading('正在加载单位列表…'));
    try {
      const units = await fetchUnits(UNITS_WITH_ABILITIES);
      const f = {
        realName: field({ label: '真实姓名', control: input('realName', { value: user.realName, maxlength: 60 }), hint: '请填写真实姓名，不得使用昵称' }),
        unitId: field({
          label: '所属单位',
          control: h('select', { name: 'unitId', 'data-testid': 'input-unitId' }, unitOptions(units, (u) => !!u.viewerCan?.administer || u.id === user.unit.id)),
          hint: '只能调入您管理范围内的单位',
        }),
        reason: field({ label: '修改原因', control: textarea('reason', { maxlength: 200, required: true }), hint: '必填，记入审计日志' }),
      };
      f.unitId.control.value = user.unit.id;
      const state = new FormState(f);
      const { row, submit } = formButtons('保存修改', close);
      const form = h(
        'form',
        { novalidate: true, 'data-testid': 'identity-form' },
        h('h3', null, '修改真实姓名或所属单位'),
        state.alert,
        f.realName.el,
        f.unitId.el,
        f.reason.el,
        row,
      );
      onSubmit(
        form,
        submit,
        '正在保存…',
        async () => {
          state.clear();
          const realName = f.realName.control.value.trim();
          const unitId = f.unitId.control.value;
          const reason = f.reason.control.value.trim();
          if (!realName) return state.fieldError('realName', '请填写真实姓名');
          const changes: { realName?: string; unitId?: string; reason: string } = { reason };
          if (realName !== user.realName) changes.realName = realName;
          if (unitId !== user.unit.id) changes.unitId = unitId;
          if (!changes.realName && !changes.unitId) return state.fieldError('realName', '没有需要修改的内容');
          if (!reason) return state.fieldError('reason', '请填写修改原因');
          await gql(UPDATE_IDENTITY, { userId: user.id, input: changes });
          saved('姓名和单位已更新');
        },
        showError(state),
      );
      replaceChildren(box, form);
      f.realName.control.focus();
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(box, errorBox(shown, () => void load()));
    }
  };
  void load();
  return box;
}

function statusForm(user: ProfileUser, close: () => void, saved: Saved): HTMLElement {
  const enabling = user.status === 'DISABLED';
  const f = {
    reason: field({
      label: enabling ? '启用原因' : '停用原因',
      control: textarea('reason', { maxlength: 200, required: true }),
      hint: enabling ? '必填，记入审计日志' : '必填。停用后该账号的所有登录会话立即失效',
    }),
  };
  const state = new FormState(f);
  const { row, submit } = formButtons(enabling ? '确认启用' : '确认停用', close, enabling ? 'primary' : 'danger');
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true, 'data-testid': 'status-form' },
    h('h3', null, enabling ? `启用 ${user.realName} 的账号` : `停用 ${user.realName} 的账号`),
    state.alert,
    f.reason.el,
    row,
  );
  onSubmit(
    form,
    submit,
    '正在提交…',
    async () => {
      state.clear();
      const reason = f.reason.control.value.trim();
      if (!reason) return state.fieldError('reason', enabling ? '请填写启用原因' : '请填写停用原因');
      await (enabling ? gql(ENABLE, { userId: user.id, reason }) : gql(DISABLE, { userId: user.id, reason }));
      saved(enabling ? '账号已启用' : '账号已停用，其所有登录会话已结束');
    },
    showError(state),
  );
  return form;
}

function rolesForm(user: ProfileUser, close: () => void, saved: Saved): HTMLElement {
  // An admin of a unit must belong to it or to a unit below it: the candidates are the own unit and its ancestors.
  const held = new Set(user.adminUnits.map((u) => u.id));
  const chain = [...user.unit.ancestors, user.unit];
  // Closest unit first: appointing someone to one's own unit is the rarer, weightier choice.
  // The server's appointAdmin ability: unit admins appoint only below their own units.
  const candidates = chain.filter((u) => u.viewerCan?.appointAdmin && !held.has(u.id)).reverse();
  const revocable = user.adminUnits.filter((u) => u.viewerCan?.appointAdmin);
  const f = {
    unitId: field({
      label: '任命为以下单位的管理员',
      control: h('select', { name: 'unitId', 'data-testid': 'input-grant-unit' }, candidates.map((u) => h('option', { value: u.id }, u.name))),
      hint: '单位管理员可审核该单位及下级单位的注册申请',
    }),
  };
  const state = new FormState(f);
  const { row, submit } = formButtons('任命', close);
  const grant = h('form', { novalidate: true, 'data-testid': 'grant-form' }, f.unitId.el, row);
  onSubmit(
    grant,
    submit,
    '正在任命…',
    async () => {
      state.clear();
      const unitId = f.unitId.control.value;
      if (!unitId) return state.fieldError('unitId', '请选择单位');
      await gql(GRANT, { userId: user.id, unitId });
      saved(`已任命 ${user.realName} 为单位管理员`);
    },
    showError(state),
  );

  const revokeList = h(
    'ul',
    { class: 'plain-list role-list' },
    revocable.map((unit) => {
      const btn = h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'revoke-admin' }, '撤销');
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        state.clear();
        try {
          await gql(REVOKE, { userId: user.id, unitId: unit.id });
          saved(`已撤销 ${user.realName} 在 ${unit.name} 的管理员身份`);
        } catch (error) {
          if (pageError(error)) state.show(error);
          btn.disabled = false;
        }
      });
      return h('li', null, h('span', null, unit.name), btn);
    }),
  );

  return h(
    'div',
    { class: 'inline-form', 'data-testid': 'roles-form' },
    h('h3', null, '单位管理员'),
    state.alert,
    revocable.length ? [h('p', { class: 'muted' }, '现任管理员的单位：'), revokeList] : null,
    candidates.length ? grant : [h('p', { class: 'muted' }, '没有可以任命的单位（已是可任命单位的管理员）。'), h('button', { type: 'button', class: 'btn btn-link', onclick: close }, '关闭')],
  );
}

/** The buttons the viewer may use on this profile, or null when there are none. */
export function userActions(user: ProfileUser, saved: Saved): HTMLElement | null {
  const can = user.viewerCan;
  const actions: PanelAction[] = [];
  // Both fields from the directory: nothing to edit here.
  const editable = !(user.directoryFields.includes('title') && user.directoryFields.includes('phone'));
  if (can.updateProfile && editable) actions.push({ label: '修改职务/电话', testid: 'action-profile', render: (close) => profileForm(user, close, saved) });
  if (can.updateIdentity) actions.push({ label: '修改姓名/单位', testid: 'action-identity', render: (close) => identityForm(user, close, saved) });
  if (can.manageRoles) actions.push({ label: '任命/撤销单位管理员', testid: 'action-roles', render: (close) => rolesForm(user, close, saved) });
  if (can.manageStatus) {
    const enabling = user.status === 'DISABLED';
    actions.push({ label: enabling ? '启用账号' : '停用账号', kind: enabling ? 'primary' : 'danger', testid: 'action-status', render: (close) => statusForm(user, close, saved) });
  }
  return actions.length ? new ActionPanel(actions).el : null;
}
