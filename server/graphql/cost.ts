import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../modules/pagination.js';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from './graphqlModule.js';
import type { OperationDefinitionNode } from 'graphql';

/** Arguments that set how many items a list or connection field returns. */
const PAGE_ARGS = ['first', 'last', 'limit'];

/**
 * How many items a plain list without a page argument (reactions, attachments, sub-units) is
 * reckoned to hold: small, but not 1, so that nesting such lists still adds up.
 */
export const PLAIN_LIST_ESTIMATE = 5;

export interface SelectionLimits {
  /** Field selections (aliases included), fragments expanded where spread. */
  maxFields: number;
  maxAliases: number;
  maxCost: number;
}

/** What one walk over an operation found (it stops once fields or aliases are over their limit). */
export interface OperationMeasure {
  fields: number;
  aliases: number;
  cost: number;
  /** Root fields other than __typename, fragments expanded: each aliased mutation counts. */
  rootFields: number;
  overBreadth: 'fields' | 'aliases' | null;
}

const UNBOUNDED: SelectionLimits = { maxFields: Infinity, maxAliases: Infinity, maxCost: Infinity };

/**
 * The one walk over an operation's selections (fragments expanded where spread), counting
 * breadth, aliases, root fields and cost together.
 *
 * Cost: every selected field costs the product of the sizes of the lists around it, where a
 * field with `first`/`last`/`limit` is as large as that argument (its schema default, else
 * DEFAULT_PAGE_SIZE when absent), and a plain list counts as PLAIN_LIST_ESTIMATE. A variable page
 * size counts as MAX_PAGE_SIZE: validation runs (and is cached by mercurius) before variables are
 * known, and the same rule then serves HTTP and WebSocket alike; a client cannot make a query look
 * cheap by moving the size into a variable. @skip/@include are ignored (the worst case counts).
 *
 * The walk stops when fields or aliases pass their limit (that bounds it), not at the cost limit.
 */
export function measureOperation(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  limits: SelectionLimits = UNBOUNDED,
): OperationMeasure {
  const m: OperationMeasure = { fields: 0, aliases: 0, cost: 0, rootFields: 0, overBreadth: null };
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, multiplier: number, root: boolean, seen: ReadonlySet<string>): boolean => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        m.fields += 1;
        m.cost += multiplier;
        if (selection.alias) m.aliases += 1;
        if (root && selection.name.value !== '__typename') m.rootFields += 1;
        if (m.aliases > limits.maxAliases) m.overBreadth = 'aliases';
        else if (m.fields > limits.maxFields) m.overBreadth = 'fields';
        if (m.overBreadth) return false;
        if (!selection.selectionSet) continue;
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        // A connection's edges and nodes are as many as the connection's own page, counted there.
        const inConnection = parent?.name.endsWith('Connection') ?? false;
        const size = field && !inConnection ? fieldSize(field, selection.arguments ?? []) : 1;
        if (!walk(selection.selectionSet, field ? getNamedType(field.type) : undefined, multiplier * size, false, seen)) return false;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (!walk(selection.selectionSet, type ?? undefined, multiplier, root, seen)) return false;
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue; // unknown or cyclic: other rules report it
        const type = schema.getType(fragment.typeCondition.name.value);
        if (!walk(fragment.selectionSet, type ?? undefined, multiplier, root, new Set(seen).add(name))) return false;
      }
    }
    return true;
  };
  walk(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, 1, true, new Set());
  return m;
}

/** Measures taken during validation, for the hooks that run later on the same (cached) document. */
const measured = new WeakMap<OperationDefinitionNode, OperationMeasure>();

/** The measure of an operation: from its validation when there was one, else walked now. */
export function operationMeasure(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): OperationMeasure {
  return measured.get(operation) ?? measureOperation(schema, fragmentsOf(document), operation);
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  return fragments;
}

/**
 * Refuses an operation whose selections, fragments expanded, exceed maxFields, that uses more
 * than maxAliases aliases (100 aliased `login` calls never start), or whose cost exceeds maxCost.
 * The depth limit is mercurius's queryDepth; this bounds the breadth and the cost.
 */
export function selectionLimitsRule(limits: SelectionLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = fragmentsOf(context.getDocument());
    return {
      OperationDefinition(operation) {
        const m = measureOperation(schema, fragments, operation, limits);
        if (!m.overBreadth) measured.set(operation, m);
        if (m.overBreadth) {
          const message =
            m.overBreadth === 'aliases' ? `查询使用的别名过多（上限 ${limits.maxAliases} 个）` : `查询过于复杂（字段数上限 ${limits.maxFields} 个）`;
          context.reportError(new GraphQLError(message, { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } }));
        }
        if (m.cost > limits.maxCost) {
          context.reportError(
            new GraphQLError(`查询代价过高（上限 ${limits.maxCost}）：请减少每页数量、嵌套的列表或别名`, {
              nodes: [operation],
              extensions: { code: 'BAD_USER_INPUT', maxCost: limits.maxCost },
            }),
          );
        }
      },
    };
  };
}

/** How many items one selection of this field yields for its sub-selections. */
function fieldSize(field: GraphQLField<unknown, unknown>, args: ReadonlyArray<{ name: { value: string }; value: ValueNode }>): number {
  const pageArg = field.args.find((arg) => PAGE_ARGS.includes(arg.name));
  if (pageArg) {
    const given = args.find((arg) => arg.name.value === pageArg.name);
    if (!given) return typeof pageArg.defaultValue === 'number' ? pageArg.defaultValue : DEFAULT_PAGE_SIZE;
    if (given.value.kind === Kind.VARIABLE) return MAX_PAGE_SIZE;
    const value = valueFromASTUntyped(given.value);
    // Invalid sizes are refused by the resolver; here they count as the largest page.
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_PAGE_SIZE ? Math.max(value, 1) : MAX_PAGE_SIZE;
  }
  return isList(field.type) ? PLAIN_LIST_ESTIMATE : 1;
}

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
