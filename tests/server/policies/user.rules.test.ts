import { describe, expect, it } from 'vitest';
import { OrgUnit, User, type UserStatus } from '../../../server/db/entities/index.js';
import { UnitView } from '../../../server/modules/accounts/people.js';
import { DIRECTORY_IDENTITY_MESSAGE } from '../../../server/modules/accounts/directoryAccounts.js';
import { authorizeIdentityChange, authorizeProfileChange, can, type MaybeActor } from '../../../server/policies/index.js';

/**
 * server/policies/user.ts and orgUnit.ts: who acts on which account and unit. Units: /r/ above
 * /r/a/ above /r/a/a1/, and /r/b/ beside /r/a/.
 */
const VIEWERS = ['anonymous', 'official', 'self', 'adminOfRoot', 'adminOfA', 'adminOfB', 'systemAdmin'] as const;
type Viewer = (typeof VIEWERS)[number];
const TARGET_ID = 'target';
function viewer(v: Viewer): MaybeActor {
  if (v === 'anonymous') return null;
  const paths: Partial<Record<Viewer, string[]>> = { adminOfRoot: ['/r/'], adminOfA: ['/r/a/'], adminOfB: ['/r/b/'] };
  return { userId: v === 'self' ? TARGET_ID : v, sessionId: 's', unitId: 'u', isSystemAdmin: v === 'systemAdmin', adminUnitPaths: paths[v] ?? [] };
}

interface Account {
  unitPath: string;
  status?: UserStatus;
  adminOf?: string[];
  isSystemAdmin?: boolean;
}
const account = (a: Account): User =>
  Object.assign(Object.create(User.prototype) as User, {
    id: TARGET_ID,
    status: a.status ?? 'active',
    isSystemAdmin: !!a.isSystemAdmin,
    unit: { getEntity: () => ({ path: a.unitPath }) },
    adminUnits: { getItems: () => (a.adminOf ?? []).map((path) => ({ path })) },
  });

function grid(actions: readonly string[], subject: object): Record<string, string> {
  return Object.fromEntries(actions.map((action) => [action, VIEWERS.map((v) => (can(viewer(v), action, subject) ? 'Y' : '.')).join('')]));
}

const USER_ACTIONS = ['read', 'readPrivate', 'review', 'updateProfile', 'updateIdentity', 'manageStatus', 'manageRoles', 'manageSystemAdmin'] as const;

const row = (...grids: string[]) => Object.fromEntries(USER_ACTIONS.map((action, i) => [action, grids[i]]));

// Columns: anonymous official self adminOfRoot adminOfA adminOfB systemAdmin.
// Rows: read readPrivate review updateProfile updateIdentity manageStatus manageRoles manageSystemAdmin.
describe('accounts', () => {
  it.each([
    ['an official of /r/a/', { unitPath: '/r/a/' }, row('.YYYYYY', '..YYY.Y', '...YY.Y', '..YYY.Y', '...YY.Y', '...YY.Y', '...YY.Y', '......Y')],
    ['a pending registration in /r/a/', { unitPath: '/r/a/', status: 'pending' }, row('..YYY.Y', '..YYY.Y', '...YY.Y', '..YYY.Y', '...YY.Y', '...YY.Y', '...YY.Y', '......Y')],
    ['an admin of /r/a/ (a peer of adminOfA)', { unitPath: '/r/a/', adminOf: ['/r/a/'] }, row('.YYYYYY', '..YYY.Y', '...YY.Y', '..YY..Y', '...Y..Y', '...Y..Y', '...Y..Y', '......Y')],
    ['an admin of /r/a/a1/ (below adminOfA)', { unitPath: '/r/a/a1/', adminOf: ['/r/a/a1/'] }, row('.YYYYYY', '..YYY.Y', '...YY.Y', '..YYY.Y', '...YY.Y', '...YY.Y', '...YY.Y', '......Y')],
    ['a system admin of /r/', { unitPath: '/r/', isSystemAdmin: true }, row('.YYYYYY', '..YY..Y', '...Y..Y', '..Y....', '.......', '.......', '......Y', '......Y')],
  ] as const)('%s', (_name, a, expected) => {
    expect(grid(USER_ACTIONS, account(a as Account))).toEqual(expected);
  });
});

const UNIT_ACTIONS = ['read', 'listMembers', 'administer', 'appointAdmin'] as const;
describe('units (the entity and its view alike)', () => {
  it.each([
    ['/r/', ['YYYYYYY', '.YYYYYY', '...Y..Y', '......Y']],
    ['/r/a/', ['YYYYYYY', '.YYYYYY', '...YY.Y', '...Y..Y']],
    ['/r/a/a1/', ['YYYYYYY', '.YYYYYY', '...YY.Y', '...YY.Y']],
  ] as const)('%s', (path, grids) => {
    const expected = Object.fromEntries(UNIT_ACTIONS.map((action, i) => [action, grids[i]]));
    const entity = Object.assign(Object.create(OrgUnit.prototype) as OrgUnit, { path });
    expect(grid(UNIT_ACTIONS, entity)).toEqual(expected);
    expect(grid(UNIT_ACTIONS, new UnitView('u', '单位', 'county', null, path, 0, new Date()))).toEqual(expected);
  });
});

describe('directory fields (policies/user.ts)', () => {
  it('refuses changes of the directory-supplied title and phone, and says why a directory account keeps its identity', () => {
    expect(() => authorizeProfileChange(['realName', 'unit', 'title', 'phone'], { title: true, phone: false })).toThrow('职务来自统一身份认证目录，只能在目录中修改');
    expect(() => authorizeProfileChange(['realName', 'unit', 'phone'], { title: false, phone: true })).toThrow('电话来自统一身份认证目录，只能在目录中修改');
    // Unmapped fields, unchanged values and local accounts pass.
    expect(() => authorizeProfileChange(['realName', 'unit'], { title: true, phone: true })).not.toThrow();
    expect(() => authorizeProfileChange(['realName', 'unit', 'title', 'phone'], { title: false, phone: false })).not.toThrow();
    expect(() => authorizeProfileChange([], { title: true, phone: true })).not.toThrow();

    const directoryAccount = Object.assign(account({ unitPath: '/r/a/' }), { directoryDn: 'uid=target,ou=people' });
    expect(() => authorizeIdentityChange(viewer('adminOfRoot'), directoryAccount)).toThrow(DIRECTORY_IDENTITY_MESSAGE);
    expect(() => authorizeIdentityChange(viewer('adminOfRoot'), account({ unitPath: '/r/a/' }))).not.toThrow();
    expect(() => authorizeIdentityChange(viewer('official'), account({ unitPath: '/r/a/' }))).toThrow('只有该单位或上级单位的管理员可以修改真实姓名和所属单位');
  });
});
