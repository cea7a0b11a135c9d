import type { WebImport } from '../../modules/org/orgImport/service.js';

const upper = (value: string) => value.toUpperCase();

/** An import's plan and outcome as the GraphQL OrgImportResult. */
export function presentOrgImport(result: WebImport) {
  const { plan } = result;
  return {
    applied: result.applied,
    rowCount: plan.rowCount,
    problems: plan.problems,
    units: plan.units.map((u) => ({ ...u, action: upper(u.action), level: upper(u.level) })),
    accounts: plan.accounts.filter((a) => a.action !== 'unchanged' || a.reissuePassword).map((a) => ({ ...a, action: upper(a.action) })),
    unchangedAccounts: plan.accounts.filter((a) => a.action === 'unchanged' && !a.reissuePassword).length,
    initialPasswordsCsv: result.passwordsCsv?.toString('base64') ?? null,
  };
}
