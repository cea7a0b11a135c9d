import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { NoSchemaIntrospectionCustomRule } from './graphqlModule.js';
import mercurius, { type IResolvers, type MercuriusLoaders } from 'mercurius';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Deps } from '../modules/context.js';
import { complexityRule } from './complexity.js';
import { noControlCharactersRule, refuseControlCharactersInVariables } from './controlCharacters.js';
import { buildContext } from './context.js';
import { errorFormatter } from './errors.js';
import { orgUnitLoaders, orgUnitResolvers } from './presenters/orgUnit.js';
import { userLoaders, userResolvers } from './presenters/user.js';
import { accountMutations, accountQueries } from './resolvers/accounts.js';
import { orgQueries } from './resolvers/org.js';
import { DateTime } from './scalars.js';

const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema');

/** The public contract: every schema/*.graphql file, in name order. */
export function loadSchema(): string {
  return fs
    .readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => fs.readFileSync(path.join(schemaDir, f), 'utf8'))
    .join('\n');
}

export async function registerGraphQL(app: FastifyInstance, orm: MikroORM, deps: Deps): Promise<void> {
  const resolvers: IResolvers = {
    DateTime,
    Query: { ok: () => true, ...accountQueries, ...orgQueries },
    Mutation: { noop: () => null, ...accountMutations },
    User: userResolvers,
    OrgUnit: orgUnitResolvers,
  };
  const loaders = { User: userLoaders, OrgUnit: orgUnitLoaders } as unknown as MercuriusLoaders;
  const { maxDepth, maxFields, maxAliases } = deps.config.graphql;
  await app.register(mercurius, {
    schema: loadSchema(),
    resolvers,
    loaders,
    path: '/graphql',
    graphiql: !deps.config.production,
    queryDepth: maxDepth,
    // Introspection is for development tools only.
    validationRules: [complexityRule(maxFields, maxAliases), noControlCharactersRule, ...(deps.config.production ? [NoSchemaIntrospectionCustomRule] : [])],
    allowBatchedQueries: false,
    csrfPrevention: true,
    context: (request, reply) => buildContext(orm, deps, request, reply),
    errorFormatter: (execution, context) => errorFormatter(execution, context.reply?.log ?? app.log),
  });
  refuseControlCharactersInVariables(app);
}
