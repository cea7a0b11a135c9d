import { Migration } from '@mikro-orm/migrations';

const BEFORE = ['thread_reply', 'mention', 'discussion_invite', 'meeting_invite', 'meeting_changed', 'meeting_cancelled', 'meeting_reminder', 'meeting_nudge', 'announcement', 'document_request', 'document_request_answered', 'content_removed', 'content_restored', 'content_moved', 'warning', 'warning_revoked', 'muted', 'unmuted', 'report_resolved'];
const ADDED = ['group_application', 'application_approved', 'application_rejected', 'group_invitation'];

const check = (kinds: string[]) => `alter table "notification" add constraint "notification_kind_check" check("kind" in (${kinds.map((k) => `'${k}'`).join(', ')}));`;

/**
 * Joining a group is no longer silent: notifications of a new application (to the group's owner
 * and admins), of its approval or rejection (to the applicant) and of an invitation (to the invitee).
 */
export class Migration20261208050000JoinNotifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "notification" drop constraint if exists "notification_kind_check";`);
    this.addSql(check([...BEFORE, ...ADDED]));
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "notification" drop constraint "notification_kind_check";`);
    this.addSql(`delete from "notification" where "kind" in (${ADDED.map((k) => `'${k}'`).join(', ')});`);
    this.addSql(check(BEFORE));
  }
}
