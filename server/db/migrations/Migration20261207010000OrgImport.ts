import { Migration } from '@mikro-orm/migrations';

/**
 * Setting up a real organisation (issue 14): accounts created by an import carry an initial
 * password that must be changed at first sign-in, and the e-mail address of the HR file.
 */
export class Migration20261207010000OrgImport extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "app_user" add column "must_change_password" boolean not null default false;`);
    this.addSql(`alter table "app_user" add column "email" varchar(100) null;`);
  }

  override async down(): Promise<void> {
    // An initial password nobody is made to change any more must not stay usable: those accounts are disabled.
    this.addSql(`update "app_user" set "status" = 'disabled', "status_reason" = '初始密码尚未修改，系统回滚后停用，请联系管理员' where "must_change_password" and "status" = 'active';`);
    this.addSql(`alter table "app_user" drop column "email";`);
    this.addSql(`alter table "app_user" drop column "must_change_password";`);
  }
}
