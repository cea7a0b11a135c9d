import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { ChatGroup } from './Chat.js';
import { User } from './User.js';

export type MeetingStatus = 'active' | 'cancelled';
export type MeetingScope = 'group' | 'units' | 'members';
export type MeetingAnswer = 'attend' | 'leave' | 'delegate';

/**
 * A meeting notice (会议通知) of a group. Times are stored as timestamptz (UTC) and shown in
 * Asia/Shanghai. `sequence` rises with every edit and the cancellation (iCalendar SEQUENCE).
 */
export class MeetingNotice {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  organizer!: Ref<User>;
  title!: string;
  agenda = '';
  startsAt!: Date;
  endsAt!: Date;
  place: string | null = null;
  onlineUrl: string | null = null;
  /** How the invitees were chosen (for display and editing); the invitee rows are the truth. */
  scope: MeetingScope = 'group';
  /** For scope 'units': the chosen units (each with everything below it). */
  scopeUnitIds: string[] | null = null;
  status: MeetingStatus = 'active';
  cancelReason: string | null = null;
  cancelledAt: Date | null = null;
  sequence = 0;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const MeetingNoticeSchema = new EntitySchema<MeetingNotice>({
  class: MeetingNotice,
  tableName: 'meeting_notice',
  indexes: [{ name: 'meeting_notice_group_id_starts_at_index', properties: ['group', 'startsAt'] }],
  checks: [{ name: 'meeting_notice_times_check', expression: 'ends_at > starts_at' }],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    organizer: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict', index: 'meeting_notice_organizer_id_index' },
    title: { type: 'string', length: 100 },
    agenda: { type: 'text', default: '' },
    startsAt: { type: 'datetime', columnType: 'timestamptz' },
    endsAt: { type: 'datetime', columnType: 'timestamptz' },
    place: { type: 'string', length: 200, nullable: true },
    onlineUrl: { type: 'string', length: 500, nullable: true },
    scope: { enum: true, items: ['group', 'units', 'members'] },
    scopeUnitIds: { type: 'json', nullable: true },
    status: { enum: true, items: ['active', 'cancelled'] },
    cancelReason: { type: 'string', length: 200, nullable: true },
    cancelledAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    sequence: { type: 'integer', default: 0 },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/**
 * One invitee of a notice: read receipt (已读) and answer (参加 / 请假 with a reason / 委派 naming
 * a substitute, who gets a row of their own with `substituteFor` set).
 */
export class MeetingInvitee {
  meeting!: Ref<MeetingNotice>;
  user!: Ref<User>;
  /** Set when this invitee was named as a substitute by another invitee. */
  substituteFor: Ref<User> | null = null;
  invitedAt: Date = new Date();
  readAt: Date | null = null;
  answer: MeetingAnswer | null = null;
  /** 请假 reason. */
  reason: string | null = null;
  /** 委派: who goes instead. */
  substitute: Ref<User> | null = null;
  answeredAt: Date | null = null;
}

export const MeetingInviteeSchema = new EntitySchema<MeetingInvitee>({
  class: MeetingInvitee,
  tableName: 'meeting_invitee',
  indexes: [
    {
      name: 'meeting_invitee_pending_index',
      expression: 'create index "meeting_invitee_pending_index" on "meeting_invitee" ("user_id") where "answer" is null',
    },
  ],
  properties: {
    meeting: { kind: 'm:1', entity: () => MeetingNotice, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade' },
    substituteFor: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    invitedAt: { type: 'datetime', columnType: 'timestamptz' },
    readAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    answer: { enum: true, items: ['attend', 'leave', 'delegate'], nullable: true },
    reason: { type: 'string', length: 200, nullable: true },
    substitute: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    answeredAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

/**
 * A group announcement (群公告). Bulletins (e.g. the weekly 工作周报) published by a unit admin
 * to several groups are one announcement per group sharing a `bulletinId`.
 */
export class Announcement {
  id: string = randomUUID();
  group!: Ref<ChatGroup>;
  author!: Ref<User>;
  title!: string;
  /** Markdown source, rendered safely when read. */
  body!: string;
  bulletinId: string | null = null;
  pinnedAt: Date | null = null;
  createdAt: Date = new Date();
  editedAt: Date | null = null;
}

export const AnnouncementSchema = new EntitySchema<Announcement>({
  class: Announcement,
  tableName: 'announcement',
  indexes: [
    { name: 'announcement_group_id_created_at_index', properties: ['group', 'createdAt'] },
    { name: 'announcement_bulletin_id_index', properties: ['bulletinId'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, deleteRule: 'cascade' },
    author: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'restrict', index: 'announcement_author_id_index' },
    title: { type: 'string', length: 100 },
    body: { type: 'text' },
    bulletinId: { type: 'uuid', nullable: true },
    pinnedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    editedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
  },
});

/** A read receipt of an announcement. */
export class AnnouncementRead {
  announcement!: Ref<Announcement>;
  user!: Ref<User>;
  readAt: Date = new Date();
}

export const AnnouncementReadSchema = new EntitySchema<AnnouncementRead>({
  class: AnnouncementRead,
  tableName: 'announcement_read',
  properties: {
    announcement: { kind: 'm:1', entity: () => Announcement, ref: true, primary: true, deleteRule: 'cascade' },
    user: { kind: 'm:1', entity: () => User, ref: true, primary: true, deleteRule: 'cascade', index: 'announcement_read_user_id_index' },
    readAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

/**
 * A job of the PostgreSQL-backed scheduler (meeting reminders). Workers claim due rows with
 * FOR UPDATE SKIP LOCKED and do the work and set `doneAt` in the same transaction, so a job
 * runs once whatever the number of instances and however often they restart.
 */
export class ScheduledJob {
  id!: string;
  kind!: string;
  /** The thing the job is about (e.g. a meeting notice id). */
  subjectId: string | null = null;
  runAt!: Date;
  data: Record<string, unknown> | null = null;
  attempts = 0;
  lastError: string | null = null;
  doneAt: Date | null = null;
  createdAt: Date = new Date();
}

export const ScheduledJobSchema = new EntitySchema<ScheduledJob>({
  class: ScheduledJob,
  tableName: 'scheduled_job',
  indexes: [
    { name: 'scheduled_job_due_index', expression: 'create index "scheduled_job_due_index" on "scheduled_job" ("run_at") where "done_at" is null' },
    { name: 'scheduled_job_subject_id_index', properties: ['subjectId'] },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    kind: { type: 'string', length: 40 },
    subjectId: { type: 'uuid', nullable: true },
    runAt: { type: 'datetime', columnType: 'timestamptz' },
    data: { type: 'json', nullable: true },
    attempts: { type: 'integer', default: 0 },
    lastError: { type: 'string', length: 500, nullable: true },
    doneAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const meetingEntities = [MeetingNoticeSchema, MeetingInviteeSchema, AnnouncementSchema, AnnouncementReadSchema, ScheduledJobSchema];
