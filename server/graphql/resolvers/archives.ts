import type { ChatGroup } from '../../db/entities/index.js';
import { archiveDownloadLink, deleteExport, exportForActor, myExports, requestGroupArchive, requestPersonalArchive } from '../../modules/archives/service.js';
import type { ArchiveExportView } from '../../modules/archives/subjects.js';
import { beijingDayOf } from '../../modules/archives/html.js';
import { abilities, ARCHIVE_ABILITIES, can, noAbilities } from '../../policies/index.js';
import { viewerAccess } from '../viewerAccess.js';
import { connection } from '../presenters/connection.js';
import type { GraphQLContext } from '../context.js';

type Ctx = GraphQLContext;

export const archiveQueries = {
  myArchiveExports: async (_: unknown, args: { first?: number; after?: string }, { domain }: Ctx) => connection(await myExports(domain, args)),
  archiveExport: (_: unknown, args: { id: string }, { domain }: Ctx) => exportForActor(domain, args.id),
};

export const archiveMutations = {
  requestGroupArchive: (_: unknown, args: { groupId: string; from: string; to: string }, { domain }: Ctx) => requestGroupArchive(domain, args.groupId, args.from, args.to),
  requestPersonalArchive: (_: unknown, __: unknown, { domain }: Ctx) => requestPersonalArchive(domain),
  archiveDownloadLink: (_: unknown, args: { id: string }, { domain }: Ctx) => archiveDownloadLink(domain, args.id),
  deleteArchiveExport: (_: unknown, args: { id: string }, { domain }: Ctx) => deleteExport(domain, args.id),
};

export const archiveExportResolvers = {
  kind: (e: ArchiveExportView) => e.kind.toUpperCase(),
  status: (e: ArchiveExportView) => (e.status === 'done' && e.expired ? 'EXPIRED' : e.status.toUpperCase()),
  from: (e: ArchiveExportView) => (e.rangeFrom ? beijingDayOf(e.rangeFrom) : null),
  to: (e: ArchiveExportView) => (e.rangeTo ? beijingDayOf(new Date(e.rangeTo.getTime() - 1)) : null),
  viewerCan: (e: ArchiveExportView, _: unknown, { domain }: Ctx) => (can(domain.actor, 'read', e) ? abilities(domain.actor, e, ARCHIVE_ABILITIES) : noAbilities(ARCHIVE_ABILITIES)),
};

export const groupArchiveResolvers = {
  viewerCanExportArchive: async (g: ChatGroup, _: unknown, { domain }: Ctx) => {
    const access = await viewerAccess(domain).visible(g.id);
    return !!access && can(domain.actor, 'exportArchive', access);
  },
};
