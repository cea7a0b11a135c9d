/**
 * `npm run build` (after web/build.ts): compiles the server into dist/server/main.js,
 * dist/server/reindex.js and dist/server/admin.js, each one ES module with the packages left as imports from
 * node_modules. The production start runs them with plain node: no tsx, no TypeScript.
 * Run-time files stay where they are: schema/ and web/dist are found from the installation
 * root (server/paths.ts); migrations and seeds are bundled in.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** `--out <folder>` builds into <folder>/server instead of dist/server (the deployment test's installation). */
const outArg = process.argv.indexOf('--out');
const distDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist');
const outDir = path.join(distDir, 'server');

async function main(): Promise<void> {
  const started = Date.now();
  await fs.rm(distDir, { recursive: true, force: true });
  await build({
    entryPoints: { main: path.join(root, 'server/main.ts'), reindex: path.join(root, 'server/reindex.ts'), admin: path.join(root, 'server/admin/main.ts') },
    outdir: outDir,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Class names stay readable: MikroORM keys entities and migrations by name.
    minify: false,
    sourcemap: 'linked',
    logLevel: 'warning',
    charset: 'utf8',
  });
  console.log(`[server] 已构建 ${path.relative(process.cwd(), outDir) || outDir}（${Date.now() - started} ms）`);
}

main().catch((error) => {
  console.error('[server] 构建失败：', error);
  process.exit(1);
});
