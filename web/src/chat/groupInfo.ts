/**
 * The 群规 tab of a group's side panel: purpose, rules, owner, visibility, size; changing the
 * settings (owner and admins); leaving the group. And the side panel of a private chat: who the
 * other person is, and blocking them.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDate, formatDateTime } from '../format.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { facts } from '../ui.js';
import { groupForm, type GroupInput } from './groupForms.js';
import { presenceDot } from './members.js';
import { chatStore } from './store.js';
import { ROLE_LABELS, VISIBILITY_LABELS, type ChatUser, type GroupInfo } from './types.js';
import { graphql } from '../graphql/index.js';

const UPDATE = graphql('mutation UpdateGroup($g: ID!, $input: GroupInput!) { updateGroup(groupId: $g, input: $input) { id } }');
const LEAVE = graphql('mutation LeaveGroup($g: ID!) { leaveGroup(groupId: $g) }');
const BLOCK = graphql('mutation Block($u: ID!) { blockUser(userId: $u) { id blockedByViewer } }');
const UNBLOCK = graphql('mutation Unblock($u: ID!) { unblockUser(userId: $u) { id blockedByViewer } }');

export function groupInfoPanel(group: GroupInfo, changed: () => void): HTMLElement {
  const editBox = h('div');
  const leaveBox = h('div');
  const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });

  const edit = group.viewerCan.update
    ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': 'false', 'data-testid': 'group-edit' }, '修改群资料')
    : null;
  edit?.addEventListener('click', () => {
    if (editBox.firstChild) {
      replaceChildren(editBox);
      edit.setAttribute('aria-expanded', 'false');
      return;
    }
    edit.setAttribute('aria-expanded', 'true');
    const close = () => {
      replaceChildren(editBox);
      edit.setAttribute('aria-expanded', 'false');
      edit.focus();
    };
    const form = groupForm(
      { name: group.name, purpose: group.purpose, rules: group.rules, visibility: group.visibility },
      '保存',
      async (input: GroupInput) => {
        await gql(UPDATE, { g: group.id, input });
        notify('群资料已保存');
        changed();
      },
      close,
    );
    replaceChildren(editBox, form);
    form.querySelector<HTMLElement>('input')?.focus();
  });

  const leave = group.viewerCan.leave
    ? h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'group-leave' }, '退出群组')
    : null;
  leave?.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'group-leave-confirm' }, '确认退出');
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        await gql(LEAVE, { g: group.id });
        notify(`您已退出“${group.name}”`, 'info');
        chatStore.scheduleReload();
        navigate('#/chat', true);
      } catch (error) {
        const shown = pageError(error);
        if (shown) setText(alert, shown.message);
        confirm.disabled = false;
      }
    });
    replaceChildren(leaveBox, h('p', { class: 'small' }, '退出后将不再收到本群消息，重新加入需再次申请或受邀。'), confirm);
    confirm.focus();
  });

  return h(
    'section',
    { class: 'side-section', 'aria-label': '群资料和群规', 'data-testid': 'group-info' },
    h('h2', null, '宗旨'),
    h('p', { class: 'pre', 'data-testid': 'group-purpose' }, group.purpose || '（未填写）'),
    h('h2', null, '群规'),
    h('div', { class: 'rules-box', 'data-testid': 'group-rules' }, group.rules || '（未填写）'),
    facts([
      ['群主', group.owner.realName],
      ['可见范围', VISIBILITY_LABELS[group.visibility]],
      ['人数', `${group.memberCount} / ${group.maxMembers}`],
      ['创建于', formatDate(group.createdAt)],
      ['我的身份', group.viewerRole ? ROLE_LABELS[group.viewerRole] : '—'],
    ]),
    h('div', { class: 'actions side-actions' }, edit, leave,
      group.viewerCanExportArchive ? h('a', { class: 'btn btn-small btn-secondary', href: `#/groups/${encodeURIComponent(group.id)}/archive`, 'data-testid': 'group-archive' }, '导出档案') : null),
    group.viewerRole === 'OWNER' ? h('p', { class: 'muted small' }, '群主需先在成员列表中将群主转让给其他成员，才能退出本群。') : null,
    editBox,
    leaveBox,
    alert,
  );
}

export interface Peer extends ChatUser {
  blockedByViewer?: boolean;
}

export function peerPanel(peer: Peer): HTMLElement {
  const alert = h('p', { class: 'field-error', role: 'alert', hidden: true });
  let blocked = !!peer.blockedByViewer;
  const button = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': 'block-toggle' });
  const render = () => {
    button.textContent = blocked ? '取消屏蔽' : '屏蔽此人';
    button.title = blocked ? '允许对方再给您发私聊消息' : '对方将不能再给您发私聊消息';
  };
  render();
  button.addEventListener('click', async () => {
    button.disabled = true;
    setText(alert, null);
    try {
      const user = blocked ? (await gql(UNBLOCK, { u: peer.id })).unblockUser : (await gql(BLOCK, { u: peer.id })).blockUser;
      blocked = user.blockedByViewer;
      notify(blocked ? `已屏蔽 ${peer.realName}，对方不能再给您发私聊消息` : `已取消屏蔽 ${peer.realName}`);
      render();
    } catch (error) {
      const shown = pageError(error);
      if (shown) setText(alert, shown.message);
    } finally {
      button.disabled = false;
    }
  });
  const lastSeen = peer.presence?.lastSeenAt;
  return h(
    'section',
    { class: 'side-section', 'aria-label': '对方资料', 'data-testid': 'peer-info' },
    h('div', { class: 'member-line' }, presenceDot(peer.id, lastSeen), h('strong', null, peer.realName)),
    facts([
      ['单位', peer.unit.name],
      ['职务', peer.title],
      ['最后在线', chatStore.isOnline(peer.id) ? '在线' : lastSeen ? formatDateTime(lastSeen) : '—'],
    ]),
    h('div', { class: 'actions side-actions' }, h('a', { class: 'btn btn-small btn-secondary', href: `#/users/${encodeURIComponent(peer.id)}` }, '查看资料'), button),
    alert,
  );
}
