import { randomUUID } from 'node:crypto';
import { Collection, EntitySchema, type Ref } from '@mikro-orm/core';
import { OrgUnit } from './OrgUnit.js';

export type UserStatus = 'pending' | 'active' | 'rejected' | 'disabled';

/** An official, always known by real name and unit. */
export class User {
  id: string = randomUUID();
  /** Lower-case, unique. */
  loginName!: string;
  realName!: string;
  unit!: Ref<OrgUnit>;
  title!: string;
  phone: string | null = null;
  /** From the organisation's HR file (import/export); not shown in the interface yet. */
  email: string | null = null;
  status: UserStatus = 'pending';
  /** Why an admin rejected the registration or disabled the account; shown to the person. */
  statusReason: string | null = null;
  /** What the applicant wrote to the approving admin. */
  applicationNote: string | null = null;
  isSystemAdmin = false;
  /** Null for a directory account: the LDAP directory checks its password (docs/directory.md). */
  passwordHash!: string | null;
  /** The LDAP entry this account comes from; its real name, unit (and mapped fields) are the directory's. */
  directoryDn: string | null = null;
  /** Units this user administers (their whole subtrees). */
  adminUnits = new Collection<OrgUnit>(this);
  reviewedBy: Ref<User> | null = null;
  reviewedAt: Date | null = null;
  passwordChangedAt: Date = new Date();
  /** An initial password (from an import): sign-in works, but nothing else until it is changed. */
  mustChangePassword = false;
  /** When the last realtime connection of this user closed (presence). */
  lastSeenAt: Date | null = null;
  /**
   * Pinyin of the real name and title, for search: set by the services that write either
   * (content/pinyin.ts personPinyinKey); null until computed (the reindex fills it).
   */
  namePinyin: string | null = null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'app_user',
  indexes: [
    {
      name: 'app_user_directory_index',
      // The directory lists active officials in pinyin order (collation created by the migration).
      expression: `create index "app_user_directory_index" on "app_user" ("real_name" collate "pinyin", "id") where "status" = 'active'`,
    },
    {
      name: 'app_user_directory_dn_unique',
      // One account per LDAP entry; local accounts have none.
      expression: `create unique index "app_user_directory_dn_unique" on "app_user" ("directory_dn") where "directory_dn" is not null`,
    },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    loginName: { type: 'string', length: 32, unique: 'app_user_login_name_unique' },
    realName: { type: 'string', length: 60, index: 'app_user_real_name_index' },
    unit: { kind: 'm:1', entity: () => OrgUnit, ref: true, deleteRule: 'restrict', index: 'app_user_unit_id_index' },
    title: { type: 'string', length: 60 },
    phone: { type: 'string', length: 20, nullable: true },
    email: { type: 'string', length: 100, nullable: true },
    status: { enum: true, items: ['pending', 'active', 'rejected', 'disabled'], index: 'app_user_status_index' },
    statusReason: { type: 'string', length: 200, nullable: true },
    applicationNote: { type: 'string', length: 200, nullable: true },
    isSystemAdmin: { type: 'boolean', default: false },
    passwordHash: { type: 'text', hidden: true, lazy: true, nullable: true },
    directoryDn: { type: 'text', nullable: true },
    adminUnits: { kind: 'm:n', entity: () => OrgUnit, owner: true, pivotTable: 'unit_admin', joinColumn: 'user_id', inverseJoinColumn: 'unit_id' },
    reviewedBy: { kind: 'm:1', entity: () => User, ref: true, nullable: true, deleteRule: 'set null' },
    reviewedAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    passwordChangedAt: { type: 'datetime', columnType: 'timestamptz' },
    mustChangePassword: { type: 'boolean', default: false },
    lastSeenAt: { type: 'datetime', columnType: 'timestamptz', nullable: true },
    namePinyin: { type: 'text', nullable: true },
    createdAt: { type: 'datetime', columnType: 'timestamptz' },
    updatedAt: { type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() },
  },
});
