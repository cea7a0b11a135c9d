import { createHash } from 'node:crypto';
import { ChatGroup, Thread } from '../../../db/entities/index.js';
import { entityColumns, query, queryWithGenericPlan } from '../../../db/sql.js';
import { joinSql, sql, sqlText, type Statement } from '../../../db/statement.js';
import { personColumns, personJoinSql } from '../../accounts/store.js';
import { mayFindSql } from '../../../policies/index.js';
import { toTsqueryLiteral } from '../../content/segment.js';
import type { DomainContext } from '../../context.js';
import type { SearchType } from '../search.js';

/**
 * Search's statements. They go past the ORM: one statement per search, whose every plan choice
 * is written into its text, run as a named prepared statement with a generic plan (db/sql.ts).
 */

type EntityManager = DomainContext['em'];
const NOTHING = sqlText('');

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
/** Each child of the merged walk is one scope, so its statement has one shape per padded scope count. */
const MERGE_CONVERSATION_SHAPES = [4, 8, 16, 32, 64];
const MERGE_GROUP_SHAPES = [2, 4, 8, 16, 32];
export const CONVERSATION_KIND: Partial<Record<SearchType, string>> = { GROUP_MESSAGE: 'group', DISCUSSION_MESSAGE: 'discussion', DIRECT_MESSAGE: 'direct' };
const CONVERSATION_TYPE: Record<string, SearchType> = { group: 'GROUP_MESSAGE', discussion: 'DISCUSSION_MESSAGE', direct: 'DIRECT_MESSAGE' };

/**
 * Which rows of a scope the viewer may find, beyond being in the scope: the policy's rule
 * (server/policies/search.ts) with the viewer's id as a value, for every path of the search (the
 * per-scope branches and the merged walk). A message needs its conversation's group.
 */
const mayFind = {
  message: (x: string, group: Statement, viewerId: string) => mayFindSql.message(x, group, sql`${viewerId}`),
  reply: (x: string, viewerId: string) => mayFindSql.reply(x, sql`${viewerId}`),
  thread: (x: string, viewerId: string) => mayFindSql.thread(x, sql`${viewerId}`),
};
/**
 * The conversations a viewer may search now: those they are a member of, a discussion group only
 * while they are still in its group. Columns id, kind, last_seq, group_id; `where` narrows them
 * (aliases c: conversation, g: group, d: discussion group).
 */
const viewerConversations = (viewerId: string, where: Statement = NOTHING) => sql`
  select c.id, c.kind, c.last_seq, coalesce(g.id, d.group_id) as group_id
    from conversation_member cm
    join conversation c on c.id = cm.conversation_id
    left join chat_group g on g.conversation_id = c.id
    left join discussion_group d on d.conversation_id = c.id
   where cm.user_id = ${viewerId} and (d.id is null or exists (select 1 from group_member gm where gm.group_id = d.group_id and gm.user_id = cm.user_id))${where}`;
/** The groups a viewer may search now (their threads and replies): columns group_id, last_reply_seq. */
const viewerGroups = (viewerId: string, where: Statement = NOTHING) =>
  sql`select gm.group_id, g.last_reply_seq from group_member gm join chat_group g on g.id = gm.group_id where gm.user_id = ${viewerId}${where}`;
/** A reply's level as a hit: the higher of its own and its thread's. */
const replyLevel = (own: string, thread: string) =>
  sqlText(`case when 'restricted' in (${own}, ${thread}) then 'restricted' when 'internal' in (${own}, ${thread}) then 'internal' else 'normal' end`);

/** A scope of the merged walk: its id, and where its window ends (the row `window` rows below its newest). */
interface ScopeWindow {
  id: string | null;
  kind: string | null;
  groupId: string | null;
  at: string | null;
  bid: string | null;
}

/** The viewer's scopes for the merged walk: conversations (messages), groups (replies, threads). */
export interface MergeScopes {
  conversations: ScopeWindow[];
  groups: ScopeWindow[];
  threads: ScopeWindow[];
}

/** The scopes padded with empty ones (no id: their child reads nothing) up to the next shape. */
const padded = (scopes: ScopeWindow[], shapes: number[]): ScopeWindow[] => {
  const size = shapes.find((n) => n >= scopes.length)!;
  return [...scopes, ...Array.from({ length: size - scopes.length }, () => ({ id: null, kind: null, groupId: null, at: null, bid: null }))];
};

/** How far the merged walk reads (see search.ts `mergeTuning`). */
export interface WindowTuning {
  window: number;
  minWindow: number;
  budget: number;
  threadWindow: number;
}

/**
 * The viewer's conversations and groups (the same rules as the statement's own scopes, which
 * check them again), each with the end of its window; null when there are more than the largest
 * merged shape holds.
 */
export async function mergeWindows(em: EntityManager, userId: string, tuning: WindowTuning): Promise<MergeScopes | null> {
  const rows = await query<{ scope: 'c' | 'g' | 't'; id: string; kind: string | null; group_id: string | null; at: string | null; bid: string | null }>(
    em,
    'jiaoliu_search_windows_v2',
    sql`with conversations as (${viewerConversations(userId)}),
          groups as (${viewerGroups(userId)}),
          size as (select greatest(${tuning.minWindow}::int, least(${tuning.window}::int, ${tuning.budget}::int / greatest(1, (select count(*) from conversations) + (select count(*) from groups))::int)) as n)
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
       left join lateral (select t.created_at, t.id from thread t where t.group_id = g.group_id order by t.created_at desc, t.id desc offset least(size.n, ${tuning.threadWindow}::int) limit 1) b on true`,
  );
  const of = (scope: 'c' | 'g' | 't') => rows.filter((r) => r.scope === scope).map((r) => ({ id: r.id, kind: r.kind, groupId: r.group_id, at: r.at, bid: r.bid }));
  const conversations = of('c');
  const groups = of('g');
  if (conversations.length > MERGE_CONVERSATION_SHAPES.at(-1)! || groups.length > MERGE_GROUP_SHAPES.at(-1)!) return null;
  return { conversations, groups, threads: of('t') };
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
  em: EntityManager,
  scopes: MergeScopes,
  o: { userId: string; tsquery: string; size: number; cursor: [string, string] | null },
): Promise<WalkedRow[]> {
  const within = (w: ScopeWindow) =>
    sql`(x.created_at, x.id) >= (coalesce(${w.at}::timestamptz, '-infinity'), coalesce(${w.bid}::uuid, '00000000-0000-0000-0000-000000000000'))${
      o.cursor ? sql` and (x.created_at, x.id) < (${o.cursor[0]}::timestamptz, ${o.cursor[1]}::uuid)` : NOTHING
    } and (x.search_vector @@ ${o.tsquery}::tsquery) is true`;
  const conversation = (w: ScopeWindow) => sql`
    (select ${w.kind ? CONVERSATION_TYPE[w.kind] : null}::text as type, x.id, x.author_id, x.created_at::text as created_at, ${w.groupId}::uuid as group_id,
            x.conversation_id, x.seq, null::uuid as thread_id, null::int as floor, x.confidentiality, x.created_at as at
       from message x
      where x.conversation_id = (select s.id from live s where s.id = ${w.id}::uuid) and ${within(w)}
        and ${mayFind.message('x', sql`${w.groupId}::uuid`, o.userId)}
      order by x.created_at desc, x.id desc)`;
  const group = (w: ScopeWindow) => sql`
    (select 'REPLY'::text as type, x.id, x.author_id, x.created_at::text as created_at, x.group_id, null::uuid as conversation_id, null::int as seq, x.thread_id, x.floor,
            (select ${replyLevel('x.confidentiality', 't.confidentiality')} from thread t where t.id = x.thread_id) as confidentiality, x.created_at as at
       from thread_reply x
      where x.group_id = (select s.group_id from glive s where s.group_id = ${w.id}::uuid) and ${within(w)}
        and ${mayFind.reply('x', o.userId)}
      order by x.created_at desc, x.id desc)`;
  const threads = (w: ScopeWindow) => sql`
    (select 'THREAD'::text as type, x.id, x.author_id, x.created_at::text as created_at, x.group_id, null::uuid as conversation_id, null::int as seq, x.id as thread_id,
            null::int as floor, x.confidentiality, x.created_at as at
       from thread x
      where x.group_id = (select s.group_id from glive s where s.group_id = ${w.id}::uuid) and ${within(w)}
        and ${mayFind.thread('x', o.userId)}
      order by x.created_at desc, x.id desc)`;
  // The viewer's conversations and groups now, as in the search statement (mergeWindows read them a moment ago).
  const statement = sql`
    with live as materialized (${viewerConversations(o.userId)}),
         glive as materialized (${viewerGroups(o.userId)})
    select type, id, author_id, created_at, group_id, conversation_id, seq, thread_id, floor, confidentiality from (
      ${joinSql(
        [
          ...padded(scopes.conversations, MERGE_CONVERSATION_SHAPES).map(conversation),
          ...padded(scopes.groups, MERGE_GROUP_SHAPES).map(group),
          ...padded(scopes.threads, MERGE_GROUP_SHAPES).map(threads),
        ],
        '\n union all ',
      )}
    ) h order by at desc, id desc limit ${o.size + 1}`;
  const name = `jiaoliu_search_walk_${createHash('sha1').update(statement.numbered).digest('hex').slice(0, 20)}`;
  return queryWithGenericPlan<WalkedRow>(em, name, statement, { enable_sort: 'off' });
}

/** How a table's words are matched (see search.ts): walk or probe, and the rarest word. */
export interface TablePlan {
  walk: boolean;
  rarest: string;
}

/** A validated search request with its plans, as the statement is built from it. */
export interface SearchQuery {
  userId: string;
  words: string[];
  tsquery: string;
  size: number;
  sort: 'TIME' | 'RELEVANCE';
  types: SearchType[];
  groupId: string | null;
  authorId: string | null;
  from: string | null;
  to: string | null;
  /** The time page's keyset cursor (created_at text, id). */
  timeCursor: [string, string] | null;
  /** The relevance page's offset and the share the first page used. */
  offset: number;
  cursorShare: number | null;
  messagePlan: TablePlan;
  replyPlan: TablePlan;
  /** The unfiltered search box: one named statement per shape. */
  reusable: boolean;
}

/** The search statement, and how the page's groups and threads come out of its rows. */
export interface SearchStatement {
  /** Set for the shapes that run as named statements with a generic plan. */
  name: string | undefined;
  statement: Statement;
  pickGroup: (row: Record<string, unknown>) => Record<string, unknown> | null;
  pickThread: (row: Record<string, unknown>) => Record<string, unknown> | null;
}

/**
 * The statement of one search over messages (group, discussion, private), threads, replies and
 * documents; null when it has nothing to search. With `merge`, the merged walk runs first
 * (walkScopes) and its rows come into the statement as arrays.
 */
export async function searchStatement(em: EntityManager, q: SearchQuery, merge: MergeScopes | null): Promise<SearchStatement | null> {
  const { userId, words, tsquery, size, sort, types, groupId, authorId, from, to, timeCursor, offset, cursorShare, messagePlan, replyPlan } = q;
  const rank = (alias: string) => (sort === 'TIME' ? sqlText(`0::real`) : sql`${sqlText(`ts_rank(${alias}.search_vector, `)}${tsquery}::tsquery)`);
  const filters = (alias: string, authorColumn = 'author_id') =>
    sql`${authorId ? sql`${sqlText(` and ${alias}.${authorColumn} = `)}${authorId}` : NOTHING}${
      from ? sql`${sqlText(` and ${alias}.created_at >= `)}${from}::timestamptz` : NOTHING
    }${to ? sql`${sqlText(` and ${alias}.created_at < `)}${to}::timestamptz` : NOTHING}${
      timeCursor ? sql`${sqlText(` and (${alias}.created_at, ${alias}.id) < (`)}${timeCursor[0]}::timestamptz, ${timeCursor[1]}::uuid)` : NOTHING
    }`;
  // Rows each scope contributes, newest first: a time page needs its own size from each.
  const perScope = sqlText(sort === 'TIME' ? String(size + 1) : `(select share from pool)`);

  const kinds = types.map((t) => CONVERSATION_KIND[t]).filter((k): k is string => !!k);
  const bbs = types.includes('THREAD') || types.includes('REPLY');
  // The words are a parameter of each branch (not a CTE column), so that GIN can use them.
  const matches = (alias: string, walk = false) =>
    walk ? sql`${sqlText(`(${alias}.search_vector @@ `)}${tsquery}::tsquery) is true` : sql`${sqlText(`${alias}.search_vector @@ `)}${tsquery}::tsquery`;
  const probeMatches = (alias: string, rarest: string) =>
    words.length > 1 ? sql`${sqlText(`${alias}.search_vector @@ `)}${toTsqueryLiteral([rarest])}::tsquery and (${matches(alias)}) is true` : matches(alias);
  // The viewer's conversations of the requested kinds, and groups (within the group filter).
  const conversationScope = () => viewerConversations(userId, sql` and c.kind = any(${kinds}::text[])${groupId ? sql` and coalesce(g.id, d.group_id) = ${groupId}` : NOTHING}`);
  const groupScope = () => viewerGroups(userId, groupId ? sql` and gm.group_id = ${groupId}` : NOTHING);

  // Relevance's share per scope: RELEVANCE_POOL over the viewer's conversations and groups (a
  // group counts once per BBS branch, the documents once), or the share the first page used.
  const scopeCount = () =>
    joinSql(
      [
        kinds.length ? sql`(select count(*) from (${conversationScope()}) s)` : null,
        bbs ? sql`${sqlText(String((types.includes('THREAD') ? 1 : 0) + (types.includes('REPLY') ? 1 : 0)))} * (select count(*) from (${groupScope()}) s)` : null,
        types.includes('DOCUMENT') ? sqlText('1') : null,
      ].filter((count): count is Statement => count !== null),
      ' + ',
    );
  const pool =
    sort === 'TIME'
      ? NOTHING
      : cursorShare !== null
        ? sql`with pool as (select ${cursorShare}::int as share) `
        : sql`with pool as (select greatest(1, ceil(${sqlText(String(RELEVANCE_POOL))}::numeric / greatest(1, ${scopeCount()})))::int as share) `;

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
    columns: (alias: string) => Statement;
    where: (alias: string, walk: boolean) => Statement;
  }) => {
    const [scopeColumn, scopeValue] = o.scope;
    const [blockColumn, bits, newest, blocks] = o.block;
    const table = sqlText(o.table);
    if (o.walk) {
      return sql`select ${o.columns('x')} from ${table} x
               where ${sqlText(`x.${scopeColumn} = ${scopeValue}`)} and ${o.where('x', true)}
               order by ${sqlText(o.walkOrder.replace(/\$/g, 'x'))}
               limit ${perScope}`;
    }
    return sql`select * from (
            (select y.* from generate_series(${sqlText(`${newest}, greatest(0, ${newest} - ${blocks - 1}), -1`)}) as b(block)
               cross join lateral (
                 select ${o.columns('x')} from ${table} x
                  where ${sqlText(`(x.${scopeColumn} = ${scopeValue}) is true and (uuid_hash_extended(x.${scopeColumn}, 0) # (x.${blockColumn} >> ${bits})) = (uuid_hash_extended(${scopeValue}, 0) # b.block)`)}
                    and ${o.where('x', false)}
                  order by x.created_at desc, x.id desc
                  limit ${perScope}) y)
            union all
            (select ${o.columns('x')} from ${table} x
              where ${sqlText(`x.${scopeColumn} = ${scopeValue} and x.${blockColumn} < (${newest} - ${blocks - 1}) << ${bits}`)} and ${o.where('x', false)}
              order by x.created_at desc, x.id desc
              limit ${perScope})
          ) newest limit ${perScope}`;
  };
  // Each branch yields the hits' keys; bodies and titles are read for the final page only, so
  // that no other row's text (often TOASTed) is read.
  const branches: Statement[] = [];
  const noExtra = () => NOTHING;
  // A scope source's newest matching messages (`from` yields s: id, kind, last_seq, group_id).
  const messageBranch = (source: Statement, extra: (x: string) => Statement = noExtra) => sql`
      select case s.kind when 'group' then 'GROUP_MESSAGE' when 'discussion' then 'DISCUSSION_MESSAGE' else 'DIRECT_MESSAGE' end as type,
             m.id, m.author_id, m.created_at, s.group_id, m.conversation_id, m.seq, null::uuid as thread_id, null::int as floor,
             null::text as name, m.rank, m.confidentiality
        from ${source}
        cross join lateral (${newestMatches({
          table: 'message',
          walk: messagePlan.walk,
          scope: ['conversation_id', 's.id'],
          walkOrder: '$.created_at desc, $.id desc',
          block: ['seq', MESSAGE_BLOCK_BITS, `(s.last_seq >> ${MESSAGE_BLOCK_BITS})`, MESSAGE_NEWEST_BLOCKS],
          columns: (x) => sql`${sqlText(`${x}.id, ${x}.author_id, ${x}.created_at, ${x}.conversation_id, ${x}.seq, ${x}.confidentiality, `)}${rank(x)} as rank`,
          where: (x, walk) => sql`${walk ? matches(x, true) : probeMatches(x, messagePlan.rarest)} and ${mayFind.message(x, sqlText('s.group_id'), userId)}${filters(x)}${extra(x)}`,
        })}) m`;
  if (kinds.length && !merge) branches.push(messageBranch(sql`(${conversationScope()}) s`));
  // A scope source's newest matching threads (`from` yields s: group_id).
  const threadBranch = (source: Statement, extra: (x: string) => Statement = noExtra) => sql`
      select 'THREAD' as type, t.id, t.author_id, t.created_at, s.group_id, null::uuid as conversation_id, null::int as seq,
             t.id as thread_id, null::int as floor, null::text as name, ${rank('t')} as rank, t.confidentiality
        from ${source}
        cross join lateral (
          -- A group holds few threads: all of a word's matches in it come from GIN, and the exact
          -- GIN test reads no (TOASTed) vector. Only the kept ones are ranked (outside), which
          -- reads their vectors.
          select t.id, t.author_id, t.created_at, t.confidentiality, t.search_vector from thread t
           where t.group_id = s.group_id and ${matches('t')} and ${mayFind.thread('t', userId)}${filters('t')}${extra('t')}
           order by t.created_at desc, t.id desc
           limit ${perScope}) t`;
  if (types.includes('THREAD') && !merge) branches.push(threadBranch(sql`(${groupScope()}) s`));
  // A scope source's newest matching replies (`from` yields s: group_id, last_reply_seq).
  const replyBranch = (source: Statement, extra: (x: string) => Statement = noExtra) => sql`
      select 'REPLY' as type, r.id, r.author_id, r.created_at, s.group_id, null::uuid as conversation_id, null::int as seq,
             r.thread_id, r.floor, null::text as name, r.rank,
             ${replyLevel('r.confidentiality', 'r.thread_confidentiality')} as confidentiality
        from ${source}
        cross join lateral (${newestMatches({
          table: 'thread_reply',
          walk: replyPlan.walk,
          scope: ['group_id', 's.group_id'],
          walkOrder: '$.group_seq desc',
          block: ['group_seq', REPLY_BLOCK_BITS, `(s.last_reply_seq >> ${REPLY_BLOCK_BITS})`, REPLY_NEWEST_BLOCKS],
          columns: (x) =>
            sql`${sqlText(`${x}.id, ${x}.author_id, ${x}.created_at, ${x}.thread_id, ${x}.floor, ${x}.confidentiality,
             (select t.confidentiality from thread t where t.id = ${x}.thread_id) as thread_confidentiality, `)}${rank(x)} as rank`,
          where: (x, walk) => sql`${walk ? matches(x, true) : probeMatches(x, replyPlan.rarest)} and ${mayFind.reply(x, userId)}${filters(x)}${extra(x)}`,
        })}) r`;
  if (types.includes('REPLY') && !merge) branches.push(replyBranch(sql`(${groupScope()}) s`));
  if (types.includes('DOCUMENT')) {
    // Names of documents in libraries the viewer reads now: their groups' 群文件, and the files of
    // the discussion groups and private chats they are in. Deleted documents have left the library.
    branches.push(sql`
      (select 'DOCUMENT' as type, f.id, f.uploader_id as author_id, f.created_at,
             coalesce(f.group_id, (select dg.group_id from discussion_group dg where dg.conversation_id = f.conversation_id)) as group_id,
             f.conversation_id, null::int as seq, null::uuid as thread_id, null::int as floor, f.name, ${rank('f')} as rank, 'normal'::text as confidentiality
        from document f
       where ${matches('f')} and f.deleted_at is null
         and (f.group_id in (select s.group_id from (${groupScope()}) s)
              or f.conversation_id in (select s.id from (${viewerConversations(userId, sql` and c.kind <> 'group'${groupId ? sql` and d.group_id = ${groupId}` : NOTHING}`)}) s))${filters('f', 'uploader_id')}
       order by f.created_at desc, f.id desc
       limit ${perScope})`);
  }
  if (!branches.length && !merge) return null;
  const order = sqlText(sort === 'TIME' ? `order by created_at desc, id desc` : `order by rank desc, created_at desc, id desc`);
  const window = () => (sort === 'TIME' ? sql`limit ${size + 1}` : sql`limit ${size + 1} offset ${offset}`);

  // The merged walk (see mergeTuning) runs before this statement (walkScopes); its rows come in as
  // arrays. `edge` is the last row a page needs from it: a scope whose window ends above the edge
  // may hold newer rows below its window, which the rest branches read with the block probes (a
  // group's threads with GIN). Documents are a branch as for any search.
  let merged: { ctes: Statement; hits: Statement } | null = null;
  if (merge) {
    const walked = await walkScopes(em, merge, { userId, tsquery, size, cursor: timeCursor });
    const edge = walked.length > size ? walked[size] : null;
    const windowed = [
      ...merge.conversations.map((w) => ({ ...w, kind: 'c' })),
      ...merge.groups.map((w) => ({ ...w, kind: 'g' })),
      ...merge.threads.map((w) => ({ ...w, kind: 't' })),
    ].filter((w) => w.at !== null);
    const column = (name: keyof WalkedRow) => walked.map((r) => r[name]);
    const belowWindow = (x: string) =>
      sql`${sqlText(` and (${x}.created_at, ${x}.id) < (w.at, w.bid)`)}${edge ? sql`${sqlText(` and (${x}.created_at, ${x}.id) > (`)}${edge.created_at}::timestamptz, ${edge.id}::uuid)` : NOTHING}`;
    merged = {
      ctes: sql`with live as materialized (${conversationScope()}),
                  glive as materialized (${groupScope()}),
                  walked as (select h.type, h.id, h.author_id, h.created_at, h.group_id, h.conversation_id, h.seq, h.thread_id, h.floor, null::text as name, 0::real as rank, h.confidentiality
                               from unnest(${column('type')}::text[], ${column('id')}::uuid[], ${column('author_id')}::uuid[], ${column('created_at')}::timestamptz[],
                                           ${column('group_id')}::uuid[], ${column('conversation_id')}::uuid[], ${column('seq')}::int[], ${column('thread_id')}::uuid[],
                                           ${column('floor')}::int[], ${column('confidentiality')}::text[])
                                 as h(type, id, author_id, created_at, group_id, conversation_id, seq, thread_id, floor, confidentiality)),
                  windows as (select * from unnest(${windowed.map((w) => w.id)}::uuid[], ${windowed.map((w) => w.at)}::timestamptz[], ${windowed.map((w) => w.bid)}::uuid[],
                                                   ${windowed.map((w) => w.kind)}::text[]) as w(id, at, bid, kind)
                               ${edge ? sql`where (w.at, w.bid) > (${edge.created_at}::timestamptz, ${edge.id}::uuid)` : NOTHING}) `,
      hits: sql`select * from (select * from walked
                            union all ${messageBranch(sqlText(`live s join windows w on w.kind = 'c' and w.id = s.id`), belowWindow)}
                            union all ${replyBranch(sqlText(`glive s join windows w on w.kind = 'g' and w.id = s.group_id`), belowWindow)}
                            union all ${threadBranch(sqlText(`glive s join windows w on w.kind = 't' and w.id = s.group_id`), belowWindow)}
                            ${joinSql(branches.map((b) => sql`union all ${b}`), '\n')}) h
              order by created_at desc, id desc limit ${size + 1}`,
    };
  }
  // The page's groups and threads and authors come with it, for the presenter to map without
  // another query.
  const groupColumns = entityColumns(em, ChatGroup, 'rg');
  const threadColumns = entityColumns(em, Thread, 'rt');
  const statement = sql`${merged ? merged.ctes : pool}select hits.*, hits.created_at::text as created_key, coalesce(mb.body, rb.body, case when hits.type = 'THREAD' then rt.body end, hits.name) as body,
            rt.title, ${sqlText(groupColumns.sql)}, ${sqlText(threadColumns.sql)}, ${personColumns}
                 ${sqlText(sort === 'TIME' ? '' : ', (select share from pool) as share')}
       from (${merged ? merged.hits : sql`select * from (${joinSql(branches, '\n union all \n')}) h ${order} ${window()}`}) hits
       left join message mb on hits.conversation_id is not null and hits.seq is not null and mb.id = hits.id
       left join thread_reply rb on hits.type = 'REPLY' and rb.id = hits.id
       left join thread rt on rt.id = hits.thread_id
       left join chat_group rg on rg.id = hits.group_id
       ${personJoinSql('hits.author_id', true)}
      ${order}`;
  // The unfiltered searches (the search box) are one named statement per shape (its text), planned
  // once per connection: every plan choice is already written into the text, and planning costs a
  // third of running it. Their shapes are few (order, strategies, one or more words, cursor), so
  // each connection keeps a few dozen plans; filtered searches, in many more shapes, are planned
  // for their values each time.
  const name = q.reusable ? `jiaoliu_search_${createHash('sha1').update(statement.numbered).digest('hex').slice(0, 20)}` : undefined;
  return { name, statement, pickGroup: groupColumns.pick, pickThread: threadColumns.pick };
}

/** A named shape with its generic plan, any other planned for its values. */
export const runSearchStatement = (em: EntityManager, { name, statement }: Pick<SearchStatement, 'name' | 'statement'>) =>
  name ? queryWithGenericPlan<Record<string, unknown>>(em, name, statement) : query<Record<string, unknown>>(em, undefined, statement);
