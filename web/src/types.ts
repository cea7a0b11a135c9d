/** Shapes of the GraphQL types as the UI selects them (schema/*.graphql is the contract). */

export type UnitLevel = 'PROVINCE' | 'CITY' | 'COUNTY';
export type UserStatus = 'PENDING' | 'ACTIVE' | 'REJECTED' | 'DISABLED';

export interface UnitRef {
  id: string;
  name: string;
}

export interface OrgUnit extends UnitRef {
  level: UnitLevel;
  parent: { id: string } | null;
  memberCount?: number | null;
  subtreeMemberCount?: number | null;
  viewerCan?: UnitAbilities;
}

export interface UserAbilities {
  review: boolean;
  updateProfile: boolean;
  updateIdentity: boolean;
  manageStatus: boolean;
  manageRoles: boolean;
}

export interface Viewer {
  id: string;
  loginName: string;
  realName: string;
  title: string;
  isSystemAdmin: boolean;
  unit: UnitRef;
  adminUnits: UnitRef[];
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: number;
}

export interface Session {
  id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

/** Fields of the signed-in official the shell needs. */
export const VIEWER_FIELDS = `id loginName realName title isSystemAdmin unit { id name } adminUnits { id name }`;

/** The viewer's abilities on a unit (OrgUnitAbilities in the schema). */
export interface UnitAbilities {
  administer: boolean;
  appointAdmin?: boolean;
}
