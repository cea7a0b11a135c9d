import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { ChatGroup } from './Chat.js';
import { User } from './User.js';

/**
 * Moderation: members' reports and the sanctions admins impose (warnings, mutes, kicks, bans).
 * Removal of content is a state of the content itself (removed_at, removal_reason on message,
 * thread and thread_reply); the current mute of a member is group_member.muted_until and of a
 * whole group chat_group.muted_all_until, so the send path reads them in its access query.
 * Every change is also written to the audit log in the same transaction.
 */
export const MODERATION_REASONS = ['off_topic', 'improper', 'leak_risk', 'advertising', 'other'] as const;
export type ModerationReason = (typeof MODERATION_REASONS)[number];

export const CONTENT_TYPES = ['message', 'thread', 'reply'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export type ReportStatus = 'open' | 'actioned' | 'dismissed';

/** A member's report of a message, thread or reply; one per person per item. */
export class ModerationReport {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  reporter!: Ref<User>;
  contentType!: ContentType;
  contentId!: string;
  /** The content's author, kept so the queue can show it without loading the content. */
  contentAuthor!: Ref<User>;
  reason!: ModerationReason;
  note: string | null = null;
  status: ReportStatus = 'open';
  resolvedBy: Ref<User> | null = null;
  resolvedAt: Date | null = null;
  resolutionNote: string | null = null;
  createdAt: Date = new Date();
}

export const ModerationReportSchema = new EntitySchema<ModerationReport>({
  class: ModerationReport,
  tableName: 'moderation_report',
  uniques: [{ name: 'moderation_report_reporter_content_unique', properties: ['reporter', 'contentType', 'contentId'] }],
  indexes: [
    { name: 'moderation_report_group_id_status_created_at_index', properties: ['group', 'status', 'createdAt'] },
    { name: 'moderation_report_content_index', properties: ['contentType', 'contentId'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    reporter: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    contentType: { enum: true, items: [...CONTENT_TYPES] },
    contentId: { type: 'uuid' },
    contentAuthor: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    reason: { enum: true, items: [...MODERATION_REASONS] },
    note: { type: 'string', length: 500, nullable: true },
    status: { enum: true, items: ['open', 'actioned', 'dismissed'] },
    resolvedBy: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    resolvedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    resolutionNote: { type: 'string', length: 500, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export type SanctionKind = 'warning' | 'mute' | 'kick' | 'ban';

/**
 * A sanction on a member of a group: a warning (active until revoked or older than the group's
 * window), a mute (until endsAt; null endsAt = until lifted), a kick, or a ban (active until
 * revoked: the person may not rejoin meanwhile). Lifting or revoking stamps revokedAt.
 */
export class ModerationSanction {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  user!: Ref<User>;
  kind!: SanctionKind;
  /** Null when the system imposed it (escalation after warnings). */
  actor: Ref<User> | null = null;
  reason!: ModerationReason;
  note: string | null = null;
  /** For a warning (or removal-related sanction): the content it points at. */
  contentType: ContentType | null = null;
  contentId: string | null = null;
  endsAt: Date | null = null;
  revokedAt: Date | null = null;
  revokedBy: Ref<User> | null = null;
  revokeReason: string | null = null;
  createdAt: Date = new Date();
}

export const ModerationSanctionSchema = new EntitySchema<ModerationSanction>({
  class: ModerationSanction,
  tableName: 'moderation_sanction',
  indexes: [
    { name: 'moderation_sanction_group_id_user_id_kind_index', properties: ['group', 'user', 'kind'] },
    { name: 'moderation_sanction_user_id_created_at_index', properties: ['user', 'createdAt'] },
    {
      name: 'moderation_sanction_active_ban_unique',
      expression: `create unique index "moderation_sanction_active_ban_unique" on "moderation_sanction" ("group_id", "user_id") where "kind" = 'ban' and "revoked_at" is null`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    kind: { enum: true, items: ['warning', 'mute', 'kick', 'ban'] },
    actor: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    reason: { enum: true, items: [...MODERATION_REASONS] },
    note: { type: 'string', length: 500, nullable: true },
    contentType: { enum: true, items: [...CONTENT_TYPES], nullable: true },
    contentId: { type: 'uuid', nullable: true },
    endsAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    revokedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    revokedBy: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    revokeReason: { type: 'string', length: 500, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const moderationEntities = [ModerationReportSchema, ModerationSanctionSchema];
