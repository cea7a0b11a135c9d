/** Chat times in Beijing time: "09:05" today, "昨天", "11月23日", day dividers. */
import { serverNow } from '../api.js';

const TZ = 'Asia/Shanghai';
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const clock = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const monthDay = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, month: 'long', day: 'numeric' });
const fullDay = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' });
const full = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** "2026-11-24" in Beijing. */
export function dayKey(value: string | number | Date): string {
  return dayKeyFormat.format(new Date(value));
}

function daysAgo(value: string): number {
  const today = Date.parse(`${dayKey(serverNow())}T00:00:00Z`);
  const day = Date.parse(`${dayKey(value)}T00:00:00Z`);
  return Math.round((today - day) / 86_400_000);
}

/** "09:05". */
export function clockTime(value: string): string {
  return clock.format(new Date(value));
}

/** "2026/11/24 09:05:33", for tooltips. */
export function fullTime(value: string): string {
  return full.format(new Date(value));
}

/** Day divider: "今天", "昨天", "11月22日 周日", "2025年3月1日 周六". */
export function dayLabel(value: string): string {
  const ago = daysAgo(value);
  if (ago === 0) return '今天';
  if (ago === 1) return '昨天';
  const sameYear = dayKey(value).slice(0, 4) === dayKey(serverNow()).slice(0, 4);
  return sameYear && ago < 300 ? `${monthDay.format(new Date(value))} ${fullDay.formatToParts(new Date(value)).find((p) => p.type === 'weekday')?.value ?? ''}`.trim() : fullDay.format(new Date(value));
}

/** Conversation list: "09:05" today, "昨天", else "11月22日". */
export function listTime(value: string | null): string {
  if (!value) return '';
  const ago = daysAgo(value);
  if (ago === 0) return clockTime(value);
  if (ago === 1) return '昨天';
  return monthDay.format(new Date(value));
}
