/**
 * Types the web client's GraphQL operations from schema/ (the public contract). Writes the
 * combined SDL (gql.tada reads one file) and gql.tada's introspection types, then asks gql.tada
 * to check every `graphql()` document in web/src against the schema. Run by `npm run typecheck`.
 * Both outputs are generated, never edited (gitignored).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const schemaDir = path.join(webDir, '..', 'schema');
/** `--tsconfig <file>` checks another set of sources (the test of the checker uses it). */
const tsconfigArg = process.argv.indexOf('--tsconfig');
const tsconfig = tsconfigArg > 0 ? path.resolve(process.argv[tsconfigArg + 1]) : path.join(webDir, 'tsconfig.json');
const cli = path.join(webDir, '..', 'node_modules', 'gql.tada', 'bin', 'cli.js');

/** The same SDL the server serves: every schema/*.graphql file, in name order (server/graphql/index.ts). */
const sdl = fs
  .readdirSync(schemaDir)
  .filter((name) => name.endsWith('.graphql'))
  .sort()
  .map((name) => fs.readFileSync(path.join(schemaDir, name), 'utf8'))
  .join('\n');
const schemaFile = path.join(webDir, 'src', 'graphql', 'schema.graphql');
// Written whole (a concurrent run, e.g. the test of the checker beside a typecheck, never reads half a file).
fs.writeFileSync(`${schemaFile}.${process.pid}.tmp`, sdl);
fs.renameSync(`${schemaFile}.${process.pid}.tmp`, schemaFile);

/** Runs a gql.tada command; a failure ends this script with its status (its report is already printed). */
function tada(...args: string[]): void {
  const { status } = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

tada('generate', 'output', '--tsconfig', path.join(webDir, 'tsconfig.json'));
tada('check', '--tsconfig', tsconfig);
