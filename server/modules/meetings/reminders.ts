import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobHandler } from '../scheduler/jobs.js';
import { cancelJobs, enqueueJob } from '../scheduler/jobs.js';
import { notify } from '../notifications/notifications.js';
import { meetingForReminder, reminderRecipients } from './store/meetings.js';
import { REMINDER_HOURS } from './subjects.js';

export const MEETING_REMINDER_JOB = 'meeting_reminder';

/**
 * (Re)plans a notice's reminders, 24 hours and 1 hour before it starts, in the caller's
 * transaction: pending ones are dropped, and only reminders still in the future are queued.
 */
export async function scheduleReminders(em: EntityManager, meetingId: string, startsAt: Date): Promise<void> {
  await cancelJobs(em, MEETING_REMINDER_JOB, meetingId);
  for (const hours of REMINDER_HOURS) {
    const runAt = new Date(startsAt.getTime() - hours * 3600_000);
    if (runAt.getTime() <= Date.now()) continue;
    await enqueueJob(em, { kind: MEETING_REMINDER_JOB, subjectId: meetingId, runAt, data: { hoursBefore: hours, startsAt: startsAt.toISOString() } });
  }
}

export const dropReminders = (em: EntityManager, meetingId: string) => cancelJobs(em, MEETING_REMINDER_JOB, meetingId);

/**
 * Sends one reminder: to invitees who have not declined (unanswered, attending, substitutes)
 * and are still members of the group. A reminder for a cancelled notice, for a start time that
 * has since changed, or for a meeting that already began (the server was down) sends nothing.
 */
export const meetingReminderJob: JobHandler = async (em, job, emit) => {
  if (!job.subjectId) return;
  const meeting = await meetingForReminder(em, job.subjectId);
  if (!meeting || meeting.status !== 'active') return;
  const startsAt = new Date(meeting.starts_at);
  if (job.data?.startsAt && new Date(String(job.data.startsAt)).getTime() !== startsAt.getTime()) return;
  if (startsAt.getTime() <= Date.now()) return;
  const events = await notify(em, {
    kind: 'meeting_reminder',
    userIds: await reminderRecipients(em, meeting.group_id, meeting.id),
    actorId: meeting.organizer_id,
    groupId: meeting.group_id,
    subjectId: meeting.id,
    data: { hoursBefore: job.data?.hoursBefore ?? null, startsAt: startsAt.toISOString() },
  });
  events.forEach(emit);
};

export const jobHandlers: Record<string, JobHandler> = { [MEETING_REMINDER_JOB]: meetingReminderJob };
