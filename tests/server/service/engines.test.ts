import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');

/**
 * `npm ci` on the Node the README names installs without an engine warning: every package of
 * the lockfile (cookie and content-disposition are pinned by package.json overrides) supports
 * this Node, and the lockfile agrees with package.json. A dry run in a copy, nothing installed.
 */
it('npm ci accepts the lockfile on this Node without EBADENGINE', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-npm-ci-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(repo, file), path.join(dir, file));
    const { stdout, stderr } = await promisify(execFile)('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir });
    expect(`${stdout}${stderr}`).not.toMatch(/EBADENGINE|Unsupported engine/);
    const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const versions = (name: string) => Object.entries(lock.packages).filter(([key]) => key.endsWith(`node_modules/${name}`)).map(([, entry]) => entry.version);
    expect(new Set(versions('cookie'))).toEqual(new Set(['1.1.1']));
    expect(versions('content-disposition')).toContain('2.0.1');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
