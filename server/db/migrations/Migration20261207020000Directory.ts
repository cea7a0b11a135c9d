import { Migration } from '@mikro-orm/migrations';

/**
 * Directory sign-in (docs/directory.md): an account that comes from the LDAP directory keeps its
 * entry's DN and has no local password (the directory checks it).
 */
export class Migration20261207020000Directory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "directory_dn" text null;`);
    this.addSql(`create unique index "app_user_directory_dn_unique" on "app_user" ("directory_dn") where "directory_dn" is not null;`);
    this.addSql(`alter table "app_user" alter column "password_hash" drop not null;`);
  }

  override async down(): Promise<void> {
    // Directory accounts have no password to restore: they get one nobody knows (an invalid hash
    // that never verifies) and stay disabled until an admin sets things right.
    this.addSql(`update "app_user" set "status" = 'disabled', "status_reason" = '目录登录已移除，请联系管理员' where "password_hash" is null and "status" = 'active';`);
    this.addSql(`update "app_user" set "password_hash" = '!directory' where "password_hash" is null;`);
    this.addSql(`alter table "app_user" alter column "password_hash" set not null;`);
    this.addSql(`drop index "app_user_directory_dn_unique";`);
    this.addSql(`alter table "app_user" drop column "directory_dn";`);
  }
}
