import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntry } from '../db/entities/index.js';
import { joinSql, sql, sqlText, Statement } from '../db/statement.js';

/** Every auditable action, named. Later areas (moderation, files) add theirs here. */
export type AuditAction =
  | 'user.registered'
  | 'user.registration_approved'
  | 'user.registration_rejected'
  | 'user.created'
  | 'user.profile_changed'
  | 'user.identity_changed'
  | 'user.status_changed'
  | 'user.password_changed'
  | 'user.unit_admin_granted'
  | 'user.unit_admin_revoked'
  | 'user.system_admin_changed'
  | 'user.import_updated'
  | 'user.password_reissued'
  | 'org.imported'
  | 'org.unit_created'
  | 'org.unit_updated'
  | 'directory.user_created'
  | 'directory.user_updated'
  | 'directory.user_disabled'
  | 'directory.user_enabled'
  | 'directory.unit_created'
  | 'directory.synced'
  | 'group.created'
  | 'group.updated'
  | 'group.member_joined'
  | 'group.member_left'
  | 'group.member_removed'
  | 'group.role_changed'
  | 'group.ownership_transferred'
  | 'group.application_rejected'
  | 'forum.board_created'
  | 'forum.board_renamed'
  | 'forum.boards_reordered'
  | 'forum.board_archived'
  | 'forum.board_restored'
  | 'forum.thread_pinned'
  | 'forum.thread_essence'
  | 'forum.thread_locked'
  | 'discussion.created'
  | 'discussion.members_added'
  | 'discussion.left'
  | 'discussion.archived'
  | 'discussion.reopened'
  | 'document.uploaded'
  | 'document.version_added'
  | 'document.deleted'
  | 'document.moved'
  | 'document.folder_created'
  | 'document.folder_renamed'
  | 'document.folder_deleted'
  | 'document.request_created'
  | 'document.request_closed'
  | 'group.meeting_policy_changed'
  | 'meeting.issued'
  | 'meeting.edited'
  | 'meeting.cancelled'
  | 'meeting.nudged'
  | 'announcement.posted'
  | 'announcement.edited'
  | 'announcement.pinned'
  | 'announcement.unpinned'
  | 'announcement.bulletin_published'
  | 'content.sensitive_acknowledged'
  | 'content.confidentiality_raised'
  | 'content.sensitive_rule_set'
  | 'content.sensitive_rule_removed'
  | 'moderation.content_removed'
  | 'moderation.content_restored'
  | 'moderation.message_moved'
  | 'moderation.warned'
  | 'moderation.warning_revoked'
  | 'moderation.muted'
  | 'moderation.unmuted'
  | 'moderation.group_muted'
  | 'moderation.group_unmuted'
  | 'moderation.banned'
  | 'moderation.unbanned'
  | 'moderation.escalation_changed'
  | 'moderation.report_resolved'
  | 'archive.requested'
  | 'archive.completed'
  | 'archive.failed'
  | 'archive.deleted'
  | 'archive.downloaded';

export interface AuditRecord {
  actorId: string | null;
  action: AuditAction;
  targetType: 'user' | 'org_unit' | 'group' | 'document' | 'meeting' | 'announcement' | 'conversation' | 'system';
  targetId: string;
  unitId?: string | null;
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
}

/**
 * Queues an audit row on the caller's EntityManager, so it commits or rolls back
 * together with the change it describes.
 */
export function audit(em: EntityManager, record: AuditRecord): void {
  const entry = new AuditEntry();
  Object.assign(entry, {
    actorId: record.actorId,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    unitId: record.unitId ?? null,
    reason: record.reason ?? null,
    before: record.before ?? null,
    after: record.after ?? null,
    ip: record.ip ?? null,
  });
  em.persist(entry);
}

/** An audit record whose values may also be SQL expressions (over the rows of `auditInsert`'s source); the action stays a typed name. */
type AuditValues = Omit<AuditRecord, 'action'>;
export type AuditRecordSql = { [K in keyof AuditValues]: AuditValues[K] | Statement } & Pick<AuditRecord, 'action'>;

const AUDIT_COLUMNS: Record<Exclude<keyof AuditRecord, 'action'> | 'action', string> = {
  actorId: 'actor_id',
  action: 'action',
  targetType: 'target_type',
  targetId: 'target_id',
  unitId: 'unit_id',
  reason: 'reason',
  before: 'before',
  after: 'after',
  ip: 'ip',
};

/**
 * The same typed audit row as one `insert … select` statement, for a write that must stay a
 * single statement (a part of a CTE, as the chat send path's): `source` names the rows (`from …`)
 * that values given as statements may refer to. Only the fields the record gives are written
 * (the others keep their column default, null), in `AuditRecord`'s order.
 */
export function auditInsert(record: AuditRecordSql, source?: Statement): Statement {
  const given = (Object.keys(AUDIT_COLUMNS) as Array<keyof AuditRecordSql>).filter((field) => record[field] !== undefined);
  const value = (field: keyof AuditRecordSql): Statement => {
    const v = record[field];
    if (v instanceof Statement) return v;
    return (field === 'before' || field === 'after') && v !== null ? sql`${JSON.stringify(v)}::jsonb` : sql`${v}`;
  };
  const columns = sqlText(['at', ...given.map((field) => AUDIT_COLUMNS[field])].join(', '));
  const values = joinSql([sqlText('now()'), ...given.map(value)], ', ');
  return sql`insert into audit_log (${columns})
              select ${values}${source ? sql` from ${source}` : sqlText('')}`;
}
