import { Announcement, ChatGroup, OrgUnit, type MeetingInvitee } from '../../db/entities/index.js';
import type { GroupAccess } from '../../modules/groups/subjects.js';
import { requireActor } from '../../modules/context.js';
import type { NotificationRow } from '../../modules/notifications/notifications.js';
import { renderMarkdown } from '../../modules/forum/markdown.js';
import { announcementsForActor, meetingsForActor } from '../../modules/meetings/access.js';
import { announcementReaders, listAnnouncements, receiptCounts, viewerReadStates } from '../../modules/meetings/announcements.js';
import { groupMeetings, meetingRoster, pendingMeetings, type InviteeStatus, type RosterEntry } from '../../modules/meetings/meetings.js';
import { AnnouncementAccess, type MeetingAccess } from '../../modules/meetings/subjects.js';
import { emptyPage, type PageArgs } from '../../modules/pagination.js';
import { can, meetingAbilities } from '../../policies/index.js';
import type { GraphQLContext } from '../context.js';
import { usersById } from './chat.js';
import { viewerAccess } from '../viewerAccess.js';
import { connection } from './connection.js';

type Ctx = GraphQLContext;
type Batch<T> = Array<{ obj: T }>;

/** What a MeetingInvitation resolves from: a roster entry (with its answer). */
type InvitationView = RosterEntry;

const ANSWER_OF: Partial<Record<InviteeStatus, string>> = { attending: 'ATTEND', on_leave: 'LEAVE', substituted: 'DELEGATE' };

function invitationView(row: MeetingInvitee, unitId = ''): InvitationView {
  const status: InviteeStatus =
    row.answer === 'attend' ? 'attending' : row.answer === 'leave' ? 'on_leave' : row.answer === 'delegate' ? 'substituted' : row.readAt ? 'read' : 'unread';
  return {
    userId: row.user.id,
    unitId,
    status,
    readAt: row.readAt,
    answeredAt: row.answeredAt,
    reason: row.reason,
    substituteId: row.substitute?.id ?? null,
    substituteForId: row.substituteFor?.id ?? null,
  };
}

const isEnded = (a: MeetingAccess) => a.meeting.endsAt.getTime() <= Date.now();
const statusOf = (a: MeetingAccess) => (a.meeting.status === 'cancelled' ? 'CANCELLED' : isEnded(a) ? 'ENDED' : 'ACTIVE');

/** Resolvers of MeetingNotice: the parent is the viewer's MeetingAccess (from the access helpers). */
export const meetingResolvers = {
  id: (a: MeetingAccess) => a.meeting.id,
  title: (a: MeetingAccess) => a.meeting.title,
  agenda: (a: MeetingAccess) => a.meeting.agenda,
  startsAt: (a: MeetingAccess) => a.meeting.startsAt,
  endsAt: (a: MeetingAccess) => a.meeting.endsAt,
  place: (a: MeetingAccess) => a.meeting.place,
  onlineUrl: (a: MeetingAccess) => a.meeting.onlineUrl,
  status: statusOf,
  cancelReason: (a: MeetingAccess) => a.meeting.cancelReason,
  scope: (a: MeetingAccess) => a.meeting.scope.toUpperCase(),
  scopeUnits: async (a: MeetingAccess, _: unknown, ctx: Ctx) => {
    const ids = a.meeting.scopeUnitIds ?? [];
    if (!ids.length) return [];
    const units = await ctx.domain.em.find(OrgUnit, { id: ids });
    const byId = new Map(units.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id)).filter(Boolean);
  },
  sequence: (a: MeetingAccess) => a.meeting.sequence,
  createdAt: (a: MeetingAccess) => a.meeting.createdAt,
  updatedAt: (a: MeetingAccess) => a.meeting.updatedAt,
  group: (a: MeetingAccess) => a.group.group,
  viewerInvitation: (a: MeetingAccess) => (a.invitation ? invitationView(a.invitation) : null),
  icsUrl: (a: MeetingAccess) => `/meetings/${a.meeting.id}.ics`,
  roster: async (a: MeetingAccess, _: unknown, ctx: Ctx) => {
    const actor = requireActor(ctx.domain);
    if (!can(actor, 'manage', a)) return null;
    const roster = await meetingRoster(ctx.domain.em, a, actor);
    const units = roster.units.length ? await ctx.domain.em.find(OrgUnit, { id: roster.units.map((u) => u.unitId) }) : [];
    const unitById = new Map(units.map((u) => [u.id, u]));
    return { counts: roster.counts, units: roster.units.map((u) => ({ unit: unitById.get(u.unitId), counts: u.counts, invitees: u.entries })) };
  },
  viewerCan: (a: MeetingAccess, _: unknown, ctx: Ctx) => meetingAbilities(ctx.domain.actor, a),
};

export const meetingLoaders = {
  organizer: async (queries: Batch<MeetingAccess>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.meeting.organizer.id));
    return queries.map((q) => byId.get(q.obj.meeting.organizer.id));
  },
};

export const invitationResolvers = {
  status: (v: InvitationView) => v.status.toUpperCase(),
  answer: (v: InvitationView) => ANSWER_OF[v.status] ?? null,
};

const userLoader = (pick: (v: InvitationView) => string | null) => async (queries: Batch<InvitationView>, ctx: Ctx) => {
  const byId = await usersById(ctx, queries.map((q) => pick(q.obj)).filter((id): id is string => !!id));
  return queries.map((q) => {
    const id = pick(q.obj);
    return id ? byId.get(id) ?? null : null;
  });
};

export const invitationLoaders = {
  user: userLoader((v) => v.userId),
  substitute: userLoader((v) => v.substituteId),
  substituteFor: userLoader((v) => v.substituteForId),
};

/** The viewer's access to a group whose meetings they may read (the request's access loader), or null. */
async function memberAccess(ctx: Ctx, groupId: string): Promise<GroupAccess | null> {
  const access = await viewerAccess(ctx.domain).visible(groupId);
  return access && can(requireActor(ctx.domain), 'readMeetings', access) ? access : null;
}

async function announcementAccess(ctx: Ctx, a: Announcement): Promise<AnnouncementAccess | null> {
  const group = await memberAccess(ctx, a.group.id);
  return group ? new AnnouncementAccess(a, group) : null;
}

async function mayReadReceipts(ctx: Ctx, a: Announcement): Promise<boolean> {
  const access = await announcementAccess(ctx, a);
  return !!access && can(ctx.domain.actor, 'readReceipts', access);
}

export const announcementResolvers = {
  bodyHtml: (a: Announcement) => renderMarkdown(a.body),
  pinned: (a: Announcement) => !!a.pinnedAt,
  bulletin: (a: Announcement) => !!a.bulletinId,
  group: async (a: Announcement, _: unknown, ctx: Ctx) => ctx.domain.em.findOneOrFail(ChatGroup, { id: a.group.id }),
  readers: async (a: Announcement, _: unknown, ctx: Ctx) => {
    const access = await announcementAccess(ctx, a);
    if (!access || !can(ctx.domain.actor, 'readReceipts', access)) return null;
    const rows = await announcementReaders(ctx.domain.em, access);
    const byId = await usersById(ctx, rows.map((r) => r.userId));
    return rows.map((r) => ({ user: byId.get(r.userId), readAt: r.readAt })).filter((r) => r.user);
  },
  viewerCanManage: async (a: Announcement, _: unknown, ctx: Ctx) => {
    const access = await announcementAccess(ctx, a);
    return !!access && can(ctx.domain.actor, 'manage', access);
  },
};

export const announcementLoaders = {
  author: async (queries: Batch<Announcement>, ctx: Ctx) => {
    const byId = await usersById(ctx, queries.map((q) => q.obj.author.id));
    return queries.map((q) => byId.get(q.obj.author.id));
  },
  viewerHasRead: async (queries: Batch<Announcement>, ctx: Ctx) => {
    const read = await viewerReadStates(ctx.domain.em, requireActor(ctx.domain).userId, queries.map((q) => q.obj.id));
    return queries.map((q) => read.has(q.obj.id));
  },
  readCount: async (queries: Batch<Announcement>, ctx: Ctx) => {
    const allowed = await Promise.all(queries.map((q) => mayReadReceipts(ctx, q.obj)));
    const stats = await receiptCounts(ctx.domain.em, queries.filter((_, i) => allowed[i]).map((q) => q.obj.id));
    return queries.map((q, i) => (allowed[i] ? stats.get(q.obj.id)?.readCount ?? 0 : null));
  },
  memberCount: async (queries: Batch<Announcement>, ctx: Ctx) => {
    const allowed = await Promise.all(queries.map((q) => mayReadReceipts(ctx, q.obj)));
    const stats = await receiptCounts(ctx.domain.em, queries.filter((_, i) => allowed[i]).map((q) => q.obj.id));
    return queries.map((q, i) => (allowed[i] ? stats.get(q.obj.id)?.memberCount ?? 0 : null));
  },
};

/** Group fields of this area: non-members see empty lists and no abilities. */
export const groupMeetingResolvers = {
  viewerCanIssueMeeting: async (g: ChatGroup, _: unknown, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return !!access && can(ctx.domain.actor, 'issueMeeting', access);
  },
  viewerCanPostAnnouncement: async (g: ChatGroup, _: unknown, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return !!access && can(ctx.domain.actor, 'postAnnouncement', access);
  },
  pinnedMeetings: async (g: ChatGroup, _: unknown, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return access ? pendingMeetings(ctx.domain.em, requireActor(ctx.domain), g.id) : [];
  },
  meetings: async (g: ChatGroup, args: PageArgs & { upcoming?: boolean }, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return connection(access ? await groupMeetings(ctx.domain.em, requireActor(ctx.domain), access, args) : emptyPage());
  },
  announcements: async (g: ChatGroup, args: PageArgs & { pinnedOnly?: boolean }, ctx: Ctx) => {
    const access = await memberAccess(ctx, g.id);
    return connection(access && can(ctx.domain.actor, 'readAnnouncements', access) ? await listAnnouncements(ctx.domain.em, access, args) : emptyPage());
  },
};

const MEETING_KINDS = new Set(['meeting_invite', 'meeting_changed', 'meeting_cancelled', 'meeting_reminder', 'meeting_nudge']);

/** A notification's meeting or announcement, only while the viewer may still see it. */
export const notificationMeetingLoaders = {
  meeting: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const ids = queries.filter((q) => MEETING_KINDS.has(q.obj.kind) && q.obj.subjectId).map((q) => q.obj.subjectId!);
    const found = ids.length ? await meetingsForActor(ctx.domain.em, requireActor(ctx.domain), ids) : [];
    const byId = new Map(found.map((a) => [a.meeting.id, a]));
    return queries.map((q) => (MEETING_KINDS.has(q.obj.kind) && q.obj.subjectId ? byId.get(q.obj.subjectId) ?? null : null));
  },
  announcement: async (queries: Batch<NotificationRow>, ctx: Ctx) => {
    const ids = queries.filter((q) => q.obj.kind === 'announcement' && q.obj.subjectId).map((q) => q.obj.subjectId!);
    const found = ids.length ? await announcementsForActor(ctx.domain.em, requireActor(ctx.domain), ids) : [];
    const byId = new Map(found.map((a) => [a.announcement.id, a.announcement]));
    return queries.map((q) => (q.obj.kind === 'announcement' && q.obj.subjectId ? byId.get(q.obj.subjectId) ?? null : null));
  },
};
