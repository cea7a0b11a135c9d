import type { SequenceValue, TableShape } from './store.js';

/**
 * The archive's table of contents, `manifest.json`, written as its last entry (only then are
 * the row counts and checksums known; a tar header needs each entry's size before its bytes).
 */
export const MANIFEST_NAME = 'manifest.json';
export const BACKUP_FORMAT = 'jiaoliu-backup';
/** Raised when the layout changes; a restore refuses formats it does not know. */
export const FORMAT_VERSION = 1;

/** A table's rows travel as COPY text split into entries of bounded size, in order. */
export const tableEntryName = (table: string, part: number) => `tables/${table}/${String(part).padStart(6, '0')}.copy`;
export const fileEntryName = (key: string) => `files/${key}`;

export interface ArchiveEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface ManifestTable extends TableShape {
  rows: number;
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  jiaoliuVersion: string;
  /** When the database snapshot was taken (ISO 8601, UTC). */
  createdAt: string;
  postgresVersion: string;
  /** The migrations applied to the database backed up, in order: its schema. */
  migrations: string[];
  tables: ManifestTable[];
  sequences: SequenceValue[];
  /** Every entry before the manifest, in archive order: table parts and stored files (`files/<key>`). */
  entries: ArchiveEntry[];
}

export class BackupError extends Error {
  override name = 'BackupError';
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Parses and checks the manifest's shape; anything else is a damaged or foreign archive. */
export function parseManifest(text: string): Manifest {
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new BackupError('备份文件的清单 manifest.json 已损坏（不是有效的 JSON）');
  }
  if (value?.format !== BACKUP_FORMAT) throw new BackupError('这不是交流的备份文件（清单格式不符）');
  if (value.formatVersion !== FORMAT_VERSION) throw new BackupError(`备份格式版本 ${String(value.formatVersion)} 不受本版本支持（支持 ${FORMAT_VERSION}）：请用生成它的交流版本或更新的版本恢复`);
  const valid =
    isString(value.jiaoliuVersion) &&
    isString(value.createdAt) &&
    isString(value.postgresVersion) &&
    isStrings(value.migrations) &&
    Array.isArray(value.tables) &&
    value.tables.every((t) => isString(t?.name) && isStrings(t.columns) && isCount(t.rows)) &&
    Array.isArray(value.sequences) &&
    value.sequences.every((s) => isString(s?.name) && (s.lastValue === null || (isString(s.lastValue) && /^-?\d+$/.test(s.lastValue)))) &&
    Array.isArray(value.entries) &&
    value.entries.every((e) => isString(e?.path) && isCount(e.size) && isString(e.sha256));
  if (!valid) throw new BackupError('备份文件的清单 manifest.json 不完整或已损坏');
  return value as Manifest;
}
