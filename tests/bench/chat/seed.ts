/**
 * Data for the chat benchmark, written with plain SQL for speed: synthetic officials (one per
 * client), G groups of S members, and one session per official with a token minted here
 * (logging 2,000 people in through argon2 would take minutes).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { generateSynthetic } from '../../../seeds/synthetic.js';
import type { GroupPlan } from './protocol.js';

/**
 * Members (client indexes) of each group: group g takes the S consecutive clients starting at
 * g × S, wrapping around. With G × S = C (the default) the groups are disjoint and every client
 * is in exactly one; with more seats than clients some people are in several groups, with fewer
 * some clients are in none (they stay connected and idle).
 */
export function planMembers(clients: number, groups: number, size: number): number[][] {
  if (size > clients) throw new Error(`group size ${size} exceeds the number of clients ${clients}`);
  return Array.from({ length: groups }, (_, g) => Array.from({ length: size }, (_, k) => (g * size + k) % clients));
}

export interface SeededLayout {
  /** Bearer token of client i (a real session of official i). */
  tokens: string[];
  groups: GroupPlan[];
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** Multi-row INSERT in batches; `row` gives one row's parameters. */
async function insertMany<T>(
  execute: (sql: string, params: unknown[]) => Promise<unknown>,
  items: T[],
  head: string,
  placeholders: string,
  row: (item: T) => unknown[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 1000) {
    const batch = items.slice(i, i + 1000);
    await execute(`${head} values ${batch.map(() => placeholders).join(', ')}`, batch.flatMap(row));
  }
}

export async function seedChat(orm: MikroORM, clients: number, members: number[][]): Promise<SeededLayout> {
  await generateSynthetic(orm, { units: Math.max(3, Math.ceil(clients / 100)), officials: clients });
  const em = orm.em.fork();
  const conn = em.getConnection();
  // The database is fresh: every official in it is a synthetic one.
  const users = (await conn.execute<Array<{ id: string }>>(`select id from app_user order by login_name limit ?`, [clients])).map((r) => r.id);
  if (users.length < clients) throw new Error(`seeded ${users.length} officials, need ${clients}`);

  const tokens = users.map(() => randomBytes(32).toString('base64url'));
  const groups = members.map((memberIndexes) => ({ id: randomUUID(), conversationId: randomUUID(), members: memberIndexes }));

  await em.transactional(async (tem) => {
    const tx = tem.getTransactionContext();
    const execute = (sql: string, params: unknown[]) => conn.execute(sql, params, 'run', tx);
    await insertMany(execute, users.map((u, i) => [u, tokens[i]] as const), `insert into session (id, user_id, token_hash, created_at, last_used_at, expires_at, ip, user_agent)`,
      `(gen_random_uuid(), ?, ?, now(), now(), now() + interval '1 day', '127.0.0.1', 'jiaoliu-bench')`, ([user, token]) => [user, sha256(token)]);
    await insertMany(execute, groups, `insert into conversation (id, kind, last_seq, created_at)`, `(?, 'group', 0, now())`, (g) => [g.conversationId]);
    await insertMany(execute, groups.map((g, i) => ({ ...g, i })), `insert into chat_group (id, name, purpose, rules, visibility, owner_id, conversation_id, max_members, member_count, created_at, updated_at)`,
      `(?, ?, '压测用群', '实名发言', 'listed', ?, ?, 2000, ?, now(), now())`, (g) => [g.id, `压测群${g.i + 1}`, users[g.members[0]], g.conversationId, g.members.length]);
    const memberships = groups.flatMap((g) => g.members.map((m, k) => ({ group: g, user: users[m], role: k === 0 ? 'owner' : 'member' })));
    await insertMany(execute, memberships, `insert into group_member (group_id, user_id, role, joined_at, rules_accepted_at)`, `(?, ?, ?, now(), now())`, (m) => [m.group.id, m.user, m.role]);
    await insertMany(execute, memberships, `insert into conversation_member (conversation_id, user_id, last_read_seq, joined_at)`, `(?, ?, 0, now())`, (m) => [m.group.conversationId, m.user]);
  });
  await conn.execute('analyze session, conversation, chat_group, group_member, conversation_member');
  return { tokens, groups: groups.map((g) => ({ conversationId: g.conversationId, members: g.members })) };
}
