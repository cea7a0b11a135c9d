import { requireActor, type DomainContext } from '../../modules/context.js';
import { announcementForActor, meetingForActor } from '../../modules/meetings/access.js';
import { bulletinTargets, editAnnouncement, openAnnouncement, postAnnouncement, publishBulletin, setAnnouncementPinned } from '../../modules/meetings/announcements.js';
import { answerMeeting, cancelMeeting, editMeeting, issuedMeetings, issueMeeting, openMeeting, pendingMeetings, remindUnanswered, setMeetingPolicy, type MeetingEdit, type MeetingInput } from '../../modules/meetings/meetings.js';
import type { GraphQLContext } from '../context.js';

type Ctx = GraphQLContext;

/** A notice as the viewer now sees it (presenters read the viewer's access). */
const present = async (domain: DomainContext, id: string) => meetingForActor(domain.em, requireActor(domain), id);

export const meetingQueries = {
  meeting: (_: unknown, args: { id: string }, { domain }: Ctx) => meetingForActor(domain.em, requireActor(domain), args.id),
  myPendingMeetings: (_: unknown, __: unknown, { domain }: Ctx) => pendingMeetings(domain.em, requireActor(domain)),
  myIssuedMeetings: (_: unknown, args: { first?: number | null }, { domain }: Ctx) => issuedMeetings(domain.em, requireActor(domain), args.first),
  announcement: async (_: unknown, args: { id: string }, { domain }: Ctx) => (await announcementForActor(domain.em, requireActor(domain), args.id)).announcement,
  bulletinTargets: async (_: unknown, __: unknown, { domain }: Ctx) => (await bulletinTargets(domain)).map((t) => t.group.group),
};

export const meetingMutations = {
  issueMeeting: async (_: unknown, args: { input: MeetingInput }, { domain }: Ctx) => present(domain, (await issueMeeting(domain, args.input)).id),
  editMeeting: async (_: unknown, args: { meetingId: string; input: MeetingEdit }, { domain }: Ctx) => present(domain, (await editMeeting(domain, args.meetingId, args.input)).id),
  cancelMeeting: async (_: unknown, args: { meetingId: string; reason?: string | null }, { domain }: Ctx) => present(domain, (await cancelMeeting(domain, args.meetingId, args.reason)).id),
  openMeeting: async (_: unknown, args: { meetingId: string }, { domain }: Ctx) => present(domain, (await openMeeting(domain, args.meetingId)).id),
  answerMeeting: async (_: unknown, args: { meetingId: string; answer: string; reason?: string | null; substituteId?: string | null }, { domain }: Ctx) =>
    present(domain, (await answerMeeting(domain, args.meetingId, args.answer, args.reason, args.substituteId)).id),
  remindUnanswered: (_: unknown, args: { meetingId: string }, { domain }: Ctx) => remindUnanswered(domain, args.meetingId),
  setGroupMeetingPolicy: (_: unknown, args: { groupId: string; membersMayIssue: boolean }, { domain }: Ctx) => setMeetingPolicy(domain, args.groupId, args.membersMayIssue),
  postAnnouncement: (_: unknown, args: { groupId: string; title: string; body: string }, { domain }: Ctx) => postAnnouncement(domain, args.groupId, args.title, args.body),
  editAnnouncement: (_: unknown, args: { announcementId: string; title: string; body: string }, { domain }: Ctx) => editAnnouncement(domain, args.announcementId, args.title, args.body),
  setAnnouncementPinned: (_: unknown, args: { announcementId: string; pinned: boolean }, { domain }: Ctx) => setAnnouncementPinned(domain, args.announcementId, args.pinned),
  openAnnouncement: (_: unknown, args: { announcementId: string }, { domain }: Ctx) => openAnnouncement(domain, args.announcementId),
  publishBulletin: (_: unknown, args: { groupIds: string[]; title: string; body: string }, { domain }: Ctx) => publishBulletin(domain, args.groupIds, args.title, args.body),
};
