import { ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrgUnit } from '../../db/entities/index.js';
import { activeCountsByUnit, unitPaths } from './store.js';

/** The whole tree, parents before children, siblings in their set order. Small: one per centre. */
export async function listUnits(em: EntityManager): Promise<OrgUnit[]> {
  const units = await em.find(OrgUnit, {}, { orderBy: { sortOrder: 'asc', name: 'asc' } });
  return units.sort((a, b) => depth(a) - depth(b) || a.sortOrder - b.sortOrder);
}

const depth = (unit: OrgUnit) => unit.path.split('/').length;

/** Ids of the unit's ancestors, root first, then its own: read from the materialised path. */
export const pathIds = (unit: { path: string }) => unit.path.split('/').filter(Boolean);

/**
 * Active officials of every unit, directly and in its whole subtree: one grouped count, with the
 * subtree sums added up along the materialised paths. Callers keep the result for one request.
 */
export async function memberCounts(em: EntityManager): Promise<Map<string, { direct: number; subtree: number }>> {
  const [units, rows] = await Promise.all([
    unitPaths(em),
    activeCountsByUnit(em),
  ]);
  const counts = new Map(units.map((u) => [u.id, { direct: 0, subtree: 0 }]));
  const direct = new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
  for (const unit of units) {
    const n = direct.get(unit.id) ?? 0;
    counts.get(unit.id)!.direct = n;
    for (const ancestorId of unit.path.split('/').filter(Boolean)) {
      const ancestor = counts.get(ancestorId);
      if (ancestor) ancestor.subtree += n;
    }
  }
  return counts;
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
