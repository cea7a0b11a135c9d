import { describe, expect, it } from 'vitest';
import type { Announcement, MeetingInvitee, MeetingNotice } from '../../../server/db/entities/index.js';
import { AnnouncementAccess, BulletinTarget, MeetingAccess } from '../../../server/modules/meetings/subjects.js';
import { can } from '../../../server/policies/index.js';
import { actorFor, expectGrid, groupAccessFor, VIEWER_ID, type Standing } from './table.js';

/** server/policies/meetings.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
const notice = (organizer = 'someone') => ({ organizer: { id: organizer } }) as MeetingNotice;
const invitation = {} as MeetingInvitee;
const meeting = (s: Standing, { organizer = false, invited = false } = {}) =>
  new MeetingAccess(notice(organizer ? VIEWER_ID : 'someone'), groupAccessFor(s), invited ? invitation : null);

describe('a group’s meetings and announcements', () => {
  expectGrid({ issueMeeting: '....YYY', readMeetings: '...YYYY', listAllMeetings: '....YYY', configureMeetings: '....YYY', readAnnouncements: '...YYYY', postAnnouncement: '....YYY' }, (s) => groupAccessFor(s));
  expectGrid({ 'issueMeeting (members may issue)': '...YYYY' }, (s) => groupAccessFor(s, { group: { membersMayIssueMeetings: true } }), () => 'issueMeeting');
});

describe('meeting notices', () => {
  expectGrid({ read: '....YYY', answer: '.......', manage: '....YYY' }, (s) => meeting(s));
  expectGrid({ 'read (invited)': '...YYYY', 'answer (invited)': '...YYYY', 'manage (invited)': '....YYY' }, (s) => meeting(s, { invited: true }), (row) => row.split(' ')[0]);
  expectGrid({ 'read (organizer)': '...YYYY', 'manage (organizer)': '...YYYY' }, (s) => meeting(s, { organizer: true }), (row) => row.split(' ')[0]);
});

describe('announcements', () => {
  expectGrid({ read: '...YYYY', manage: '....YYY', readReceipts: '....YYY' }, (s) => new AnnouncementAccess({} as Announcement, groupAccessFor(s)));
});

describe('bulletins', () => {
  const UNIT_ADMIN = { adminUnitPaths: ['/root/'] };
  const target = (s: Standing, withinUnits: boolean) => new BulletinTarget(groupAccessFor(s), withinUnits);
  it.each([
    ['a unit admin who runs the group', 'admin', UNIT_ADMIN, false, true],
    ['a unit admin, plain member, everyone within their units', 'member', UNIT_ADMIN, true, true],
    ['a unit admin, plain member, others outside their units', 'member', UNIT_ADMIN, false, false],
    ['a unit admin outside the group', 'outsider', UNIT_ADMIN, true, false],
    ['a group owner who administers no unit', 'owner', {}, true, false],
    ['a system admin who is a member', 'memberSystemAdmin', {}, false, true],
    ['a system admin outside the group', 'systemAdmin', {}, true, false],
  ] as const)('%s', (_name, standing, extra, withinUnits, expected) => {
    expect(can(actorFor(standing, extra), 'publishBulletin', target(standing, withinUnits))).toBe(expected);
  });
});
