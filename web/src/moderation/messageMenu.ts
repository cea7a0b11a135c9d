/**
 * Chat messages: the tombstone of a removed message, and the 举报 / 管理 buttons in a message's
 * toolbar (管理: 移除, 移至论坛, 警告, 禁言, 移出, 禁止加入) for the group's moderators.
 */
import { h } from '../dom.js';
import type { Message } from '../chat/types.js';
import { moderationContext } from './context.js';
import { actionMenu, memberActionDialog, moveDialog, removeDialog, reportDialog, restoreContent, unmute } from './dialogs.js';

export function removedItem(m: Message, base: Record<string, string | number>): HTMLLIElement {
  const ctx = moderationContext(m.conversationId);
  const notice = m.removal!.notice;
  return h(
    'li',
    { class: 'msg-system msg-removed', 'data-testid': 'message-removed', ...base },
    h('span', null, notice),
    m.removal!.movedToThreadId ? h('a', { href: `#/thread/${encodeURIComponent(m.removal!.movedToThreadId)}`, class: 'msg-removed-link' }, '（已移至论坛，查看帖子）') : null,
    m.removedBody
      ? h('details', { class: 'msg-removed-original', 'data-testid': 'message-removed-original' }, h('summary', null, `查看原文（${m.author?.realName ?? ''}）`), h('p', null, m.removedBody))
      : null,
    ctx?.canModerate && !m.removal!.movedToThreadId
      ? h('button', { type: 'button', class: 'btn btn-small btn-link', 'data-testid': 'message-restore', onclick: () => void restoreContent('MESSAGE', m.id) }, '恢复')
      : null,
  );
}

export function moderationButtons(m: Message, viewerId: string | undefined): HTMLElement[] {
  const ctx = moderationContext(m.conversationId);
  const author = m.author;
  // Restricted placeholders have no author: nothing to report or act on.
  if (!ctx || !author || (!ctx.isMember && !ctx.canModerate) || author.id === viewerId) return [];
  const buttons: HTMLElement[] = [];
  if (ctx.isMember) buttons.push(h('button', { type: 'button', class: 'msg-action', 'data-testid': 'action-report', onclick: () => reportDialog('MESSAGE', m.id) }, '举报'));
  if (ctx.canModerate) {
    const manage: HTMLButtonElement = h('button', {
      type: 'button', class: 'msg-action', 'data-testid': 'action-moderate', 'aria-haspopup': 'menu',
      onclick: () =>
        actionMenu(manage, [
          ['移除', 'moderate-remove', () => removeDialog('MESSAGE', m.id)],
          ['移至论坛', 'moderate-move', () => void moveDialog(m.id, ctx.groupId)],
          ['警告', 'moderate-warn', () => memberActionDialog('warn', ctx.groupId, author.id, author.realName, { kind: 'MESSAGE', id: m.id })],
          ['禁言', 'moderate-mute', () => memberActionDialog('mute', ctx.groupId, author.id, author.realName)],
          ['移出', 'moderate-kick', () => memberActionDialog('kick', ctx.groupId, author.id, author.realName)],
          ['禁止加入', 'moderate-ban', () => memberActionDialog('ban', ctx.groupId, author.id, author.realName)],
        ]),
    }, '管理');
    buttons.push(manage);
  }
  return buttons;
}

/** The link in a group conversation's header to 群管理 (moderators only, with open reports). */
export function moderationLinks(group: { id: string; viewerRole: string | null; moderation?: { viewerCanModerate: boolean; openReportCount: number } } | null): HTMLElement[] {
  if (!group?.viewerRole && !group?.moderation?.viewerCanModerate) return [];
  const links: HTMLElement[] = [];
  if (group.moderation?.viewerCanModerate) {
    const open = group.moderation.openReportCount;
    links.push(h('a', { class: 'btn btn-small btn-secondary', href: `#/groups/${encodeURIComponent(group.id)}/moderation`, 'data-testid': 'open-moderation' }, open ? `群管理（${open}）` : '群管理'));
  }
  return links;
}

/**
 * 移出群组, 警告, 禁言, 解除禁言, 禁止加入 in a member's action row (shown where the viewer may
 * remove them: the same policy). 移出 is the same kick as the message menu's; `onDone`
 * refreshes the list after any of them.
 */
export function memberModerationButtons(groupId: string, member: { user: { id: string; realName: string }; mutedUntil?: string | null }, onDone: () => void): HTMLElement[] {
  const name = member.user.realName;
  const button = (label: string, testid: string, run: () => void) => h('button', { type: 'button', class: 'btn btn-small btn-secondary', 'data-testid': testid, onclick: run }, label);
  const kick = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'member-remove', onclick: () => memberActionDialog('kick', groupId, member.user.id, name, undefined, onDone) }, '移出群组');
  const out = [
    kick,
    button('警告', 'member-warn', () => memberActionDialog('warn', groupId, member.user.id, name, undefined, onDone)),
    button('禁言', 'member-mute', () => memberActionDialog('mute', groupId, member.user.id, name, undefined, onDone)),
    button('禁止加入', 'member-ban', () => memberActionDialog('ban', groupId, member.user.id, name, undefined, onDone)),
  ];
  if (member.mutedUntil) {
    out.splice(3, 0, button('解除禁言', 'member-unmute', () => void unmute(groupId, member.user.id).then(onDone)));
  }
  return out;
}
