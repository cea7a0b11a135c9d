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
