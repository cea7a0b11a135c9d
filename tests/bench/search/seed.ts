/**
 * Data for the search benchmark, written with multi-row INSERTs through `pg` for speed but with
 * the application's own indexing path for text: every message, thread and reply gets its
 * search vector from `toTsvectorLiteral` and is inserted with `?::tsvector` while the GIN
 * indexes are live, exactly as the send/post paths write them.
 *
 * Layout: synthetic officials (seeds/synthetic.ts), G groups whose popularity falls off (each
 * official joins 3-8 groups, picked by weight, so a few groups are large and most are small),
 * three boards per group, discussion groups (a handful of a group's members), private chats
 * between officials who share a group, messages spread over the last 180 days (group
 * conversations in proportion to their size), threads in boards and replies to them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { generateSynthetic } from '../../../seeds/synthetic.js';
import { toTsvectorLiteral } from '../../../server/modules/content/segment.js';
import { Composer, loadSentences, random } from './corpus.js';

export interface SeedOptions {
  officials: number;
  groups: number;
  discussions: number;
  directs: number;
  messages: number;
  threads: number;
  replies: number;
  batch: number;
  seed: number;
}

export interface IndexingFigures {
  docs: number;
  bytes: number;
  /** Time in toTsvectorLiteral alone. */
  segmentMs: number;
  /** Time waiting for the INSERT statements (parse, tsvector input, heap, btree and GIN maintenance). */
  insertMs: number;
  /** Wall time of the pipeline (segmentation of batch n+1 overlaps the insert of batch n). */
  wallMs: number;
  /** Bytes of the tsvector literals sent. */
  vectorBytes: number;
}

export interface Viewer {
  userId: string;
  token: string;
  /** Group conversations this official belongs to. */
  groupConversations: string[];
  groups: number;
  conversations: number;
}

export interface SeededData {
  indexing: { messages: IndexingFigures; threads: IndexingFigures; replies: IndexingFigures };
  groupSizes: number[];
  setupMs: number;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Weighted choice over cumulative weights. */
function chooser(weights: number[], rand: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

async function insertRows(client: pg.ClientBase, head: string, rows: unknown[][], tail = '', batch = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    const part = rows.slice(i, i + batch);
    const params: unknown[] = [];
    const values = part.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await client.query(`${head} values ${values.join(', ')} ${tail}`, params);
  }
}

/**
 * Segments documents batch by batch and inserts them, segmenting batch n+1 while batch n is
 * being inserted (Node on one core, PostgreSQL on the other).
 */
async function indexed<T>(
  client: pg.ClientBase,
  total: number,
  batchSize: number,
  make: (i: number) => T,
  text: (doc: T) => string[],
  sql: (rows: number) => string,
  params: (doc: T, vector: string | null) => unknown[],
  progress: (done: number) => void,
): Promise<IndexingFigures> {
  const figures: IndexingFigures = { docs: 0, bytes: 0, segmentMs: 0, insertMs: 0, wallMs: 0, vectorBytes: 0 };
  const start = performance.now();
  let pending: Promise<void> | null = null;
  for (let i = 0; i < total; i += batchSize) {
    const count = Math.min(batchSize, total - i);
    const docs = Array.from({ length: count }, (_, k) => make(i + k));
    const segStart = performance.now();
    const vectors = docs.map((d) => toTsvectorLiteral(...text(d)));
    figures.segmentMs += performance.now() - segStart;
    for (const d of docs) for (const t of text(d)) figures.bytes += Buffer.byteLength(t);
    for (const v of vectors) figures.vectorBytes += v ? Buffer.byteLength(v) : 0;
    const values = docs.flatMap((d, k) => params(d, vectors[k]));
    if (pending) await pending;
    const insertStart = performance.now();
    pending = client.query(sql(count), values).then(() => {
      figures.insertMs += performance.now() - insertStart;
      figures.docs += count;
      progress(figures.docs);
    });
  }
  if (pending) await pending;
  figures.wallMs = performance.now() - start;
  return figures;
}

/** `values ($1, ..), ($k+1, ..)` for `rows` rows of `width` parameters, each row built by `row(p)` from its placeholders. */
const valuesList = (rows: number, width: number, row: (p: string[]) => string) =>
  Array.from({ length: rows }, (_, r) => row(Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`))).join(', ');

export async function seedSearch(orm: MikroORM, url: string, options: SeedOptions, log: (line: string) => void): Promise<SeededData> {
  const rand = random(options.seed);
  const compose = new Composer(loadSentences(), rand);
  const setupStart = performance.now();
  await generateSynthetic(orm, { units: Math.max(3, Math.ceil(options.officials / 40)), officials: options.officials, seed: options.seed });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = (await client.query<{ id: string }>(`select id from app_user order by login_name limit $1`, [options.officials])).rows.map((r) => r.id);
    if (users.length < options.officials) throw new Error(`seeded ${users.length} officials, need ${options.officials}`);

    // Groups, with popularity falling off by rank; each official joins 3-8 distinct groups.
    const groups = Array.from({ length: options.groups }, (_, g) => ({ id: randomUUID(), conversationId: randomUUID(), members: [] as number[], boards: [randomUUID(), randomUUID(), randomUUID()], g }));
    const pickGroup = chooser(groups.map((_, g) => 1 / Math.pow(g + 4, 0.9)), rand);
    const userGroups: number[][] = users.map(() => []);
    users.forEach((_, u) => {
      const want = Math.min(options.groups, 3 + Math.floor(rand() * 6));
      const mine = new Set<number>();
      while (mine.size < want) mine.add(pickGroup());
      for (const g of mine) (groups[g].members.push(u), userGroups[u].push(g));
    });
    for (const group of groups) if (!group.members.length) (group.members.push(group.g % users.length), userGroups[group.g % users.length].push(group.g));

    // Discussion groups: 3-15 members of one group.
    const discussions = Array.from({ length: options.discussions }, () => {
      const group = groups[pickGroup()];
      const size = Math.min(group.members.length, 3 + Math.floor(rand() * 13));
      const members = new Set<number>();
      while (members.size < size) members.add(group.members[Math.floor(rand() * group.members.length)]);
      return { id: randomUUID(), conversationId: randomUUID(), group, members: [...members] };
    });
    // Private chats between two officials of a common group.
    const directKeys = new Set<string>();
    const directs: Array<{ conversationId: string; members: number[]; key: string }> = [];
    for (let attempts = 0; directs.length < options.directs && attempts < options.directs * 20; attempts++) {
      const group = groups[pickGroup()];
      if (group.members.length < 2) continue;
      const a = group.members[Math.floor(rand() * group.members.length)];
      const b = group.members[Math.floor(rand() * group.members.length)];
      if (a === b) continue;
      const key = users[a] < users[b] ? `${users[a]}:${users[b]}` : `${users[b]}:${users[a]}`;
      if (directKeys.has(key)) continue;
      directKeys.add(key);
      directs.push({ conversationId: randomUUID(), members: [a, b], key });
    }

    const conversations = [
      ...groups.map((g) => ({ id: g.conversationId, kind: 'group', key: null as string | null, members: g.members, seq: 0, last: null as Date | null })),
      ...discussions.map((d) => ({ id: d.conversationId, kind: 'discussion', key: null as string | null, members: d.members, seq: 0, last: null as Date | null })),
      ...directs.map((d) => ({ id: d.conversationId, kind: 'direct', key: d.key as string | null, members: d.members, seq: 0, last: null as Date | null })),
    ];
    const createdAt = new Date(Date.now() - 200 * 86_400_000);
    await client.query('begin');
    await insertRows(client, `insert into conversation (id, kind, last_seq, direct_key, created_at)`, conversations.map((c) => [c.id, c.kind, 0, c.key, createdAt]));
    await insertRows(client, `insert into chat_group (id, name, purpose, rules, visibility, owner_id, conversation_id, max_members, member_count, created_at, updated_at)`,
      groups.map((g) => [g.id, `压测群${g.g + 1}`, '政务服务工作交流（压测）', '实名发言，遵守保密守则', g.g % 5 === 4 ? 'invite_only' : 'listed', users[g.members[0]], g.conversationId, 2000, g.members.length, createdAt, createdAt]));
    await insertRows(client, `insert into board (id, group_id, name, position, created_at)`,
      groups.flatMap((g) => ['经验交流', '政策法规', '资料共享'].map((name, i) => [g.boards[i], g.id, name, i + 1, createdAt])));
    await insertRows(client, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at)`,
      groups.flatMap((g) => g.members.map((m, k) => [g.id, users[m], k === 0 ? 'owner' : k < 3 ? 'admin' : 'member', createdAt, createdAt])));
    await insertRows(client, `insert into discussion_group (id, group_id, conversation_id, topic, creator_id, created_at)`,
      discussions.map((d, i) => [d.id, d.group.id, d.conversationId, `专题讨论${i + 1}`, users[d.members[0]], createdAt]));
    await insertRows(client, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at)`,
      conversations.flatMap((c) => c.members.map((m) => [c.id, users[m], 0, createdAt])));
    await client.query('commit');
    const setupMs = performance.now() - setupStart;
    log(`  ${users.length} officials, ${groups.length} groups (${groups.reduce((n, g) => n + g.members.length, 0)} memberships), ${discussions.length} discussion groups, ${directs.length} private chats in ${(setupMs / 1000).toFixed(1)} s`);

    // Messages: group conversations by member count, 5% to discussions, 10% to private chats.
    const kindShare = [0.85, discussions.length ? 0.05 : 0, directs.length ? 0.1 : 0];
    const pickKind = chooser(kindShare, rand);
    const pickGroupConversation = chooser(groups.map((g) => g.members.length), rand);
    const span = 180 * 86_400_000;
    const t0 = Date.now() - span;
    let lastLog = performance.now();
    const every = (label: string, total: number) => (done: number) => {
      if (performance.now() - lastLog > 15_000 || done === total) {
        lastLog = performance.now();
        log(`  ${label}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}`);
      }
    };
    const messageFigures = await indexed(
      client,
      options.messages,
      options.batch,
      (i) => {
        const kind = pickKind();
        const c =
          kind === 0 ? conversations[pickGroupConversation()] : kind === 1 ? conversations[groups.length + Math.floor(rand() * discussions.length)] : conversations[groups.length + discussions.length + Math.floor(rand() * directs.length)];
        c.seq += 1;
        const at = new Date(t0 + Math.floor((i / options.messages) * span));
        c.last = at;
        return { conversation: c.id, seq: c.seq, author: users[c.members[Math.floor(rand() * c.members.length)]], body: compose.message(), at, client: `b${i}` };
      },
      (m) => [m.body],
      (rows) =>
        `insert into message (id, conversation_id, seq, author_id, body, client_message_id, mentions_all, created_at, search_vector) values ${valuesList(rows, 7, (p) => `(gen_random_uuid(), ${p[0]}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, false, ${p[5]}, ${p[6]}::tsvector)`)}`,
      (m, vector) => [m.conversation, m.seq, m.author, m.body, m.client, m.at, vector],
      every('messages', options.messages),
    );
    await insertRows(
      client,
      `update conversation c set last_seq = v.seq::int, last_message_at = v.at::timestamptz from (`,
      conversations.filter((c) => c.seq > 0).map((c) => [c.id, c.seq, c.last]),
      `) as v(id, seq, at) where c.id = v.id::uuid`,
    );

    // Threads in boards (groups by size), replies to threads (a few busy threads get many).
    const threads: Array<{ id: string; group: (typeof groups)[number]; floors: number; last: Date }> = [];
    const threadFigures = await indexed(
      client,
      options.threads,
      Math.max(50, Math.floor(options.batch / 4)),
      (i) => {
        const group = groups[pickGroupConversation()];
        const created = new Date(t0 + Math.floor((i / Math.max(1, options.threads)) * span * 0.9));
        const thread = { id: randomUUID(), group, floors: 0, last: created };
        threads.push(thread);
        return { thread, board: group.boards[Math.floor(rand() * 3)], author: users[group.members[Math.floor(rand() * group.members.length)]], title: compose.title(), body: compose.text(2, 8), created };
      },
      (t) => [t.title, t.body],
      (rows) =>
        `insert into thread (id, group_id, board_id, author_id, title, body, created_at, last_activity_at, search_vector) values ${valuesList(rows, 8, (p) => `(${p[0]}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, ${p[5]}, ${p[6]}, ${p[6]}, ${p[7]}::tsvector)`)}`,
      (t, vector) => [t.thread.id, t.thread.group.id, t.board, t.author, t.title, t.body, t.created, vector],
      every('threads', options.threads),
    );
    const pickThread = chooser(threads.map((_, i) => 1 / Math.pow(i % 97 + 1, 0.8)), rand);
    // Each group's replies are numbered as the application numbers them (chat_group.last_reply_seq).
    const replySeqs = new Map<string, number>();
    const replyFigures = await indexed(
      client,
      threads.length ? options.replies : 0,
      options.batch,
      () => {
        const thread = threads[pickThread()];
        thread.floors += 1;
        const created = new Date(thread.last.getTime() + Math.floor(rand() * 3 * 86_400_000));
        thread.last = created;
        const groupSeq = (replySeqs.get(thread.group.id) ?? 0) + 1;
        replySeqs.set(thread.group.id, groupSeq);
        return { thread, floor: thread.floors, groupSeq, author: users[thread.group.members[Math.floor(rand() * thread.group.members.length)]], body: compose.text(1, 4), created };
      },
      (r) => [r.body],
      (rows) =>
        `insert into thread_reply (id, thread_id, group_id, group_seq, floor, author_id, body, created_at, search_vector) values ${valuesList(rows, 8, (p) => `(gen_random_uuid(), ${p[0]}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, ${p[5]}, ${p[6]}, ${p[7]}::tsvector)`)}`,
      (r, vector) => [r.thread.id, r.thread.group.id, r.groupSeq, r.floor, r.author, r.body, r.created, vector],
      every('replies', options.replies),
    );
    await insertRows(client, `update chat_group g set last_reply_seq = v.n::int from (`, [...replySeqs].map(([id, n]) => [id, n]), `) as v(id, n) where g.id = v.id::uuid`);
    await insertRows(
      client,
      `update thread t set last_floor = v.floors::int, reply_count = v.floors::int, last_activity_at = v.last::timestamptz from (`,
      threads.filter((t) => t.floors > 0).map((t) => [t.id, t.floors, t.last]),
      `) as v(id, floors, last) where t.id = v.id::uuid`,
    );

    return {
      indexing: { messages: messageFigures, threads: threadFigures, replies: replyFigures },
      groupSizes: groups.map((g) => g.members.length).sort((a, b) => a - b),
      setupMs,
    };
  } finally {
    await client.end();
  }
}

/**
 * Officials who search and read history, picked evenly from the list (so across group counts),
 * each with a new session written by SQL (signing thousands in through argon2 would take minutes).
 */
export async function createViewers(url: string, count: number): Promise<Viewer[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; groups: string; group_conversations: string[]; conversations: string }>(
      `with picked as (
         select id, row_number() over (order by login_name) as n, count(*) over () as total
           from app_user u where exists (select 1 from group_member gm where gm.user_id = u.id))
       select p.id,
              (select count(*) from group_member gm where gm.user_id = p.id) as groups,
              array(select g.conversation_id::text from group_member gm join chat_group g on g.id = gm.group_id where gm.user_id = p.id order by g.id) as group_conversations,
              (select count(*) from conversation_member cm where cm.user_id = p.id) as conversations
         from picked p
        where (p.n - 1) % greatest(1, p.total / $1) = 0
        order by p.n limit $1`,
      [count],
    );
    const viewers = rows.map((r) => ({ userId: r.id, token: randomBytes(32).toString('base64url'), groupConversations: r.group_conversations, groups: Number(r.groups), conversations: Number(r.conversations) }));
    await insertRows(
      client,
      `insert into session (id, user_id, token_hash, created_at, last_used_at, expires_at, ip, user_agent)`,
      viewers.map((v) => [randomUUID(), v.userId, sha256(v.token), new Date(), new Date(), new Date(Date.now() + 86_400_000), '127.0.0.1', 'jiaoliu-bench']),
    );
    return viewers;
  } finally {
    await client.end();
  }
}
