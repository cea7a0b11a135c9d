/** #/me: own profile, title/phone, password change, signed-in devices. */
import { gql } from '../api.js';
import { pageError, sessionEnded } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { onSubmit } from '../forms.js';
import { describeDevice, formatDateTime } from '../format.js';
import { notify } from '../notify.js';
import { ActionPanel } from '../panel.js';
import { profileFacts, profileHeader, ProfileFields, type ProfileUser } from '../profileView.js';
import { navigate } from '../router.js';
import { loadViewer, setViewer } from '../session.js';
import { emptyState, errorBox, loading, type Page, type PageContext } from '../ui.js';
import { profileForm } from '../userActions.js';
import { passwordChangeFields } from '../passwordChange.js';
import { graphql, type ResultOf } from '../graphql/index.js';

const ME = graphql(`query Me { viewer { ...ProfileFields } mySessions { id current createdAt lastUsedAt expiresAt ip userAgent } }`, [ProfileFields]);
const SESSIONS = graphql('query MySessions { mySessions { id current createdAt lastUsedAt expiresAt ip userAgent } }');
type Session = ResultOf<typeof SESSIONS>['mySessions'][number];
const CHANGE_PASSWORD = graphql('mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }');
const REVOKE_SESSION = graphql('mutation RevokeSession($id: ID!) { revokeSession(id: $id) }');
const LOGOUT_EVERYWHERE = graphql('mutation LogoutEverywhere { logoutEverywhere }');

export function mePage(ctx: PageContext): Page {
  const el = h('section', { class: 'me' }, loading('正在加载我的资料…'));

  const load = async (focusHeading: boolean) => {
    try {
      const data = await gql(ME, {}, ctx.signal);
      if (ctx.signal.aborted) return;
      if (!data.viewer) {
        sessionEnded();
        return;
      }
      render(data.viewer, data.mySessions);
      if (focusHeading) el.querySelector<HTMLElement>('h1')?.focus();
    } catch (error) {
      const shown = pageError(error);
      if (shown && !ctx.signal.aborted) replaceChildren(el, errorBox(shown, () => void load(false)));
    }
  };

  function render(me: ProfileUser, sessions: Session[]): void {
    const profileEditable = !(me.directoryFields.includes('title') && me.directoryFields.includes('phone'));
    const edit = new ActionPanel(profileEditable ? [
      {
        label: '修改职务/电话',
        testid: 'action-profile',
        render: (close) =>
          profileForm(me, close, (message) => {
            notify(message);
            void loadViewer().catch(() => undefined);
            void load(true);
          }),
      },
    ] : []);
    replaceChildren(
      el,
      h('div', { class: 'card profile-card', 'data-testid': 'profile' }, profileHeader(me), profileFacts(me), edit.el,
        h('p', null, h('a', { href: '#/my/record', 'data-testid': 'open-my-record' }, '我的记录（警告、禁言、被移除的内容）')),
        h('p', null, h('a', { href: '#/my/archives', 'data-testid': 'open-my-archives' }, '导出我的数据'))),
      me.directoryManaged ? h('p', { class: 'muted', 'data-testid': 'directory-note' }, '您的账号使用统一身份认证（目录）登录：姓名、单位等信息来自目录，只能在目录中修改。') : null,
      h('div', { class: 'me-grid' }, me.directoryManaged ? directoryPasswordCard() : passwordCard(() => void reloadSessions()), sessionsSlot),
    );
    replaceChildren(sessionsSlot, sessionsCard(sessions));
  }

  const sessionsSlot = h('div', { class: 'sessions-slot' });
  /** After a password change: the other sessions are gone, show the list again. */
  async function reloadSessions(): Promise<void> {
    try {
      const data = await gql(SESSIONS, {}, ctx.signal);
      if (!ctx.signal.aborted) replaceChildren(sessionsSlot, sessionsCard(data.mySessions));
    } catch (error) {
      const shown = pageError(error);
      if (shown && !ctx.signal.aborted) replaceChildren(sessionsSlot, errorBox(shown, () => void reloadSessions()));
    }
  }

  void load(false);
  return { title: '我的资料', el };
}

/** A directory account's password lives in the directory: a note instead of the form. */
function directoryPasswordCard(): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': 'pw-title', 'data-testid': 'password-directory' }, h('h2', { class: 'panel-title', id: 'pw-title' }, '修改密码'),
    h('p', { class: 'muted' }, '您的账号使用统一身份认证（目录）登录，密码请在单位的统一身份认证系统中修改。'));
}

function passwordCard(reload: () => void): HTMLElement {
  const { fields: f, state, values } = passwordChangeFields('当前密码');
  const done = h('div', { class: 'alert alert-success', role: 'status', hidden: true, 'data-testid': 'password-done' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'password-submit' }, '修改密码');
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'password-form' }, state.alert, done, f.currentPassword.el, f.newPassword.el, f.confirm.el, h('div', { class: 'form-actions' }, submit));
  onSubmit(
    form,
    submit,
    '正在修改…',
    async () => {
      state.clear();
      setText(done, null);
      const passwords = values();
      if (!passwords) return;
      const data = await gql(CHANGE_PASSWORD, passwords);
      form.reset();
      const ended = data.changePassword;
      setText(done, ended > 0 ? `密码已修改，已退出其他 ${ended} 个设备上的登录。` : '密码已修改。没有其他设备需要退出登录。');
      notify('密码已修改');
      reload();
    },
    (error) => {
      if (pageError(error)) state.show(error);
    },
  );
  return h('section', { class: 'card', 'aria-labelledby': 'pw-title' }, h('h2', { class: 'panel-title', id: 'pw-title' }, '修改密码'), form);
}

function sessionsCard(sessions: Session[]): HTMLElement {
  const list = h('ul', { class: 'sessions', 'data-testid': 'sessions' });
  const alert = h('div', { class: 'alert alert-error', role: 'alert', hidden: true });

  const row = (s: Session): HTMLElement => {
    const li = h(
      'li',
      { class: `session${s.current ? ' session-current' : ''}`, 'data-testid': 'session-row' },
      h(
        'div',
        { class: 'session-main' },
        h('span', { class: 'session-device', title: s.userAgent ?? '' }, describeDevice(s.userAgent)),
        s.current ? h('span', { class: 'badge badge-current', 'data-testid': 'session-current' }, '当前') : null,
      ),
      h('div', { class: 'session-meta muted' }, `IP ${s.ip ?? '未知'} · 登录于 ${formatDateTime(s.createdAt)} · 最近使用 ${formatDateTime(s.lastUsedAt)}`),
    );
    if (!s.current) {
      const btn = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': 'session-revoke', 'aria-label': `退出 ${describeDevice(s.userAgent)}（IP ${s.ip ?? '未知'}）的登录` }, '退出');
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        setText(alert, null);
        try {
          await gql(REVOKE_SESSION, { id: s.id });
          li.remove();
          notify('已退出该设备上的登录');
          if (!list.children.length) list.replaceWith(emptyState('没有其他登录设备'));
        } catch (error) {
          const shown = pageError(error);
          if (!shown) return;
          if (shown.code === 'NOT_FOUND') {
            li.remove();
            notify('该设备已经退出登录', 'info');
          } else {
            setText(alert, shown.message);
            btn.disabled = false;
          }
        }
      });
      li.appendChild(btn);
    }
    return li;
  };
  replaceChildren(list, sessions.map(row));

  const everywhere = h('div', { class: 'everywhere' });
  const showButton = () =>
    replaceChildren(
      everywhere,
      h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'logout-everywhere', onclick: () => showConfirm() }, '退出所有设备'),
    );
  const showConfirm = () => {
    const confirm = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'logout-everywhere-confirm' }, '确认退出所有设备');
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        const data = await gql(LOGOUT_EVERYWHERE);
        setViewer(null);
        notify(`已退出全部 ${data.logoutEverywhere} 个设备上的登录`, 'info');
        navigate('#/login', true);
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
        confirm.disabled = false;
      }
    });
    const cancel = h('button', { type: 'button', class: 'btn btn-link', onclick: () => (showButton(), everywhere.querySelector('button')?.focus()) }, '取消');
    replaceChildren(everywhere, h('p', { class: 'warn', role: 'alert' }, '将退出包括本设备在内的所有登录，之后需要重新登录。确定吗？'), h('div', { class: 'form-actions' }, confirm, cancel));
    confirm.focus();
  };
  showButton();

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'sessions-title' },
    h('h2', { class: 'panel-title', id: 'sessions-title' }, '登录设备'),
    h('p', { class: 'muted' }, '以下是您的账号当前有效的登录。如发现不认识的设备，请立即退出并修改密码。'),
    alert,
    list,
    everywhere,
  );
}
