/** #/users/<id>: an official's profile, with the actions the viewer is allowed to take. */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren } from '../dom.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { profileFacts, profileHeader, ProfileFields, type ProfileUser } from '../profileView.js';
import { reviewControls } from '../review.js';
import { loadViewer, viewer } from '../session.js';
import { errorBox, loading, type Page, type PageContext } from '../ui.js';
import { userActions } from '../userActions.js';
import { graphql } from '../graphql/index.js';

const USER = graphql(`query User($id: ID!) { user(id: $id) { ...ProfileFields } }`, [ProfileFields]);
const OPEN_DIRECT = graphql('mutation OpenDirect($userId: ID!) { openDirectConversation(userId: $userId) { id } }');

/** 发私信: opens (or finds) the private conversation and goes there. */
function messageButton(user: ProfileUser): HTMLElement | null {
  if (viewer()?.id === user.id || (user.status && user.status !== 'ACTIVE')) return null;
  const button = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'send-direct' }, '发私信');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const data = await gql(OPEN_DIRECT, { userId: user.id });
      navigate(`#/chat/${encodeURIComponent(data.openDirectConversation.id)}`);
    } catch (error) {
      const shown = pageError(error);
      if (shown) notify(shown.message, 'error');
      button.disabled = false;
    }
  });
  return h('p', { class: 'profile-actions' }, button);
}

export function profilePage(ctx: PageContext): Page {
  const el = h('section', { class: 'profile' }, loading('正在加载人员资料…'));
  const id = ctx.params.id;

  const load = async (focusHeading: boolean) => {
    try {
      const data = await gql(USER, { id }, ctx.signal);
      if (ctx.signal.aborted) return;
      render(data.user);
      document.title = `${data.user.realName} - 交流`;
      if (focusHeading) el.querySelector<HTMLElement>('h1')?.focus();
    } catch (error) {
      const shown = pageError(error);
      if (!shown || ctx.signal.aborted) return;
      if (shown.code === 'NOT_FOUND') {
        replaceChildren(
          el,
          h('div', { class: 'card empty', 'data-testid': 'not-found' }, h('h1', { tabindex: '-1', class: 'page-title' }, '该用户不存在或无权查看'), h('p', null, h('a', { href: '#/directory' }, '返回通讯录'))),
        );
      } else {
        replaceChildren(el, errorBox(shown, () => void load(false)));
      }
    }
  };

  const saved = (message: string) => {
    notify(message);
    if (viewer()?.id === id) void loadViewer().catch(() => undefined);
    void load(true);
  };

  function render(user: ProfileUser): void {
    const actions = userActions(user, saved);
    const review = user.viewerCan.review
      ? h(
          'section',
          { class: 'card', 'aria-label': '注册审核' },
          h('h2', { class: 'panel-title' }, '注册审核'),
          h('p', { class: 'muted' }, '该注册申请正在等待审核。'),
          reviewControls(user, (_, message) => saved(message)),
        )
      : null;
    replaceChildren(
      el,
      h('nav', { class: 'breadcrumb', 'aria-label': '位置' }, h('a', { href: '#/directory' }, '通讯录'), h('span', { class: 'sep', 'aria-hidden': 'true' }, '›'), h('span', null, user.realName)),
      h(
        'div',
        { class: 'card profile-card', 'data-testid': 'profile' },
        profileHeader(user, viewer()?.id === user.id ? h('p', null, h('a', { href: '#/me' }, '这是您本人，前往“我的资料”')) : messageButton(user)),
        profileFacts(user),
      ),
      review,
      actions ? h('section', { class: 'card', 'aria-label': '管理操作' }, h('h2', { class: 'panel-title' }, '管理操作'), actions) : null,
    );
  }

  void load(false);
  return { title: '人员资料', el };
}
