/** Shapes of the GraphQL types as the UI selects them (schema/*.graphql is the contract). */
import type { UnitFields, ViewerFields } from './graphql/fragments.js';
import type { ResultOf, SchemaEnum } from './graphql/index.js';

export type UnitLevel = SchemaEnum<'UnitLevel'>;
export type UserStatus = SchemaEnum<'UserStatus'>;

export interface UnitRef {
  id: string;
  name: string;
}

/** A unit as the org pages keep it: the listed fields, plus what each page asks for besides (units.ts). */
export type OrgUnit = ResultOf<typeof UnitFields> & {
  memberCount?: number | null;
  subtreeMemberCount?: number | null;
  viewerCan?: { administer: boolean };
};

/** The signed-in official, as the shell needs them. */
export type Viewer = ResultOf<typeof ViewerFields>;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  totalCount: number;
}
