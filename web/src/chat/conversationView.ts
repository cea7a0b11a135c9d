/**
 * One open conversation (group or private): header, live message list, composer, typing line
 * and side panel. It applies the event stream to what it shows, fills gaps, sends with a
 * clientMessageId (retried with the same id after a network failure, so never twice), marks
 * messages read when they can be seen, and leaves with a notice when the viewer is removed.
 * Messages arrive live without their attachments (a subscription selecting them would be resolved
 * once per subscriber): they are fetched afterwards, a few new messages in one small query.
 */
import { gql, toApiError, type ApiError } from '../api.js';
import { pageError } from '../auth.js';
import { h, replaceChildren, setText } from '../dom.js';
import { notify } from '../notify.js';
import { navigate } from '../router.js';
import { viewer } from '../session.js';
import { errorBox, loading } from '../ui.js';
import { Composer, type SendInput } from './composer.js';
import { closeEmojiPicker, openEmojiPicker } from './emoji.js';
import type { Peer } from './groupInfo.js';
import type { MessageActions } from './messageItem.js';
import { MessageList } from './messageList.js';
import { AnnouncementBar } from './announcementBar.js';
import { MemberDirectory } from './members.js';
import { MAX_OPTIONS } from './mentionPicker.js';
import { realtime } from './realtime.js';
import { SidePanel, type SideTab } from './sidePanel.js';
import { chatStore } from './store.js';
import { withConfirmation } from '../confidentiality/confirm.js';
import { openRaiseDialog } from '../confidentiality/raise.js';
import type { ChatEvent, ChatUser, ConversationKind, GroupInfo, Message } from './types.js';
import { mutedText, setModerationContext } from '../moderation/context.js';
import { moderationLinks } from '../moderation/messageMenu.js';
import type { Discussion } from '../forum/types.js';
import { graphql, type ResultOf } from '../graphql/index.js';
import { DiscussionFields, GroupFields, MessageFields, MessageFiles, UserFields } from '../graphql/fragments.js';

/** A 禁言 or 解除禁言 notice about this group. */
const isMuteNotice = (event: ChatEvent, groupId: string | undefined) =>
  !!groupId && (event.notification?.kind === 'MUTED' || event.notification?.kind === 'UNMUTED') && event.notification.group?.id === groupId;

const PAGE = 50;
const CONVERSATION = graphql(`query Conversation($id: ID!, $first: Int) { conversation(id: $id) {
  id kind lastSeq lastReadSeq
  group { ...GroupFields }
  peer { ...UserFields presence { online lastSeenAt } blockedByViewer }
  discussion { ...DiscussionFields }
  messages(first: $first) { pageInfo { hasPreviousPage hasNextPage startSeq endSeq } edges { node { ...MessageFields ...MessageFiles } } }
} }`, [DiscussionFields, GroupFields, MessageFields, MessageFiles, UserFields]);
const HISTORY = graphql(`query History($id: ID!, $before: Int, $after: Int, $first: Int) { conversation(id: $id) { id
  messages(before: $before, after: $after, first: $first) { pageInfo { hasPreviousPage hasNextPage startSeq endSeq } edges { node { ...MessageFields ...MessageFiles } } } } }`, [MessageFields, MessageFiles]);
const GROUP = graphql('query GroupInfo($id: ID!) { group(id: $id) { ...GroupFields } }', [GroupFields]);
const DISCUSSION = graphql('query DiscussionInfo($id: ID!) { discussion(id: $id) { ...DiscussionFields } }', [DiscussionFields]);
const ATTACHMENTS = graphql(`query MessageAttachments($id: ID!, $after: Int, $first: Int) { conversation(id: $id) { id
  messages(after: $after, first: $first) { edges { node { id ...MessageFiles } } } } }`, [MessageFiles]);
const SEND = graphql(`mutation Send($c: ID!, $body: String!, $key: String!, $reply: ID, $mentions: [ID!], $all: Boolean, $files: [ID!], $level: Confidentiality, $audience: [ID!], $ack: Boolean) {
  sendMessage(conversationId: $c, body: $body, clientMessageId: $key, replyToId: $reply, mentionUserIds: $mentions, mentionAll: $all, attachmentVersionIds: $files,
              confidentiality: $level, audienceUserIds: $audience, acknowledgeSensitive: $ack) { ...MessageFields ...MessageFiles } }`, [MessageFields, MessageFiles]);
const EDIT = graphql('mutation Edit($id: ID!, $body: String!) { editMessage(messageId: $id, body: $body) { ...MessageFields } }', [MessageFields]);
const RAISE = graphql(
  'mutation RaiseMessageLevel($id: ID!, $level: Confidentiality!, $audience: [ID!]) { raiseMessageConfidentiality(messageId: $id, confidentiality: $level, audienceUserIds: $audience) { ...MessageFields } }',
  [MessageFields],
);
const RECALL = graphql('mutation Recall($id: ID!) { recallMessage(messageId: $id) { ...MessageFields } }', [MessageFields]);
const REACT = graphql('mutation React($id: ID!, $emoji: String!) { addReaction(messageId: $id, emoji: $emoji) { ...MessageFields } }', [MessageFields]);
const UNREACT = graphql('mutation Unreact($id: ID!, $emoji: String!) { removeReaction(messageId: $id, emoji: $emoji) { ...MessageFields } }', [MessageFields]);
const MARK_READ = graphql('mutation MarkRead($c: ID!, $seq: Int) { markRead(conversationId: $c, seq: $seq) { id lastReadSeq } }');
const TYPING = graphql('mutation Typing($c: ID!) { setTyping(conversationId: $c) }');

const TYPING_SHOWN_MS = 3000;
/** New messages whose attachments are asked for together. */
const ATTACHMENT_BATCH_MS = 60;

type MessagePage = NonNullable<ResultOf<typeof HISTORY>['conversation']>['messages'];

interface Loaded {
  id: string;
  kind: ConversationKind;
  lastSeq: number;
  lastReadSeq: number;
  group: GroupInfo | null;
  peer: Peer | null;
  /** For a discussion group (讨论组): it (its `group` is the group it belongs to). */
  discussion: Discussion | null;
  messages: MessagePage;
}

interface PendingSend {
  input: SendInput;
  state: 'sending' | 'failed';
  /** Failed for lack of network: sent again (same id) when the connection is back. */
  retryable: boolean;
}

/** A clientMessageId: crypto.randomUUID where the page is a secure context, random bytes elsewhere. */
function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class ConversationView {
  readonly el: HTMLElement;
  private readonly head: HTMLElement;
  private readonly main: HTMLElement;
  private readonly typingLine: HTMLElement;
  private readonly archivedNotice: HTMLElement;
  private readonly side: SidePanel;
  private readonly membersButton: HTMLButtonElement;
  private readonly rulesButton: HTMLButtonElement;
  private readonly discussionsButton: HTMLButtonElement;
  /** A message to show once the history is loaded (opened from a search result). */
  private target: { id: string; seq: number | null } | null = null;
  /** The side panel tab to open once loaded (a notification's link, ?panel=members). */
  private panelWanted: SideTab | null = null;
  private list: MessageList | null = null;
  private composer: Composer | null = null;
  private directory: MemberDirectory | null = null;
  private announcements: AnnouncementBar | null = null;
  private data: Loaded | null = null;
  private early: ChatEvent[] | null = [];
  private readonly pending = new Map<string, PendingSend>();
  private readonly typing = new Map<string, { name: string; timer: number }>();
  private readonly viewerId = viewer()?.id;
  private readSent = 0;
  private readTimer: number | undefined;
  private groupTimer: number | undefined;
  /** Reloads the group when the viewer's mute (or 全员禁言) ends, so the composer opens by itself. */
  private muteEndTimer: number | undefined;
  private filling: Promise<void> = Promise.resolve();
  private olderLoading = false;
  /** Seqs of live messages whose attachments are still to be fetched. */
  private readonly attachmentSeqs = new Set<number>();
  private attachmentTimer: number | undefined;
  private destroyed = false;
  private readonly detach: Array<() => void> = [];

  constructor(
    private readonly id: string,
    private readonly onTitle: (title: string) => void,
  ) {
    this.head = h('header', { class: 'conv-head' });
    this.main = h('div', { class: 'conv-main' }, loading('正在加载会话…'));
    this.typingLine = h('p', { class: 'typing', hidden: true, 'data-testid': 'typing' });
    this.archivedNotice = h('p', { class: 'composer-archived', role: 'status', hidden: true, 'data-testid': 'discussion-archived' });
    this.membersButton = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': 'false', 'data-testid': 'toggle-members' }, '成员');
    this.rulesButton = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': 'false', 'data-testid': 'toggle-rules' }, '群规');
    this.side = new SidePanel({
      viewerId: this.viewerId,
      onGroupChanged: () => void this.reloadGroup(),
      onDiscussionChanged: (d) => this.discussionChanged(d),
      onToggle: (tab) => this.sideToggled(tab),
    });
    this.discussionsButton = h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'aria-expanded': 'false', 'data-testid': 'toggle-discussions' }, '讨论组');
    this.membersButton.addEventListener('click', () => this.side.toggle(this.data?.kind === 'DIRECT' ? 'peer' : this.data?.kind === 'DISCUSSION' ? 'discussion' : 'members', this.membersButton));
    this.discussionsButton.addEventListener('click', () => this.side.toggle('discussions', this.discussionsButton));
    this.rulesButton.addEventListener('click', () => this.side.toggle('rules', this.rulesButton));
    this.el = h(
      'section',
      { class: 'conv', 'data-testid': 'conversation', 'data-conversation-id': id, 'aria-label': '会话' },
      this.head,
      h('div', { class: 'conv-body' }, this.main, this.side.el),
    );
    this.detach.push(
      realtime.onEvent((event) => this.onEvent(event)),
      realtime.onResync(() => void this.load()),
      realtime.onState((state, recovered) => {
        if (recovered) this.recovered();
        if (state === 'online') this.retrySends();
      }),
      chatStore.onPresence((userId, online) => {
        this.side.presence(userId, online);
        if (this.data?.peer?.id === userId) this.renderHead();
      }),
    );
    const visibility = () => this.noteViewing();
    document.addEventListener('visibilitychange', visibility);
    window.addEventListener('focus', visibility);
    this.detach.push(() => {
      document.removeEventListener('visibilitychange', visibility);
      window.removeEventListener('focus', visibility);
    });
    void this.load();
  }

  destroy(): void {
    this.destroyed = true;
    for (const off of this.detach) off();
    this.list?.destroy();
    for (const t of this.typing.values()) window.clearTimeout(t.timer);
    window.clearTimeout(this.readTimer);
    window.clearTimeout(this.groupTimer);
    window.clearTimeout(this.muteEndTimer);
    window.clearTimeout(this.attachmentTimer);
    closeEmojiPicker();
    chatStore.setViewing(null);
  }

  // ---------- loading ----------

  private async load(): Promise<void> {
    this.early ??= [];
    try {
      const { conversation } = await gql(CONVERSATION, { id: this.id, first: PAGE });
      if (this.destroyed) return;
      this.show(conversation);
    } catch (error) {
      if (this.destroyed) return;
      const shown = pageError(error);
      if (!shown) return;
      replaceChildren(this.head);
      if (shown.code === 'NOT_FOUND') {
        this.onTitle('会话不存在');
        replaceChildren(
          this.main,
          h('div', { class: 'empty', 'data-testid': 'conversation-missing' }, h('h1', { class: 'page-title', tabindex: '-1' }, '会话不存在，或您已不在该群中'), h('p', null, h('a', { href: '#/chat' }, '返回消息列表'), ' · ', h('a', { href: '#/groups' }, '发现群组'))),
        );
      } else replaceChildren(this.main, errorBox(shown, () => void this.load()));
    }
  }

  private show(c: Loaded): void {
    const first = !this.data;
    this.data = c;
    setModerationContext(this.id, c.group ?? null);
    if (c.group && c.kind !== 'DISCUSSION' && !this.directory) this.directory = new MemberDirectory(c.group.id);
    if (c.peer?.presence) chatStore.setOnline(c.peer.id, c.peer.presence.online);
    if (first) {
      this.list = new MessageList({ viewerId: this.viewerId, actions: this.actions(), loadOlder: () => void this.loadOlder(), onScroll: () => this.noteViewing() });
      this.composer = new Composer({
        conversationId: this.id,
        mentions: {
          viewerId: this.viewerId,
          mentionAll: () => this.data?.kind === 'GROUP' && !!this.data.group?.viewerCan.mentionAll,
          members: async () => this.memberUsers(),
          // In a group the server finds the members (the page need not hold them all).
          search: this.directory ? (query) => this.directory!.search(query, MAX_OPTIONS) : undefined,
          known: () => (this.directory ? (this.directory.known()?.map((m) => m.user) ?? null) : this.data?.discussion ? this.data.discussion.members : this.data?.peer ? [this.data.peer] : null),
        },
        // A group conversation attaches from the group's 群文件; a discussion group or private chat from its own files.
        library: c.kind === 'GROUP' && c.group ? { groupId: c.group.id } : { conversationId: c.id },
        send: (input) => this.send(input),
        direct: () => this.data?.kind === 'DIRECT',
        typing: () => void gql(TYPING, { c: this.id }).catch(() => undefined),
      });
      if (c.kind === 'GROUP' && c.group) this.announcements = new AnnouncementBar(c.group.id);
      replaceChildren(this.main, this.announcements?.el ?? null, this.list.el, h('div', { class: 'typing-row', 'aria-live': 'polite' }, this.typingLine), this.archivedNotice, this.composer.el);
    }
    const page = c.messages;
    this.list!.reset(page.edges.map((e) => e.node), page.pageInfo.hasPreviousPage, c.lastReadSeq);
    this.readSent = c.lastReadSeq;
    this.renderHead();
    this.updateComposer();
    if (c.group && this.directory) this.side.setGroup(c.group, this.directory);
    if (c.discussion) this.side.setDiscussion(c.discussion);
    if (c.peer) this.side.setPeer(c.peer);
    if (this.panelWanted) this.openPanel(this.panelWanted);
    const early = this.early ?? [];
    this.early = null;
    for (const event of early) this.onEvent(event);
    // Messages that came in while the first page was on its way.
    if (c.lastSeq > this.list!.lastSeq()) void this.fillGap();
    if (first && this.composer && !this.composer.textarea.disabled && !this.target) this.composer.focus();
    this.noteViewing();
    if (this.target) {
      const { id, seq } = this.target;
      this.target = null;
      void this.jumpTo(id, seq ?? 0);
    }
  }

  /** About this group: a new application (the 成员 panel). The pinned bar follows ANNOUNCEMENTS_CHANGED. */
  private onNotification(event: ChatEvent): void {
    // 禁言 and its lifting reach the member as a notification (no conversation): the composer follows at once.
    if (isMuteNotice(event, this.data?.group?.id)) return this.scheduleGroupReload();
    const n = event.notification;
    if (!n || this.destroyed || this.data?.kind !== 'GROUP' || n.group?.id !== this.data.group?.id) return;
    if (n.kind === 'GROUP_APPLICATION') this.side.membersChanged();
  }

  /** Opens a side panel tab (now, or once the conversation is loaded). */
  openPanel(tab: SideTab): void {
    this.panelWanted = this.data ? null : tab;
    if (this.data && this.side.current() !== tab) this.side.toggle(tab, this.membersButton);
  }

  /** Scrolls to a message (loading older history as needed) and highlights it. */
  showMessage(id: string, seq: number | null): void {
    if (!this.data || !this.list) {
      this.target = { id, seq };
      return;
    }
    void this.jumpTo(id, seq ?? 0);
  }

  private async memberUsers(): Promise<ChatUser[]> {
    if (this.directory) return (await this.directory.all()).map((m) => m.user);
    if (this.data?.discussion) return this.data.discussion.members;
    return this.data?.peer ? [this.data.peer] : [];
  }

  private scheduleGroupReload(): void {
    window.clearTimeout(this.groupTimer);
    this.groupTimer = window.setTimeout(() => void this.reloadGroup(), 250);
  }

  private async reloadGroup(): Promise<void> {
    if (this.data?.discussion) return this.reloadDiscussion();
    const group = this.data?.group;
    if (!group) return;
    try {
      const data = await gql(GROUP, { id: group.id });
      if (this.destroyed || !this.data) return;
      this.data.group = data.group;
      setModerationContext(this.id, data.group);
      this.directory?.invalidate();
      this.renderHead();
      this.updateComposer();
      if (this.directory) this.side.setGroup(data.group, this.directory);
    } catch (error) {
      const shown = pageError(error);
      if (shown?.code === 'NOT_FOUND') this.leave(null);
    }
  }

  private async reloadDiscussion(): Promise<void> {
    const d = this.data?.discussion;
    if (!d) return;
    try {
      const data = await gql(DISCUSSION, { id: d.id });
      if (!this.destroyed) this.discussionChanged(data.discussion);
    } catch (error) {
      const shown = pageError(error);
      if (shown?.code === 'NOT_FOUND') this.leave(null);
    }
  }

  /** The discussion group changed (members, archived), or the viewer left it (null). */
  private discussionChanged(d: Discussion | null): void {
    if (this.destroyed || !this.data) return;
    if (!d) return this.leave('MEMBER_LEFT');
    this.data.discussion = d;
    this.renderHead();
    this.updateComposer();
    this.side.setDiscussion(d);
  }

  /** Older history, 50 at a time, keeping the reading position. */
  private async loadOlder(): Promise<void> {
    const list = this.list;
    const before = list?.firstSeq();
    if (!list || !before || this.olderLoading) return;
    this.olderLoading = true;
    list.setLoadingOlder(true);
    try {
      const { conversation } = await gql(HISTORY, { id: this.id, before, first: PAGE });
      if (this.destroyed) return;
      list.setLoadingOlder(false);
      list.prepend(conversation.messages.edges.map((e) => e.node), conversation.messages.pageInfo.hasPreviousPage);
    } catch (error) {
      const shown = pageError(error);
      if (shown) list.setLoadingOlder(false, shown.message);
    } finally {
      this.olderLoading = false;
    }
  }

  /** Fetches what is missing after the newest message shown (one run at a time). */
  private fillGap(): Promise<void> {
    this.filling = this.filling.then(async () => {
      for (let guard = 0; guard < 50 && !this.destroyed && this.list; guard += 1) {
        const after = this.list.lastSeq();
        try {
          const { conversation } = await gql(HISTORY, { id: this.id, after, first: 100 });
          if (this.destroyed) return;
          for (const e of conversation.messages.edges) this.applyMessage(e.node, true);
          if (!conversation.messages.pageInfo.hasNextPage || !conversation.messages.edges.length) return;
        } catch (error) {
          pageError(error);
          return;
        }
      }
    });
    return this.filling;
  }

  // ---------- events ----------

  private onEvent(event: ChatEvent): void {
    if (this.destroyed) return;
    if (event.type === 'NOTIFICATION') return this.onNotification(event);
    if (event.conversationId !== this.id) return;
    if (this.early) {
      this.early.push(event);
      return;
    }
    const m = event.message;
    switch (event.type) {
      case 'MESSAGE_ADDED':
        if (!m) return;
        if (m.author) this.stopTyping(m.author.id);
        if (this.list && m.seq > this.list.lastSeq() + 1) void this.fillGap();
        else {
          // Sent from here: the mutation's answer carries the attachments.
          const mine = !!m.clientMessageId && this.pending.has(m.clientMessageId);
          this.applyMessage(m, true);
          if (!mine && this.list?.get(m.id)?.attachments === undefined) this.queueAttachments(m.seq);
        }
        return;
      case 'MESSAGE_EDITED':
      case 'MESSAGE_RECALLED':
      case 'MESSAGE_REMOVED':
      case 'MESSAGE_RESTORED':
      case 'REACTION_CHANGED':
        if (m) this.applyMessage(m, false);
        return;
      case 'TYPING':
        if (event.user && event.user.id !== this.viewerId) this.startTyping(event.user);
        return;
      case 'MEMBER_JOINED':
      case 'MEMBER_LEFT':
      case 'MEMBER_REMOVED': {
        if (event.user?.id === this.viewerId && event.type !== 'MEMBER_JOINED') return this.leave(event.type);
        // The count is refetched, not adjusted: the event may already be in what was loaded.
        this.directory?.invalidate();
        this.side.membersChanged();
        this.scheduleGroupReload();
        return;
      }
      case 'MEMBER_ROLE_CHANGED':
      case 'GROUP_UPDATED':
        this.scheduleGroupReload();
        return;
      case 'ANNOUNCEMENTS_CHANGED':
        void this.announcements?.reload();
        return;
      default:
        return;
    }
  }

  /** Shows a stored message: new ones at the bottom, changed ones in place. */
  private applyMessage(m: Message, added: boolean): void {
    if (!this.list) return;
    if (m.clientMessageId && this.pending.has(m.clientMessageId)) {
      this.pending.delete(m.clientMessageId);
      this.list.removePending(m.clientMessageId);
    }
    // A change to a message not shown (older, or not fetched yet) waits for its own fetch.
    const result = this.list.upsert(m, !added);
    if (m.recalledAt) this.composer?.replyGone(m.id);
    if (added && result === 'appended') this.noteViewing();
  }

  private queueAttachments(seq: number): void {
    this.attachmentSeqs.add(seq);
    window.clearTimeout(this.attachmentTimer);
    this.attachmentTimer = window.setTimeout(() => void this.fetchAttachments(), ATTACHMENT_BATCH_MS);
  }

  /** The attachments of the live messages queued: one query per run of at most 100 seqs. */
  private async fetchAttachments(): Promise<void> {
    const seqs = [...this.attachmentSeqs].sort((a, b) => a - b);
    this.attachmentSeqs.clear();
    while (seqs.length && !this.destroyed) {
      const first = seqs[0];
      const batch = seqs.filter((s) => s < first + 100);
      seqs.splice(0, batch.length);
      const last = batch[batch.length - 1];
      try {
        const { conversation } = await gql(ATTACHMENTS, { id: this.id, after: first - 1, first: last - first + 1 });
        if (this.destroyed) return;
        for (const { node } of conversation.messages.edges) this.list?.setAttachments(node.id, node.attachments ?? []);
      } catch {
        // Not shown now; the next history load has them.
      }
    }
  }

  private startTyping(user: ChatUser): void {
    const current = this.typing.get(user.id);
    if (current) window.clearTimeout(current.timer);
    this.typing.set(user.id, { name: user.realName, timer: window.setTimeout(() => this.stopTyping(user.id), TYPING_SHOWN_MS) });
    this.renderTyping();
  }

  private stopTyping(userId: string): void {
    const current = this.typing.get(userId);
    if (!current) return;
    window.clearTimeout(current.timer);
    this.typing.delete(userId);
    this.renderTyping();
  }

  private renderTyping(): void {
    const names = [...this.typing.values()].map((t) => t.name);
    setText(this.typingLine, names.length === 0 ? null : names.length <= 2 ? `${names.join('、')} 正在输入…` : `${names.slice(0, 2).join('、')} 等 ${names.length} 人正在输入…`);
  }

  /** Removed or left (here or in another tab): back to the list. */
  private leave(type: 'MEMBER_LEFT' | 'MEMBER_REMOVED' | null): void {
    if (this.destroyed) return;
    const discussion = this.data?.discussion;
    const name = discussion?.topic ?? this.data?.group?.name ?? '';
    if (discussion) {
      if (type !== 'MEMBER_LEFT') notify(`您已不在讨论组“${name}”中`, 'info');
    } else if (type !== 'MEMBER_REMOVED') notify(type === 'MEMBER_LEFT' ? `您已退出“${name}”` : '您已不在该群中', 'info');
    this.destroyed = true;
    navigate('#/chat', true);
  }

  private recovered(): void {
    if (!this.data) return;
    void this.fillGap();
    // Presence is not replayed: fetch the members (and their dots) again.
    this.directory?.invalidate();
    this.side.membersChanged();
  }

  // ---------- read state ----------

  /** Tells the store whether new messages here are seen, and marks them read when they are. */
  private noteViewing(): void {
    if (!this.list || !this.data || this.destroyed) return;
    const seen = document.visibilityState === 'visible' && this.list.atBottom();
    chatStore.setViewing(seen ? this.id : null);
    const last = this.list.lastSeq();
    if (!seen || last <= this.readSent) return;
    this.readSent = last;
    chatStore.markedRead(this.id, last);
    window.clearTimeout(this.readTimer);
    this.readTimer = window.setTimeout(() => {
      void gql(MARK_READ, { c: this.id, seq: this.readSent }).catch(() => {
        // Not marked: try again the next time something is seen.
        this.readSent = 0;
      });
    }, 300);
  }

  // ---------- sending ----------

  private send(input: SendInput): void {
    const key = newClientId();
    this.pending.set(key, { input, state: 'sending', retryable: false });
    this.showPending(key);
    void this.trySend(key);
  }

  private showPending(key: string, error: ApiError | null = null): void {
    const p = this.pending.get(key);
    if (!p || !this.list) return;
    this.list.setPending(
      key,
      p.input.body,
      p.state,
      error ? (error.code === 'NETWORK_ERROR' ? '网络已断开，恢复后自动重发' : error.message) : null,
      () => {
        p.state = 'sending';
        this.showPending(key);
        void this.trySend(key);
      },
      () => {
        this.pending.delete(key);
        this.list?.removePending(key);
      },
      p.input.attachments.map((v) => v.name),
    );
  }

  private async trySend(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (!p) return;
    const { input } = p;
    try {
      // 保密提醒: a warned send asks the author (dialog) and goes again with the acknowledgement.
      const data = await withConfirmation((ack) =>
        gql(SEND, {
          c: this.id,
          body: input.body,
          key,
          reply: input.replyTo?.id ?? null,
          mentions: input.mentionUserIds.length ? input.mentionUserIds : null,
          all: input.mentionAll || null,
          files: input.attachments.length ? input.attachments.map((v) => v.id) : null,
          level: input.confidentiality,
          audience: input.audienceUserIds.length ? input.audienceUserIds : null,
          ack: ack || null,
        }),
      );
      if (this.destroyed) return;
      if (!data) {
        // The author went back to edit: the text returns to the box.
        this.pending.delete(key);
        this.list?.removePending(key);
        this.composer?.restore(input.body);
        return;
      }
      this.applyMessage(data.sendMessage, true);
      this.list?.scrollToBottom();
    } catch (error) {
      if (this.destroyed || !this.pending.has(key)) return;
      const e = toApiError(error);
      if (e.code === 'UNAUTHENTICATED') {
        pageError(error);
        return;
      }
      p.state = 'failed';
      p.retryable = e.code === 'NETWORK_ERROR' || e.code === 'INTERNAL_SERVER_ERROR';
      this.showPending(key, e);
    }
  }

  /** The connection is back: send again what failed for lack of it (same clientMessageId). */
  private retrySends(): void {
    for (const [key, p] of this.pending) {
      if (p.state !== 'failed' || !p.retryable) continue;
      p.state = 'sending';
      this.showPending(key);
      void this.trySend(key);
    }
  }

  // ---------- message actions ----------

  private actions(): MessageActions {
    const latest = (m: Message) => this.list?.get(m.id) ?? m;
    const mutate = async (run: () => Promise<Message>) => {
      try {
        const message = await run();
        if (!this.destroyed) this.applyMessage(message, false);
        return true;
      } catch (error) {
        const shown = pageError(error);
        if (shown) notify(shown.message, 'error');
        return false;
      }
    };
    return {
      reply: (m) => this.composer?.setReply(latest(m)),
      toggleReaction: (m, emoji, add) => void mutate(async () => (add ? (await gql(REACT, { id: m.id, emoji })).addReaction : (await gql(UNREACT, { id: m.id, emoji })).removeReaction)),
      pickReaction: (m, anchor) =>
        openEmojiPicker(
          anchor,
          (code) => {
            const current = latest(m).reactions.find((r) => r.emoji === code);
            if (current?.viewerReacted) return;
            void mutate(async () => (await gql(REACT, { id: m.id, emoji: code })).addReaction);
          },
          '选择回应表情',
        ),
      recall: (m) => void mutate(async () => (await gql(RECALL, { id: m.id })).recallMessage),
      edit: (m) => this.startEdit(latest(m)),
      raiseLevel: (m) => {
        const current = latest(m);
        void openRaiseDialog({
          current: current.confidentiality,
          what: '这条消息',
          members: () => this.memberUsers(),
          authorId: current.author?.id,
          apply: async ({ level, audienceUserIds }) => {
            const data = await gql(RAISE, { id: m.id, level, audience: audienceUserIds });
            if (!this.destroyed) this.applyMessage(data.raiseMessageConfidentiality, false);
          },
        }).then((raised) => raised && notify('已提高保密级别', 'success'));
      },
      jumpTo: (messageId, seq) => void this.jumpTo(messageId, seq),
    };
  }

  private startEdit(m: Message): void {
    if (!this.list) return;
    const box = h('textarea', { class: 'edit-input', rows: 3, 'aria-label': '编辑消息', maxlength: 4200, 'data-testid': 'edit-input' });
    box.value = m.body ?? '';
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const cancel = () => {
      this.list?.setEditing(null);
      this.list?.reveal(m.id);
    };
    const save = async () => {
      const body = box.value;
      if (body === m.body) return cancel();
      if (!body.trim()) return setText(error, '消息内容不能为空');
      saveButton.disabled = true;
      try {
        const data = await gql(EDIT, { id: m.id, body });
        this.list?.setEditing(null);
        this.applyMessage(data.editMessage, false);
      } catch (e) {
        const shown = pageError(e);
        if (shown) setText(error, shown.message);
        saveButton.disabled = false;
      }
    };
    const saveButton = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'edit-save', onclick: () => void save() }, '保存');
    box.addEventListener('keydown', (event) => {
      if (event.isComposing || event.keyCode === 229) return;
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        void save();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        cancel();
      }
    });
    const editor = h(
      'div',
      { class: 'msg-editor', 'data-testid': 'message-editor' },
      box,
      error,
      h('div', { class: 'actions' }, saveButton, h('button', { type: 'button', class: 'btn btn-small btn-link', onclick: cancel }, '取消'), h('span', { class: 'muted small' }, 'Enter 保存 · Esc 取消')),
    );
    this.list.setEditing(m.id, editor);
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  private async jumpTo(messageId: string, seq: number): Promise<void> {
    const list = this.list;
    if (!list) return;
    for (let guard = 0; guard < 20 && !list.reveal(messageId); guard += 1) {
      const first = list.firstSeq();
      if (first === null || first <= seq || !list.el.querySelector('[data-testid=load-older]')) {
        notify('原消息已不可见', 'info');
        return;
      }
      await this.loadOlder();
    }
  }

  // ---------- header and composer ----------

  private renderHead(): void {
    const c = this.data;
    if (!c) return;
    const group = c.group;
    const peer = c.peer;
    const discussion = c.discussion;
    const title = discussion ? discussion.topic : group ? group.name : peer ? peer.realName : '私聊';
    this.onTitle(discussion ? `讨论组：${title}` : group ? title : `与${title}私聊`);
    const online = peer ? chatStore.isOnline(peer.id) : undefined;
    this.membersButton.textContent = discussion ? `成员 ${discussion.members.length}` : group ? `成员 ${group.memberCount}` : '对方资料';
    this.rulesButton.hidden = !group || !!discussion;
    this.discussionsButton.hidden = !group || !!discussion || !group.viewerRole;
    const groupChat = discussion && group ? chatStore.list().find((item) => item.kind === 'GROUP' && item.group?.id === group.id) : undefined;
    const forumLink = group && group.viewerRole ? h('a', { class: 'btn btn-small btn-secondary', href: `#/groups/${encodeURIComponent(group.id)}/bbs`, 'data-testid': 'open-bbs' }, '论坛') : null;
    const filesLink = group && group.viewerRole ? h('a', { class: 'btn btn-small btn-secondary', href: `#/groups/${encodeURIComponent(group.id)}/files`, 'data-testid': 'open-files' }, '群文件') : null;
    replaceChildren(
      this.head,
      h('a', { class: 'conv-back', href: '#/chat', 'aria-label': '返回消息列表' }, '‹'),
      h(
        'div',
        { class: 'conv-title' },
        h('h1', { class: 'page-title', tabindex: '-1', 'data-testid': 'conversation-title' }, title),
        discussion && group
          ? h(
              'p',
              { class: 'conv-sub', 'data-testid': 'conversation-sub' },
              h('span', { class: 'badge badge-discussion' }, discussion.archivedAt ? '讨论组 · 已归档' : '讨论组'),
              ` ${discussion.members.length} 人 · 所属群组 `,
              groupChat ? h('a', { href: `#/chat/${encodeURIComponent(groupChat.id)}`, 'data-testid': 'discussion-group-link' }, group.name) : group.name,
            )
          : group
          ? h('p', { class: 'conv-sub', 'data-testid': 'conversation-sub' }, `${group.memberCount} 人 · ${group.visibility === 'LISTED' ? '公开群' : '邀请制'}${group.purpose ? ` · ${group.purpose}` : ''}`)
          : peer
            ? h('p', { class: 'conv-sub' }, h('span', { class: online ? 'presence presence-on' : 'presence', 'aria-hidden': 'true' }), `${online ? '在线' : '离线'} · ${peer.unit.name} · ${peer.title}`)
            : null,
      ),
      h('div', { class: 'conv-tools' }, discussion ? null : forumLink, discussion ? null : filesLink, ...(discussion ? [] : moderationLinks(group ?? null)), this.membersButton, discussion ? null : this.discussionsButton, this.rulesButton),
    );
  }

  private updateComposer(): void {
    const group = this.data?.group;
    if (!this.composer) return;
    const archived = !!this.data?.discussion?.archivedAt;
    this.composer.el.hidden = archived;
    setText(this.archivedNotice, archived ? '讨论组已归档，只能查看历史消息。发起人或群管理员可在“成员”中重新开启。' : null);
    if (archived) this.composer.setEnabled(false, '讨论组已归档');
    else if (group && !group.viewerCan.post) this.composer.setEnabled(false, group.viewerRole ? mutedText(group) : '您不是本群成员，不能发言');
    else this.composer.setEnabled(true);
    this.watchMuteEnd();
  }

  /** A mute with an end: the group is asked again just after it (a timer holds at most about 24 days). */
  private watchMuteEnd(): void {
    window.clearTimeout(this.muteEndTimer);
    const until = this.data?.group?.moderation?.viewerMuted ? this.data.group.moderation.viewerMutedUntil : null;
    if (!until) return;
    const wait = Math.min(new Date(until).getTime() - Date.now() + 1000, 2 ** 31 - 1);
    this.muteEndTimer = window.setTimeout(() => void this.reloadGroup(), Math.max(wait, 1000));
  }

  private sideToggled(tab: SideTab | null): void {
    this.membersButton.setAttribute('aria-expanded', String(tab === 'members' || tab === 'peer' || tab === 'discussion'));
    this.discussionsButton.setAttribute('aria-expanded', String(tab === 'discussions'));
    this.rulesButton.setAttribute('aria-expanded', String(tab === 'rules'));
    this.el.classList.toggle('conv-side-open', tab !== null);
  }
}
