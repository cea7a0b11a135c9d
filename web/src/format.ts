/** Display helpers: times in Asia/Shanghai, Chinese labels for enums, readable devices. */
import type { UnitLevel, UserStatus } from './types.js';

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });

function parse(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026/11/24 16:00" in Beijing time. */
export function formatDateTime(value: string | null | undefined): string {
  const date = parse(value);
  return date ? dateTime.format(date) : '—';
}

/** "2026年11月24日" in Beijing time. */
export function formatDate(value: string | null | undefined): string {
  const date = parse(value);
  return date ? dateOnly.format(date) : '—';
}

export const LEVEL_LABELS: Record<UnitLevel, string> = { PROVINCE: '省级', CITY: '市级', COUNTY: '县（区）级' };

export const STATUS_LABELS: Record<UserStatus, string> = { ACTIVE: '正常', PENDING: '待审核', REJECTED: '未通过审核', DISABLED: '已停用' };

/** "Chrome · Windows" from a user agent string; the raw string stays available as a tooltip. */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return '未知设备';
  const ua = userAgent;
  const browser = /MicroMessenger/i.test(ua)
    ? '微信'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /(OPR|Opera)\//.test(ua)
        ? 'Opera'
        : /Firefox\//.test(ua)
          ? 'Firefox'
          : /HeadlessChrome\//.test(ua)
            ? 'Chrome（无界面）'
            : /(Chrome|Chromium)\//.test(ua)
              ? 'Chrome'
              : /Safari\//.test(ua)
                ? 'Safari'
                : /curl|node|undici|axios|python|go-http/i.test(ua)
                  ? '程序接口'
                  : '浏览器';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Android/.test(ua)
      ? 'Android'
      : /(iPhone|iPad|iPod)/.test(ua)
        ? 'iOS'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} · ${os}` : browser;
}

const monthDayTime = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "12月10日 09:00" in Beijing time (a meeting's start in one line of text). */
export function formatMonthDayTime(value: string | null | undefined): string {
  const date = parse(value);
  return date ? monthDayTime.format(date) : '—';
}
