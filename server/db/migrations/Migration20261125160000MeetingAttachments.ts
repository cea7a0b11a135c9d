import { Migration } from '@mikro-orm/migrations';

/** Meeting notices carry attachments from the group library, like threads and messages. */
export class Migration20261125160000MeetingAttachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "attachment" drop constraint attachment_one_owner_check;`);
    this.addSql(`alter table "attachment" add column "meeting_id" uuid null;`);
    this.addSql(`alter table "attachment" add constraint "attachment_meeting_id_foreign" foreign key ("meeting_id") references "meeting_notice" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "attachment_meeting_id_index" on "attachment" ("meeting_id");`);
    this.addSql(`alter table "attachment" add constraint attachment_one_owner_check check(num_nonnulls(message_id, thread_id, reply_id, meeting_id) = 1);`);
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "attachment" where "meeting_id" is not null;`);
    this.addSql(`alter table "attachment" drop constraint attachment_one_owner_check;`);
    this.addSql(`alter table "attachment" drop column "meeting_id";`);
    this.addSql(`alter table "attachment" add constraint attachment_one_owner_check check(num_nonnulls(message_id, thread_id, reply_id) = 1);`);
  }
}
