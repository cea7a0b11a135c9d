import { randomUUID } from 'node:crypto';
import { EntitySchema, type Ref } from '@mikro-orm/core';
import { ChatGroup } from './Chat.js';
import { User } from './User.js';

export type ArchiveKind = 'group' | 'personal';
export type ArchiveStatus = 'queued' | 'running' | 'done' | 'failed';

/**
 * An archive export (档案导出): a ZIP of a group's records for a date range, or of one
 * official's own data, built by a scheduled job and kept in the object store until it expires.
 */
export class ArchiveExport {
  id: string = randomUUID();
  requester!: Ref<User>;
  kind!: ArchiveKind;
  /** The exported group (kind 'group'); null for a personal export or once the group is gone. */
  group: Ref<ChatGroup> | null = null;
  /** The range, inclusive, as Asia/Shanghai calendar days turned into UTC instants [from, to). */
  rangeFrom: Date | null = null;
  rangeTo: Date | null = null;
  status: ArchiveStatus = 'queued';
  /** 0–100 while running. */
  progress = 0;
  /** The ZIP's object key once done. */
  storageKey: string | null = null;
  size: number | null = null;
  /** A Chinese reason when failed. */
  error: string | null = null;
  createdAt: Date = new Date();
  finishedAt: Date | null = null;
  /** After this the ZIP is removed and the export is no longer downloadable. */
  expiresAt!: Date;
}

export const ArchiveExportSchema = new EntitySchema<ArchiveExport>({
  class: ArchiveExport,
  tableName: 'archive_export',
  indexes: [{ name: 'archive_export_requester_id_created_at_index', properties: ['requester', 'createdAt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    requester: { kind: 'm:1', entity: () => User, ref: true, deleteRule: 'cascade' },
    kind: { enum: true, items: ['group', 'personal'] },
    group: { kind: 'm:1', entity: () => ChatGroup, ref: true, nullable: true, deleteRule: 'set null', index: 'archive_export_group_id_index' },
    rangeFrom: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    rangeTo: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    status: { enum: true, items: ['queued', 'running', 'done', 'failed'], default: 'queued' },
    progress: { type: 'integer', default: 0 },
    storageKey: { type: 'string', length: 80, nullable: true },
    size: { type: 'bigint', nullable: true },
    error: { type: 'string', length: 500, nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    finishedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    expiresAt: { type: 'datetime', columnType: 'timestamptz' },
  },
});

export const archiveEntities = [ArchiveExportSchema];
