import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEntry } from '../db/entities/index.js';

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
  | 'moderation.report_resolved';

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
