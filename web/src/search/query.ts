/** The search itself, and a hit as the page shows it. */
import { UserFields } from '../graphql/fragments.js';
import { graphql, type ResultOf } from '../graphql/index.js';

export const SEARCH = graphql(`query Search($q: String!, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
  search(query: $q, filter: $filter, sort: $sort, first: $first, after: $after) {
    words pageInfo { hasNextPage endCursor }
    edges { cursor node { type id createdAt conversationId seq floor author { ...UserFields } group { id name } thread { id title }
      title { text match } snippet { text match }
      document { id name folder { id name } latestVersion { id documentId version name size mime createdAt downloadPath } } } } } }`, [UserFields]);
/** One hit as the search page selects it (DOCUMENT hits carry the file; its name is the snippet). */
export type SearchResult = ResultOf<typeof SEARCH>['search']['edges'][number]['node'];

/**
 * People and groups matching the query (also by pinyin), as the directory and the group list find
 * them: active officials of the directory, and listed groups or the viewer's own. The group list
 * takes at most 30 characters (`withGroups` is false beyond).
 */
export const SEARCH_NAMES = graphql(`query SearchNames($q: String!, $first: Int, $withGroups: Boolean!) {
  directory(filter: { query: $q }, first: $first) { totalCount edges { node { ...UserFields } } }
  groups(query: $q, first: $first) @include(if: $withGroups) {
    pageInfo { hasNextPage }
    edges { node { id name purpose memberCount visibility viewerRole conversation { id } } } } }`, [UserFields]);
export type NamesResult = ResultOf<typeof SEARCH_NAMES>;
export type FoundPerson = NamesResult['directory']['edges'][number]['node'];
export type FoundGroup = NonNullable<NamesResult['groups']>['edges'][number]['node'];
