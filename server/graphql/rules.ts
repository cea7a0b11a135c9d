import type { Config } from '../config.js';
import { noControlCharactersRule } from './controlCharacters.js';
import { selectionLimitsRule } from './cost.js';
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from './graphqlModule.js';

/** Our validation rules (beside graphql-js's own), the same for HTTP and WebSocket. */
export function validationRules(config: Config): ValidationRule[] {
  const { maxFields, maxAliases, maxCost } = config.graphql;
  return [
    // Breadth (fields, aliases) and cost in one walk; mutations' root fields are counted there too.
    selectionLimitsRule({ maxFields, maxAliases, maxCost }),
    noControlCharactersRule,
    // Introspection is for development tools only.
    ...(config.production ? [NoSchemaIntrospectionCustomRule] : []),
  ];
}
