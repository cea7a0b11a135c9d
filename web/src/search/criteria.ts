/** What a search asks for, as it lives in the address (#/search?q=…&group=…&types=…&author=…&from=…&to=…&sort=TIME). */
import type { SearchResultType } from '../forum/types.js';
import { hashQuery } from '../router.js';

export const MAX_QUERY = 50;
export const TYPES: SearchResultType[] = ['GROUP_MESSAGE', 'DISCUSSION_MESSAGE', 'DIRECT_MESSAGE', 'THREAD', 'REPLY', 'DOCUMENT'];
const DAY_MS = 86_400_000;

export interface Criteria {
  q: string;
  group: string;
  types: SearchResultType[];
  author: string;
  authorName: string;
  from: string;
  to: string;
  sort: 'RELEVANCE' | 'TIME';
}

export function readCriteria(): Criteria {
  const p = hashQuery();
  const types = (p.get('types') ?? '').split(',').filter((t): t is SearchResultType => (TYPES as string[]).includes(t));
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '');
  return {
    q: (p.get('q') ?? '').slice(0, MAX_QUERY),
    group: p.get('group') ?? '',
    types,
    author: p.get('author') ?? '',
    authorName: p.get('authorName') ?? '',
    from: date(p.get('from')),
    to: date(p.get('to')),
    sort: p.get('sort') === 'TIME' ? 'TIME' : 'RELEVANCE',
  };
}

export function toHash(c: Criteria): string {
  const p = new URLSearchParams();
  p.set('q', c.q);
  if (c.group) p.set('group', c.group);
  if (c.types.length && c.types.length < TYPES.length) p.set('types', c.types.join(','));
  if (c.author) {
    p.set('author', c.author);
    p.set('authorName', c.authorName);
  }
  if (c.from) p.set('from', c.from);
  if (c.to) p.set('to', c.to);
  if (c.sort === 'TIME') p.set('sort', 'TIME');
  return `#/search?${p.toString()}`;
}

/** A day in Beijing time as an instant: its start (from) or the start of the next day (to, inclusive). */
export function dayStart(day: string, next = false): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`) + (next ? DAY_MS : 0)).toISOString();
}
