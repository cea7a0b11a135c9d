/** The account fields shared by self-registration and an admin creating an account. */
import { h } from './dom.js';
import { field, input, type FormState } from './forms.js';
import type { OrgUnit } from './types.js';
import { unitOptions } from './units.js';

export const PASSWORD_MIN = 10;

export function accountFields(units: OrgUnit[], unitEnabled: (unit: OrgUnit) => boolean = () => true, passwordLabel = '密码') {
  return {
    loginName: field({
      label: '登录名',
      control: input('loginName', { autocomplete: 'username', required: true, maxlength: 32, autocapitalize: 'none', spellcheck: 'false' }),
      hint: '3 至 32 位，以字母开头，可含字母、数字、下划线、点或连字符',
    }),
    password: field({
      label: passwordLabel,
      control: input('password', { type: 'password', autocomplete: 'new-password', required: true, minlength: PASSWORD_MIN, maxlength: 256 }),
      hint: `至少 ${PASSWORD_MIN} 个字符，不能与登录名相同`,
    }),
    confirm: field({ label: '确认密码', control: input('confirm', { type: 'password', autocomplete: 'new-password', required: true, maxlength: 256 }) }),
    realName: field({ label: '真实姓名', control: input('realName', { autocomplete: 'name', required: true, maxlength: 60 }), hint: '请填写真实姓名，不得使用昵称' }),
    unitId: field({
      label: '所在单位',
      control: h('select', { name: 'unitId', required: true, 'data-testid': 'input-unitId' }, h('option', { value: '' }, '请选择所在单位'), unitOptions(units, unitEnabled)),
    }),
    title: field({ label: '职务', control: input('title', { required: true, maxlength: 30, placeholder: '例如：督查科科长' }) }),
    phone: field({ label: '联系电话', control: input('phone', { type: 'tel', autocomplete: 'tel', maxlength: 20 }), hint: '11 位手机号，或“区号-号码”格式的固定电话', optional: true }),
  };
}

export type AccountFields = ReturnType<typeof accountFields>;

/**
 * Client-side checks before sending (the server checks everything again). Returns the input
 * for the mutation, or null after marking every bad field.
 */
export function accountInput(f: AccountFields, state: FormState) {
  const required: Array<[keyof AccountFields, string]> = [
    ['loginName', '请填写登录名'],
    ['password', '请设置密码'],
    ['confirm', '请再次输入密码'],
    ['realName', '请填写真实姓名'],
    ['unitId', '请选择所在单位'],
    ['title', '请填写职务'],
  ];
  const errors = new Map<keyof AccountFields, string>();
  for (const [name, message] of required) if (!f[name].control.value.trim()) errors.set(name, message);
  const password = f.password.control.value;
  if (password && [...password].length < PASSWORD_MIN) errors.set('password', `密码至少 ${PASSWORD_MIN} 个字符`);
  if (password && f.confirm.control.value && password !== f.confirm.control.value) errors.set('confirm', '两次输入的密码不一致');
  // In the form's order, so the focus goes to the first bad field.
  if (state.fieldErrors(Object.keys(f).filter((name) => errors.has(name as keyof AccountFields)).map((name) => [name, errors.get(name as keyof AccountFields)!]))) return null;
  const value = (name: keyof AccountFields) => f[name].control.value.trim();
  return {
    loginName: value('loginName'),
    password,
    realName: value('realName'),
    unitId: value('unitId'),
    title: value('title'),
    phone: value('phone') || null,
  };
}
