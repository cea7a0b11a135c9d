/**
 * BBS threads and floors: the 举报 and 管理 buttons (管理: 移除 or 恢复, 警告, 禁言 of the author)
 * and the tombstone of removed content. The same dialogs as chat messages (./dialogs.ts); the
 * thread page decides who sees what from the thread it loaded (viewerCan.moderate, viewerRole).
 */
import { pageError } from '../auth.js';
import { h } from '../dom.js';
import { notify } from '../notify.js';
import { actionMenu, memberActionDialog, removeDialog, reportDialog, restoreContent, type RemovalResult } from './dialogs.js';

export interface ForumModerationContext {
  groupId: string;
  /** Owner, admin or system admin of the group (Thread.viewerCan.moderate). */
  canModerate: boolean;
  /** A member of the group (may report). */
  isMember: boolean;
  viewerId: string | undefined;
}

export interface ForumTarget {
  kind: 'THREAD' | 'REPLY';
  id: string;
  author: { id: string; realName: string };
  removal: RemovalResult | null | undefined;
  /** testid prefix: thread or floor. */
  prefix: 'thread' | 'floor';
}

/** Restores removed content; errors become a notification. */
export async function restoreForum(target: Pick<ForumTarget, 'kind' | 'id'>, onDone: () => void): Promise<void> {
  try {
    await restoreContent(target.kind, target.id);
    onDone();
  } catch (error) {
    const shown = pageError(error);
    if (shown) notify(shown.message, 'error');
  }
}

/**
 * 举报 (members, not on their own content, not once removed) and 管理 (moderators, not on their
 * own content: nobody acts on themselves). `changed` gets the new removal (null when restored).
 */
export function forumModerationButtons(ctx: ForumModerationContext, target: ForumTarget, changed: (removal: RemovalResult | null) => void, buttonClass = 'btn btn-link btn-small'): HTMLElement[] {
  const own = target.author.id === ctx.viewerId;
  if (own) return [];
  const out: HTMLElement[] = [];
  if (ctx.isMember && !target.removal) {
    out.push(h('button', { type: 'button', class: buttonClass, 'data-testid': `${target.prefix}-report`, onclick: () => reportDialog(target.kind, target.id) }, '举报'));
  }
  if (ctx.canModerate) {
    const author = target.author;
    const manage: HTMLButtonElement = h('button', {
      type: 'button',
      class: buttonClass,
      'data-testid': `${target.prefix}-moderate`,
      'aria-haspopup': 'menu',
      onclick: () =>
        actionMenu(manage, [
          target.removal
            ? ['恢复', 'moderate-restore', () => void restoreForum(target, () => changed(null))]
            : ['移除', 'moderate-remove', () => removeDialog(target.kind, target.id, (removal) => changed(removal))],
          ['警告', 'moderate-warn', () => memberActionDialog('warn', ctx.groupId, author.id, author.realName, { kind: target.kind, id: target.id })],
          ['禁言', 'moderate-mute', () => memberActionDialog('mute', ctx.groupId, author.id, author.realName)],
        ]),
    }, '管理');
    out.push(h('span', { class: 'moderation-anchor' }, manage));
  }
  return out;
}
