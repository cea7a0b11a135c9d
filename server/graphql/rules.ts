import type { Config } from '../config.js';
import { complexityRule } from './complexity.js';
import { noControlCharactersRule } from './controlCharacters.js';
import { costRule } from './cost.js';
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from './graphqlModule.js';

/** Our validation rules (beside graphql-js's own), the same for HTTP and WebSocket. */
export function validationRules(config: Config): ValidationRule[] {
  const { maxFields, maxAliases, maxCost } = config.graphql;
  return [
    complexityRule(maxFields, maxAliases),
    costRule(maxCost),
    noControlCharactersRule,
    // Introspection is for development tools only.
    ...(config.production ? [NoSchemaIntrospectionCustomRule] : []),
  ];
}
