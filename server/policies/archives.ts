import type { GroupRole } from '../db/entities/index.js';
import { GroupAccess } from '../modules/groups/subjects.js';
import { ArchiveExportView } from '../modules/archives/subjects.js';
import type { MaybeActor } from './actor.js';
import { allow } from './engine.js';
import { isGroupMember, managesGroup } from './groups.js';

/**
 * Archives (档案导出). A group's archive is exported by those who manage the group: its owner and
 * admins, or a system admin (docs/archives.md). What the archive holds is decided by the
 * exporter's own read rights (`mayReadSql`), so restricted content appears in full only in the
 * archive of someone who may read it. An export belongs to its requester alone: nobody else,
 * system admins included, sees, downloads or deletes it (it carries the requester's reading).
 */
const exportsGroup = (actor: MaybeActor, standing: { role: GroupRole | null }) => managesGroup(actor, standing);
allow(GroupAccess, 'exportArchive', exportsGroup);

/**
 * Whether the requester still holds the right the export was made with: for a group export, the
 * `exportArchive` rule above on their standing in the group now (removed, kicked or demoted since
 * the build, they lose the ZIP too, SECURITY.md 15 and 22); a personal export is always theirs.
 * Checked when a download link is made and when it is opened; a refusal answers NOT_FOUND.
 */
export const holdsExportRight = (actor: MaybeActor, e: ArchiveExportView) => e.kind === 'personal' || exportsGroup(actor, { role: e.requesterRole });

/** Whether a refusal to export answers NOT_FOUND (the group is none of the actor's business) rather than FORBIDDEN. */
export const seesGroupArchive = (actor: Parameters<typeof managesGroup>[0], g: GroupAccess) => isGroupMember(actor, g) || !!actor?.isSystemAdmin;

/** What ArchiveExport.viewerCan sends. */
export const ARCHIVE_ABILITIES = ['download', 'delete'] as const;

const ownExport = (actorId: string | undefined, e: ArchiveExportView) => !!actorId && e.requesterId === actorId;
allow(ArchiveExportView, 'read', (actor, e) => ownExport(actor?.userId, e));
allow(ArchiveExportView, 'download', (actor, e) => ownExport(actor?.userId, e) && e.downloadable && holdsExportRight(actor, e));
allow(ArchiveExportView, 'delete', (actor, e) => ownExport(actor?.userId, e) && e.status !== 'running');
