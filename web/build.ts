/**
 * Builds the browser UI into web/dist: index.html, app.js, app.css and the icon.
 * Offline and fast (esbuild only). Run by `npm run build:web`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(webDir, 'dist');

async function main(): Promise<void> {
  const started = Date.now();
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.mkdir(outDir, { recursive: true });

  const common = {
    bundle: true,
    minify: true,
    sourcemap: true,
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    logLevel: 'warning' as const,
    legalComments: 'none' as const,
  };
  await Promise.all([
    build({ ...common, entryPoints: [path.join(webDir, 'src/main.ts')], outfile: path.join(outDir, 'app.js'), format: 'iife', charset: 'utf8' }),
    build({ ...common, entryPoints: [path.join(webDir, 'src/styles.css')], outfile: path.join(outDir, 'app.css'), charset: 'utf8' }),
    fs.copyFile(path.join(webDir, 'index.html'), path.join(outDir, 'index.html')),
    fs.copyFile(path.join(webDir, 'favicon.svg'), path.join(outDir, 'favicon.svg')),
  ]);
  console.log(`[web] 已构建 web/dist（${Date.now() - started} ms）`);
}

main().catch((error) => {
  console.error('[web] 构建失败：', error);
  process.exit(1);
});
