/**
 * The pinned bar at the top of a group's chat: the latest pinned announcement (群公告, or a
 * bulletin such as 工作周报), one line that opens it, with a link to all of the group's
 * announcements. The conversation view reloads it on ANNOUNCEMENTS_CHANGED (posted, edited,
 * pinned or unpinned), which reaches every member, the author too.
 */
import { gql } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { graphql } from '../graphql/index.js';

const PINNED = graphql(`query ChatPinnedAnnouncements($g: ID!) { group(id: $g) { id announcements(first: 2, pinnedOnly: true) {
  edges { node { id title bulletin author { realName } } } } } }`);

export class AnnouncementBar {
  readonly el: HTMLElement;
  private seq = 0;

  constructor(private readonly groupId: string) {
    this.el = h('div', { class: 'chat-announcement', hidden: true, 'data-testid': 'chat-announcement-bar' });
    void this.reload();
  }

  /** Loads the pinned announcements again (a failure keeps what is shown). */
  async reload(): Promise<void> {
    const seq = ++this.seq;
    try {
      const data = await gql(PINNED, { g: this.groupId });
      if (seq !== this.seq) return;
      const [latest, another] = data.group.announcements.edges.map((e) => e.node);
      this.el.hidden = !latest;
      if (!latest) return replaceChildren(this.el);
      replaceChildren(
        this.el,
        h('span', { class: 'badge badge-pin' }, latest.bulletin ? '通报' : '公告'),
        h('a', { href: `#/announcements/${encodeURIComponent(latest.id)}`, class: 'chat-announcement-link', 'data-testid': 'chat-announcement', title: latest.title }, latest.title),
        h('span', { class: 'muted small chat-announcement-by' }, latest.author.realName),
        another ? h('a', { href: `#/meetings/group/${encodeURIComponent(this.groupId)}`, class: 'small', 'data-testid': 'chat-announcement-all' }, '全部公告') : null,
      );
    } catch {
      // Not essential to chatting: the next announcement or visit tries again.
    }
  }
}
