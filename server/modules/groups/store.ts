import type { EntityManager } from '@mikro-orm/postgresql';
import type { GroupAccess } from './subjects.js';

/** Groups' SQL for the per-request access loader (server/graphql/viewerAccess.ts): plain rows, batched over many groups. */

/** The viewer's standing in many groups: role and mute, pending invitations, active bans (three statements, in parallel). */
export async function viewerGroupStanding(em: EntityManager, userId: string, groupIds: string[]) {
  const [roles, invites, bans] = await Promise.all([
    em.execute<Array<{ group_id: string; role: GroupAccess['role']; muted_until: Date | null }>>(`select group_id, role, muted_until from group_member where user_id = ? and group_id in (?)`, [userId, groupIds]),
    em.execute<Array<{ group_id: string }>>(`select group_id from group_invitation where invitee_id = ? and status = 'pending' and group_id in (?)`, [userId, groupIds]),
    em.execute<Array<{ group_id: string }>>(`select group_id from moderation_sanction where user_id = ? and kind = 'ban' and revoked_at is null and group_id in (?)`, [userId, groupIds]),
  ]);
  return { roles, invites, bans };
}
