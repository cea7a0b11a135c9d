import { Migration } from '@mikro-orm/migrations';

/** Notifications about meetings, announcements and document requests point at their subject by id. */
export class Migration20261125010000NotificationSubjects extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "notification" drop constraint if exists "notification_kind_check";`);
    this.addSql(`alter table "notification" add column "subject_id" uuid null, add column "data" jsonb null;`);
    this.addSql(`alter table "notification" add constraint "notification_kind_check" check("kind" in ('thread_reply', 'mention', 'discussion_invite', 'meeting_invite', 'meeting_changed', 'meeting_cancelled', 'meeting_reminder', 'meeting_nudge', 'announcement', 'document_request', 'document_request_answered'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "notification" drop constraint "notification_kind_check";`);
    this.addSql(`delete from "notification" where "kind" not in ('thread_reply', 'mention', 'discussion_invite');`);
    this.addSql(`alter table "notification" drop column "subject_id", drop column "data";`);
    this.addSql(`alter table "notification" add constraint "notification_kind_check" check("kind" in ('thread_reply', 'mention', 'discussion_invite'));`);
  }
}
