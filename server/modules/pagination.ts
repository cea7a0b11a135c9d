import { badInput } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  /** One cursor per node. */
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** A number, or a function so that the count query runs only when a client asks for it. */
  totalCount?: number | (() => Promise<number>);
}

/** Server-side cap on every page: more than MAX_PAGE_SIZE is refused, not silently cut. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`每页数量应在 1 至 ${MAX_PAGE_SIZE} 之间`, 'first');
  }
  return first;
}

/** Opaque keyset cursors: the sort key values of the last row, base64url JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values;
    }
  } catch {
    /* fall through */
  }
  throw badInput('分页游标无效', 'after');
}

/** Builds a page from rows fetched with LIMIT size + 1. */
export function toPage<T>(rows: T[], size: number, cursorOf: (row: T) => unknown[]): Page<T> {
  const hasNextPage = rows.length > size;
  const nodes = hasNextPage ? rows.slice(0, size) : rows;
  const cursors = nodes.map((node) => encodeCursor(cursorOf(node)));
  return { nodes, cursors, hasNextPage, endCursor: cursors[cursors.length - 1] ?? null };
}

export const emptyPage = <T>(): Page<T> => ({ nodes: [], cursors: [], hasNextPage: false, endCursor: null, totalCount: 0 });

export type CursorPart = 'int' | 'digits' | 'timestamp' | 'uuid' | 'text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const fits: Record<CursorPart, (v: unknown) => boolean> = {
  int: (v) => typeof v === 'number' && Number.isSafeInteger(v),
  digits: (v) => typeof v === 'string' && /^\d{1,18}$/.test(v),
  timestamp: (v) => typeof v === 'string' && v.length <= 40 && !Number.isNaN(Date.parse(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  text: (v) => typeof v === 'string' && v.length <= 500,
};

/** decodeCursor, with each value checked against its kind before it reaches SQL (a forged cursor is BAD_USER_INPUT, not a database error). */
export function decodeTypedCursor(cursor: string | null | undefined, kinds: CursorPart[]): unknown[] | null {
  const values = decodeCursor(cursor, kinds.length);
  if (values && !values.every((v, i) => fits[kinds[i]](v))) throw badInput('分页游标无效', 'after');
  return values;
}
