import { expect, it } from 'vitest';
import type { ChatGroup, GroupRole } from '../../../server/db/entities/index.js';
import { GroupAccess } from '../../../server/modules/groups/subjects.js';
import { can, type Actor, type MaybeActor } from '../../../server/policies/index.js';

/**
 * Building blocks of the policies' unit tables: plain subjects, no database. A table row names
 * an action and the expected answers for every standing, in STANDINGS order, as "Y"/"." so the
 * table reads like a grid.
 */
export const STANDINGS = ['anonymous', 'outsider', 'systemAdmin', 'member', 'admin', 'owner', 'memberSystemAdmin'] as const;
export type Standing = (typeof STANDINGS)[number];
export const VIEWER_ID = 'viewer';

const ROLE: Record<Standing, GroupRole | null> = {
  anonymous: null, outsider: null, systemAdmin: null, member: 'member', admin: 'admin', owner: 'owner', memberSystemAdmin: 'member',
};

export function actorFor(standing: Standing, extra: Partial<Actor> = {}): MaybeActor {
  if (standing === 'anonymous') return null;
  const isSystemAdmin = standing === 'systemAdmin' || standing === 'memberSystemAdmin';
  return { userId: VIEWER_ID, sessionId: 'session', unitId: 'unit', isSystemAdmin, adminUnitPaths: [], ...extra };
}

export const fakeGroup = (fields: Partial<ChatGroup> = {}) =>
  ({ id: 'group', visibility: 'listed', mutedAllUntil: null, membersMayIssueMeetings: false, ...fields }) as ChatGroup;

export interface GroupState {
  group?: Partial<ChatGroup>;
  mutedUntil?: Date | null;
  banned?: boolean;
  invited?: boolean;
}

export const groupAccessFor = (standing: Standing, state: GroupState = {}) =>
  new GroupAccess(fakeGroup(state.group), ROLE[standing], !!state.invited, state.mutedUntil ?? null, !!state.banned);

export const inAnHour = () => new Date(Date.now() + 3_600_000);

/** One test per row: the answers of `can` for every standing must spell the row's grid. */
export function expectGrid(rows: Record<string, string>, subjectFor: (standing: Standing) => object, actionOf: (row: string) => string = (row) => row) {
  it.each(Object.entries(rows))('%s', (row, grid) => {
    const answers = STANDINGS.map((s) => (can(actorFor(s), actionOf(row), subjectFor(s)) ? 'Y' : '.')).join('');
    expect(answers, `${STANDINGS.join(' ')}`).toBe(grid.replace(/ /g, ''));
  });
}
