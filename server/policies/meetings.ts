import { GroupAccess } from '../modules/groups/subjects.js';
import { AnnouncementAccess, BulletinTarget, MeetingAccess } from '../modules/meetings/subjects.js';
import type { MaybeActor } from './actor.js';
import { allow } from './engine.js';

/**
 * Meeting notices (会议通知), announcements (群公告) and bulletins. Everything here is for
 * members of the group: anyone else gets NOT_FOUND from the access helpers.
 */
const isMember = (g: GroupAccess) => g.role !== null;
const isManager = (actor: MaybeActor, g: GroupAccess) => isMember(g) && (g.role === 'owner' || g.role === 'admin' || !!actor?.isSystemAdmin);

/** Admins issue notices; plain members too where the group allows it (default: admins only). */
allow(GroupAccess, 'issueMeeting', (actor, g) => !!actor && isMember(g) && (isManager(actor, g) || g.group.membersMayIssueMeetings));
allow(GroupAccess, 'configureMeetings', (actor, g) => isManager(actor, g));

const organizes = (actor: MaybeActor, m: MeetingAccess) => !!actor && m.isOrganizerOf(actor.userId);

/** A notice is seen by its organizer, its invitees (substitutes included) and the group's admins. */
allow(MeetingAccess, 'read', (actor, m) => !!actor && isMember(m.group) && (organizes(actor, m) || m.invitation !== null || isManager(actor, m.group)));
/** Answering (参加 / 请假 / 委派) is for invitees; whether the notice still takes answers is the service's check. */
allow(MeetingAccess, 'answer', (actor, m) => !!actor && isMember(m.group) && m.invitation !== null);
/** Edit, cancel, the roster and 提醒未回复: the organizer and the group's admins. */
allow(MeetingAccess, 'manage', (actor, m) => !!actor && isMember(m.group) && (organizes(actor, m) || isManager(actor, m.group)));

allow(GroupAccess, 'readAnnouncements', (actor, g) => !!actor && isMember(g));
allow(GroupAccess, 'postAnnouncement', (actor, g) => isManager(actor, g));
allow(AnnouncementAccess, 'read', (actor, a) => !!actor && isMember(a.group));
/** Edit, pin and unpin: the group's admins (a bulletin's copy in a group too). */
allow(AnnouncementAccess, 'manage', (actor, a) => isManager(actor, a.group));
/** Who read it, and how many: the group's admins. */
allow(AnnouncementAccess, 'readReceipts', (actor, a) => isManager(actor, a.group));

/**
 * A bulletin (e.g. the weekly 工作周报) goes from a unit admin to groups they are a member of and
 * either run (owner or admin) or whose members all belong to units they administer: they speak
 * only where they already hold authority over the group or over everyone in it.
 */
allow(BulletinTarget, 'publishBulletin', (actor, t) => {
  if (!actor || !isMember(t.group)) return false;
  if (!actor.isSystemAdmin && actor.adminUnitPaths.length === 0) return false;
  return isManager(actor, t.group) || t.membersWithinAdminUnits;
});
