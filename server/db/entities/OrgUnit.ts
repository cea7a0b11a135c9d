import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';

export type UnitLevel = 'province' | 'city' | 'county';

/** A government service centre. Units form a tree: province → city → county. */
export class OrgUnit {
  id: string = randomUUID();
  name!: string;
  level!: UnitLevel;
  parent: Ref<OrgUnit> | null = null;
  /** Ancestor ids and its own, as "/rootId/…/ownId/": subtree tests are prefix matches. */
  path!: string;
  sortOrder = 0;
  createdAt: Date = new Date();
}

export const OrgUnitSchema = new EntitySchema<OrgUnit>({
  class: OrgUnit,
  tableName: 'org_unit',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 100, unique: 'org_unit_name_unique' },
    level: { enum: true, items: ['province', 'city', 'county'] },
    parent: { kind: 'm:1', entity: () => OrgUnit, ref: true, nullable: true, deleteRule: 'restrict', index: 'org_unit_parent_id_index' },
    path: { type: 'text', index: 'org_unit_path_index' },
    sortOrder: { type: 'integer', default: 0 },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});
