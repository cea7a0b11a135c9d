import { createRequire } from 'node:module';

/**
 * graphql-js, loaded the way mercurius loads it (CommonJS). Importing 'graphql' from ESM gets
 * the .mjs build, a second copy whose classes fail instanceof checks inside mercurius
 * ("Cannot use GraphQLNonNull from another module or realm"). Server code uses this one.
 */
const require = createRequire(import.meta.url);
const graphql = require('graphql') as typeof import('graphql');

export const { GraphQLError, GraphQLScalarType, Kind, NoSchemaIntrospectionCustomRule, execute, getNamedType, getOperationAST, isInterfaceType, isListType, isNonNullType, isObjectType, parse, print, specifiedRules, validate, valueFromASTUntyped } = graphql;
export type { ASTVisitor, DocumentNode, ExecutionResult, FragmentDefinitionNode, GraphQLField, GraphQLNamedType, GraphQLObjectType, GraphQLType, ValidationRule, ValueNode, GraphQLResolveInfo, GraphQLSchema, SelectionSetNode, ValidationContext } from 'graphql';
export type GraphQLErrorInstance = import('graphql').GraphQLError;
