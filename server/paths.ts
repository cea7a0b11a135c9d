import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installation's root folder (the one holding package.json, schema/ and web/dist), found
 * once by walking up from this module: server/paths.ts when run from source, dist/server/main.js
 * when run compiled (`npm run build` bundles the server into one file).
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'schema'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`找不到安装目录（含 package.json 与 schema/ 的目录），起点：${from}`);
  }
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
