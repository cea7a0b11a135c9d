import type { Announcement, MeetingInvitee, MeetingNotice } from '../../db/entities/index.js';
import type { GroupAccess } from '../groups/subjects.js';

/** A meeting notice as one actor sees it: their access to its group and their own invitee row. */
export class MeetingAccess {
  constructor(
    readonly meeting: MeetingNotice,
    readonly group: GroupAccess,
    /** The actor's invitation (null when not invited). */
    readonly invitation: MeetingInvitee | null,
  ) {}

  /** Whether this user issued the notice. */
  isOrganizerOf(userId: string): boolean {
    return this.meeting.organizer.id === userId;
  }
}

/** An announcement with the actor's access to its group. */
export class AnnouncementAccess {
  constructor(
    readonly announcement: Announcement,
    readonly group: GroupAccess,
  ) {}
}

/**
 * A group as a target of a unit admin's bulletin: the actor's access to it and whether every
 * one of its members belongs to a unit the actor administers.
 */
export class BulletinTarget {
  constructor(
    readonly group: GroupAccess,
    readonly membersWithinAdminUnits: boolean,
  ) {}
}

export const MAX_MEETING_TITLE = 100;
export const MAX_AGENDA = 5000;
export const MAX_PLACE = 200;
export const MAX_URL = 500;
export const MAX_REASON = 200;
export const MAX_INVITEE_IDS = 500;
/** A notice spans at most this long (the article's meeting took two days). */
export const MAX_MEETING_DAYS = 14;
/** Reminders before the start, in hours. */
export const REMINDER_HOURS = [24, 1] as const;
export const MAX_ANNOUNCEMENT_BODY = 20_000;
export const MAX_BULLETIN_GROUPS = 50;
