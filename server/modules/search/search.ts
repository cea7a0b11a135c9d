import { badInput } from '../../errors.js';
import { PeopleSeen, personOf, type PersonRow, type PersonView } from '../accounts/people.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeTypedCursor, pageSize, toPage, type Page } from '../pagination.js';
import { queryWords, toTsqueryLiteral } from '../content/segment.js';
import { wordShares, type SearchTable } from './wordShare.js';
import { CONVERSATION_KIND, mergeWindows, RELEVANCE_POOL, runSearchStatement, searchStatement, type SearchStatement } from './store/search.js';

export type SearchType = 'GROUP_MESSAGE' | 'DISCUSSION_MESSAGE' | 'DIRECT_MESSAGE' | 'THREAD' | 'REPLY' | 'DOCUMENT';
const ALL_TYPES: SearchType[] = ['GROUP_MESSAGE', 'DISCUSSION_MESSAGE', 'DIRECT_MESSAGE', 'THREAD', 'REPLY', 'DOCUMENT'];
/** Words in at least this share of a table's rows walk each scope newest first instead. */
const WALK_SHARE = 0.1;
/**
 * Time order, when the rarest word is in at least `share` of the rows: every scope is walked newest
 * first (btree) in one merge over all of them (PostgreSQL's Merge Append), which stops as soon as
 * the page is full, so the scopes together read about as many rows as one page needs instead of a
 * page each. A walk reads at most a scope's newest `window` rows, fewer when the viewer has many
 * scopes (`budget` rows in all, at least `minWindow` each), so that a word that is common overall
 * but absent from the viewer's scopes costs a bounded walk; older rows come from the block probes,
 * and only for scopes whose window ends above the page's last hit. A group's threads are a scope
 * of their own, with a smaller window (`threadWindow`: each test reads a TOASTed vector). (The
 * statements: store/search.ts.)
 */
export const mergeTuning = { enabled: true, share: 0.01, window: 1024, minWindow: 64, budget: 8192, threadWindow: 128 };

export interface SearchFilter {
  groupId?: unknown;
  types?: SearchType[] | null;
  authorId?: unknown;
  from?: unknown;
  to?: unknown;
}

export interface SearchArgs {
  query: unknown;
  filter?: SearchFilter | null;
  sort?: 'RELEVANCE' | 'TIME' | null;
  first?: number | null;
  after?: string | null;
}

export interface SearchHit {
  type: SearchType;
  id: string;
  authorId: string;
  createdAt: Date;
  groupId: string | null;
  conversationId: string | null;
  seq: number | null;
  threadId: string | null;
  floor: number | null;
  title: string | null;
  body: string;
  rank: number;
  /** The hit's level (for a reply: the higher of the reply's and its thread's). */
  confidentiality: 'normal' | 'internal' | 'restricted';
  /** created_at as PostgreSQL prints it, for exact keyset cursors. */
  createdKey: string;
  /** The hit's group and thread rows (entity columns) and author, read by the same statement. */
  group: Record<string, unknown> | null;
  thread: Record<string, unknown> | null;
  author: PersonView | null;
}

/** The search statement for one request, and how its rows become the page. */
export interface PreparedSearch extends Pick<SearchStatement, 'name' | 'statement'> {
  finish: (rows: Array<Record<string, unknown>>) => SearchPage;
}

export interface SearchPage extends Page<SearchHit> {
  words: string[];
}

function validDate(raw: unknown, field: string): string | null {
  if (raw === null || raw === undefined || raw === '') return null;
  const date = raw instanceof Date ? raw : new Date(String(raw));
  if (Number.isNaN(date.getTime())) throw badInput('日期格式不正确', field);
  return date.toISOString();
}

/**
 * One search over messages (group, discussion, private), threads and replies, limited to what
 * the viewer may read at this moment: messages of conversations they are a member of now
 * (leaving a group or discussion ends it), threads and replies of groups they belong to now.
 * Recalled messages and deleted replies have no search vector, so they cannot match.
 * Relevance pages use an offset cursor (ranks are floats); time pages a keyset cursor.
 */
export async function prepareSearch(ctx: DomainContext, args: SearchArgs): Promise<PreparedSearch | { page: SearchPage }> {
  const actor = requireActor(ctx);
  const query = String(args.query ?? '').normalize('NFC').trim();
  if (!query) throw badInput('请输入要搜索的内容', 'query');
  if ([...query].length > 50) throw badInput('搜索内容不能超过 50 个字', 'query');
  const words = queryWords(query);
  if (!words.length) throw badInput('请输入文字或数字进行搜索', 'query');
  const size = pageSize(args.first);
  const sort = args.sort === 'TIME' ? 'TIME' : 'RELEVANCE';
  const filter = args.filter ?? {};
  const types = filter.types?.length ? [...new Set(filter.types)] : ALL_TYPES;
  if (!types.every((t) => ALL_TYPES.includes(t))) throw badInput('类型无效', 'types');
  const groupId = filter.groupId === null || filter.groupId === undefined || filter.groupId === '' ? null : String(filter.groupId);
  const authorId = filter.authorId === null || filter.authorId === undefined || filter.authorId === '' ? null : String(filter.authorId);
  if (groupId && !isUuid(groupId)) return { page: { ...toPage([], size, () => []), words } };
  if (authorId && !isUuid(authorId)) return { page: { ...toPage([], size, () => []), words } };
  const from = validDate(filter.from, 'from');
  const to = validDate(filter.to, 'to');
  const cursor = decodeTypedCursor(args.after, sort === 'TIME' ? ['timestamp', 'uuid'] : ['int', 'int']);

  const tsquery = toTsqueryLiteral(words);
  const offset = sort === 'RELEVANCE' && cursor ? Number(cursor[0]) : 0;
  if (sort === 'RELEVANCE' && (!Number.isInteger(offset) || offset < 0 || offset > 10_000)) throw badInput('分页游标无效', 'after');
  // Relevance ranks a pool: each scope's newest `share` matches. The first page sizes the share
  // from the viewer's scopes and the cursor carries it, so later pages rank the same pool.
  const cursorShare = sort === 'RELEVANCE' && cursor ? Number(cursor[1]) : null;
  if (cursorShare !== null && (!Number.isInteger(cursorShare) || cursorShare < 1 || cursorShare > RELEVANCE_POOL)) throw badInput('分页游标无效', 'after');

  // Per table: whether to walk, and the rarest word, which alone drives a GIN probe (each further
  // common word costs a probe more than testing it on the few rows found).
  const plan = async (table: SearchTable) => {
    const shares = await wordShares(ctx.em, table, words);
    const rarest = words[shares.indexOf(Math.min(...shares))];
    // Words of one query are rarely independent (jieba cuts 行政许可 into 行政 and 许可), so their
    // product underestimates how many rows hold them all; the rarest word's share bounds it.
    return { walk: shares.reduce((all, s) => all * s, 1) >= WALK_SHARE, rarestShare: Math.min(...shares), rarest };
  };
  const [messagePlan, replyPlan] = await Promise.all([plan('message'), plan('thread_reply')]);
  const reusable = types.length === ALL_TYPES.length && !groupId && !authorId && !from && !to;
  const merge =
    sort === 'TIME' && reusable && mergeTuning.enabled && Math.min(messagePlan.rarestShare, replyPlan.rarestShare) >= mergeTuning.share
      ? await mergeWindows(ctx.em, actor.userId, mergeTuning)
      : null;
  const built = await searchStatement(
    ctx.em,
    {
      userId: actor.userId, words, tsquery, size, sort, types, groupId, authorId, from, to,
      timeCursor: sort === 'TIME' && cursor ? [String(cursor[0]), String(cursor[1])] : null,
      offset, cursorShare, messagePlan, replyPlan, reusable,
    },
    merge,
  );
  if (!built) return { page: { ...toPage([], size, () => []), words } };
  const finish = (rows: Array<Record<string, unknown>>): SearchPage => {
    const people = new PeopleSeen();
    const hits: SearchHit[] = rows.map((r) => ({
      type: r.type as SearchType,
      id: String(r.id),
      authorId: String(r.author_id),
      createdAt: new Date(r.created_at as string),
      createdKey: String(r.created_key),
      groupId: (r.group_id as string | null) ?? null,
      conversationId: (r.conversation_id as string | null) ?? null,
      seq: r.seq === null ? null : Number(r.seq),
      threadId: (r.thread_id as string | null) ?? null,
      floor: r.floor === null ? null : Number(r.floor),
      title: (r.title as string | null) ?? null,
      body: String(r.body),
      rank: Number(r.rank),
      confidentiality: r.confidentiality as SearchHit['confidentiality'],
      group: built.pickGroup(r),
      thread: built.pickThread(r),
      author: personOf(r as unknown as PersonRow, people),
    }));
    const share = rows.length && sort === 'RELEVANCE' ? Number(rows[0].share) : 0;
    const page = toPage(hits, size, (h) => (sort === 'TIME' ? [h.createdKey, h.id] : [offset + hits.indexOf(h) + 1, share]));
    return { ...page, words };
  };
  return { name: built.name, statement: built.statement, finish };
}

/** Runs the request's search statement (see prepareSearch). */
export async function search(ctx: DomainContext, args: SearchArgs): Promise<SearchPage> {
  const prepared = await prepareSearch(ctx, args);
  if ('page' in prepared) return prepared.page;
  return prepared.finish(await runSearch(ctx.em, prepared));
}

/** A named shape with its generic plan, any other planned for its values. */
export const runSearch = (em: DomainContext['em'], prepared: PreparedSearch) => runSearchStatement(em, prepared);
