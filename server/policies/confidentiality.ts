import { sql, sqlText, type Statement } from '../db/statement.js';
import type { ConfidentialityLevel, GroupRole } from '../db/entities/index.js';
import { MessageAccess } from '../modules/chat/subjects.js';
import { ReplyAccess, ThreadAccess } from '../modules/forum/subjects.js';
import { GroupAccess } from '../modules/groups/subjects.js';
import { allow } from './engine.js';
import { isGroupMember, leadsGroup, managesGroup, runsGroup } from './groups.js';

/**
 * Who may read confidential content, and who may change levels and sensitive-content rules.
 *
 * Restricted (受限) content is for its readers: the author, the members named on it, and the
 * owner and admins of its group (computed when the content is loaded: `readers`). Everyone
 * else gets NOT_FOUND for it by id, a placeholder in history, and nothing in search, counts,
 * quotes or previews. Internal (内部) and normal content is for every member of the conversation.
 */
export class ContentReaders {
  constructor(
    readonly level: ConfidentialityLevel,
    /** For restricted content: author, named members and group admins. Null otherwise. */
    readonly readers: ReadonlySet<string> | null,
  ) {}
}

/** The rule itself, for paths that hold user ids rather than actors (the realtime hub's recipients). */
export function userMayRead(userId: string, content: ContentReaders): boolean {
  return content.level !== 'restricted' || !!content.readers?.has(userId);
}

allow(ContentReaders, 'read', (actor, c) => !!actor && userMayRead(actor.userId, c));

/** What the read rule looks at for one viewer and one piece of content. */
export interface ReadFacts {
  level: ConfidentialityLevel;
  viewerIsAuthor: boolean;
  viewerIsNamed: boolean;
  /** The viewer's role in the content's group now (null: not a member, or no group). */
  viewerRole: GroupRole | null;
}

/** The rule on those facts: anything not restricted; restricted content for its author, its named readers and those who run its group. */
export const mayReadContent = (f: ReadFacts): boolean => f.level !== 'restricted' || f.viewerIsAuthor || f.viewerIsNamed || leadsGroup(f.viewerRole);

/** The reader set of restricted content (for ContentReaders), from its author, named members and the viewer's role. */
export function restrictedReaders(authorId: string, named: readonly string[], viewer: { userId: string; role: GroupRole | null }): Set<string> {
  const readers = new Set([authorId, ...named]);
  if (leadsGroup(viewer.role)) readers.add(viewer.userId);
  return readers;
}

/**
 * The same rule in SQL, for lists, counts and search, given the SQL of the content's id, level,
 * author and group and of the viewer: the database's `jl_may_read` (migration
 * 20261125150000Confidentiality: author, content_audience, group_member role owner or admin),
 * called for restricted rows only. The function cannot be inlined (its body has subqueries) and a
 * call costs about 4 µs, which lists and searches would otherwise pay for every row they read.
 * tests/server/policies/sql-agreement.test.ts holds it to `mayReadContent`.
 */
export const mayReadSql = (id: string, level: string, author: string, group: SqlOperand, viewer: SqlOperand): Statement =>
  sql`(${sqlText(level)} <> 'restricted' or jl_may_read(${sqlText(id)}, ${sqlText(level)}, ${sqlText(author)}, ${operand(group)}, ${operand(viewer)}))`;

/** In a policy's SQL predicate: a column or expression fixed by code (text), or a statement with its own values. */
export type SqlOperand = string | Statement;
const operand = (part: SqlOperand) => (typeof part === 'string' ? sqlText(part) : part);

/**
 * Raising a level (内部 → 受限 or 普通 → 内部) on a message, thread or reply: the group's owner
 * and admins, while there is a level above its own (受限 is the top; 内部 for a reply, which
 * follows its thread to 受限) and it is still shown (not recalled, removed or deleted). Levels
 * are never lowered by anyone: what was once marked confidential may have been treated as such.
 * The author sets the level when posting (any level the conversation allows). System admins are
 * left out: restricted content is read by the group's owner and admins, not by system admins.
 * One rule per subject for both viewerCan and the raise mutations (modules/confidentiality/raise.ts).
 */
allow(MessageAccess, 'raiseConfidentiality', (actor, m) =>
  !!m.conversation.group && runsGroup(actor, m.conversation) && m.message.confidentiality !== 'restricted' && !m.message.recalledAt && !m.message.removedAt);
allow(ThreadAccess, 'raiseConfidentiality', (actor, t) => runsGroup(actor, t.group) && t.thread.confidentiality !== 'restricted' && !t.thread.removedAt);
allow(ReplyAccess, 'raiseConfidentiality', (actor, r) =>
  runsGroup(actor, r.thread.group) && r.reply.confidentiality === 'normal' && !r.reply.removedAt && !r.reply.deletedAt && !r.thread.thread.removedAt);
/** The rules in force in a group: its members (they are told what to avoid) and system admins. */
allow(GroupAccess, 'readSensitiveRules', (actor, g) => isGroupMember(actor, g) || !!actor?.isSystemAdmin);
/** A group's extra sensitive terms and block rules: its owner and admins (and system admins). */
allow(GroupAccess, 'manageSensitiveRules', (actor, g) => managesGroup(actor, g));
