/**
 * Discussion groups (讨论组) in a group's side panel: the viewer's discussion groups of the group,
 * and a form to start one (topic + members picked from the group's member list). And, beside a
 * discussion's own conversation: its members, adding members, leaving, archiving and reopening.
 */
import { gql } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText, uid } from '../dom.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { emptyState, errorBox, loading } from '../ui.js';
import type { MemberDirectory } from '../chat/members.js';
import { chatStore } from '../chat/store.js';
import type { GroupInfo, GroupMember } from '../chat/types.js';
import { timeEl } from './render.js';
import type { Discussion } from './types.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { DiscussionFields } from '../graphql/fragments.js';

const LIST = graphql('query GroupDiscussions($g: ID!) { group(id: $g) { id discussions(includeArchived: true) { id topic createdAt archivedAt creator { id realName } conversation { id unreadCount } members { id } } } }');
type ListedDiscussion = NonNullable<ResultOf<typeof LIST>['group']>['discussions'][number];
const CREATE = graphql('mutation CreateDiscussion($g: ID!, $topic: String!, $members: [ID!]!) { createDiscussion(groupId: $g, topic: $topic, memberIds: $members) { id conversation { id } } }');
const ADD = graphql('mutation AddDiscussionMembers($d: ID!, $users: [ID!]!) { addDiscussionMembers(discussionId: $d, userIds: $users) { ...DiscussionFields } }', [DiscussionFields]);
const LEAVE = graphql('mutation LeaveDiscussion($d: ID!) { leaveDiscussion(discussionId: $d) }');
const ARCHIVE = graphql('mutation ArchiveDiscussion($d: ID!, $archived: Boolean!) { setDiscussionArchived(discussionId: $d, archived: $archived) { ...DiscussionFields } }', [DiscussionFields]);

export const MAX_TOPIC = 30;

/**
 * A checklist of group members with a filter: who to take into a discussion group. `exclude`
 * are already in (shown ticked and disabled).
 */
function memberPicker(directory: MemberDirectory, viewerId: string | undefined, exclude: Set<string>): { el: HTMLElement; selected: () => string[] } {
  const chosen = new Set<string>();
  const filter = h('input', { type: 'search', class: 'search', placeholder: '按姓名、单位筛选成员', 'aria-label': '筛选成员', maxlength: 30, 'data-testid': 'discussion-member-filter' });
  const list = h('div', { class: 'pick-list', role: 'group', 'aria-label': '选择成员' }, loading('正在加载成员…'));
  const count = h('p', { class: 'muted small', 'aria-live': 'polite' }, '已选 0 人');
  let members: GroupMember[] = [];
  const render = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = members.filter((m) => m.user.id !== viewerId && (!q || m.user.realName.toLowerCase().includes(q) || m.user.unit.name.includes(q) || (m.user.loginName ?? '').startsWith(q)));
    if (!shown.length) return replaceChildren(list, emptyState(q ? '没有符合条件的成员' : '本群没有其他成员'));
    replaceChildren(
      list,
      shown.slice(0, 200).map((m) => {
        const already = exclude.has(m.user.id);
        const box = h('input', { type: 'checkbox', value: m.user.id, checked: already || chosen.has(m.user.id), disabled: already, 'data-testid': 'discussion-member-option' });
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(m.user.id);
          else chosen.delete(m.user.id);
          count.textContent = `已选 ${chosen.size} 人`;
        });
        return h('label', { class: 'check pick-item', 'data-user-name': m.user.realName }, box, h('span', null, h('strong', null, m.user.realName), h('span', { class: 'muted small' }, ` ${m.user.unit.name} · ${m.user.title}`), already ? h('span', { class: 'muted small' }, '（已在讨论组）') : null));
      }),
    );
  };
  filter.addEventListener('input', render);
  directory
    .all()
    .then((all) => {
      members = all;
      render();
    })
    .catch((error) => {
      const shown = pageError(error);
      if (shown) replaceChildren(list, errorBox(shown));
    });
  return { el: h('div', { class: 'member-picker' }, filter, list, count), selected: () => [...chosen] };
}

/** The 讨论组 tab of a group's side panel. */
export class DiscussionsPanel {
  readonly el: HTMLElement;
  private readonly listBox: HTMLElement;
  private readonly formBox: HTMLElement;
  private readonly createButton: HTMLButtonElement;

  constructor(
    private readonly group: GroupInfo,
    private readonly directory: MemberDirectory,
    private readonly viewerId: string | undefined,
  ) {
    this.listBox = h('div', { class: 'side-list' });
    this.formBox = h('div', { hidden: true });
    this.createButton = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'aria-expanded': 'false', 'data-testid': 'discussion-create-open' }, '发起讨论组');
    this.createButton.addEventListener('click', () => this.toggleForm());
    this.el = h(
      'section',
      { class: 'side-section', 'aria-label': '讨论组', 'data-testid': 'discussions-panel' },
      h('div', { class: 'side-head' }, h('h3', null, '讨论组'), group.viewerRole ? this.createButton : null),
      h('p', { class: 'muted small' }, '就专题邀请部分群成员讨论，只有讨论组成员能看到其中的内容。'),
      this.formBox,
      this.listBox,
    );
    void this.reload();
  }

  async reload(): Promise<void> {
    replaceChildren(this.listBox, loading('正在加载讨论组…'));
    try {
      const data = await gql(LIST, { g: this.group.id });
      const list = data.group.discussions;
      if (!list.length) return replaceChildren(this.listBox, emptyState('您还没有参加本群的讨论组'));
      replaceChildren(
        this.listBox,
        h(
          'ul',
          { class: 'discussion-list', 'data-testid': 'discussion-list' },
          list.map((d) =>
            h(
              'li',
              null,
              h(
                'a',
                { class: 'discussion-item', href: `#/chat/${encodeURIComponent(d.conversation.id)}`, 'data-testid': 'discussion-item', 'data-discussion-id': d.id },
                h('span', { class: 'conv-avatar conv-avatar-discussion', 'aria-hidden': 'true' }, '讨'),
                h(
                  'span',
                  { class: 'conv-text' },
                  h('span', { class: 'conv-line' }, h('span', { class: 'conv-name', 'data-testid': 'discussion-topic' }, d.topic), d.archivedAt ? h('span', { class: 'conv-tag' }, '已归档') : null, d.conversation.unreadCount ? h('span', { class: 'count-badge' }, String(d.conversation.unreadCount)) : null),
                  h('span', { class: 'conv-preview' }, `${d.members.length} 人 · ${d.creator.realName} 发起 · `, timeEl(d.createdAt)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      const shown = pageError(error);
      if (shown) replaceChildren(this.listBox, errorBox(shown, () => void this.reload()));
    }
  }

  private toggleForm(): void {
    const open = this.formBox.hidden;
    this.createButton.setAttribute('aria-expanded', String(open));
    this.formBox.hidden = !open;
    if (!open) return replaceChildren(this.formBox);
    const close = () => {
      this.formBox.hidden = true;
      replaceChildren(this.formBox);
      this.createButton.setAttribute('aria-expanded', 'false');
      this.createButton.focus();
    };
    const topicId = uid('topic');
    const topic = h('input', { type: 'text', id: topicId, name: 'topic', maxlength: MAX_TOPIC, placeholder: '如：行政许可清单梳理', autocomplete: 'off', 'data-testid': 'discussion-topic-input' });
    const topicError = h('p', { class: 'field-error', hidden: true, 'data-testid': 'error-topic' });
    const alert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'discussion-create-error' });
    const picker = memberPicker(this.directory, this.viewerId, new Set());
    const submit = h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'discussion-create-submit' }, '创建讨论组');
    const form = h(
      'form',
      { class: 'inline-form', novalidate: true, 'data-testid': 'discussion-create-form' },
      h('div', { class: 'field' }, h('label', { for: topicId }, '讨论主题'), topic, topicError),
      h('fieldset', null, h('legend', null, '邀请本群成员'), picker.el),
      alert,
      h('div', { class: 'actions' }, submit, h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: close }, '取消')),
    );
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      }
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      setText(topicError, null);
      setText(alert, null);
      const value = topic.value.trim();
      if (!value) {
        setText(topicError, '请填写讨论主题');
        return topic.focus();
      }
      const members = picker.selected();
      if (!members.length) return setText(alert, '请至少选择一位本群成员');
      submit.disabled = true;
      try {
        const data = await gql(CREATE, { g: this.group.id, topic: value, members });
        notify(`讨论组“${value}”已创建`);
        await chatStore.load();
        navigate(`#/chat/${encodeURIComponent(data.createDiscussion.conversation.id)}`);
      } catch (error) {
        const shown = pageError(error);
        if (shown) {
          if (shown.field === 'topic') setText(topicError, shown.message);
          else setText(alert, shown.message);
        }
        submit.disabled = false;
      }
    });
    replaceChildren(this.formBox, form);
    topic.focus();
  }
}

/** Beside a discussion's conversation: topic, members and what the viewer may do. */
export function discussionInfoPanel(d: Discussion, directory: () => MemberDirectory, viewerId: string | undefined, changed: (d: Discussion | null) => void): HTMLElement {
  const alert = h('p', { class: 'field-error', role: 'alert', hidden: true, 'data-testid': 'discussion-error' });
  const addBox = h('div', { hidden: true });
  const confirmBox = h('div');
  const run = async (button: HTMLButtonElement, action: () => Promise<void>) => {
    button.disabled = true;
    setText(alert, null);
    try {
      await action();
    } catch (error) {
      const shown = pageError(error);
      if (shown) setText(alert, shown.message);
      button.disabled = false;
    }
  };

  const addButton = d.viewerCanInvite ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': 'false', 'data-testid': 'discussion-add-open' }, '添加成员') : null;
  addButton?.addEventListener('click', () => {
    const open = addBox.hidden;
    addButton.setAttribute('aria-expanded', String(open));
    addBox.hidden = !open;
    if (!open) return replaceChildren(addBox);
    const picker = memberPicker(directory(), viewerId, new Set(d.members.map((m) => m.id)));
    const submit = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'discussion-add-submit' }, '添加');
    submit.addEventListener('click', () =>
      void run(submit, async () => {
        const ids = picker.selected();
        if (!ids.length) {
          setText(alert, '请选择要添加的成员');
          submit.disabled = false;
          return;
        }
        const data = await gql(ADD, { d: d.id, users: ids });
        notify(`已添加 ${ids.length} 位成员`);
        changed(data.addDiscussionMembers);
      }),
    );
    replaceChildren(addBox, h('div', { class: 'inline-form' }, picker.el, h('div', { class: 'actions' }, submit)));
  });

  const archiveButton = d.viewerCanArchive
    ? h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': d.archivedAt ? 'discussion-reopen' : 'discussion-archive' }, d.archivedAt ? '重新开启' : '归档讨论组')
    : null;
  archiveButton?.addEventListener('click', () =>
    void run(archiveButton, async () => {
      const data = await gql(ARCHIVE, { d: d.id, archived: !d.archivedAt });
      notify(data.setDiscussionArchived.archivedAt ? '讨论组已归档，成员只能查看记录' : '讨论组已重新开启');
      chatStore.scheduleReload();
      changed(data.setDiscussionArchived);
    }),
  );

  const leaveButton = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'discussion-leave' }, '退出讨论组');
  leaveButton.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'discussion-leave-confirm' }, '确认退出');
    confirm.addEventListener('click', () =>
      void run(confirm, async () => {
        await gql(LEAVE, { d: d.id });
        notify(`您已退出讨论组“${d.topic}”`, 'info');
        chatStore.scheduleReload();
        changed(null);
      }),
    );
    replaceChildren(confirmBox, h('p', { class: 'small' }, '退出后将看不到本讨论组的消息，需其他成员重新邀请。'), confirm);
    confirm.focus();
  });

  return h(
    'section',
    { class: 'side-section', 'aria-label': '讨论组资料', 'data-testid': 'discussion-info' },
    h('h3', null, '讨论主题'),
    h('p', { class: 'pre', 'data-testid': 'discussion-info-topic' }, d.topic),
    h('p', { class: 'muted small' }, `所属群组：${d.group.name} · ${d.creator.realName} 发起 · `, timeEl(d.createdAt), d.archivedAt ? ' · 已归档' : null),
    h('div', { class: 'side-head' }, h('h3', null, `成员（${d.members.length}）`), addButton),
    addBox,
    h(
      'ul',
      { class: 'member-list', 'data-testid': 'discussion-members' },
      // The initiator first (members joined in one transaction share a join time).
      [...d.members].sort((a, b) => Number(b.id === d.creator.id) - Number(a.id === d.creator.id)).map((m) =>
        h(
          'li',
          { class: 'member-item', 'data-testid': 'discussion-member', 'data-user-id': m.id },
          h('div', { class: 'member-line' }, h('a', { class: 'member-item-name', href: `#/users/${encodeURIComponent(m.id)}` }, m.realName), m.id === d.creator.id ? h('span', { class: 'badge' }, '发起人') : null),
          h('p', { class: 'member-item-sub' }, `${m.unit.name} · ${m.title}`),
        ),
      ),
    ),
    h('div', { class: 'actions side-actions' }, archiveButton, leaveButton),
    confirmBox,
    alert,
  );
}
