import { GroupAccess } from '../modules/groups/subjects.js';
import { ArchiveExportView } from '../modules/archives/subjects.js';
import { allow } from './engine.js';
import { isGroupMember, managesGroup } from './groups.js';

/**
 * Archives (档案导出). A group's archive is exported by those who manage the group: its owner and
 * admins, or a system admin (docs/archives.md). What the archive holds is decided by the
 * exporter's own read rights (`mayReadSql`), so restricted content appears in full only in the
 * archive of someone who may read it. An export belongs to its requester alone: nobody else,
 * system admins included, sees, downloads or deletes it (it carries the requester's reading).
 */
allow(GroupAccess, 'exportArchive', (actor, g) => managesGroup(actor, g));

/** Whether a refusal to export answers NOT_FOUND (the group is none of the actor's business) rather than FORBIDDEN. */
export const seesGroupArchive = (actor: Parameters<typeof managesGroup>[0], g: GroupAccess) => isGroupMember(actor, g) || !!actor?.isSystemAdmin;

/** What ArchiveExport.viewerCan sends. */
export const ARCHIVE_ABILITIES = ['download', 'delete'] as const;

const ownExport = (actorId: string | undefined, e: ArchiveExportView) => !!actorId && e.requesterId === actorId;
allow(ArchiveExportView, 'read', (actor, e) => ownExport(actor?.userId, e));
allow(ArchiveExportView, 'download', (actor, e) => ownExport(actor?.userId, e) && e.downloadable);
allow(ArchiveExportView, 'delete', (actor, e) => ownExport(actor?.userId, e) && e.status !== 'running');
