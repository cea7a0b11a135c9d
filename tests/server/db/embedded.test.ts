import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reachableByPostgresUser } from '../../../server/db/embedded.js';

const isRoot = process.getuid?.() === 0;

describe('embedded PostgreSQL data directory check', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'jiaoliu-reach-'));
  fs.chmodSync(base, 0o755);
  const open = path.join(base, 'open');
  const closed = path.join(base, 'closed');
  fs.mkdirSync(open, { mode: 0o755 });
  fs.mkdirSync(closed, { mode: 0o700 });
  fs.chmodSync(closed, 0o700);
  // The data folder itself is 0700 after initdb: that alone must not count as unreachable.
  const ownData = path.join(open, 'postgres');
  fs.mkdirSync(ownData, { mode: 0o700 });
  fs.chmodSync(ownData, 0o700);
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it(isRoot ? 'as root: refuses a data directory under a folder others cannot enter (like /root)' : 'not as root: every directory is fine (PostgreSQL runs as this user)', () => {
    expect(reachableByPostgresUser(path.join(closed, 'postgres'))).toBe(!isRoot);
    expect(reachableByPostgresUser(path.join(closed, 'deeper', 'not-yet-created', 'postgres'))).toBe(!isRoot);
  });

  it('accepts a data directory whose parents others can enter, even when it is 0700 itself', () => {
    expect(reachableByPostgresUser(ownData)).toBe(true);
    expect(reachableByPostgresUser(path.join(open, 'new', 'postgres'))).toBe(true);
  });
});
