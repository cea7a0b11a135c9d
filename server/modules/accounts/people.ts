import type { EntityManager } from '@mikro-orm/postgresql';
import type { UnitLevel, UserStatus } from '../../db/entities/index.js';
import { adminUnitRows, personRows } from './store.js';

/**
 * People and units as read paths show them (authors, mentioned and reacting people of messages),
 * read in the same statement as the content that names them.
 *
 * They are plain data, not ORM entities: nothing to hydrate into the identity map, no change
 * tracking for a request that never writes them. The GraphQL User and OrgUnit presenters accept
 * them next to entities, and the read rules of policies/user.ts and policies/orgUnit.ts are
 * registered for them too; the few fields that need more (User.adminUnits, User.viewerCan) load
 * the entities. Always read from the database with the content: no cache to go stale.
 */
export class UnitView {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly level: UnitLevel,
    /** As on the entity (`parent.id`), so that the OrgUnit presenter reads both alike. */
    readonly parent: { readonly id: string } | null,
    /** Ancestor ids and its own, as "/rootId/…/ownId/". */
    readonly path: string,
    readonly sortOrder: number,
    readonly createdAt: Date,
  ) {}
}

export class PersonView {
  constructor(
    readonly id: string,
    readonly loginName: string,
    readonly realName: string,
    readonly title: string,
    readonly unit: UnitView,
    /** Private fields: the presenter shows them only to whom policies/user.ts `readPrivate` allows. */
    readonly phone: string | null,
    readonly status: UserStatus,
    readonly statusReason: string | null,
    readonly applicationNote: string | null,
    readonly reviewedById: string | null,
    readonly reviewedAt: Date | null,
    readonly isSystemAdmin: boolean,
    readonly lastSeenAt: Date | null,
    readonly createdAt: Date,
  ) {}
}

/** String forms of store.ts's `personColumns` and `personJoinSql`, for modules not yet converted to statements (to remove then). */

export interface PersonRow {
  pu_id: string | null;
  pu_login_name: string;
  pu_real_name: string;
  pu_title: string;
  pu_phone: string | null;
  pu_status: UserStatus;
  pu_status_reason: string | null;
  pu_application_note: string | null;
  pu_reviewed_by_id: string | null;
  pu_reviewed_at: Date | null;
  pu_is_system_admin: boolean;
  pu_last_seen_at: Date | null;
  pu_created_at: Date;
  po_id: string;
  po_name: string;
  po_level: UnitLevel;
  po_parent_id: string | null;
  po_path: string;
  po_sort_order: number;
  po_created_at: Date;
}

/**
 * The person of a row carrying store.ts's `personColumns` (null when the join found none). `seen` keeps one
 * object per person and unit across the rows of a request.
 */
export function personOf(row: PersonRow, seen: PeopleSeen = new PeopleSeen()): PersonView | null {
  const id = row.pu_id;
  if (!id) return null;
  let person = seen.people.get(id);
  if (!person) {
    let unit = seen.units.get(row.po_id);
    if (!unit) seen.units.set(row.po_id, (unit = unitOf(row)));
    person = new PersonView(
      id, row.pu_login_name, row.pu_real_name, row.pu_title, unit, row.pu_phone, row.pu_status, row.pu_status_reason, row.pu_application_note,
      row.pu_reviewed_by_id, row.pu_reviewed_at, row.pu_is_system_admin, row.pu_last_seen_at, row.pu_created_at,
    );
    seen.people.set(id, person);
  }
  return person;
}

const unitOf = (row: Pick<PersonRow, `po_${string}` & keyof PersonRow>): UnitView =>
  new UnitView(row.po_id, row.po_name, row.po_level, row.po_parent_id ? { id: row.po_parent_id } : null, row.po_path, row.po_sort_order, row.po_created_at);

/** People and units already read, by id. */
export class PeopleSeen {
  readonly people = new Map<string, PersonView>();
  readonly units = new Map<string, UnitView>();
}

/** People by id, in one prepared statement (unknown ids are left out). */
export async function loadPeople(em: EntityManager, ids: readonly string[], seen: PeopleSeen = new PeopleSeen()): Promise<Map<string, PersonView>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !seen.people.has(id));
  if (missing.length) {
    for (const row of await personRows(em, missing)) personOf(row, seen);
  }
  return new Map(wanted.filter((id) => seen.people.has(id)).map((id) => [id, seen.people.get(id)!]));
}

/** One person by id (null when there is none). */
export async function personById(em: EntityManager, id: string): Promise<PersonView | null> {
  return (await loadPeople(em, [id])).get(id) ?? null;
}

/** The units each person administers (User.adminUnits), in tree order, in one prepared statement. */
export async function adminUnitsOf(em: EntityManager, userIds: readonly string[]): Promise<Map<string, UnitView[]>> {
  const result = new Map<string, UnitView[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return result;
  const rows = await adminUnitRows(em, [...new Set(userIds)]);
  for (const row of rows) result.get(row.user_id)?.push(unitOf(row));
  return result;
}
