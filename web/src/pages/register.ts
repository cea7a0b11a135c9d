/** #/register: apply for an account; it stays pending until an admin of the unit approves. */
import { gql, toApiError } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { field, FormState, input, onSubmit, textarea } from '../forms.js';
import type { OrgUnit } from '../types.js';
import { errorBox, loading, type Page, type PageContext } from '../ui.js';
import { fetchUnits, unitOptions } from '../units.js';

const REGISTER = `mutation Register($input: RegisterInput!) { register(input: $input) { id realName unit { id name } } }`;
const PASSWORD_MIN = 10;

export function registerPage(ctx: PageContext): Page {
  const body = h('div', null, loading('正在加载单位列表…'));
  const el = h(
    'section',
    { class: 'auth-page' },
    h(
      'div',
      { class: 'card auth-card auth-card-wide' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', { tabindex: '-1', class: 'page-title' }, '申请注册'),
        h('p', { class: 'muted' }, '本平台实行实名制。提交后由所在单位或上级单位的管理员审核，通过后即可登录。'),
      ),
      body,
      h('p', { class: 'auth-alt' }, '已有账号？', h('a', { href: '#/login' }, '返回登录')),
    ),
  );

  const load = async () => {
    replaceChildren(body, loading('正在加载单位列表…'));
    try {
      const units = await fetchUnits('', ctx.signal);
      if (!ctx.signal.aborted) replaceChildren(body, registerForm(units, body));
    } catch (error) {
      if (!ctx.signal.aborted) replaceChildren(body, errorBox(toApiError(error), load));
    }
  };
  void load();
  return { title: '申请注册', el };
}

function registerForm(units: OrgUnit[], container: HTMLElement): HTMLElement {
  const f = {
    loginName: field({
      label: '登录名',
      control: input('loginName', { autocomplete: 'username', required: true, maxlength: 32, autocapitalize: 'none', spellcheck: 'false' }),
      hint: '3 至 32 位，以字母开头，可含字母、数字、下划线、点或连字符',
    }),
    password: field({
      label: '密码',
      control: input('password', { type: 'password', autocomplete: 'new-password', required: true, minlength: PASSWORD_MIN, maxlength: 256 }),
      hint: `至少 ${PASSWORD_MIN} 个字符，不能与登录名相同`,
    }),
    confirm: field({ label: '确认密码', control: input('confirm', { type: 'password', autocomplete: 'new-password', required: true, maxlength: 256 }) }),
    realName: field({ label: '真实姓名', control: input('realName', { autocomplete: 'name', required: true, maxlength: 60 }), hint: '请填写真实姓名，不得使用昵称' }),
    unitId: field({
      label: '所在单位',
      control: h('select', { name: 'unitId', required: true, 'data-testid': 'input-unitId' }, h('option', { value: '' }, '请选择所在单位'), unitOptions(units)),
    }),
    title: field({ label: '职务', control: input('title', { required: true, maxlength: 30, placeholder: '例如：督查科科长' }) }),
    phone: field({ label: '联系电话', control: input('phone', { type: 'tel', autocomplete: 'tel', maxlength: 20 }), hint: '11 位手机号，或“区号-号码”格式的固定电话', optional: true }),
    applicationNote: field({
      label: '申请说明',
      control: textarea('applicationNote', { maxlength: 200 }),
      hint: '给审核管理员的说明，最多 200 字',
      optional: true,
    }),
  };
  const state = new FormState(f);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'register-submit' }, '提交注册申请');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'register-form' },
    state.alert,
    h('fieldset', null, h('legend', null, '账号'), f.loginName.el, f.password.el, f.confirm.el),
    h('fieldset', null, h('legend', null, '实名信息'), f.realName.el, f.unitId.el, f.title.el, f.phone.el, f.applicationNote.el),
    submit,
  );
  const value = (name: keyof typeof f) => f[name].control.value.trim();

  onSubmit(
    form,
    submit,
    '正在提交…',
    async () => {
      state.clear();
      const required: Array<[keyof typeof f, string]> = [
        ['loginName', '请填写登录名'],
        ['password', '请设置密码'],
        ['confirm', '请再次输入密码'],
        ['realName', '请填写真实姓名'],
        ['unitId', '请选择所在单位'],
        ['title', '请填写职务'],
      ];
      for (const [name, message] of required) {
        if (!f[name].control.value.trim()) return state.fieldError(name, message);
      }
      const password = f.password.control.value;
      if ([...password].length < PASSWORD_MIN) return state.fieldError('password', `密码至少 ${PASSWORD_MIN} 个字符`);
      if (password !== f.confirm.control.value) return state.fieldError('confirm', '两次输入的密码不一致');
      const data = await gql<{ register: { realName: string; unit: { name: string } } }>(REGISTER, {
        input: {
          loginName: value('loginName'),
          password,
          realName: value('realName'),
          unitId: value('unitId'),
          title: value('title'),
          phone: value('phone') || null,
          applicationNote: value('applicationNote') || null,
        },
      });
      replaceChildren(container, submitted(data.register.realName, data.register.unit.name));
      container.querySelector<HTMLElement>('h2')?.focus();
    },
    (error) => {
      const apiError = toApiError(error);
      // "Login name taken" comes as CONFLICT without a field: it belongs to the login name.
      if (apiError.code === 'CONFLICT') state.fieldError('loginName', apiError.message);
      else state.show(apiError);
    },
  );
  return form;
}

function submitted(realName: string, unitName: string): HTMLElement {
  return h(
    'div',
    { class: 'done', 'data-testid': 'register-done' },
    h('h2', { tabindex: '-1' }, '申请已提交'),
    h('p', { class: 'done-text', 'data-testid': 'register-done-text' }, `注册申请已提交，请等待 ${unitName} 或上级单位管理员审核`),
    h('p', { class: 'muted' }, `${realName}，审核通过后即可使用登录名和密码登录。如长时间未审核，请联系本单位管理员。`),
    h('p', null, h('a', { class: 'btn btn-primary', href: '#/login' }, '返回登录')),
  );
}
