import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../../db/sql.js';
import { rows, sql, sqlText, type Statement } from '../../db/statement.js';
import type { PersonRow } from './people.js';

/**
 * Accounts' SQL: people as read paths show them, sessions, login throttling, and for the realtime
 * hub and the User presenter presence (last seen, who shares a group with whom) and the session
 * check after a bus outage. Plain rows; callers decide.
 * (Set-wide statements over ids: past what the ORM's unit of work does in one round trip.)
 */

/**
 * The columns of a person (app_user `pu`) and their unit (org_unit `po`), for the select list of
 * a statement that joins them with `personJoinSql`; people.ts `personOf` reads them back from its rows.
 */
export const personColumns = sqlText(`pu.id as pu_id, pu.login_name as pu_login_name, pu.real_name as pu_real_name, pu.title as pu_title, pu.phone as pu_phone,
       pu.status as pu_status, pu.status_reason as pu_status_reason, pu.application_note as pu_application_note, pu.reviewed_by_id as pu_reviewed_by_id,
       pu.reviewed_at as pu_reviewed_at, pu.is_system_admin as pu_is_system_admin, pu.last_seen_at as pu_last_seen_at, pu.created_at as pu_created_at,
       po.id as po_id, po.name as po_name, po.level as po_level, po.parent_id as po_parent_id, po.path as po_path, po.sort_order as po_sort_order, po.created_at as po_created_at`);

/** Joins the person whose id is in the column `userIdColumn` (fixed text; `left` for an optional one). */
export const personJoinSql = (userIdColumn: string, left = false): Statement =>
  sqlText(`${left ? 'left ' : ''}join app_user pu on pu.id = ${userIdColumn} ${left ? 'left ' : ''}join org_unit po on po.id = pu.unit_id`);


/** People by id with their units (one prepared statement; unknown ids are left out). */
export function personRows(em: EntityManager, ids: string[]): Promise<PersonRow[]> {
  return query<PersonRow>(em, 'jiaoliu_people', sql`select ${personColumns} from app_user pu join org_unit po on po.id = pu.unit_id where pu.id = any(${ids}::uuid[])`);
}

/** The directory DN of each account by id (null: a local account); unknown ids are left out. */
export async function directoryDnsByUser(em: EntityManager, ids: string[]): Promise<Map<string, string | null>> {
  if (!ids.length) return new Map();
  const found = await rows<{ id: string; directory_dn: string | null }>(em, sql`select id, directory_dn from app_user where id in (${ids})`);
  return new Map(found.map((row) => [row.id, row.directory_dn]));
}

/** The units each person administers, as unit columns (`po_*`), in tree order (one prepared statement). */
export function adminUnitRows(em: EntityManager, userIds: string[]): Promise<Array<PersonRow & { user_id: string }>> {
  return query<PersonRow & { user_id: string }>(
    em,
    'jiaoliu_admin_units',
    sql`select ua.user_id, po.id as po_id, po.name as po_name, po.level as po_level, po.parent_id as po_parent_id, po.path as po_path, po.sort_order as po_sort_order, po.created_at as po_created_at
       from unit_admin ua join org_unit po on po.id = ua.unit_id where ua.user_id = any(${userIds}::uuid[]) order by po.path`,
  );
}

export interface SessionActorRow {
  session_id: string;
  user_id: string;
  unit_id: string;
  is_system_admin: boolean;
  must_change_password: boolean;
  last_used_at: Date;
  admin_paths: string[];
}

/** The live session of a token hash with its person's standing (every request: a prepared statement). */
export function sessionActorRows(em: EntityManager, tokenHash: string, maxDays: number): Promise<SessionActorRow[]> {
  return query<SessionActorRow>(
    em,
    'jiaoliu_resolve_session',
    sql`select s.id as session_id, u.id as user_id, u.unit_id, u.is_system_admin, u.must_change_password, s.last_used_at,
            array(select o.path from unit_admin ua join org_unit o on o.id = ua.unit_id where ua.user_id = u.id) as admin_paths
       from session s join app_user u on u.id = s.user_id
      where s.token_hash = ${tokenHash} and s.expires_at > now() and s.created_at > now() - make_interval(days => ${maxDays}) and u.status = 'active'`,
  );
}

/** Slides a session's expiry (within its absolute limit); its new expiry, if it still exists. */
export async function renewSession(em: EntityManager, sessionId: string, ttlHours: number, maxDays: number): Promise<Date | null> {
  const [renewed] = await rows<{ expires_at: Date }>(
    em,
    sql`update session set last_used_at = now(),
              expires_at = least(now() + make_interval(hours => ${ttlHours}), created_at + make_interval(days => ${maxDays}))
        where id = ${sessionId} returning expires_at`,
  );
  return renewed ? new Date(renewed.expires_at) : null;
}

/** Takes the login advisory locks, in a fixed order (name, then address): never crosswise waits. */
export async function lockLoginAttempt(em: EntityManager, name: string, address: string): Promise<void> {
  await rows(em, sql`select pg_advisory_xact_lock(hashtext('login-name:' || ${name})), pg_advisory_xact_lock(hashtext('login-ip:' || ${address}))`);
}

export interface LoginFailureCounts {
  account_failures: string;
  account_last: Date | null;
  db_now: Date;
  pair_failures: string;
  pair_oldest: Date | null;
  address_failures: string;
  address_oldest: Date | null;
}

/** Recent failures of the name (since its last success), of the name from this address, and of the address. */
export async function loginFailureCounts(em: EntityManager, name: string, address: string, windowMinutes: number): Promise<LoginFailureCounts> {
  const [row] = await rows<LoginFailureCounts>(
    em,
    sql`with recent as (
         select ip, succeeded, at from login_attempt where login_name = ${name} and at > now() - make_interval(mins => ${windowMinutes})
       ), account as (
         select count(*) as n, max(at) as last from recent
          where not succeeded and at > coalesce((select max(at) from recent where succeeded), '-infinity')
       ), pair as (
         select count(*) as n, min(at) as oldest from recent
          where ip = ${address} and not succeeded and at > coalesce((select max(at) from recent where succeeded and ip = ${address}), '-infinity')
       ), address as (
         select count(*) as n, min(at) as oldest from login_attempt
          where ip = ${address} and not succeeded and at > now() - make_interval(mins => ${windowMinutes})
       )
       select account.n as account_failures, account.last as account_last, clock_timestamp() as db_now, pair.n as pair_failures, pair.oldest as pair_oldest,
              address.n as address_failures, address.oldest as address_oldest
         from account, pair, address`,
  );
  return row;
}

/** Records an attempt as failed (until `markLoginAttemptSucceeded`); its id. */
export async function insertFailedLoginAttempt(em: EntityManager, name: string, address: string): Promise<string> {
  const [inserted] = await rows<{ id: string }>(em, sql`insert into login_attempt (login_name, ip, succeeded, at) values (${name}, ${address}, false, now()) returning id`);
  return String(inserted.id);
}

export async function markLoginAttemptSucceeded(em: EntityManager, attemptId: string): Promise<void> {
  await rows(em, sql`update login_attempt set succeeded = true, at = now() where id = ${attemptId}`);
}

export async function deleteLoginAttempt(em: EntityManager, attemptId: string): Promise<void> {
  await rows(em, sql`delete from login_attempt where id = ${attemptId}`);
}

/** Deletes attempts older than a day; how many. (Run mode: the count, not rows.) */
export async function deleteOldLoginAttempts(em: EntityManager): Promise<number> {
  const statement = sql`delete from login_attempt where at < now() - interval '1 day'`;
  const result = await em.getConnection().execute<{ affectedRows: number }>(statement.text, [...statement.values], 'run');
  return result.affectedRows ?? 0;
}

/** Stamps last seen on people who went offline (one statement for any number). */
export async function stampLastSeen(em: EntityManager, userIds: string[], at: Date): Promise<void> {
  await rows(em, sql`update app_user set last_seen_at = ${at} where id in (${userIds})`);
}

/** For each of `userIds` (`about`), everyone else who shares a group with them. */
export function coMembersOf(em: EntityManager, userIds: string[]): Promise<Array<{ about: string; user_id: string }>> {
  return rows<{ about: string; user_id: string }>(
    em,
    sql`select distinct a.user_id as about, b.user_id from group_member a join group_member b on b.group_id = a.group_id where a.user_id in (${userIds}) and b.user_id <> a.user_id`,
  );
}

/** Which of `userIds` share a group with `viewerId` (the viewer too, when a member of any group). */
export async function coMembersAmong(em: EntityManager, viewerId: string, userIds: string[]): Promise<string[]> {
  const found = await rows<{ user_id: string }>(
    em,
    sql`select distinct b.user_id from group_member a join group_member b on b.group_id = a.group_id where a.user_id = ${viewerId} and b.user_id in (${userIds})`,
  );
  return found.map((r) => r.user_id);
}

/** Which of `sessionIds` are still valid (the conditions of resolveSession): unexpired, young enough, of an active person. */
export async function liveSessionIds(em: EntityManager, sessionIds: string[], maxDays: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    em,
    sql`select s.id from session s join app_user u on u.id = s.user_id
      where s.id in (${sessionIds}) and s.expires_at > now() and s.created_at > now() - make_interval(days => ${maxDays}) and u.status = 'active'`,
  );
  return found.map((r) => r.id);
}

/** The stored password hashes of the accounts with these login names that may sign in (active ones). */
export function activePasswordHashesOf(em: EntityManager, loginNames: string[]): Promise<Array<{ login_name: string; password_hash: string | null }>> {
  return rows(em, sql`select login_name, password_hash from app_user where login_name in (${loginNames}) and status = 'active' order by login_name`);
}
