/**
 * axe-core in a Playwright page: injects axe.min.js and runs it over the whole document,
 * returning the violations of at least "serious" impact, and formats them for a failure message.
 * The source is evaluated through the DevTools protocol rather than added as a <script>: the app's
 * Content-Security-Policy refuses inline scripts, and the test must not weaken it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/** Rules turned off for every page, each with the reason (none so far). */
const DISABLED_RULES: Record<string, string> = {};

/**
 * Runs axe on the page as it is now; only serious and critical violations are returned, or with
 * `onlyRules` the violations of just those rules, whatever their impact.
 */
export async function axeViolations(page: Page, onlyRules?: string[]): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const rules = Object.fromEntries(Object.keys(DISABLED_RULES).map((id) => [id, { enabled: false }]));
  const options = onlyRules ? { resultTypes: ['violations'], runOnly: { type: 'rule', values: onlyRules } } : { resultTypes: ['violations'], rules };
  const violations = await page.evaluate(async (options) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; helpUrl: string; nodes: Array<{ target: unknown[]; any: Array<{ message: string }>; all: Array<{ message: string }>; none: Array<{ message: string }> }> }> }> } }).axe;
    const result = await axe.run(document, options);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, targets: v.nodes.map((n) => {
      const why = [...n.any, ...n.all, ...n.none][0]?.message;
      return `${n.target.map(String).join(' >> ')}${why ? ` (${why})` : ''}`;
    }) }));
  }, options);
  return onlyRules ? violations : violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** "serious color-contrast: Elements must meet minimum color contrast ratio thresholds" and one line per element. */
export function formatViolations(where: string, violations: AxeViolation[]): string {
  return violations
    .map((v) => `[${where}] ${v.impact} ${v.id}: ${v.help}\n${v.targets.map((t) => `    ${t}`).join('\n')}`)
    .join('\n');
}
