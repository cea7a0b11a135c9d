import type { EntityManager } from '@mikro-orm/postgresql';
import type { PasswordHasher } from '../../accounts/passwords.js';
import { applyImport, type ImportOperator, type ImportResult, type InitialPassword } from './apply.js';
import { planImport, type ImportPlan } from './plan.js';
import { readOrgFile, type OrgFileFormat } from './parse.js';

/** The dry run: reads and checks the file and says what an import would change; writes nothing. */
export async function previewOrganisationImport(em: EntityManager, bytes: Uint8Array, format: OrgFileFormat): Promise<ImportPlan> {
  const { rows, problems } = await readOrgFile(bytes, format);
  return planImport(em, rows, problems);
}

/** The import: all of the file in one transaction, or nothing while any row is bad (see apply.ts). */
export async function importOrganisation(
  em: EntityManager,
  hasher: PasswordHasher,
  operator: ImportOperator,
  bytes: Uint8Array,
  format: OrgFileFormat,
  deliver: (passwords: InitialPassword[]) => Promise<void>,
): Promise<ImportResult> {
  const { rows, problems } = await readOrgFile(bytes, format);
  return applyImport(em, hasher, operator, rows, problems, deliver);
}
