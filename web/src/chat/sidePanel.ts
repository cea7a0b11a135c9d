/**
 * The panel beside a conversation: for a group, tabs 成员 (members and admin tools) and 群规
 * (purpose, rules, settings, leave); for a private chat, the other person. The header buttons
 * open and close it; Escape closes it and returns focus.
 */
import { h, replaceChildren } from '../dom.js';
import { DiscussionsPanel, discussionInfoPanel } from '../forum/discussions.js';
import type { Discussion } from '../forum/types.js';
import { groupInfoPanel, peerPanel, type Peer } from './groupInfo.js';
import { MemberDirectory, MembersPanel, updatePresenceDots } from './members.js';
import type { GroupInfo } from './types.js';

export type SideTab = 'members' | 'discussions' | 'rules' | 'peer' | 'discussion';

export interface SidePanelOptions {
  viewerId: string | undefined;
  onGroupChanged: () => void;
  /** A discussion group changed (members, archived), or null when the viewer left it. */
  onDiscussionChanged: (discussion: Discussion | null) => void;
  /** The panel opened or closed (the header buttons show it). */
  onToggle: (tab: SideTab | null) => void;
}

export class SidePanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tabs: HTMLElement;
  private tab: SideTab | null = null;
  private group: GroupInfo | null = null;
  private peer: Peer | null = null;
  private members: MembersPanel | null = null;
  private returnFocus: HTMLElement | null = null;
  private directory: MemberDirectory | null = null;
  private discussion: Discussion | null = null;
  private discussions: DiscussionsPanel | null = null;
  /** The group's members, for adding people to a discussion group (loaded when needed). */
  private groupDirectory: MemberDirectory | null = null;

  constructor(private readonly options: SidePanelOptions) {
    this.tabs = h('div', { class: 'side-tabs', role: 'tablist', 'aria-label': '群资料' });
    this.body = h('div', { class: 'side-body', role: 'tabpanel', tabindex: '-1' });
    const close = h('button', { type: 'button', class: 'btn btn-ghost btn-small side-close', 'aria-label': '关闭侧栏', 'data-testid': 'side-close', onclick: () => this.show(null) }, '×');
    this.el = h('aside', { class: 'conv-side', hidden: true, 'aria-label': '会话详情', 'data-testid': 'side-panel' }, h('div', { class: 'side-top' }, this.tabs, close), this.body);
    this.el.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        this.show(null);
      }
    });
  }

  current(): SideTab | null {
    return this.tab;
  }

  setGroup(group: GroupInfo, directory: MemberDirectory): void {
    const rolesChanged = this.group && (this.group.viewerRole !== group.viewerRole || this.group.viewerCan.manageMembers !== group.viewerCan.manageMembers || this.group.viewerCan.manageAdmins !== group.viewerCan.manageAdmins);
    this.group = group;
    this.directory = directory;
    if (rolesChanged) this.members = null;
    if (this.tab === 'rules' || (this.tab === 'members' && !this.members)) this.render();
    else this.renderTabs();
  }

  /** A discussion group's conversation: the panel shows the discussion, not the whole group. */
  setDiscussion(discussion: Discussion): void {
    this.discussion = discussion;
    if (this.tab === 'discussion') this.render();
    else this.renderTabs();
  }

  setPeer(peer: Peer): void {
    this.peer = peer;
    if (this.tab === 'peer') this.render();
  }

  /** Members joined, left or changed role: reload the list if it is showing. */
  membersChanged(): void {
    if (this.tab === 'members' && this.members) void this.members.reload();
  }

  /** The viewer's discussion groups of this group may have changed. */
  discussionsChanged(): void {
    if (this.tab === 'discussions' && this.discussions) void this.discussions.reload();
  }

  presence(userId: string, online: boolean): void {
    updatePresenceDots(this.el, userId, online);
  }

  /** Opens a tab (or closes the panel with null, or when that tab is already open). */
  toggle(tab: SideTab, trigger: HTMLElement): void {
    this.returnFocus = trigger;
    this.show(this.tab === tab ? null : tab);
  }

  show(tab: SideTab | null): void {
    const wasOpen = this.tab !== null;
    this.tab = tab;
    this.el.hidden = tab === null;
    if (tab === null) {
      this.members = null;
      this.discussions = null;
      replaceChildren(this.body);
      if (wasOpen) this.returnFocus?.focus();
    } else {
      this.render();
      this.body.focus({ preventScroll: true });
    }
    this.options.onToggle(tab);
  }

  private renderTabs(): void {
    const tab = this.tab;
    if (this.discussion) {
      replaceChildren(this.tabs, h('span', { class: 'side-title' }, '讨论组'));
    } else if (this.group) {
      const tabButton = (key: SideTab, label: string) =>
        h('button', { type: 'button', role: 'tab', class: 'side-tab', 'aria-selected': String(tab === key), 'data-testid': `side-tab-${key}`, onclick: () => this.show(key) }, label);
      replaceChildren(this.tabs, tabButton('members', `成员 ${this.group.memberCount}`), tabButton('discussions', '讨论组'), tabButton('rules', '群规'));
    } else replaceChildren(this.tabs, h('span', { class: 'side-title' }, '对方资料'));
  }

  private render(): void {
    const tab = this.tab;
    if (!tab) return;
    this.renderTabs();
    if (tab !== 'discussions') this.discussions = null;
    if (tab === 'discussion' && this.discussion) {
      const d = this.discussion;
      const directory = () => (this.groupDirectory ??= new MemberDirectory(d.group.id));
      replaceChildren(this.body, discussionInfoPanel(d, directory, this.options.viewerId, this.options.onDiscussionChanged));
    } else if (tab === 'discussions' && this.group && this.directory) {
      this.members = null;
      this.discussions ??= new DiscussionsPanel(this.group, this.directory, this.options.viewerId);
      replaceChildren(this.body, this.discussions.el);
    } else if (tab === 'members' && this.group && this.directory) {
      this.members ??= new MembersPanel({ group: this.group, directory: this.directory, viewerId: this.options.viewerId, onGroupChanged: this.options.onGroupChanged });
      replaceChildren(this.body, this.members.el);
    } else if (tab === 'rules' && this.group) {
      this.members = null;
      replaceChildren(this.body, groupInfoPanel(this.group, this.options.onGroupChanged));
    } else if (this.peer) {
      replaceChildren(this.body, peerPanel(this.peer));
    }
  }
}
