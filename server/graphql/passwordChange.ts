import type { FastifyInstance } from 'fastify';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from './graphqlModule.js';
import { AppError } from '../errors.js';
import type { MaybeActor } from '../policies/index.js';

/** What a session with an initial password may still ask: who am I, change it, or leave. */
const ALLOWED_ROOT_FIELDS = new Set(['viewer', 'changePassword', 'logout', 'login', '__typename']);

export const passwordChangeRequired = () =>
  new AppError('PASSWORD_CHANGE_REQUIRED', '请先修改初始密码：修改密码后才能使用系统的其他功能');

/** Root field names of every operation in the document, through fragments at the root. */
function rootFields(document: DocumentNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const names: string[] = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet);
  return names;
}

/** The one rule: an actor who must change the password gets nothing but ALLOWED_ROOT_FIELDS. */
export function refuseUntilPasswordChanged(actor: MaybeActor, fields: string[]): void {
  if (actor?.mustChangePassword && fields.some((field) => !ALLOWED_ROOT_FIELDS.has(field))) throw passwordChangeRequired();
}

/** Every query and mutation (HTTP and WebSocket) passes the rule before it runs. */
export function gateUntilPasswordChanged(app: FastifyInstance): void {
  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    refuseUntilPasswordChanged(context.domain.actor, rootFields(document));
  });
}
