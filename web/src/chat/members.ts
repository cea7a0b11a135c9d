/**
 * Group members: a loader shared by the member panel and @-autocomplete, and the panel itself
 * (real name, unit, title, role, online dot, join date), with what admins may do: invite from
 * the directory, review applications, remove a member (移出: the moderation kick, with a reason),
 * warn, mute or ban them, appoint or dismiss admins and hand over ownership (owner).
 */
import { memberModerationButtons } from '../moderation/messageMenu.js';
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { notify } from '../notify.js';
import { emptyState, errorBox, loading } from '../ui.js';
import { chatStore } from './store.js';
import { ROLE_LABELS, type Application, type ChatUser, type GroupInfo, type GroupMember, type GroupRole } from './types.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { ApplicationFields, MemberFields, UserFields } from '../graphql/fragments.js';

const MEMBERS = graphql(`query GroupMembers($id: ID!, $after: String) { group(id: $id) { id members(first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { ...MemberFields } } } } }`, [MemberFields]);
const MENTION_SEARCH = graphql(`query MentionSearch($id: ID!, $q: String, $first: Int) { group(id: $id) { id members(first: $first, query: $q) {
  edges { node { user { ...UserFields } } } } } }`, [UserFields]);
const APPLICATIONS = graphql('query GroupApplications($id: ID!) { group(id: $id) { id applications(first: 100) { totalCount edges { node { ...ApplicationFields } } } } }', [ApplicationFields]);
const APPROVE = graphql('mutation Approve($id: ID!) { approveApplication(applicationId: $id) { id status } }');
const REJECT = graphql('mutation Reject($id: ID!, $reason: String!) { rejectApplication(applicationId: $id, reason: $reason) { id status } }');
const SET_ROLE = graphql('mutation SetRole($g: ID!, $u: ID!, $role: GroupRole!) { setGroupRole(groupId: $g, userId: $u, role: $role) { role } }');
const TRANSFER = graphql('mutation Transfer($g: ID!, $u: ID!) { transferOwnership(groupId: $g, userId: $u) { id } }');
const INVITE = graphql('mutation Invite($g: ID!, $u: ID!) { inviteToGroup(groupId: $g, userId: $u) { id } }');
const SEARCH = graphql('query InviteSearch($q: String!) { directory(filter: { query: $q }, first: 8) { edges { node { id realName title unit { id name } } } } }');

const MAX_SHOWN = 200;

/** Every member of a group, loaded once (page by page) and reloaded after changes. */
export class MemberDirectory {
  private members: GroupMember[] | null = null;
  private loading: Promise<GroupMember[]> | null = null;
  private generation = 0;

  constructor(private readonly groupId: string) {}

  known(): GroupMember[] | null {
    return this.members;
  }

  invalidate(): void {
    this.generation += 1;
    this.members = null;
    this.loading = null;
  }

  /** Members whose name or login name contains `query`, asked of the server (any member of a large group). */
  async search(query: string, first: number): Promise<ChatUser[]> {
    const data = await gql(MENTION_SEARCH, { id: this.groupId, q: query || null, first });
    return data.group.members.edges.map((e) => e.node.user);
  }

  all(): Promise<GroupMember[]> {
    if (this.members) return Promise.resolve(this.members);
    if (this.loading) return this.loading;
    const generation = this.generation;
    const run = (async () => {
      const out: GroupMember[] = [];
      let after: string | null = null;
      for (;;) {
        const data: ResultOf<typeof MEMBERS> = await gql(MEMBERS, { id: this.groupId, after });
        out.push(...data.group.members.edges.map((e) => e.node));
        if (!data.group.members.pageInfo.hasNextPage) break;
        after = data.group.members.pageInfo.endCursor;
      }
      for (const m of out) if (m.user.presence) chatStore.setOnline(m.user.id, m.user.presence.online);
      if (generation === this.generation) this.members = out;
      return out;
    })();
    this.loading = run;
    run.catch(() => {
      if (this.loading === run) this.loading = null;
    });
    return run;
  }
}

/** The green dot: online now; else grey with "last seen" as the tooltip. */
export function presenceDot(userId: string, lastSeenAt?: string | null): HTMLElement {
  const online = chatStore.isOnline(userId) ?? false;
  return h('span', {
    class: online ? 'presence presence-on' : 'presence',
    role: 'img',
    'aria-label': online ? '在线' : '离线',
    title: online ? '在线' : lastSeenAt ? `离线，最后在线 ${formatDateTime(lastSeenAt)}` : '离线',
    'data-testid': 'presence',
    'data-user-id': userId,
    'data-online': String(online),
  });
}

/** Updates every dot of a user on the page. */
export function updatePresenceDots(root: ParentNode, userId: string, online: boolean): void {
  for (const dot of root.querySelectorAll<HTMLElement>(`[data-testid=presence][data-user-id="${CSS.escape(userId)}"]`)) {
    dot.classList.toggle('presence-on', online);
    dot.dataset.online = String(online);
    dot.setAttribute('aria-label', online ? '在线' : '离线');
    dot.title = online ? '在线' : '离线';
  }
}

function roleBadge(role: GroupRole): HTMLElement | null {
  return role === 'MEMBER' ? null : h('span', { class: `badge badge-role-${role.toLowerCase()}`, 'data-testid': 'role-badge' }, ROLE_LABELS[role]);
}

export interface MembersPanelOptions {
  group: GroupInfo;
  directory: MemberDirectory;
  viewerId: string | undefined;
  /** Something changed the group (roles, owner): refetch it. */
  onGroupChanged: () => void;
}

export class MembersPanel {
  readonly el: HTMLElement;
  private readonly listBox: HTMLElement;
  private readonly appsBox: HTMLElement;
  private readonly inviteBox: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly count: HTMLElement;
  private openActions: string | null = null;

  constructor(private readonly options: MembersPanelOptions) {
    const { group } = options;
    this.filter = h('input', { type: 'search', class: 'search', placeholder: '搜索成员姓名、单位', 'aria-label': '搜索成员', maxlength: 30, 'data-testid': 'member-filter' });
    this.filter.addEventListener('input', () => this.renderList());
    this.count = h('span', { class: 'muted' });
    this.listBox = h('div', { class: 'side-list' });
    this.appsBox = h('div', { class: 'side-apps' });
    this.inviteBox = h('div', { class: 'side-invite', hidden: true });
    const inviteButton = group.viewerCan.manageMembers
      ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': 'false', 'data-testid': 'invite-open' }, '邀请成员')
      : null;
    inviteButton?.addEventListener('click', () => {
      const open = this.inviteBox.hidden;
      inviteButton.setAttribute('aria-expanded', String(open));
      this.inviteBox.hidden = !open;
      if (open) this.renderInvite();
    });
    this.el = h(
      'section',
      { class: 'side-section', 'aria-label': '群成员', 'data-testid': 'members-panel' },
      h('div', { class: 'side-head' }, h('h2', null, '群成员 ', this.count), inviteButton),
      this.inviteBox,
      this.appsBox,
      this.filter,
      this.listBox,
    );
    void this.reload();
  }

  async reload(): Promise<void> {
    replaceChildren(this.listBox, loading('正在加载成员…'));
    if (this.options.group.viewerCan.manageMembers) void this.loadApplications();
    try {
      await this.options.directory.all();
      this.renderList();
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(this.listBox, errorBox(shown, () => void this.reload()));
    }
  }

  private renderList(): void {
    const members = this.options.directory.known();
    if (!members) return;
    setText(this.count, `（${members.length}）`);
    this.count.hidden = false;
    const q = this.filter.value.trim().toLowerCase();
    const shown = q
      ? members.filter((m) => m.user.realName.toLowerCase().includes(q) || m.user.unit.name.includes(q) || m.user.title.includes(q) || (m.user.loginName ?? '').startsWith(q))
      : members;
    if (!shown.length) {
      replaceChildren(this.listBox, emptyState(q ? '没有找到符合条件的成员' : '暂无成员'));
      return;
    }
    replaceChildren(
      this.listBox,
      h('ul', { class: 'member-list', 'data-testid': 'group-members' }, shown.slice(0, MAX_SHOWN).map((m) => this.memberRow(m))),
      shown.length > MAX_SHOWN ? h('p', { class: 'muted small' }, `仅显示前 ${MAX_SHOWN} 位，请用搜索查找其他成员`) : null,
    );
  }

  private memberRow(m: GroupMember): HTMLElement {
    const actions = this.actionsFor(m);
    const box = h('div', { class: 'member-actions-box', hidden: this.openActions !== m.user.id });
    if (this.openActions === m.user.id && actions.length) replaceChildren(box, this.actionButtons(m, actions, box));
    const toggle = actions.length
      ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-expanded': String(this.openActions === m.user.id), 'aria-label': `管理 ${m.user.realName}`, 'data-testid': 'member-manage' }, '管理')
      : null;
    toggle?.addEventListener('click', () => {
      const open = box.hidden;
      this.openActions = open ? m.user.id : null;
      toggle.setAttribute('aria-expanded', String(open));
      box.hidden = !open;
      replaceChildren(box, open ? this.actionButtons(m, actions, box) : null);
    });
    return h(
      'li',
      { class: 'member-item', 'data-testid': 'group-member', 'data-user-id': m.user.id },
      h(
        'div',
        { class: 'member-line' },
        presenceDot(m.user.id, m.user.presence?.lastSeenAt),
        h('a', { class: 'member-item-name', href: `#/users/${encodeURIComponent(m.user.id)}` }, m.user.realName),
        roleBadge(m.role),
        h('span', { class: 'spacer' }),
        toggle,
      ),
      h('p', { class: 'member-item-sub' }, `${m.user.unit.name} · ${m.user.title}`),
      h('p', { class: 'member-item-sub muted' }, `${formatDate(m.joinedAt)} 入群`, m.mutedUntil ? ' · 禁言中' : ''),
      box,
    );
  }

  private actionsFor(m: GroupMember): Array<'remove' | 'admin' | 'unadmin' | 'transfer'> {
    const { group, viewerId } = this.options;
    if (m.user.id === viewerId || m.role === 'OWNER') return [];
    const out: Array<'remove' | 'admin' | 'unadmin' | 'transfer'> = [];
    if (group.viewerCan.manageMembers && (group.viewerRole === 'OWNER' || m.role === 'MEMBER')) out.push('remove');
    if (group.viewerCan.manageAdmins) out.push(m.role === 'ADMIN' ? 'unadmin' : 'admin', 'transfer');
    return out;
  }

  private actionButtons(m: GroupMember, actions: ReturnType<MembersPanel['actionsFor']>, box: HTMLElement): HTMLElement {
    const { group } = this.options;
    const name = m.user.realName;
    const refresh = () => {
      this.openActions = null;
      this.options.directory.invalidate();
      void this.reload();
      this.options.onGroupChanged();
    };
    const done = (message: string) => {
      notify(message);
      refresh();
    };
    const run = async (button: HTMLButtonElement, action: () => Promise<unknown>, message: string, alert: HTMLElement) => {
      button.disabled = true;
      setText(alert, null);
      try {
        await action();
        done(message);
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
        button.disabled = false;
      }
    };
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const row = h('div', { class: 'actions' });
    const form = h('div', { class: 'member-action-form' });
    for (const action of actions) {
      if (action === 'admin' || action === 'unadmin') {
        const button = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': `member-${action}` }, action === 'admin' ? '设为管理员' : '取消管理员');
        button.addEventListener('click', () =>
          void run(button, () => gql(SET_ROLE, { g: group.id, u: m.user.id, role: action === 'admin' ? 'ADMIN' : 'MEMBER' }), action === 'admin' ? `已将 ${name} 设为管理员` : `已取消 ${name} 的管理员身份`, alert),
        );
        row.append(button);
      } else if (action === 'transfer') {
        row.append(
          h('button', {
            type: 'button',
            class: 'btn btn-small btn-secondary',
            'data-testid': 'member-transfer',
            onclick: () => {
              const confirm = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'transfer-confirm' }, '确认转让');
              confirm.addEventListener('click', () => void run(confirm, () => gql(TRANSFER, { g: group.id, u: m.user.id }), `已将群主转让给 ${name}`, alert));
              replaceChildren(form, h('p', { class: 'small' }, `将群主转让给 ${name}？转让后您将成为管理员。`), h('div', { class: 'actions' }, confirm));
              confirm.focus();
            },
          }, '转让群主'),
        );
      }
    }
    // 移出 (the moderation kick), 警告, 禁言, 禁止加入 where the viewer may remove this member: the same policy.
    if (actions.includes('remove')) row.prepend(...memberModerationButtons(group.id, m, refresh));
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.openActions = null;
        box.hidden = true;
        box.previousElementSibling?.querySelector<HTMLElement>('[data-testid=member-manage]')?.focus();
      }
    });
    return h('div', null, row, form, alert);
  }

  private async loadApplications(): Promise<void> {
    try {
      const data = await gql(APPLICATIONS, { id: this.options.group.id });
      const apps = data.group.applications.edges.map((e) => e.node);
      replaceChildren(
        this.appsBox,
        apps.length
          ? h(
              'div',
              { class: 'apps', 'data-testid': 'applications' },
              h('h3', { class: 'side-minor' }, `入群申请（${data.group.applications.totalCount}）`),
              h('ul', { class: 'plain-list' }, apps.map((a) => this.applicationRow(a))),
            )
          : null,
      );
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(this.appsBox, errorBox(shown, () => void this.loadApplications()));
    }
  }

  private applicationRow(a: Application): HTMLElement {
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const form = h('div');
    const after = (message: string) => {
      notify(message);
      this.options.directory.invalidate();
      void this.reload();
    };
    const approve = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'application-approve' }, '同意');
    approve.addEventListener('click', async () => {
      approve.disabled = true;
      try {
        await gql(APPROVE, { id: a.id });
        after(`已同意 ${a.applicant.realName} 入群`);
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
        approve.disabled = false;
      }
    });
    const reject = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'application-reject' }, '拒绝');
    reject.addEventListener('click', () => {
      const reason = h('textarea', { rows: 2, maxlength: 200, 'aria-label': '拒绝原因', placeholder: '拒绝原因（申请人可见）', 'data-testid': 'reject-reason' });
      const confirm = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'reject-confirm' }, '确认拒绝');
      confirm.addEventListener('click', async () => {
        if (!reason.value.trim()) {
          setText(alert, '请填写拒绝原因');
          reason.focus();
          return;
        }
        confirm.disabled = true;
        try {
          await gql(REJECT, { id: a.id, reason: reason.value.trim() });
          after(`已拒绝 ${a.applicant.realName} 的申请`);
        } catch (error) {
          const shown = pageError(error);
          if (shown) setText(alert, shown.message);
          confirm.disabled = false;
        }
      });
      replaceChildren(form, reason, h('div', { class: 'actions' }, confirm));
      reason.focus();
    });
    return h(
      'li',
      { class: 'app-item', 'data-testid': 'application' },
      h('p', null, h('strong', null, a.applicant.realName), h('span', { class: 'muted small' }, ` ${a.applicant.unit.name} · ${a.applicant.title}`)),
      a.message ? h('p', { class: 'pre small' }, a.message) : null,
      h('p', { class: 'muted small' }, `申请于 ${formatDateTime(a.createdAt)}`),
      h('div', { class: 'actions' }, approve, reject),
      form,
      alert,
    );
  }

  private renderInvite(): void {
    const search = h('input', { type: 'search', class: 'search', placeholder: '输入姓名、登录名或单位查找', 'aria-label': '查找要邀请的人', maxlength: 50, 'data-testid': 'invite-search' });
    const results = h('ul', { class: 'plain-list invite-results', 'aria-live': 'polite' });
    let timer: number | undefined;
    let seq = 0;
    const run = async () => {
      const q = search.value.trim();
      const mine = ++seq;
      if (!q) return replaceChildren(results);
      replaceChildren(results, loading('正在查找…'));
      try {
        const data = await gql(SEARCH, { q });
        if (mine !== seq) return;
        const memberIds = new Set((this.options.directory.known() ?? []).map((m) => m.user.id));
        const people = data.directory.edges.map((e) => e.node);
        replaceChildren(results, people.length ? people.map((p) => this.inviteRow(p, memberIds.has(p.id))) : h('li', { class: 'muted small' }, '没有找到'));
      } catch (error) {
        const shown = pageError(error);
        if (shown && mine === seq) replaceChildren(results, h('li', null, errorBox(shown)));
      }
    };
    search.addEventListener('input', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void run(), 300);
    });
    replaceChildren(this.inviteBox, h('h3', { class: 'side-minor' }, '邀请成员'), search, results);
    search.focus();
  }

  private inviteRow(person: ResultOf<typeof SEARCH>['directory']['edges'][number]['node'], member: boolean): HTMLElement {
    const status = h('span', { class: 'muted small', role: 'status' });
    const button = member ? null : h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'invite-user' }, '邀请');
    button?.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await gql(INVITE, { g: this.options.group.id, u: person.id });
        button.remove();
        setText(status, '已发送邀请');
        status.hidden = false;
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(status, shown.message);
        button.disabled = false;
      }
    });
    return h(
      'li',
      { class: 'invite-item', 'data-testid': 'invite-result' },
      h('span', null, h('strong', null, person.realName), h('span', { class: 'muted small' }, ` ${person.unit.name} · ${person.title}`)),
      member ? h('span', { class: 'muted small' }, '已在群中') : button,
      status,
    );
  }
}
