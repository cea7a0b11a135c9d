import type { EntityManager } from '@mikro-orm/postgresql';
import type { ModerationReason } from '../../db/entities/index.js';
import type { AuditAction } from '../../audit/logger.js';
import { REASON_LABELS } from '../content/reasons.js';
import { AUDIT_LABELS } from '../../audit/labels.js';
import { beijing, esc, WITHHELD } from './html.js';
import {
  authoredMessages, authoredReplies, authoredThreads, conversationMessages, groupAnnouncements, groupAudit, groupDiscussions, groupFiles, groupMeetings, groupThreads, threadReplies, uploadedFiles,
  type AnnouncementRow, type AuditRow, type DiscussionRow, type FileRow, type MeetingRow, type MessageRow, type Range, type ReplyRow, type ThreadRow,
} from './store.js';

/**
 * The sections of an archive. Each is a page (`<key>.html`) and a JSON file (`data/<key>.json`),
 * both written from the same rows, read twice in pages (so nothing grows with the archive).
 */
export interface Section<R> {
  key: string;
  title: string;
  empty: string;
  rows: () => AsyncIterable<R>;
  html: (row: R) => string;
  json: (row: R) => unknown;
  /** Markup around the rows on the page (a table's head and end). */
  open?: string;
  close?: string;
}

const PAGE = 500;

/** Pages of rows through a keyset, one query at a time. */
async function* paged<R>(fetch: (last: R | null) => Promise<R[]>): AsyncIterable<R> {
  let last: R | null = null;
  for (;;) {
    const page = await fetch(last);
    yield* page;
    if (page.length < PAGE) return;
    last = page[page.length - 1]!;
  }
}

const LEVEL: Record<string, string> = { normal: '普通', internal: '内部', restricted: '受限' };
const removal = (reason: string | null) => (reason ? `（原因：${REASON_LABELS[reason as ModerationReason] ?? reason}）` : '');
const who = (name: string, unit?: string | null) => (unit ? `${name}（${unit}）` : name);

// ---- Messages ----

function messageState(m: MessageRow): string {
  if (!m.readable) return `<p class="withheld">${esc(WITHHELD)}</p>`;
  if (m.recalled_at) return `<p class="record">此消息已于 ${esc(beijing(m.recalled_at))} 被发送人撤回，原文不予导出</p>`;
  if (m.removed_at) return `<p class="record">此消息已于 ${esc(beijing(m.removed_at))} 被管理员移除${esc(removal(m.removal_reason))}，原文不予导出</p>`;
  const edits = (m.edits ?? []).map((e) => `<div class="old">修改前（${esc(beijing(e.at))} 修改）：${esc(e.previousBody)}</div>`).join('');
  const files = (m.attachments ?? []).map((a) => `<li>附件：${esc(a.name)}</li>`).join('');
  return `<p class="text">${esc(m.body)}</p>${m.edited_at ? `<p class="record">已编辑（最后编辑于 ${esc(beijing(m.edited_at))}）</p>` : ''}${edits}${files ? `<ul>${files}</ul>` : ''}`;
}

function messageHtml(m: MessageRow, withPlace: boolean): string {
  const reply = m.reply_to_seq ? ` · 回复第 ${m.reply_to_seq} 条` : '';
  const place = withPlace && m.place ? ` · ${esc(m.place)}` : '';
  return `<article id="m-${esc(m.id)}"><p class="meta">#${m.seq} · ${esc(who(m.author_name, m.author_unit))} · ${esc(beijing(m.created_at))}${place} · 密级：${esc(LEVEL[m.confidentiality] ?? m.confidentiality)}${esc(reply)}</p>${messageState(m)}</article>\n`;
}

function messageJson(m: MessageRow) {
  return {
    id: m.id, seq: m.seq, place: m.place ?? undefined, author: m.author_name, authorUnit: m.author_unit, createdAt: m.created_at, confidentiality: m.confidentiality, replyToSeq: m.reply_to_seq,
    withheld: !m.readable, body: m.body, editedAt: m.edited_at, editCount: m.edit_count, edits: m.edits ?? [], recalledAt: m.recalled_at, removedAt: m.removed_at, removalReason: m.removal_reason,
    attachments: m.attachments ?? [],
    ...(m.readable ? {} : { placeholder: WITHHELD }),
  };
}

export function groupMessagesSection(em: EntityManager, conversationId: string, range: Range, viewerId: string): Section<MessageRow> {
  return {
    key: 'messages', title: '群聊消息', empty: '所选时间范围内没有群聊消息。',
    rows: () => paged((last) => conversationMessages(em, conversationId, range, viewerId, last?.seq ?? 0, PAGE)),
    html: (m) => messageHtml(m, false),
    json: messageJson,
  };
}

export function ownMessagesSection(em: EntityManager, userId: string): Section<MessageRow> {
  return {
    key: 'messages', title: '我发送的消息', empty: '没有发送过消息。',
    rows: () => paged((last) => authoredMessages(em, userId, last ? [last.created_at, last.id] : null, PAGE)),
    html: (m) => messageHtml(m, true),
    json: messageJson,
  };
}

// ---- Discussion groups ----

type DiscussionItem = { discussion: DiscussionRow } | { discussionId: string; message: MessageRow };

export function discussionsSection(em: EntityManager, groupId: string, range: Range, viewerId: string): Section<DiscussionItem> {
  return {
    key: 'discussions', title: '讨论组', empty: '所选时间范围内没有讨论组。',
    rows: async function* () {
      for (const d of await groupDiscussions(em, groupId, range, viewerId)) {
        yield { discussion: d };
        if (!d.viewer_is_member) continue;
        for await (const message of paged<MessageRow>((last) => conversationMessages(em, d.conversation_id, range, viewerId, last?.seq ?? 0, PAGE))) yield { discussionId: d.id, message };
      }
    },
    html: (item) => {
      if ('message' in item) return messageHtml(item.message, false);
      const d = item.discussion;
      const note = d.viewer_is_member ? '' : '<p class="withheld">导出人不是该讨论组成员，讨论组内的消息未导出</p>';
      return `<h2 id="d-${esc(d.id)}">讨论组「${esc(d.topic)}」</h2><section><p class="meta">发起人：${esc(d.creator_name)} · 创建于 ${esc(beijing(d.created_at))}${d.archived_at ? ` · 已于 ${esc(beijing(d.archived_at))} 归档` : ''}</p><p>成员：${esc((d.members ?? []).join('、'))}</p>${note}</section>\n`;
    },
    json: (item) => ('message' in item ? { discussionId: item.discussionId, message: messageJson(item.message) } : { discussion: { id: item.discussion.id, topic: item.discussion.topic, creator: item.discussion.creator_name, createdAt: item.discussion.created_at, archivedAt: item.discussion.archived_at, members: item.discussion.members ?? [], messagesExported: item.discussion.viewer_is_member } }),
  };
}

// ---- Threads and replies ----

function replyHtml(r: ReplyRow, withThread: boolean): string {
  const thread = withThread ? ` · 帖子：${esc(r.thread_title ?? WITHHELD)}（${esc(r.group_name)}）` : '';
  let body: string;
  if (!r.readable) body = `<p class="withheld">${esc(WITHHELD)}</p>`;
  else if (r.removed_at) body = `<p class="record">此回复已于 ${esc(beijing(r.removed_at))} 被管理员移除${esc(removal(r.removal_reason))}，原文不予导出</p>`;
  else if (r.deleted_at) body = `<p class="record">此回复已于 ${esc(beijing(r.deleted_at))} 被作者删除，原文不予导出</p>`;
  else body = `<p class="text">${esc(r.body)}</p>${r.edited_at ? `<p class="record">已编辑 ${r.edit_count} 次（最后编辑于 ${esc(beijing(r.edited_at))}）</p>` : ''}`;
  const quote = r.quote_floor ? ` · 引用 ${r.quote_floor} 楼` : '';
  return `<article class="reply" id="r-${esc(r.id)}"><p class="meta">${r.floor} 楼 · ${esc(who(r.author_name, r.author_unit))} · ${esc(beijing(r.created_at))} · 密级：${esc(LEVEL[r.confidentiality] ?? r.confidentiality)}${esc(quote)}${thread}</p>${body}</article>\n`;
}

const replyJson = (r: ReplyRow) => ({
  id: r.id, threadId: r.thread_id, floor: r.floor, author: r.author_name, authorUnit: r.author_unit, createdAt: r.created_at, confidentiality: r.confidentiality, quoteFloor: r.quote_floor,
  withheld: !r.readable, body: r.body, editedAt: r.edited_at, editCount: r.edit_count, deletedAt: r.deleted_at, removedAt: r.removed_at, removalReason: r.removal_reason,
  ...(r.readable ? {} : { placeholder: WITHHELD }),
});

function threadHtml(t: ThreadRow, withGroup: boolean): string {
  const flags = [t.pinned ? '置顶' : '', t.essence ? '精华' : '', t.locked ? '已锁定' : ''].filter(Boolean).join(' ');
  let content: string;
  if (!t.readable) content = `<h3>${esc(WITHHELD)}</h3><p class="withheld">${esc(WITHHELD)}</p>`;
  else if (t.removed_at) content = `<h3>（已移除的帖子）</h3><p class="record">此帖已于 ${esc(beijing(t.removed_at))} 被管理员移除${esc(removal(t.removal_reason))}，原文不予导出</p>`;
  else {
    const files = (t.attachments ?? []).map((a) => `<li>附件：${esc(a.name)}</li>`).join('');
    content = `<h3>${esc(t.title)}</h3><p class="text">${esc(t.body)}</p>${t.edited_at ? `<p class="record">已编辑 ${t.edit_count} 次（最后编辑于 ${esc(beijing(t.edited_at))}）</p>` : ''}${files ? `<ul>${files}</ul>` : ''}`;
  }
  const group = withGroup ? `${esc(t.group_name)} · ` : '';
  return `<section id="t-${esc(t.id)}"><p class="meta">${group}版块：${esc(t.board_name)} · ${esc(who(t.author_name, t.author_unit))} · ${esc(beijing(t.created_at))} · 密级：${esc(LEVEL[t.confidentiality] ?? t.confidentiality)}${flags ? ` · ${esc(flags)}` : ''}</p>${content}`;
}

const threadJson = (t: ThreadRow) => ({
  id: t.id, group: t.group_name, board: t.board_name, author: t.author_name, authorUnit: t.author_unit, createdAt: t.created_at, confidentiality: t.confidentiality, pinned: t.pinned, essence: t.essence, locked: t.locked,
  withheld: !t.readable, title: t.title, body: t.body, editedAt: t.edited_at, editCount: t.edit_count, removedAt: t.removed_at, removalReason: t.removal_reason, attachments: t.attachments ?? [],
  ...(t.readable ? {} : { placeholder: WITHHELD }),
});

type ThreadItem = { thread: ThreadRow; replies: ReplyRow[] };

export function groupThreadsSection(em: EntityManager, groupId: string, range: Range, viewerId: string): Section<ThreadItem> {
  return {
    key: 'threads', title: '论坛帖子与回复', empty: '所选时间范围内没有论坛帖子或回复。',
    rows: async function* () {
      for await (const thread of paged<ThreadRow>((last) => groupThreads(em, groupId, range, viewerId, last ? [last.created_at, last.id] : null, PAGE))) {
        const replies: ReplyRow[] = [];
        for await (const reply of paged<ReplyRow>((last) => threadReplies(em, thread.id, range, viewerId, last?.floor ?? 0, PAGE))) replies.push(reply);
        yield { thread, replies };
      }
    },
    html: ({ thread, replies }) => `${threadHtml(thread, false)}${replies.length ? `<h3>回复（${replies.length}）</h3>${replies.map((r) => replyHtml(r, false)).join('')}` : '<p class="empty">所选时间范围内没有回复。</p>'}</section>\n`,
    json: ({ thread, replies }) => ({ ...threadJson(thread), replies: replies.map(replyJson) }),
  };
}

export function ownThreadsSection(em: EntityManager, userId: string): Section<ThreadRow> {
  return {
    key: 'threads', title: '我发表的帖子', empty: '没有发表过帖子。',
    rows: () => paged((last) => authoredThreads(em, userId, last ? [last.created_at, last.id] : null, PAGE)),
    html: (t) => `${threadHtml(t, true)}</section>\n`,
    json: threadJson,
  };
}

export function ownRepliesSection(em: EntityManager, userId: string): Section<ReplyRow> {
  return {
    key: 'replies', title: '我发表的回复', empty: '没有发表过回复。',
    rows: () => paged((last) => authoredReplies(em, userId, last ? [last.created_at, last.id] : null, PAGE)),
    html: (r) => replyHtml(r, true),
    json: replyJson,
  };
}

// ---- Files ----

/** Whether a file's bytes go into the archive, decided in row order against a byte budget. */
export class FileBudget {
  private used = 0;
  constructor(private readonly limit: number) {}
  /** Call once per row, in order: 'included', or why not. */
  decide(f: FileRow): 'included' | 'withheld' | 'deleted' | 'over_budget' {
    if (!f.readable) return 'withheld';
    if (f.deleted_at) return 'deleted';
    const size = Number(f.size);
    if (this.used + size > this.limit) return 'over_budget';
    this.used += size;
    return 'included';
  }
}

/** The path of a file's bytes in the archive: its version id keeps names unique; the name is cleaned of path characters. */
export function filePath(f: FileRow): string {
  const clean = f.name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').slice(0, 120) || 'file';
  return `files/${f.version_id}/${clean}`;
}

const FILE_STATE: Record<ReturnType<FileBudget['decide']>, string> = {
  included: '',
  withheld: WITHHELD,
  deleted: '文件已删除，未包含文件内容',
  over_budget: '超过档案文件总量上限，未包含文件内容',
};

export function filesSection(title: string, empty: string, rows: () => AsyncIterable<FileRow>, budgetBytes: number): Section<FileRow & { state: ReturnType<FileBudget['decide']> }> {
  return {
    key: 'files', title, empty, open: FILE_TABLE_HEAD, close: '</tbody></table>\n',
    rows: async function* () {
      const budget = new FileBudget(budgetBytes);
      for await (const f of rows()) yield { ...f, state: budget.decide(f) };
    },
    html: (f) => {
      const kb = Math.max(1, Math.round(Number(f.size) / 1024));
      const name = f.state === 'withheld' ? esc(WITHHELD) : f.state === 'included' ? `<a href="${esc(filePath(f))}">${esc(f.name)}</a>` : esc(f.name);
      return `<tr><td>${name}</td><td>第 ${f.version} 版</td><td>${esc(f.state === 'withheld' ? '' : f.uploader_name)}</td><td>${esc(beijing(f.created_at))}</td><td>${kb} KB</td><td>${esc(f.place ?? '')}</td><td>${esc(FILE_STATE[f.state])}</td></tr>\n`;
    },
    json: (f) => f.state === 'withheld'
      ? { versionId: f.version_id, withheld: true, placeholder: WITHHELD, createdAt: f.created_at }
      : { versionId: f.version_id, documentId: f.document_id, version: f.version, name: f.name, mime: f.mime, size: Number(f.size), uploader: f.uploader_name, uploadedAt: f.created_at, place: f.place, deletedAt: f.deleted_at, path: f.state === 'included' ? filePath(f) : null, note: FILE_STATE[f.state] || undefined },
  };
}

export const FILE_TABLE_HEAD = '<table><thead><tr><th>文件名</th><th>版本</th><th>上传人</th><th>上传时间</th><th>大小</th><th>位置</th><th>说明</th></tr></thead><tbody>\n';

export const groupFileRows = (em: EntityManager, groupId: string, range: Range, viewerId: string) => () =>
  paged<FileRow>((last) => groupFiles(em, groupId, range, viewerId, last ? [last.created_at, last.version_id] : null, PAGE));
export const ownFileRows = (em: EntityManager, userId: string) => () => paged<FileRow>((last) => uploadedFiles(em, userId, last ? [last.created_at, last.version_id] : null, PAGE));

// ---- Meetings, announcements, audit ----

const ANSWER: Record<string, string> = { attend: '参加', leave: '请假', delegate: '委派他人' };

export function meetingsSection(em: EntityManager, groupId: string, range: Range): Section<MeetingRow> {
  return {
    key: 'meetings', title: '会议通知', empty: '所选时间范围内没有会议通知。',
    rows: async function* () {
      yield* await groupMeetings(em, groupId, range);
    },
    html: (m) => {
      const roster = (m.roster ?? [])
        .map((i) => `<tr><td>${esc(i.name)}${i.substituteFor ? `（代 ${esc(i.substituteFor)} 参会）` : ''}</td><td>${esc(i.unit)} ${esc(i.title)}</td><td>${esc(i.answer ? ANSWER[i.answer] ?? i.answer : i.readAt ? '已读未回复' : '未读')}${i.substitute ? `：${esc(i.substitute)}` : ''}</td><td>${esc(i.reason ?? '')}</td><td>${esc(beijing(i.answeredAt ?? i.readAt))}</td></tr>`)
        .join('');
      const cancelled = m.status === 'cancelled' ? `<p class="record">会议已取消${m.cancel_reason ? `（${esc(m.cancel_reason)}）` : ''}</p>` : '';
      return `<section id="mt-${esc(m.id)}"><h3>${esc(m.title)}</h3><p class="meta">发起人：${esc(m.organizer_name)} · 发布于 ${esc(beijing(m.created_at))}</p><p>时间：${esc(beijing(m.starts_at))} 至 ${esc(beijing(m.ends_at))}</p>${m.place ? `<p>地点：${esc(m.place)}</p>` : ''}${m.online_url ? `<p>线上会议：${esc(m.online_url)}</p>` : ''}${cancelled}<p class="text">${esc(m.agenda)}</p><h3>参会名单</h3><table><thead><tr><th>姓名</th><th>单位职务</th><th>回复</th><th>事由</th><th>时间</th></tr></thead><tbody>${roster}</tbody></table></section>\n`;
    },
    json: (m) => ({ id: m.id, title: m.title, agenda: m.agenda, startsAt: m.starts_at, endsAt: m.ends_at, place: m.place, onlineUrl: m.online_url, status: m.status, cancelReason: m.cancel_reason, organizer: m.organizer_name, issuedAt: m.created_at, roster: m.roster ?? [] }),
  };
}

export function announcementsSection(em: EntityManager, groupId: string, range: Range): Section<AnnouncementRow> {
  return {
    key: 'announcements', title: '群公告', empty: '所选时间范围内没有群公告。',
    rows: async function* () {
      yield* await groupAnnouncements(em, groupId, range);
    },
    html: (a) => `<section id="a-${esc(a.id)}"><h3>${esc(a.title)}</h3><p class="meta">${esc(a.author_name)} · ${esc(beijing(a.created_at))}${a.pinned ? ' · 置顶' : ''}${a.edited_at ? ` · 最后编辑于 ${esc(beijing(a.edited_at))}` : ''}</p><p class="text">${esc(a.body)}</p></section>\n`,
    json: (a) => ({ id: a.id, title: a.title, body: a.body, author: a.author_name, createdAt: a.created_at, editedAt: a.edited_at, pinned: a.pinned }),
  };
}

export function auditSection(em: EntityManager, groupId: string, range: Range): Section<AuditRow> {
  return {
    key: 'audit', title: '审计日志', empty: '所选时间范围内没有审计记录。', open: AUDIT_TABLE_HEAD, close: '</tbody></table>\n',
    rows: () => paged((last) => groupAudit(em, groupId, range, last?.id ?? '0', PAGE)),
    html: (l) => `<tr><td>${esc(beijing(l.at))}</td><td>${esc(l.actor_name ?? '系统')}</td><td>${esc(AUDIT_LABELS[l.action as AuditAction] ?? l.action)}<br><span class="meta">${esc(l.action)}</span></td><td>${esc(l.target_type)}</td><td>${esc(l.reason ?? '')}</td><td>${esc(l.details ? JSON.stringify(l.details) : '（涉及内容的操作，详情不予导出）')}</td></tr>\n`,
    json: (l) => ({ id: String(l.id), at: l.at, actor: l.actor_name, action: l.action, actionLabel: AUDIT_LABELS[l.action as AuditAction] ?? null, targetType: l.target_type, targetId: l.target_id, reason: l.reason, details: l.details }),
  };
}

export const AUDIT_TABLE_HEAD = '<table><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>理由</th><th>详情</th></tr></thead><tbody>\n';
