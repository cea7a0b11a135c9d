import { describe, expect, it } from 'vitest';
import type { GroupRole } from '../../../server/db/entities/index.js';
import { can, mayReadAuditIp, MODERATION_ACTIONS, moderatesEverywhere, ModerationTarget, mutedUntil, ReportableContent } from '../../../server/policies/index.js';
import { actorFor, expectGrid, groupAccessFor, STANDINGS, VIEWER_ID } from './table.js';

/** server/policies/moderation.ts. Columns: anonymous outsider systemAdmin member admin owner memberSystemAdmin. */
describe('a group’s moderation tools', () => {
  expectGrid({ moderate: '..Y.YYY', readAuditLog: '..Y.YYY', readSanctions: '..Y.YYY' }, (s) => groupAccessFor(s));
});

describe('acting on a person: one grid per target role, the same for every action but kick and ban on the owner', () => {
  const TARGETS: Record<string, { role: GroupRole | null; grid: string; structural?: string }> = {
    'a plain member': { role: 'member', grid: '..Y.YYY' },
    'a former member': { role: null, grid: '..Y.YYY' },
    'an admin': { role: 'admin', grid: '..Y..YY' },
    'the owner': { role: 'owner', grid: '..Y..YY', structural: '.......' },
  };
  for (const [name, target] of Object.entries(TARGETS)) {
    describe(name, () => {
      for (const action of MODERATION_ACTIONS) {
        const grid = (action === 'kick' || action === 'ban') && target.structural ? target.structural : target.grid;
        expectGrid({ [action]: grid }, (s) => new ModerationTarget(groupAccessFor(s), 'target', target.role));
      }
    });
  }
  it('nobody acts on themselves', () => {
    for (const standing of STANDINGS) for (const action of MODERATION_ACTIONS) expect(can(actorFor(standing), action, new ModerationTarget(groupAccessFor(standing), VIEWER_ID, 'member'))).toBe(false);
  });
});

describe('reporting', () => {
  expectGrid({ report: '...YYYY' }, (s) => new ReportableContent(groupAccessFor(s), 'someone', false));
  expectGrid({ 'report (own content)': '.......' }, (s) => new ReportableContent(groupAccessFor(s), VIEWER_ID, false), () => 'report');
  expectGrid({ 'report (already removed)': '.......' }, (s) => new ReportableContent(groupAccessFor(s), 'someone', true), () => 'report');
});

it('system admins alone read an audit entry’s IP and moderate everywhere', () => {
  expect(STANDINGS.map((s) => (mayReadAuditIp(actorFor(s)) ? 'Y' : '.')).join('')).toBe('..Y...Y');
  expect(STANDINGS.map((s) => (moderatesEverywhere(actorFor(s)) ? 'Y' : '.')).join('')).toBe('..Y...Y');
});

describe('mutedUntil', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  const later = new Date(now + 60_000);
  const latest = new Date(now + 120_000);
  const earlier = new Date(now - 60_000);
  it.each([
    ['no mute', 'member', null, null, null],
    ['own mute', 'admin', later, null, later],
    ['an ended mute', 'member', earlier, null, null],
    ['全员禁言 on a plain member', 'member', null, later, later],
    ['全员禁言 spares admins', 'admin', null, later, null],
    ['全员禁言 spares the owner', 'owner', null, later, null],
    ['the later of both', 'member', latest, later, latest],
  ] as const)('%s', (_name, role, own, all, expected) => {
    expect(mutedUntil(role, own, all, now)).toEqual(expected);
  });
});
