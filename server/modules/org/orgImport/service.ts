import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../errors.js';
import { authorize, Organisation } from '../../../policies/index.js';
import type { PasswordHasher } from '../../accounts/passwords.js';
import { requireActor, type DomainContext } from '../../context.js';
import { passwordsCsv as passwordsFile } from './files.js';
import { applyImport, type ImportResult, type InitialPassword } from './apply.js';
import type { Operator } from '../operator.js';
import { planImport, type ImportPlan, type PlanOptions } from './plan.js';
import { formatOfName, readOrgFile, type OrgFileFormat } from './parse.js';

/** The dry run: reads and checks the file and says what an import would change; writes nothing. */
export async function previewOrganisationImport(em: EntityManager, bytes: Uint8Array, format: OrgFileFormat, options: PlanOptions = {}): Promise<ImportPlan> {
  const { rows, problems } = await readOrgFile(bytes, format);
  return planImport(em, rows, problems, options);
}

/** The import: all of the file in one transaction, or nothing while any row is bad (see apply.ts). */
export async function importOrganisation(
  em: EntityManager,
  hasher: PasswordHasher,
  operator: Operator,
  bytes: Uint8Array,
  format: OrgFileFormat,
  deliver: (passwords: InitialPassword[]) => Promise<void>,
  options: PlanOptions = {},
): Promise<ImportResult> {
  const { rows, problems } = await readOrgFile(bytes, format);
  return applyImport(em, hasher, operator, rows, problems, deliver, options);
}

/** A file sent through the web as base64 in a GraphQL request (whose body is at most 1 MiB). */
export const WEB_FILE_MAX_BYTES = 512 * 1024;

export interface WebImport extends ImportResult {
  /** Applied with new accounts: their initial passwords as a CSV file, given to the admin once. */
  passwordsCsv: Buffer | null;
}

/** The web's import (system admins): a dry run, or the import, of an uploaded file. */
export async function importOrganisationFile(ctx: DomainContext, input: { fileName: unknown; contentBase64: unknown; dryRun: boolean; reissuePasswords?: boolean | null }): Promise<WebImport> {
  const actor = requireActor(ctx);
  authorize(actor, 'import', Organisation.whole, '只有系统管理员可以导入组织机构');
  const format = formatOfName(String(input.fileName ?? ''));
  if (!format) throw badInput('只支持 .csv 或 .xlsx 文件', 'fileName');
  const base64 = String(input.contentBase64 ?? '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw badInput('文件内容编码无效', 'contentBase64');
  const bytes = Buffer.from(base64, 'base64');
  if (!bytes.length) throw badInput('文件是空的', 'contentBase64');
  if (bytes.length > WEB_FILE_MAX_BYTES) throw badInput(`文件不能超过 ${WEB_FILE_MAX_BYTES / 1024} KB；更大的文件请用命令 npm run admin -- import-org 导入`, 'contentBase64');
  const options = { reissuePasswords: input.reissuePasswords === true };
  if (input.dryRun) return { plan: await previewOrganisationImport(ctx.em, bytes, format, options), applied: false, passwords: [], passwordsCsv: null };
  let passwordsCsv: Buffer | null = null;
  const result = await importOrganisation(ctx.em, ctx.deps.hasher, { actorId: actor.userId, ip: ctx.ip }, bytes, format, async (passwords) => {
    passwordsCsv = passwords.length ? await passwordsFile(passwords) : null;
  }, options);
  return { ...result, passwordsCsv };
}
