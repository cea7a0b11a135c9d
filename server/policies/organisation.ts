import { allow } from './engine.js';

/** The organisation as a whole (its unit tree and accounts), for actions over all of it at once. */
export class Organisation {
  /** The one instance the rules are asked about. */
  static readonly whole = new Organisation();
}

/** Importing the unit tree and officials from an HR file (the console needs no account). */
allow(Organisation, 'import', (actor) => !!actor?.isSystemAdmin);
