import type { EntityManager } from '@mikro-orm/postgresql';
import { rows, sql, sqlText } from '../../db/statement.js';
import type { SensitiveAction, SensitiveRuleKind } from '../../db/entities/index.js';

/** Content's SQL: attachments, mentions and named readers, sensitive rules, and the read rule as a statement. */

/** Which of the versions are of live documents of the library, locking those documents against deletion (the caller's transaction). */
export async function lockLibraryVersions(em: EntityManager, versionIds: string[], library: { groupId: string | null; conversationId: string | null }): Promise<string[]> {
  const owner = library.groupId ? sql`d.group_id = ${library.groupId}` : sql`d.conversation_id = ${library.conversationId}`;
  const found = await rows<{ id: string }>(
    em,
    sql`select v.id from document_version v join document d on d.id = v.document_id
      where v.id in (${versionIds}) and d.deleted_at is null and ${owner}
      for share of d`,
  );
  return found.map((r) => r.id);
}

export async function insertAttachmentRows(em: EntityManager, owner: { messageId?: string; threadId?: string; replyId?: string; meetingId?: string }, versionIds: string[]): Promise<void> {
  await rows(
    em,
    sql`insert into attachment (version_id, message_id, thread_id, reply_id, meeting_id, created_at) select v, ${owner.messageId ?? null}::uuid, ${owner.threadId ?? null}::uuid, ${owner.replyId ?? null}::uuid, ${owner.meetingId ?? null}::uuid, now() from unnest(${`{${versionIds.join(',')}}`}::uuid[]) as v`,
  );
}

/** Which of `userIds` are members of the group. */
export async function groupMembersAmong(em: EntityManager, groupId: string, userIds: string[]): Promise<string[]> {
  const found = await rows<{ user_id: string }>(em, sql`select user_id from group_member where group_id = ${groupId} and user_id in (${userIds})`);
  return found.map((r) => r.user_id);
}

/** Which of `userIds` are members of the conversation. */
export async function conversationMembersAmong(em: EntityManager, conversationId: string, userIds: string[]): Promise<string[]> {
  const found = await rows<{ user_id: string }>(em, sql`select user_id from conversation_member where conversation_id = ${conversationId} and user_id in (${userIds})`);
  return found.map((r) => r.user_id);
}

export interface SensitiveRuleRow {
  kind: SensitiveRuleKind;
  value: string;
  action: SensitiveAction;
}

/** The system's sensitive rules and, given a group, that group's. */
export function sensitiveRuleRows(em: EntityManager, groupId: string | null): Promise<SensitiveRuleRow[]> {
  return rows<SensitiveRuleRow>(em, sql`select kind, value, action from sensitive_rule where group_id is null ${groupId ? sql`or group_id = ${groupId}` : sqlText('')}`);
}
