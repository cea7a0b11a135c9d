import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from './graphqlModule.js';

/**
 * Refuses an operation whose selections, fragments expanded, exceed maxFields, or that
 * uses more than maxAliases aliases: 100 aliased `login` calls never start. The depth limit
 * is mercurius's queryDepth; this bounds the breadth.
 */
export function complexityRule(maxFields: number, maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    return {
      OperationDefinition(operation) {
        let fields = 0;
        let aliases = 0;
        const walk = (set: SelectionSetNode, seen: Set<string>): boolean => {
          for (const selection of set.selections) {
            if (selection.kind === Kind.FIELD) {
              fields += 1;
              if (selection.alias) aliases += 1;
              if (fields > maxFields || aliases > maxAliases) return false;
              if (selection.selectionSet && !walk(selection.selectionSet, seen)) return false;
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
              if (!walk(selection.selectionSet, seen)) return false;
            } else {
              const name = selection.name.value;
              const fragment = fragments.get(name);
              if (!fragment || seen.has(name)) continue; // unknown or cyclic: other rules report it
              if (!walk(fragment.selectionSet, new Set(seen).add(name))) return false;
            }
          }
          return true;
        };
        if (!walk(operation.selectionSet, new Set())) {
          const message =
            aliases > maxAliases
              ? `查询使用的别名过多（上限 ${maxAliases} 个）`
              : `查询过于复杂（字段数上限 ${maxFields} 个）`;
          context.reportError(new GraphQLError(message, { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } }));
        }
      },
    };
  };
}
