import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const webTsconfig = path.join(root, 'web', 'tsconfig.json');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-typed-operations-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** web/graphqlTypes.ts: generates the schema's types, then gql.tada checks every document the tsconfig includes. */
function checkOperations(tsconfig?: string): { status: number | null; output: string } {
  const args = [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'web', 'graphqlTypes.ts'), ...(tsconfig ? ['--tsconfig', tsconfig] : [])];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the web client’s GraphQL operations are checked against schema/', () => {
  it('passes the real sources', () => {
    const { status, output } = checkOperations();
    expect(output).toContain('No problems found');
    expect(status).toBe(0);
  }, 120_000);

  it('refuses an unknown field, a wrong argument and a wrong variable type, naming each', () => {
    const source = path.join(scratch, 'wrong.ts');
    fs.writeFileSync(
      source,
      `import { graphql } from ${JSON.stringify(path.join(root, 'web', 'src', 'graphql', 'index.js'))};
export const UNKNOWN_FIELD = graphql('query UnknownField { viewer { id nickname } }');
export const WRONG_ARGUMENT = graphql('query WrongArgument($id: ID!) { group(groupId: $id) { id } }');
export const WRONG_VARIABLE = graphql('query WrongVariable($id: Int!) { group(id: $id) { id } }');
`,
    );
    const tsconfig = path.join(scratch, 'tsconfig.json');
    fs.writeFileSync(tsconfig, JSON.stringify({ extends: webTsconfig, include: [source] }));
    const { status, output } = checkOperations(tsconfig);
    expect(status).not.toBe(0);
    expect(output).toContain('Cannot query field "nickname" on type "User"');
    expect(output).toContain('Unknown argument "groupId" on field "Query.group"');
    expect(output).toContain('Variable "$id" of type "Int!" used in position expecting type "ID!"');
  }, 120_000);
});
