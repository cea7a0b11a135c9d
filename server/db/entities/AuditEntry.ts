import { EntitySchema } from '@mikro-orm/core';

/**
 * One row of the append-only audit log. The database refuses UPDATE and DELETE on it
 * (trigger in the initial migration). Written in the same transaction as the change.
 */
export class AuditEntry {
  id!: string;
  at: Date = new Date();
  /** Null for the system itself (seeding, scheduled jobs). */
  actorId: string | null = null;
  action!: string;
  targetType!: string;
  targetId!: string;
  /** The unit whose admins may read this entry (scope of the target). */
  unitId: string | null = null;
  reason: string | null = null;
  before: Record<string, unknown> | null = null;
  after: Record<string, unknown> | null = null;
  ip: string | null = null;
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  class: AuditEntry,
  tableName: 'audit_log',
  indexes: [
    { name: 'audit_log_target_index', properties: ['targetType', 'targetId'] },
    { name: 'audit_log_unit_id_at_index', properties: ['unitId', 'at'] },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: { type: 'datetime', columnType: 'timestamptz' },
    actorId: { type: 'uuid', nullable: true },
    action: { type: 'string', length: 64 },
    targetType: { type: 'string', length: 32 },
    targetId: { type: 'string', length: 64 },
    unitId: { type: 'uuid', nullable: true },
    reason: { type: 'string', length: 500, nullable: true },
    before: { type: 'json', nullable: true },
    after: { type: 'json', nullable: true },
    ip: { type: 'string', length: 64, nullable: true },
  },
});
