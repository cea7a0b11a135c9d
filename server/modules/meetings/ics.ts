import ical, { ICalEventStatus } from 'ical-generator';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ChatGroup, User } from '../../db/entities/index.js';
import type { MeetingAccess } from './subjects.js';

/**
 * The notice as an RFC 5545 calendar (one VEVENT) for calendar programs: times in UTC, a UID
 * stable for the notice, SEQUENCE rising with each edit and the cancellation, and STATUS
 * CANCELLED once cancelled, so that a re-import updates the entry instead of adding one.
 */
export async function meetingCalendar(em: EntityManager, access: MeetingAccess): Promise<{ filename: string; body: string }> {
  const m = access.meeting;
  const [organizer, group] = await Promise.all([em.findOneOrFail(User, { id: m.organizer.id }, { populate: ['unit'] }), em.findOneOrFail(ChatGroup, { id: m.group.id })]);
  const calendar = ical({ name: '交流 · 会议通知', prodId: { company: 'Jiaoliu', product: 'meetings', language: 'ZH' } });
  const description = [
    m.agenda || null,
    `发起人：${organizer.realName}（${organizer.unit.getEntity().name} ${organizer.title}）`,
    `群组：${group.name}`,
    m.onlineUrl ? `线上会议：${m.onlineUrl}` : null,
    m.status === 'cancelled' ? `会议已取消${m.cancelReason ? `：${m.cancelReason}` : ''}` : null,
  ]
    .filter(Boolean)
    .join('\n\n');
  calendar.createEvent({
    id: `${m.id}@jiaoliu`,
    sequence: m.sequence,
    start: m.startsAt,
    end: m.endsAt,
    stamp: m.updatedAt,
    created: m.createdAt,
    lastModified: m.updatedAt,
    summary: m.title,
    description,
    location: m.place ?? m.onlineUrl ?? null,
    url: m.onlineUrl ?? null,
    status: m.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return { filename: `${m.title}.ics`, body: calendar.toString() };
}
