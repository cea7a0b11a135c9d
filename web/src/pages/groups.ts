/**
 * #/groups: find listed groups by name or purpose and apply to join (rules shown, tick to
 * accept); pending invitations; #/groups/new opens the form to create a group.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { applyForm, groupForm, invitationCard, type GroupInput } from '../chat/groupForms.js';
import { chatStore } from '../chat/store.js';
import { notificationStore } from '../forum/notificationStore.js';
import { ROLE_LABELS, type GroupInfo } from '../chat/types.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDate } from '../format.js';
import { notify } from '../notify.js';
import { hashQuery, navigate } from '../router.js';
import { emptyState, errorBox, loading, pageTitle, type Page, type PageContext } from '../ui.js';
import { graphql } from '../graphql/index.js';
import { GroupFields } from '../graphql/fragments.js';

const PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;

type FoundGroup = GroupInfo & { conversation: { id: string } | null; viewerApplication: { id: string; status: string } | null };

const GROUPS = graphql(`query FindGroups($query: String, $first: Int, $after: String) { groups(query: $query, first: $first, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { ...GroupFields conversation { id } viewerApplication { id status } } } } }`, [GroupFields]);
const CREATE = graphql('mutation CreateGroup($input: GroupInput!) { createGroup(input: $input) { id conversation { id } } }');
const WITHDRAW = graphql('mutation Withdraw($id: ID!) { withdrawApplication(applicationId: $id) { id status } }');

export function groupsPage(ctx: PageContext): Page {
  const createBox = h('div', { class: 'card create-box', hidden: true, 'data-testid': 'create-box' });
  const invitations = h('div');
  const search = h('input', { type: 'search', class: 'search', name: 'query', placeholder: '搜索群名称或宗旨', 'aria-label': '搜索群组', maxlength: 30, autocomplete: 'off', 'data-testid': 'group-search' });
  // #/groups?q=… (a group found by the search page) starts with that search.
  search.value = hashQuery().get('q') ?? '';
  const list = h('ul', { class: 'group-results', 'aria-label': '群组', 'data-testid': 'group-results' });
  const status = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, 'data-testid': 'load-more' }, '加载更多');
  const createButton = h('a', { class: 'btn btn-primary', href: '#/groups/new', 'data-testid': 'open-create' }, '创建群组');

  const el = h(
    'section',
    { class: 'groups-page' },
    pageTitle('发现群组', h('p', { class: 'muted' }, '查找公开的工作群，阅读宗旨和群规后申请加入；邀请制的群需由管理员邀请'), h('div', { class: 'actions' }, createButton)),
    createBox,
    invitations,
    h('section', { class: 'card', 'aria-label': '群组列表' }, h('div', { class: 'toolbar' }, search), list, status, h('div', { class: 'more-row' }, more)),
  );

  let endCursor: string | null = null;
  let requestSeq = 0;
  let timer: number | undefined;

  function renderCreate(show: boolean): void {
    createBox.hidden = !show;
    createButton.hidden = show;
    if (!show) return replaceChildren(createBox);
    const form = groupForm(
      null,
      '创建群组',
      async (input: GroupInput) => {
        const data = await gql(CREATE, { input });
        notify(`群组“${input.name}”已创建，您是群主`);
        await chatStore.load();
        navigate(data.createGroup.conversation ? `#/chat/${encodeURIComponent(data.createGroup.conversation.id)}` : '#/chat');
      },
      () => navigate('#/groups'),
    );
    replaceChildren(createBox, h('h2', { class: 'panel-title' }, '创建群组'), h('p', { class: 'muted small' }, '您将成为群主，可任命管理员。成员入群时须阅读并同意群规。'), form);
    form.querySelector<HTMLElement>('input')?.focus();
  }

  function renderInvitations(): void {
    const list = chatStore.invitations;
    replaceChildren(
      invitations,
      list.length
        ? h(
            'section',
            { class: 'card', 'aria-label': '群邀请' },
            h('h2', { class: 'panel-title' }, `我收到的邀请（${list.length}）`),
            list.map((inv) =>
              invitationCard(
                inv,
                (conversationId) => {
                  notify(`您已加入“${inv.group.name}”`);
                  void chatStore.load();
                  navigate(conversationId ? `#/chat/${encodeURIComponent(conversationId)}` : '#/chat');
                },
                () => {
                  notify('已拒绝邀请', 'info');
                  void chatStore.load();
                },
                () => chatStore.dropInvitation(inv.id),
              ),
            ),
          )
        : null,
    );
  }

  function groupRow(g: FoundGroup): HTMLElement {
    const action = h('div', { class: 'group-action' });
    const formBox = h('div');
    const note = h('p', { class: 'muted small', role: 'status', hidden: true });
    const render = () => {
      if (g.conversation) {
        replaceChildren(
          action,
          h('a', { class: 'btn btn-small btn-primary', href: `#/chat/${encodeURIComponent(g.conversation.id)}`, 'data-testid': 'group-open' }, '进入群聊'),
          h('a', { class: 'btn btn-small btn-secondary', href: `#/groups/${encodeURIComponent(g.id)}/bbs`, 'data-testid': 'group-bbs' }, '论坛'),
        );
      } else if (g.viewerApplication?.status === 'PENDING') {
        const withdraw = h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-testid': 'group-withdraw' }, '撤回申请');
        withdraw.addEventListener('click', async () => {
          withdraw.disabled = true;
          try {
            await gql(WITHDRAW, { id: g.viewerApplication!.id });
            g.viewerApplication = null;
            g.viewerCan.apply = true;
            notify('已撤回申请', 'info');
            render();
          } catch (error) {
            const shown = pageError(error);
            if (shown) notify(shown.message, 'error');
            withdraw.disabled = false;
          }
        });
        replaceChildren(action, h('span', { class: 'badge badge-pending', 'data-testid': 'group-pending' }, '已申请，等待审核'), withdraw);
      } else if (g.viewerCan.apply) {
        const apply = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'aria-expanded': 'false', 'data-testid': 'group-apply' }, '申请加入');
        apply.addEventListener('click', () => {
          if (formBox.firstChild) {
            replaceChildren(formBox);
            apply.setAttribute('aria-expanded', 'false');
            return;
          }
          apply.setAttribute('aria-expanded', 'true');
          const form = applyForm(
            g,
            () => {
              replaceChildren(formBox);
              g.viewerApplication = { id: '', status: 'PENDING' };
              setText(note, '申请已提交，请等待群主或管理员审核');
              notify('申请已提交，请等待审核');
              void load(true);
            },
            () => {
              replaceChildren(formBox);
              apply.setAttribute('aria-expanded', 'false');
              apply.focus();
            },
          );
          replaceChildren(formBox, form);
          form.querySelector<HTMLElement>('[data-testid=rules-text]')?.focus();
        });
        replaceChildren(action, apply);
      } else {
        replaceChildren(action, h('span', { class: 'muted small' }, g.visibility === 'INVITE_ONLY' ? '仅限邀请' : '暂不可申请'));
      }
    };
    render();
    return h(
      'li',
      { class: 'group-result', 'data-testid': 'group-result', 'data-group-id': g.id },
      h(
        'div',
        { class: 'group-result-head' },
        h('span', { class: 'conv-avatar conv-avatar-group', 'aria-hidden': 'true' }, '群'),
        h(
          'div',
          { class: 'group-result-text' },
          h('h2', { class: 'group-name', 'data-testid': 'group-name' }, g.name, g.viewerRole ? h('span', { class: 'badge badge-admin' }, `我是${ROLE_LABELS[g.viewerRole]}`) : null),
          h('p', { class: 'muted small' }, `${g.memberCount} 人 · 群主 ${g.owner.realName} · ${g.visibility === 'LISTED' ? '公开' : '邀请制'} · ${formatDate(g.createdAt)} 创建`),
          g.purpose ? h('p', { class: 'group-purpose' }, g.purpose) : null,
        ),
        action,
      ),
      note,
      formBox,
    );
  }

  async function load(reset: boolean): Promise<void> {
    const seq = ++requestSeq;
    if (reset) {
      endCursor = null;
      replaceChildren(list);
      replaceChildren(status, loading('正在查找群组…'));
      more.hidden = true;
    } else more.disabled = true;
    const query = search.value.trim() || null;
    try {
      const data = await gql(GROUPS, { query, first: PAGE_SIZE, after: reset ? null : endCursor }, ctx.signal);
      if (seq !== requestSeq) return;
      replaceChildren(status);
      list.append(...data.groups.edges.map((e) => groupRow(e.node)));
      endCursor = data.groups.pageInfo.endCursor;
      more.hidden = !data.groups.pageInfo.hasNextPage;
      if (!list.children.length) replaceChildren(status, emptyState(query ? `没有找到与“${query}”相关的群组` : '还没有公开的群组', h('p', null, h('a', { href: '#/groups/new' }, '创建一个群组'))));
    } catch (error) {
      if (seq !== requestSeq) return;
      const shown = pageError(error);
      if (shown) replaceChildren(status, errorBox(shown, () => void load(reset)));
    } finally {
      more.disabled = false;
    }
  }

  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void load(true), SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      window.clearTimeout(timer);
      void load(true);
    }
  });
  more.addEventListener('click', () => void load(false));
  let invitationKey = chatStore.invitations.map((i) => i.id).join(',');
  const offStore = chatStore.onChange(() => {
    const key = chatStore.invitations.map((i) => i.id).join(',');
    if (key !== invitationKey) {
      invitationKey = key;
      renderInvitations();
    }
  });
  // The applicant hears the review live: the group's row turns into 进入群聊 (or 申请加入 again).
  const offNotice = notificationStore.onNew((n) => {
    if ((n.kind === 'APPLICATION_APPROVED' || n.kind === 'APPLICATION_REJECTED') && n.group && list.querySelector(`[data-group-id="${CSS.escape(n.group.id)}"]`)) void load(true);
  });
  ctx.signal.addEventListener('abort', () => {
    window.clearTimeout(timer);
    offStore();
    offNotice();
  });

  renderInvitations();
  renderCreate(ctx.params.create === '1');
  void chatStore.load();
  void load(true);

  return {
    title: '发现群组',
    el,
    update(params) {
      renderCreate(params.create === '1');
    },
  };
}
