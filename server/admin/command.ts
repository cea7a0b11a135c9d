import type { Config } from '../config.js';

/** What a command prints to (stdout for results, stderr for progress) and reads. */
export interface AdminIo {
  /** A line of result (stdout). */
  out(line: string): void;
  /** A line of progress or warning (stderr), so that results can be piped. */
  say(line: string): void;
  /** Asks a question on the terminal (hidden echo for passwords); null when stdin is not a terminal. */
  ask(question: string, options?: { hidden?: boolean }): Promise<string | null>;
  env: NodeJS.ProcessEnv;
}

/** A failure the operator can act on: printed as it is (Chinese), exit code 1, no stack. */
export class AdminError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'AdminError';
  }
}

/** One `npm run admin -- <name> …` command. */
export interface AdminCommand {
  /** Arguments as the help prints them, e.g. "FILE [--dry-run]". */
  usage: string;
  /** One line in Chinese for the help. */
  summary: string;
  run(args: string[], config: Config, io: AdminIo): Promise<void>;
}

/** Splits `--name value`/`--flag` options from positional arguments; unknown options are errors. */
export function parseArgs(args: string[], spec: { flags?: string[]; values?: string[] } = {}): { positional: string[]; flags: Set<string>; values: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.flags?.includes(name) && inline === undefined) flags.add(name);
    else if (spec.values?.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new AdminError(`选项 --${name} 需要一个值`, 2);
      values.set(name, value);
    } else throw new AdminError(`未知选项 --${name}`, 2);
  }
  return { positional, flags, values };
}
