/**
 * The web client's `graphql()` tag: each operation's result and variable types are inferred
 * from schema/ (via the generated env.d.ts), and `npm run typecheck` checks every document
 * against the schema (web/graphqlTypes.ts). Fragments are not masked: a spread's fields are
 * part of the result, as in the plain strings this replaced.
 */
import { initGraphQLTada } from 'gql.tada';
import type { introspection, introspection_types } from './env.js';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  disableMasking: true;
  scalars: { DateTime: string; ID: string };
}>();

export type { FragmentOf, ResultOf, VariablesOf, TadaDocumentNode } from 'gql.tada';

/** A schema enum's values as a string union, e.g. SchemaEnum<'GroupRole'>. */
export type SchemaEnum<Name extends keyof introspection_types> = introspection_types[Name] extends { enumValues: infer Values } ? Values : never;
