import { unitById } from '../../modules/accounts/access.js';
import { searchDirectory, type DirectoryFilter } from '../../modules/org/directory.js';
import { listUnits } from '../../modules/org/units.js';
import { importOrganisationFile } from '../../modules/org/orgImport/service.js';
import { presentOrgImport } from '../presenters/orgImport.js';
import type { GraphQLContext } from '../context.js';
import { connection } from '../presenters/connection.js';

export const orgQueries = {
  orgUnits: (_: unknown, __: unknown, { domain }: GraphQLContext) => listUnits(domain.em),
  orgUnit: (_: unknown, args: { id: string }, { domain }: GraphQLContext) => unitById(domain.em, args.id),
  directory: async (_: unknown, args: { filter?: DirectoryFilter; first?: number; after?: string }, { domain }: GraphQLContext) =>
    connection(await searchDirectory(domain, args.filter ?? {}, args)),
};

export const orgMutations = {
  importOrganisation: async (_: unknown, args: { fileName: string; contentBase64: string; dryRun: boolean; reissuePasswords?: boolean | null }, { domain }: GraphQLContext) =>
    presentOrgImport(await importOrganisationFile(domain, args)),
};
