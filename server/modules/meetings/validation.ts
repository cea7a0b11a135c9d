import { badInput } from '../../errors.js';
import { validTitle } from '../content/posts.js';
import { MAX_AGENDA, MAX_MEETING_DAYS, MAX_PLACE, MAX_REASON, MAX_URL } from './subjects.js';

/** The fields of a notice a person writes, checked together (end after start, place or link). */
export interface MeetingFields {
  title: string;
  agenda: string;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
}

const length = (s: string) => [...s].length;

export function validDate(raw: unknown, field: string): Date {
  const date = raw instanceof Date ? raw : new Date(String(raw ?? ''));
  if (Number.isNaN(date.getTime())) throw badInput('会议时间格式无效', field);
  return date;
}

export function validAgenda(raw: unknown): string {
  const agenda = String(raw ?? '').normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (length(agenda) > MAX_AGENDA) throw badInput(`议程不能超过 ${MAX_AGENDA} 字`, 'agenda');
  return agenda;
}

export function validPlace(raw: unknown): string | null {
  const place = String(raw ?? '').normalize('NFC').trim();
  if (!place) return null;
  if (/[\r\n]/.test(place)) throw badInput('会议地点不能换行', 'place');
  if (length(place) > MAX_PLACE) throw badInput(`会议地点不能超过 ${MAX_PLACE} 字`, 'place');
  return place;
}

/** Online links are http or https only: nothing a browser would run or open elsewhere. */
export function validOnlineUrl(raw: unknown): string | null {
  const text = String(raw ?? '').trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput('线上会议链接格式无效', 'onlineUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('线上会议链接只能是 http 或 https 地址', 'onlineUrl');
  if (text.length > MAX_URL) throw badInput(`线上会议链接不能超过 ${MAX_URL} 个字符`, 'onlineUrl');
  return url.toString();
}

/**
 * Checks a whole notice. `startMayBePast` is for edits that leave the start alone: a notice
 * issued earlier may be edited (e.g. its place) even while it runs.
 */
export function validMeetingFields(raw: { title: unknown; agenda: unknown; startsAt: unknown; endsAt: unknown; place: unknown; onlineUrl: unknown }, startMayBePast = false): MeetingFields {
  const fields: MeetingFields = {
    title: validTitle(raw.title),
    agenda: validAgenda(raw.agenda),
    startsAt: validDate(raw.startsAt, 'startsAt'),
    endsAt: validDate(raw.endsAt, 'endsAt'),
    place: validPlace(raw.place),
    onlineUrl: validOnlineUrl(raw.onlineUrl),
  };
  const now = Date.now();
  // A minute's grace for a form filled in at "now".
  if (!startMayBePast && fields.startsAt.getTime() < now - 60_000) throw badInput('开始时间不能早于当前时间', 'startsAt');
  if (fields.startsAt.getTime() > now + 366 * 86_400_000) throw badInput('开始时间不能晚于一年以后', 'startsAt');
  if (fields.endsAt.getTime() <= fields.startsAt.getTime()) throw badInput('结束时间必须晚于开始时间', 'endsAt');
  if (fields.endsAt.getTime() - fields.startsAt.getTime() > MAX_MEETING_DAYS * 86_400_000) throw badInput(`会议时长不能超过 ${MAX_MEETING_DAYS} 天`, 'endsAt');
  if (!fields.place && !fields.onlineUrl) throw badInput('请填写会议地点或线上会议链接', 'place');
  return fields;
}

export function validLeaveReason(raw: unknown): string {
  const reason = String(raw ?? '').normalize('NFC').trim();
  if (!reason) throw badInput('请假须填写事由', 'reason');
  if (/[\r\n]/.test(reason)) throw badInput('请假事由不能换行', 'reason');
  if (length(reason) > MAX_REASON) throw badInput(`请假事由不能超过 ${MAX_REASON} 字`, 'reason');
  return reason;
}

export function validCancelReason(raw: unknown): string | null {
  const reason = String(raw ?? '').normalize('NFC').trim();
  if (!reason) return null;
  if (length(reason) > MAX_REASON) throw badInput(`取消原因不能超过 ${MAX_REASON} 字`, 'reason');
  return reason;
}
