import { badInput } from '../../errors.js';
import { requireActor, type DomainContext } from '../context.js';
import { isUuid } from '../ids.js';
import { decodeTypedCursor, pageSize, toPage, type Page } from '../pagination.js';
import { queryWords, toTsqueryLiteral } from './segment.js';

export type SearchType = 'GROUP_MESSAGE' | 'DISCUSSION_MESSAGE' | 'DIRECT_MESSAGE' | 'THREAD' | 'REPLY' | 'DOCUMENT';
const ALL_TYPES: SearchType[] = ['GROUP_MESSAGE', 'DISCUSSION_MESSAGE', 'DIRECT_MESSAGE', 'THREAD', 'REPLY', 'DOCUMENT'];
/** Matches per conversation (and per BBS branch) that relevance ranks: the newest ones. */
export const RELEVANCE_WINDOW = 200;
const CONVERSATION_KIND: Partial<Record<SearchType, string>> = { GROUP_MESSAGE: 'group', DISCUSSION_MESSAGE: 'discussion', DIRECT_MESSAGE: 'direct' };

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
export async function search(ctx: DomainContext, args: SearchArgs): Promise<SearchPage> {
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
  if (groupId && !isUuid(groupId)) return { ...toPage([], size, () => []), words };
  if (authorId && !isUuid(authorId)) return { ...toPage([], size, () => []), words };
  const from = validDate(filter.from, 'from');
  const to = validDate(filter.to, 'to');
  const cursor = decodeTypedCursor(args.after, sort === 'TIME' ? ['timestamp', 'uuid'] : ['int']);

  const tsquery = toTsqueryLiteral(words);
  const offset = sort === 'RELEVANCE' && cursor ? Number(cursor[0]) : 0;
  if (sort === 'RELEVANCE' && (!Number.isInteger(offset) || offset < 0 || offset > 10_000)) throw badInput('分页游标无效', 'after');
  // Rows each branch (and each conversation) contributes: a time page needs only its own size;
  // relevance ranks the newest RELEVANCE_WINDOW matches per conversation and branch (all of
  // them for any word that is not very common), so a word in half of all messages does not
  // make PostgreSQL read and rank every one of them.
  const limit = sort === 'TIME' ? size + 1 : Math.max(RELEVANCE_WINDOW, offset + size + 1);
  const params: unknown[] = [];
  // The tsquery is written into each branch as a constant (not a CTE column), so the planner
  // sees the words and their frequency: a rare word is found through the GIN index, a common
  // one by walking the viewer's conversations newest first until enough rows matched.
  const matches = (alias: string) => (params.push(tsquery), `${alias}.search_vector @@ ?::tsquery`);
  const rank = (alias: string) => (sort === 'TIME' ? `0::real` : (params.push(tsquery), `ts_rank(${alias}.search_vector, ?::tsquery)`));
  const common = (alias: string, authorColumn = 'author_id') => {
    const parts: string[] = [];
    if (authorId) (parts.push(`${alias}.${authorColumn} = ?`), params.push(authorId));
    if (from) (parts.push(`${alias}.created_at >= ?::timestamptz`), params.push(from));
    if (to) (parts.push(`${alias}.created_at < ?::timestamptz`), params.push(to));
    if (sort === 'TIME' && cursor) (parts.push(`(${alias}.created_at, ${alias}.id) < (?::timestamptz, ?::uuid)`), params.push(String(cursor[0]), String(cursor[1])));
    return parts.map((p) => ` and ${p}`).join('');
  };

  const branches: string[] = [];
  const kinds = types.map((t) => CONVERSATION_KIND[t]).filter((k): k is string => !!k);
  if (kinds.length) {
    // The conversations the viewer is a member of now, of the requested kinds (and group); for
    // each, its newest matching messages (GIN over conversation and words, or a walk newest first).
    const rankSql = rank('m');
    params.push(actor.userId, kinds);
    let scope = `select c.id, c.kind, coalesce(g.id, d.group_id) as group_id
                   from conversation_member cm
                   join conversation c on c.id = cm.conversation_id
                   left join chat_group g on g.conversation_id = c.id
                   left join discussion_group d on d.conversation_id = c.id
                  where cm.user_id = ? and c.kind in (?)
                    -- A discussion group only while the viewer is still in its group.
                    and (d.id is null or exists (select 1 from group_member gm where gm.group_id = d.group_id and gm.user_id = cm.user_id))`;
    if (groupId) (scope += ` and coalesce(g.id, d.group_id) = ?`), params.push(groupId);
    const where = matches('m');
    // Restricted messages only for their readers (the level test alone for everything else).
    params.push(actor.userId);
    const filters = common('m');
    params.push(limit);
    branches.push(`
      select case s.kind when 'group' then 'GROUP_MESSAGE' when 'discussion' then 'DISCUSSION_MESSAGE' else 'DIRECT_MESSAGE' end as type,
             m.id, m.author_id, m.created_at, m.created_at::text as created_key, s.group_id,
             m.conversation_id, m.seq, null::uuid as thread_id, null::int as floor, null::text as title, m.body,
             ${rankSql} as rank, m.confidentiality
        from (${scope}) s
        cross join lateral (
          select m.id, m.author_id, m.created_at, m.conversation_id, m.seq, m.body, m.search_vector, m.confidentiality
            from message m
           where m.conversation_id = s.id and ${where} and jl_may_read(m.id, m.confidentiality, m.author_id, s.group_id, ?) and m.recalled_at is null${filters}
           order by m.created_at desc, m.id desc
           limit ?) m`);
  }
  const groupScope = () => {
    params.push(actor.userId);
    let scope = `select gm.group_id from group_member gm where gm.user_id = ?`;
    if (groupId) (scope += ` and gm.group_id = ?`), params.push(groupId);
    return scope;
  };
  if (types.includes('THREAD')) {
    const rankSql = rank('t');
    const where = matches('t');
    params.push(actor.userId);
    const scope = groupScope();
    const filters = common('t');
    params.push(limit);
    branches.push(`
      (select 'THREAD' as type, t.id, t.author_id, t.created_at, t.created_at::text as created_key, t.group_id,
             null::uuid as conversation_id, null::int as seq, t.id as thread_id, null::int as floor, t.title, t.body,
             ${rankSql} as rank, t.confidentiality
        from thread t
       where ${where} and jl_may_read(t.id, t.confidentiality, t.author_id, t.group_id, ?) and t.group_id in (${scope})${filters}
       order by t.created_at desc, t.id desc
       limit ?)`);
  }
  if (types.includes('REPLY')) {
    const rankSql = rank('r');
    const where = matches('r');
    params.push(actor.userId, actor.userId);
    const scope = groupScope();
    const filters = common('r');
    params.push(limit);
    branches.push(`
      (select 'REPLY' as type, r.id, r.author_id, r.created_at, r.created_at::text as created_key, t.group_id,
             null::uuid as conversation_id, null::int as seq, t.id as thread_id, r.floor, t.title, r.body,
             ${rankSql} as rank,
             case when 'restricted' in (r.confidentiality, t.confidentiality) then 'restricted'
                  when 'internal' in (r.confidentiality, t.confidentiality) then 'internal' else 'normal' end as confidentiality
        from thread_reply r
        join thread t on t.id = r.thread_id
       where ${where} and r.deleted_at is null and t.removed_at is null
         and jl_may_read(t.id, t.confidentiality, t.author_id, t.group_id, ?) and jl_may_read(r.id, r.confidentiality, r.author_id, t.group_id, ?)
         and t.group_id in (${scope})${filters}
       order by r.created_at desc, r.id desc
       limit ?)`);
  }
  if (types.includes('DOCUMENT')) {
    // Names of documents in libraries the viewer reads now: their groups' 群文件, and the files of
    // the discussion groups and private chats they are in. Deleted documents have left the library.
    const rankSql = rank('f');
    const where = matches('f');
    params.push(actor.userId);
    let groups = `select gm.group_id from group_member gm where gm.user_id = ?`;
    if (groupId) (groups += ` and gm.group_id = ?`), params.push(groupId);
    params.push(actor.userId);
    let conversations = `select cm.conversation_id from conversation_member cm
                           join conversation c on c.id = cm.conversation_id
                           left join discussion_group d on d.conversation_id = c.id
                          where cm.user_id = ? and c.kind <> 'group'
                            and (d.id is null or exists (select 1 from group_member gm where gm.group_id = d.group_id and gm.user_id = cm.user_id))`;
    if (groupId) (conversations += ` and d.group_id = ?`), params.push(groupId);
    const filters = common('f', 'uploader_id');
    params.push(limit);
    branches.push(`
      (select 'DOCUMENT' as type, f.id, f.uploader_id as author_id, f.created_at, f.created_at::text as created_key,
             coalesce(f.group_id, (select dg.group_id from discussion_group dg where dg.conversation_id = f.conversation_id)) as group_id,
             f.conversation_id, null::int as seq, null::uuid as thread_id, null::int as floor, null::text as title, f.name as body,
             ${rankSql} as rank, 'normal'::text as confidentiality
        from document f
       where ${where} and f.deleted_at is null
         and (f.group_id in (${groups}) or f.conversation_id in (${conversations}))${filters}
       order by f.created_at desc, f.id desc
       limit ?)`);
  }
  if (!branches.length) return { ...toPage([], size, () => []), words };

  let order: string;
  if (sort === 'TIME') {
    order = `order by created_at desc, id desc limit ?`;
    params.push(size + 1);
  } else {
    order = `order by rank desc, created_at desc, id desc limit ? offset ?`;
    params.push(size + 1, offset);
  }
  const rows = await ctx.em.execute<Array<Record<string, unknown>>>(`select * from (${branches.join('\n union all \n')}) hits ${order}`, params);
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
  }));
  const page = toPage(hits, size, (h) => (sort === 'TIME' ? [h.createdKey, h.id] : [offset + hits.indexOf(h) + 1]));
  return { ...page, words };
}

