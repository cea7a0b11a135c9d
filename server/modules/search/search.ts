import { ChatGroup, Thread } from '../../db/entities/index.js';
import { createHash } from 'node:crypto';
import { entityColumns, query, queryWithGenericPlan } from '../../db/sql.js';
import { badInput } from '../../errors.js';
import { PERSON_COLUMNS, PeopleSeen, personJoin, personOf, type PersonRow, type PersonView } from '../accounts/people.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeTypedCursor, pageSize, toPage, type Page } from '../pagination.js';
import { queryWords, toTsqueryLiteral } from '../content/segment.js';
import { wordShares, type SearchTable } from './wordShare.js';
import { mayFindSql } from '../../policies/index.js';

export type SearchType = 'GROUP_MESSAGE' | 'DISCUSSION_MESSAGE' | 'DIRECT_MESSAGE' | 'THREAD' | 'REPLY' | 'DOCUMENT';
const ALL_TYPES: SearchType[] = ['GROUP_MESSAGE', 'DISCUSSION_MESSAGE', 'DIRECT_MESSAGE', 'THREAD', 'REPLY', 'DOCUMENT'];
/**
 * Relevance ranks a pool of about this many matches: the newest ones of each of the viewer's
 * scopes (conversation, or group for threads and replies), an equal share each.
 */
export const RELEVANCE_POOL = 200;
/**
 * Blocks that search probes one by one, newest first (the GIN indexes *_search_block_index of
 * migration SearchBlocks): 2^8 consecutive messages of a conversation (seq), or replies of a
 * group (group_seq); the newest 16 of them, then the rest of the scope at once.
 */
const MESSAGE_BLOCK_BITS = 8;
const REPLY_BLOCK_BITS = 8;
const MESSAGE_NEWEST_BLOCKS = 16;
const REPLY_NEWEST_BLOCKS = 16;
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
 * of their own, with a smaller window (`threadWindow`: each test reads a TOASTed vector). Each child
 * of the merge is one scope, so the statement has one shape per padded scope count (MERGE_*_SHAPES).
 */
export const mergeTuning = { enabled: true, share: 0.01, window: 1024, minWindow: 64, budget: 8192, threadWindow: 128 };
const MERGE_CONVERSATION_SHAPES = [4, 8, 16, 32, 64];
const MERGE_GROUP_SHAPES = [2, 4, 8, 16, 32];
const CONVERSATION_KIND: Partial<Record<SearchType, string>> = { GROUP_MESSAGE: 'group', DISCUSSION_MESSAGE: 'discussion', DIRECT_MESSAGE: 'direct' };
const CONVERSATION_TYPE: Record<string, SearchType> = { group: 'GROUP_MESSAGE', discussion: 'DISCUSSION_MESSAGE', direct: 'DIRECT_MESSAGE' };

/**
 * The conversations a viewer may search now (`viewer`: the statement's placeholder of their id):
 * those they are a member of, a discussion group only while they are still in its group. Columns
 * id, kind, last_seq, group_id; `where` narrows them (aliases c: conversation, g: group, d:
 * discussion group).
 */
const viewerConversations = (viewer: string, where = '') => `
  select c.id, c.kind, c.last_seq, coalesce(g.id, d.group_id) as group_id
    from conversation_member cm
    join conversation c on c.id = cm.conversation_id
    left join chat_group g on g.conversation_id = c.id
    left join discussion_group d on d.conversation_id = c.id
   where cm.user_id = ${viewer} and (d.id is null or exists (select 1 from group_member gm where gm.group_id = d.group_id and gm.user_id = cm.user_id))${where}`;
/** The groups a viewer may search now (their threads and replies): columns group_id, last_reply_seq. */
const viewerGroups = (viewer: string, where = '') =>
  `select gm.group_id, g.last_reply_seq from group_member gm join chat_group g on g.id = gm.group_id where gm.user_id = ${viewer}${where}`;
/** A reply's level as a hit: the higher of its own and its thread's. */
const replyLevel = (own: string, thread: string) =>
  `case when 'restricted' in (${own}, ${thread}) then 'restricted' when 'internal' in (${own}, ${thread}) then 'internal' else 'normal' end`;

/** A scope of the merged walk: its id, and where its window ends (the row `window` rows below its newest). */
interface ScopeWindow {
  id: string | null;
  kind: string | null;
  groupId: string | null;
  at: string | null;
  bid: string | null;
}

/** The scopes padded with empty ones (no id: their child reads nothing) up to the next shape. */
const padded = (scopes: ScopeWindow[], shapes: number[]): ScopeWindow[] => {
  const size = shapes.find((n) => n >= scopes.length)!;
  return [...scopes, ...Array.from({ length: size - scopes.length }, () => ({ id: null, kind: null, groupId: null, at: null, bid: null }))];
};

/**
 * The viewer's conversations and groups (the same rules as the statement's own scopes, which
 * check them again), each with the end of its window; null when there are more than the largest
 * merged shape holds.
 */
async function mergeWindows(em: DomainContext['em'], userId: string): Promise<MergeScopes | null> {
  const rows = await query<{ scope: 'c' | 'g' | 't'; id: string; kind: string | null; group_id: string | null; at: string | null; bid: string | null }>(
    em,
    'jiaoliu_search_windows',
    `with conversations as (${viewerConversations('$1')}),
          groups as (${viewerGroups('$1')}),
          size as (select greatest($3::int, least($2::int, $4::int / greatest(1, (select count(*) from conversations) + (select count(*) from groups))::int)) as n)
     select 'c' as scope, c.id, c.kind, c.group_id, b.created_at::text as at, b.id as bid
       from conversations c cross join size
       left join lateral (select m.created_at, m.id from message m where m.conversation_id = c.id and m.seq <= c.last_seq - size.n order by m.seq desc limit 1) b on true
     union all
     select 'g', g.group_id, null, g.group_id, b.created_at::text, b.id
       from groups g cross join size
       left join lateral (select r.created_at, r.id from thread_reply r where r.group_id = g.group_id and r.group_seq <= g.last_reply_seq - size.n order by r.group_seq desc limit 1) b on true
     union all
     select 't', g.group_id, null, g.group_id, b.created_at::text, b.id
       from groups g cross join size
       left join lateral (select t.created_at, t.id from thread t where t.group_id = g.group_id order by t.created_at desc, t.id desc offset least(size.n, $5::int) limit 1) b on true`,
    [userId, mergeTuning.window, mergeTuning.minWindow, mergeTuning.budget, mergeTuning.threadWindow],
  );
  const of = (scope: 'c' | 'g' | 't') => rows.filter((r) => r.scope === scope).map((r) => ({ id: r.id, kind: r.kind, groupId: r.group_id, at: r.at, bid: r.bid }));
  const conversations = of('c');
  const groups = of('g');
  if (conversations.length > MERGE_CONVERSATION_SHAPES.at(-1)! || groups.length > MERGE_GROUP_SHAPES.at(-1)!) return null;
  return { conversations, groups, threads: of('t') };
}

/** The viewer's scopes for the merged walk: conversations (messages), groups (replies, threads). */
interface MergeScopes {
  conversations: ScopeWindow[];
  groups: ScopeWindow[];
  threads: ScopeWindow[];
}

/** A row of the merged walk, as the final statement takes it back (created_at as text: exact). */
interface WalkedRow {
  type: string;
  id: string;
  author_id: string;
  created_at: string;
  group_id: string | null;
  conversation_id: string | null;
  seq: number | null;
  thread_id: string | null;
  floor: number | null;
  confidentiality: string;
}

/**
 * The merged walk: one child per scope, each newest first within its window and only while the
 * viewer is still in it, merged by time (Merge Append) and stopped after `size + 1` rows. The
 * planner would rather sort the children's few estimated rows than merge them, which would read
 * every window whole, so this statement is planned with sorting disabled: its only sort-free plan
 * is the merge. Its own statement, because the rest of the search needs sorts.
 */
async function walkScopes(
  em: DomainContext['em'],
  scopes: MergeScopes,
  o: { userId: string; tsquery: string; size: number; cursor: [string, string] | null },
): Promise<WalkedRow[]> {
  const values: unknown[] = [];
  const p = (value: unknown) => (values.push(value), `$${values.length}`);
  const viewer = p(o.userId);
  const words = p(o.tsquery);
  const cursor = o.cursor ? p(o.cursor[0]) + '::timestamptz, ' + p(o.cursor[1]) + '::uuid' : null;
  const within = (w: ScopeWindow) =>
    `(x.created_at, x.id) >= (coalesce(${p(w.at)}::timestamptz, '-infinity'), coalesce(${p(w.bid)}::uuid, '00000000-0000-0000-0000-000000000000'))` +
    (cursor ? ` and (x.created_at, x.id) < (${cursor})` : '') +
    ` and (x.search_vector @@ ${words}::tsquery) is true`;
  const conversation = (w: ScopeWindow) => `
    (select ${p(w.kind ? CONVERSATION_TYPE[w.kind] : null)}::text as type, x.id, x.author_id, x.created_at::text as created_at, ${p(w.groupId)}::uuid as group_id,
            x.conversation_id, x.seq, null::uuid as thread_id, null::int as floor, x.confidentiality, x.created_at as at
       from message x
      where x.conversation_id = (select s.id from live s where s.id = ${p(w.id)}::uuid) and ${within(w)}
        and ${mayFindSql.message('x', `${p(w.groupId)}::uuid`, viewer)}
      order by x.created_at desc, x.id desc)`;
  const group = (w: ScopeWindow) => `
    (select 'REPLY'::text as type, x.id, x.author_id, x.created_at::text as created_at, x.group_id, null::uuid as conversation_id, null::int as seq, x.thread_id, x.floor,
            (select ${replyLevel('x.confidentiality', 't.confidentiality')} from thread t where t.id = x.thread_id) as confidentiality, x.created_at as at
       from thread_reply x
      where x.group_id = (select s.group_id from glive s where s.group_id = ${p(w.id)}::uuid) and ${within(w)}
        and ${mayFindSql.reply('x', viewer)}
      order by x.created_at desc, x.id desc)`;
  const threads = (w: ScopeWindow) => `
    (select 'THREAD'::text as type, x.id, x.author_id, x.created_at::text as created_at, x.group_id, null::uuid as conversation_id, null::int as seq, x.id as thread_id,
            null::int as floor, x.confidentiality, x.created_at as at
       from thread x
      where x.group_id = (select s.group_id from glive s where s.group_id = ${p(w.id)}::uuid) and ${within(w)}
        and ${mayFindSql.thread('x', viewer)}
      order by x.created_at desc, x.id desc)`;
  // The viewer's conversations and groups now, as in the search statement (mergeWindows read them a moment ago).
  const text = `
    with live as materialized (${viewerConversations(viewer)}),
         glive as materialized (${viewerGroups(viewer)})
    select type, id, author_id, created_at, group_id, conversation_id, seq, thread_id, floor, confidentiality from (
      ${[
        ...padded(scopes.conversations, MERGE_CONVERSATION_SHAPES).map(conversation),
        ...padded(scopes.groups, MERGE_GROUP_SHAPES).map(group),
        ...padded(scopes.threads, MERGE_GROUP_SHAPES).map(threads),
      ].join('\n union all ')}
    ) h order by at desc, id desc limit ${p(o.size + 1)}`;
  const name = `jiaoliu_search_walk_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  return queryWithGenericPlan<WalkedRow>(em, name, text, values, { enable_sort: 'off' });
}

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
export interface PreparedSearch {
  /** Set for the shapes that run as named statements with a generic plan. */
  name: string | undefined;
  text: string;
  values: unknown[];
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

  const params: unknown[] = [];
  // Each value becomes a numbered parameter of the statement.
  const p = (value: unknown) => (params.push(value), `$${params.length}`);
  const rank = (alias: string) => (sort === 'TIME' ? `0::real` : `ts_rank(${alias}.search_vector, ${p(tsquery)}::tsquery)`);
  const filters = (alias: string, authorColumn = 'author_id') =>
    (authorId ? ` and ${alias}.${authorColumn} = ${p(authorId)}` : '') +
    (from ? ` and ${alias}.created_at >= ${p(from)}::timestamptz` : '') +
    (to ? ` and ${alias}.created_at < ${p(to)}::timestamptz` : '') +
    (sort === 'TIME' && cursor ? ` and (${alias}.created_at, ${alias}.id) < (${p(String(cursor[0]))}::timestamptz, ${p(String(cursor[1]))}::uuid)` : '');
  // Rows each scope contributes, newest first: a time page needs its own size from each.
  const perScope = sort === 'TIME' ? String(size + 1) : `(select share from pool)`;

  const kinds = types.map((t) => CONVERSATION_KIND[t]).filter((k): k is string => !!k);
  const bbs = types.includes('THREAD') || types.includes('REPLY');
  // The words are a parameter of each branch (not a CTE column), so that GIN can use them.
  const matches = (alias: string, walk = false) => (walk ? `(${alias}.search_vector @@ ${p(tsquery)}::tsquery) is true` : `${alias}.search_vector @@ ${p(tsquery)}::tsquery`);
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
  const probeMatches = (alias: string, rarest: string) =>
    words.length > 1 ? `${alias}.search_vector @@ ${p(toTsqueryLiteral([rarest]))}::tsquery and (${matches(alias)}) is true` : matches(alias);
  // The viewer's conversations of the requested kinds, and groups (within the group filter).
  const conversationScope = () =>
    viewerConversations(p(actor.userId), ` and c.kind = any(${p(kinds)}::text[])${groupId ? ` and coalesce(g.id, d.group_id) = ${p(groupId)}` : ''}`);
  const groupScope = () => viewerGroups(p(actor.userId), groupId ? ` and gm.group_id = ${p(groupId)}` : '');

  // Relevance's share per scope: RELEVANCE_POOL over the viewer's conversations and groups (a
  // group counts once per BBS branch, the documents once), or the share the first page used.
  const scopeCount = () =>
    [
      kinds.length ? `(select count(*) from (${conversationScope()}) s)` : '',
      bbs ? `${(types.includes('THREAD') ? 1 : 0) + (types.includes('REPLY') ? 1 : 0)} * (select count(*) from (${groupScope()}) s)` : '',
      types.includes('DOCUMENT') ? '1' : '',
    ].filter(Boolean).join(' + ');
  const pool =
    sort === 'TIME'
      ? ''
      : cursorShare !== null
        ? `with pool as (select ${p(cursorShare)}::int as share) `
        : `with pool as (select greatest(1, ceil(${RELEVANCE_POOL}::numeric / greatest(1, ${scopeCount()})))::int as share) `;

  // A scope's newest matching rows, read one of two ways by how common the words are in its table:
  // - rarer words: the newest `blocks` blocks of 2^bits consecutive rows are probed one by one
  //   (GIN over scope, block key and words) until enough rows matched, and only then is the rest
  //   of the scope read at once. A rare word costs a few empty probes and one lookup;
  // - common words (WALK_SHARE of the rows or more), whose GIN lists are long, walk the scope
  //   newest first (btree) and test each row, stopping after enough matched. `is true` keeps the
  //   planner on that walk: it cannot estimate a scope's share (scopes differ a thousandfold).
  //   In a probe the block key alone stands for the scope in the index (`is true` again): adding
  //   the scope's own, longer GIN list to the probe only makes it dearer.
  const newestMatches = (o: {
    table: string;
    walk: boolean;
    scope: [column: string, value: string];
    block: [column: string, bits: number, newest: string, blocks: number];
    /** The walk's order, served by a btree over (scope column, ...). */
    walkOrder: string;
    columns: (alias: string) => string;
    where: (alias: string, walk: boolean) => string;
  }) => {
    const [scopeColumn, scopeValue] = o.scope;
    const [blockColumn, bits, newest, blocks] = o.block;
    if (o.walk) {
      return `select ${o.columns('x')} from ${o.table} x
               where x.${scopeColumn} = ${scopeValue} and ${o.where('x', true)}
               order by ${o.walkOrder.replace(/\$/g, 'x')}
               limit ${perScope}`;
    }
    return `select * from (
            (select y.* from generate_series(${newest}, greatest(0, ${newest} - ${blocks - 1}), -1) as b(block)
               cross join lateral (
                 select ${o.columns('x')} from ${o.table} x
                  where (x.${scopeColumn} = ${scopeValue}) is true and (uuid_hash_extended(x.${scopeColumn}, 0) # (x.${blockColumn} >> ${bits})) = (uuid_hash_extended(${scopeValue}, 0) # b.block)
                    and ${o.where('x', false)}
                  order by x.created_at desc, x.id desc
                  limit ${perScope}) y)
            union all
            (select ${o.columns('x')} from ${o.table} x
              where x.${scopeColumn} = ${scopeValue} and x.${blockColumn} < (${newest} - ${blocks - 1}) << ${bits} and ${o.where('x', false)}
              order by x.created_at desc, x.id desc
              limit ${perScope})
          ) newest limit ${perScope}`;
  };
  const reusable = types.length === ALL_TYPES.length && !groupId && !authorId && !from && !to;
  const merge =
    sort === 'TIME' && reusable && mergeTuning.enabled && Math.min(messagePlan.rarestShare, replyPlan.rarestShare) >= mergeTuning.share
      ? await mergeWindows(ctx.em, actor.userId)
      : null;
  // Each branch yields the hits' keys; bodies and titles are read for the final page only, so
  // that no other row's text (often TOASTed) is read.
  const branches: string[] = [];
  // A scope source's newest matching messages (`from` yields s: id, kind, last_seq, group_id).
  const messageBranch = (from: string, extra: (x: string) => string = () => '') => `
      select case s.kind when 'group' then 'GROUP_MESSAGE' when 'discussion' then 'DISCUSSION_MESSAGE' else 'DIRECT_MESSAGE' end as type,
             m.id, m.author_id, m.created_at, s.group_id, m.conversation_id, m.seq, null::uuid as thread_id, null::int as floor,
             null::text as name, m.rank, m.confidentiality
        from ${from}
        cross join lateral (${newestMatches({
          table: 'message',
          walk: messagePlan.walk,
          scope: ['conversation_id', 's.id'],
          walkOrder: '$.created_at desc, $.id desc',
          block: ['seq', MESSAGE_BLOCK_BITS, `(s.last_seq >> ${MESSAGE_BLOCK_BITS})`, MESSAGE_NEWEST_BLOCKS],
          columns: (x) => `${x}.id, ${x}.author_id, ${x}.created_at, ${x}.conversation_id, ${x}.seq, ${x}.confidentiality, ${rank(x)} as rank`,
          where: (x, walk) =>
            `${walk ? matches(x, true) : probeMatches(x, messagePlan.rarest)} and ${mayFindSql.message(x, 's.group_id', p(actor.userId))}${filters(x)}${extra(x)}`,
        })}) m`;
  if (kinds.length && !merge) branches.push(messageBranch(`(${conversationScope()}) s`));
  // A scope source's newest matching threads (`from` yields s: group_id).
  const threadBranch = (from: string, extra: (x: string) => string = () => '') => `
      select 'THREAD' as type, t.id, t.author_id, t.created_at, s.group_id, null::uuid as conversation_id, null::int as seq,
             t.id as thread_id, null::int as floor, null::text as name, ${rank('t')} as rank, t.confidentiality
        from ${from}
        cross join lateral (
          -- A group holds few threads: all of a word's matches in it come from GIN, and the exact
          -- GIN test reads no (TOASTed) vector. Only the kept ones are ranked (outside), which
          -- reads their vectors.
          select t.id, t.author_id, t.created_at, t.confidentiality, t.search_vector from thread t
           where t.group_id = s.group_id and ${matches('t')} and ${mayFindSql.thread('t', p(actor.userId))}${filters('t')}${extra('t')}
           order by t.created_at desc, t.id desc
           limit ${perScope}) t`;
  if (types.includes('THREAD') && !merge) branches.push(threadBranch(`(${groupScope()}) s`));
  // A scope source's newest matching replies (`from` yields s: group_id, last_reply_seq).
  const replyBranch = (from: string, extra: (x: string) => string = () => '') => `
      select 'REPLY' as type, r.id, r.author_id, r.created_at, s.group_id, null::uuid as conversation_id, null::int as seq,
             r.thread_id, r.floor, null::text as name, r.rank,
             ${replyLevel('r.confidentiality', 'r.thread_confidentiality')} as confidentiality
        from ${from}
        cross join lateral (${newestMatches({
          table: 'thread_reply',
          walk: replyPlan.walk,
          scope: ['group_id', 's.group_id'],
          walkOrder: '$.group_seq desc',
          block: ['group_seq', REPLY_BLOCK_BITS, `(s.last_reply_seq >> ${REPLY_BLOCK_BITS})`, REPLY_NEWEST_BLOCKS],
          columns: (x) =>
            `${x}.id, ${x}.author_id, ${x}.created_at, ${x}.thread_id, ${x}.floor, ${x}.confidentiality,
             (select t.confidentiality from thread t where t.id = ${x}.thread_id) as thread_confidentiality, ${rank(x)} as rank`,
          where: (x, walk) =>
            `${walk ? matches(x, true) : probeMatches(x, replyPlan.rarest)} and ${mayFindSql.reply(x, p(actor.userId))}${filters(x)}${extra(x)}`,
        })}) r`;
  if (types.includes('REPLY') && !merge) branches.push(replyBranch(`(${groupScope()}) s`));
  if (types.includes('DOCUMENT')) {
    // Names of documents in libraries the viewer reads now: their groups' 群文件, and the files of
    // the discussion groups and private chats they are in. Deleted documents have left the library.
    branches.push(`
      (select 'DOCUMENT' as type, f.id, f.uploader_id as author_id, f.created_at,
             coalesce(f.group_id, (select dg.group_id from discussion_group dg where dg.conversation_id = f.conversation_id)) as group_id,
             f.conversation_id, null::int as seq, null::uuid as thread_id, null::int as floor, f.name, ${rank('f')} as rank, 'normal'::text as confidentiality
        from document f
       where ${matches('f')} and f.deleted_at is null
         and (f.group_id in (select s.group_id from (${groupScope()}) s)
              or f.conversation_id in (select s.id from (${viewerConversations(p(actor.userId), ` and c.kind <> 'group'${groupId ? ` and d.group_id = ${p(groupId)}` : ''}`)}) s))${filters('f', 'uploader_id')}
       order by f.created_at desc, f.id desc
       limit ${perScope})`);
  }
  if (!branches.length && !merge) return { page: { ...toPage([], size, () => []), words } };
  const order = sort === 'TIME' ? `order by created_at desc, id desc` : `order by rank desc, created_at desc, id desc`;
  const window = () => (sort === 'TIME' ? `limit ${p(size + 1)}` : `limit ${p(size + 1)} offset ${p(offset)}`);

  // The merged walk (see mergeTuning) ran before this statement (walkScopes); its rows come in as
  // arrays. `edge` is the last row a page needs from it: a scope whose window ends above the edge
  // may hold newer rows below its window, which the rest branches read with the block probes (a
  // group's threads with GIN). Documents are a branch as for any search.
  let merged: { ctes: string; hits: string } | null = null;
  if (merge) {
    const walked = await walkScopes(ctx.em, merge, { userId: actor.userId, tsquery, size, cursor: sort === 'TIME' && cursor ? [String(cursor[0]), String(cursor[1])] : null });
    const edge = walked.length > size ? walked[size] : null;
    const windowed = [
      ...merge.conversations.map((w) => ({ ...w, kind: 'c' })),
      ...merge.groups.map((w) => ({ ...w, kind: 'g' })),
      ...merge.threads.map((w) => ({ ...w, kind: 't' })),
    ].filter((w) => w.at !== null);
    const column = (name: keyof WalkedRow) => walked.map((r) => r[name]);
    const belowWindow = (x: string) =>
      ` and (${x}.created_at, ${x}.id) < (w.at, w.bid)` + (edge ? ` and (${x}.created_at, ${x}.id) > (${p(edge.created_at)}::timestamptz, ${p(edge.id)}::uuid)` : '');
    merged = {
      ctes: `with live as materialized (${conversationScope()}),
                  glive as materialized (${groupScope()}),
                  walked as (select h.type, h.id, h.author_id, h.created_at, h.group_id, h.conversation_id, h.seq, h.thread_id, h.floor, null::text as name, 0::real as rank, h.confidentiality
                               from unnest(${p(column('type'))}::text[], ${p(column('id'))}::uuid[], ${p(column('author_id'))}::uuid[], ${p(column('created_at'))}::timestamptz[],
                                           ${p(column('group_id'))}::uuid[], ${p(column('conversation_id'))}::uuid[], ${p(column('seq'))}::int[], ${p(column('thread_id'))}::uuid[],
                                           ${p(column('floor'))}::int[], ${p(column('confidentiality'))}::text[])
                                 as h(type, id, author_id, created_at, group_id, conversation_id, seq, thread_id, floor, confidentiality)),
                  windows as (select * from unnest(${p(windowed.map((w) => w.id))}::uuid[], ${p(windowed.map((w) => w.at))}::timestamptz[], ${p(windowed.map((w) => w.bid))}::uuid[],
                                                   ${p(windowed.map((w) => w.kind))}::text[]) as w(id, at, bid, kind)
                               ${edge ? `where (w.at, w.bid) > (${p(edge.created_at)}::timestamptz, ${p(edge.id)}::uuid)` : ''}) `,
      hits: `select * from (select * from walked
                            union all ${messageBranch(`live s join windows w on w.kind = 'c' and w.id = s.id`, belowWindow)}
                            union all ${replyBranch(`glive s join windows w on w.kind = 'g' and w.id = s.group_id`, belowWindow)}
                            union all ${threadBranch(`glive s join windows w on w.kind = 't' and w.id = s.group_id`, belowWindow)}
                            ${branches.map((b) => `union all ${b}`).join('\n')}) h
              order by created_at desc, id desc limit ${p(size + 1)}`,
    };
  }
  // The page's groups and threads come with it, for the presenter to map without another query.
  const groupColumns = entityColumns(ctx.em, ChatGroup, 'rg');
  const threadColumns = entityColumns(ctx.em, Thread, 'rt');
  const text =
    `${merged ? merged.ctes : pool}select hits.*, hits.created_at::text as created_key, coalesce(mb.body, rb.body, case when hits.type = 'THREAD' then rt.body end, hits.name) as body,
            rt.title, ${groupColumns.sql}, ${threadColumns.sql}, ${PERSON_COLUMNS}
                 ${sort === 'TIME' ? '' : ', (select share from pool) as share'}
       from (${merged ? merged.hits : `select * from (${branches.join('\n union all \n')}) h ${order} ${window()}`}) hits
       left join message mb on hits.conversation_id is not null and hits.seq is not null and mb.id = hits.id
       left join thread_reply rb on hits.type = 'REPLY' and rb.id = hits.id
       left join thread rt on rt.id = hits.thread_id
       left join chat_group rg on rg.id = hits.group_id
       ${personJoin('hits.author_id', true)}
      ${order}`;
  // The unfiltered searches (the search box) are one named statement per shape (its text), planned
  // once per connection: every plan choice is already written into the text, and planning costs a
  // third of running it. Their shapes are few (order, strategies, one or more words, cursor), so
  // each connection keeps a few dozen plans; filtered searches, in many more shapes, are planned
  // for their values each time.
  const name = reusable ? `jiaoliu_search_${createHash('sha1').update(text).digest('hex').slice(0, 20)}` : undefined;
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
      group: groupColumns.pick(r),
      thread: threadColumns.pick(r),
      author: personOf(r as unknown as PersonRow, people),
    }));
    const share = rows.length && sort === 'RELEVANCE' ? Number(rows[0].share) : 0;
    const page = toPage(hits, size, (h) => (sort === 'TIME' ? [h.createdKey, h.id] : [offset + hits.indexOf(h) + 1, share]));
    return { ...page, words };
  };
  return { name, text, values: params, finish };
}

/** Runs the request's search statement (see prepareSearch). */
export async function search(ctx: DomainContext, args: SearchArgs): Promise<SearchPage> {
  const prepared = await prepareSearch(ctx, args);
  if ('page' in prepared) return prepared.page;
  return prepared.finish(await runSearch(ctx.em, prepared));
}

/** A named shape with its generic plan, any other planned for its values. */
export const runSearch = (em: DomainContext['em'], { name, text, values }: PreparedSearch) =>
  name ? queryWithGenericPlan<Record<string, unknown>>(em, name, text, values) : query<Record<string, unknown>>(em, undefined, text, values);
