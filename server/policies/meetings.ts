import { GroupAccess } from '../modules/groups/subjects.js';
import { AnnouncementAccess, BulletinTarget, MeetingAccess } from '../modules/meetings/subjects.js';
import { isAnyAdmin, type MaybeActor } from './actor.js';
import { allow, can } from './engine.js';
import { isGroupMember, managesGroupAsMember } from './groups.js';

/**
 * Meeting notices (会议通知), announcements (群公告) and bulletins. Everything here is for
 * members of the group: anyone else gets NOT_FOUND from the access helpers.
 */

/** Admins issue notices; plain members too where the group allows it (default: admins only). */
allow(GroupAccess, 'issueMeeting', (actor, g) => isGroupMember(actor, g) && (managesGroupAsMember(actor, g) || g.group.membersMayIssueMeetings));
/** A group's meeting lists (its notices each keep their own 'read' rule). */
allow(GroupAccess, 'readMeetings', (actor, g) => isGroupMember(actor, g));
/** A group's admins list every notice; anyone else only their own and those they are invited to. */
allow(GroupAccess, 'listAllMeetings', (actor, g) => managesGroupAsMember(actor, g));
allow(GroupAccess, 'configureMeetings', (actor, g) => managesGroupAsMember(actor, g));

const organizes = (actor: MaybeActor, m: MeetingAccess) => !!actor && m.isOrganizerOf(actor.userId);

/** A notice is seen by its organizer, its invitees (substitutes included) and the group's admins. */
allow(MeetingAccess, 'read', (actor, m) => isGroupMember(actor, m.group) && (organizes(actor, m) || m.invitation !== null || managesGroupAsMember(actor, m.group)));
/** Answering (参加 / 请假 / 委派) is for invitees; whether the notice still takes answers is the service's check. */
allow(MeetingAccess, 'answer', (actor, m) => isGroupMember(actor, m.group) && m.invitation !== null);
/** Edit, cancel, the roster and 提醒未回复: the organizer and the group's admins. */
allow(MeetingAccess, 'manage', (actor, m) => isGroupMember(actor, m.group) && (organizes(actor, m) || managesGroupAsMember(actor, m.group)));

/**
 * MeetingNotice.viewerCan: the rules, offered only while the notice is active (neither cancelled
 * nor ended) and, for answering, not yet delegated: the service answers CONFLICT otherwise.
 */
export function meetingAbilities(actor: MaybeActor, m: MeetingAccess, now = Date.now()) {
  const active = m.meeting.status !== 'cancelled' && m.meeting.endsAt.getTime() > now;
  return {
    answer: active && can(actor, 'answer', m) && m.invitation?.answer !== 'delegate',
    manage: active && can(actor, 'manage', m),
  };
}

allow(GroupAccess, 'readAnnouncements', (actor, g) => isGroupMember(actor, g));
allow(GroupAccess, 'postAnnouncement', (actor, g) => managesGroupAsMember(actor, g));
allow(AnnouncementAccess, 'read', (actor, a) => isGroupMember(actor, a.group));
/** Edit, pin and unpin: the group's admins (a bulletin's copy in a group too). */
allow(AnnouncementAccess, 'manage', (actor, a) => managesGroupAsMember(actor, a.group));
/** Who read it, and how many: the group's admins. */
allow(AnnouncementAccess, 'readReceipts', (actor, a) => managesGroupAsMember(actor, a.group));

/**
 * A bulletin (e.g. the weekly 工作周报) goes from a unit admin to groups they are a member of and
 * either run (owner or admin) or whose members all belong to units they administer: they speak
 * only where they already hold authority over the group or over everyone in it.
 */
allow(BulletinTarget, 'publishBulletin', (actor, t) => {
  if (!actor || !isGroupMember(actor, t.group)) return false;
  if (!isAnyAdmin(actor)) return false;
  return managesGroupAsMember(actor, t.group) || t.membersWithinAdminUnits;
});
