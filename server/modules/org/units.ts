import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit } from '../../db/entities/index.js';

/** The whole tree, parents before children, siblings in their set order. Small: one per centre. */
export async function listUnits(em: EntityManager): Promise<OrgUnit[]> {
  const units = await em.find(OrgUnit, {}, { orderBy: { sortOrder: 'asc', name: 'asc' } });
  return units.sort((a, b) => depth(a) - depth(b) || a.sortOrder - b.sortOrder);
}

const depth = (unit: OrgUnit) => unit.path.split('/').length;

/** Ids of the unit's ancestors, root first, then its own: read from the materialised path. */
export const pathIds = (unit: OrgUnit) => unit.path.split('/').filter(Boolean);

/** Active officials per unit: directly in it, and in its whole subtree. */
export async function memberCounts(em: EntityManager, unitIds: readonly string[]): Promise<Map<string, { direct: number; subtree: number }>> {
  if (!unitIds.length) return new Map();
  // knex expands an array parameter into a list: "in (?)" becomes "in ($1, $2, …)".
  const rows = await em.execute<Array<{ id: string; direct: string; subtree: string }>>(
    `select o.id,
            (select count(*) from app_user u where u.unit_id = o.id and u.status = 'active') as direct,
            (select count(*) from app_user u join org_unit c on c.id = u.unit_id
              where starts_with(c.path, o.path) and u.status = 'active') as subtree
       from org_unit o where o.id in (?)`,
    [unitIds as string[]],
  );
  return new Map(rows.map((r) => [r.id, { direct: Number(r.direct), subtree: Number(r.subtree) }]));
}

/** Builds a unit under a parent (or as a root), computing its path. Caller persists. */
export function newUnit(name: string, level: OrgUnit['level'], parent: OrgUnit | null, sortOrder = 0): OrgUnit {
  const unit = new OrgUnit();
  unit.name = name;
  unit.level = level;
  unit.sortOrder = sortOrder;
  unit.parent = parent ? ref(parent) : null;
  unit.path = `${parent ? parent.path : '/'}${unit.id}/`;
  return unit;
}
