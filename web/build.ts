/**
 * Builds the browser UI into web/dist: index.html, app-<hash>.js, app-<hash>.css and the icon.
 * Offline and fast (esbuild only). Run by `npm run build:web` (development: with source maps)
 * and by `npm run build` (`--production`: no source maps). Every text file gets a brotli and
 * a gzip copy next to it, which the server sends as they are (no compression per request).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { build } from 'esbuild';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
/** `--out <folder>` builds elsewhere (the deployment test builds a separate installation). */
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(webDir, 'dist');

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const COMPRESSIBLE = /\.(js|css|html|svg)$/;

/** Writes name.br and name.gz beside a file (best settings: this runs once per build). */
async function compress(file: string): Promise<void> {
  const body = await fs.readFile(file);
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzip(body, { level: 9 }),
  ]);
  await Promise.all([fs.writeFile(`${file}.br`, br), fs.writeFile(`${file}.gz`, gz)]);
}

/** Bundles one entry to app-<hash>.<ext> and answers the file name (for index.html). */
async function bundle(entry: string, format?: 'iife'): Promise<string> {
  const result = await build({
    entryPoints: { app: path.join(webDir, entry) },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    metafile: true,
    bundle: true,
    minify: true,
    sourcemap: !production,
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    logLevel: 'warning',
    legalComments: 'none',
    charset: 'utf8',
    ...(format ? { format } : {}),
  });
  const output = Object.entries(result.metafile.outputs).find(([, meta]) => meta.entryPoint)?.[0];
  if (!output) throw new Error(`esbuild wrote nothing for ${entry}`);
  return path.basename(output);
}

async function main(): Promise<void> {
  const started = Date.now();
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.mkdir(outDir, { recursive: true });

  const [script, styles] = await Promise.all([bundle('src/main.ts', 'iife'), bundle('src/styles.css'), fs.copyFile(path.join(webDir, 'favicon.svg'), path.join(outDir, 'favicon.svg'))]);
  const html = (await fs.readFile(path.join(webDir, 'index.html'), 'utf8')).replace('/app.js', `/${script}`).replace('/app.css', `/${styles}`);
  if (!html.includes(script) || !html.includes(styles)) throw new Error('web/index.html no longer links /app.js and /app.css');
  await fs.writeFile(path.join(outDir, 'index.html'), html);

  const files = (await fs.readdir(outDir)).filter((name) => COMPRESSIBLE.test(name));
  await Promise.all(files.map((name) => compress(path.join(outDir, name))));
  console.log(`[web] 已构建 ${path.relative(process.cwd(), outDir) || outDir}（${production ? '生产' : '开发'}，${Date.now() - started} ms）`);
}

main().catch((error) => {
  console.error('[web] 构建失败：', error);
  process.exit(1);
});
