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
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLType,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from './graphqlModule.js';

/** Arguments that set how many items a list or connection field returns. */
const PAGE_ARGS = ['first', 'last', 'limit'];

/**
 * How many items a plain list without a page argument (reactions, attachments, sub-units) is
 * reckoned to hold: small, but not 1, so that nesting such lists still adds up.
 */
export const PLAIN_LIST_ESTIMATE = 5;

/**
 * The cost of an operation before it runs: every selected field costs the product of the sizes
 * of the lists around it, where a field with `first`/`last`/`limit` is as large as that
 * argument (its schema default, else DEFAULT_PAGE_SIZE when absent), and a plain list counts as
 * PLAIN_LIST_ESTIMATE. A variable page size counts as MAX_PAGE_SIZE: validation runs (and is
 * cached by mercurius) before variables are known, and the same rule then serves HTTP and
 * WebSocket alike; a client cannot make a query look cheap by moving the size into a variable.
 * @skip/@include are ignored (the worst case counts).
 */
export function costRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    return {
      OperationDefinition(operation) {
        let cost = 0;
        const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, multiplier: number, seen: Set<string>): boolean => {
          for (const selection of set.selections) {
            if (selection.kind === Kind.FIELD) {
              cost += multiplier;
              if (cost > maxCost) return false;
              if (!selection.selectionSet) continue;
              const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
              // A connection's edges and nodes are as many as the connection's own page, counted there.
              const inConnection = parent?.name.endsWith('Connection') ?? false;
              const size = field && !inConnection ? fieldSize(field, selection.arguments ?? []) : 1;
              if (!walk(selection.selectionSet, field ? getNamedType(field.type) : undefined, multiplier * size, seen)) return false;
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
              const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
              if (!walk(selection.selectionSet, type ?? undefined, multiplier, seen)) return false;
            } else {
              const name = selection.name.value;
              const fragment = fragments.get(name);
              if (!fragment || seen.has(name)) continue; // unknown or cyclic: other rules report it
              const type = schema.getType(fragment.typeCondition.name.value);
              if (!walk(fragment.selectionSet, type ?? undefined, multiplier, new Set(seen).add(name))) return false;
            }
          }
          return true;
        };
        const root = schema.getRootType(operation.operation);
        if (!walk(operation.selectionSet, root ?? undefined, 1, new Set())) {
          context.reportError(
            new GraphQLError(`查询代价过高（上限 ${maxCost}）：请减少每页数量、嵌套的列表或别名`, {
              nodes: [operation],
              extensions: { code: 'BAD_USER_INPUT', maxCost },
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
