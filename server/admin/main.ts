import readline from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.js';
import { AdminError, type AdminIo } from './command.js';
import { commands } from './commands/index.js';

/**
 * `npm run admin -- <command> [arguments]` (production: `node dist/server/admin.js …`):
 * administration of the configured installation (DATABASE_URL, or the embedded PostgreSQL in
 * JIAOLIU_DATA_DIR, even while the server runs). Exit codes: 0 done, 1 failed, 2 bad usage.
 */
function help(): string {
  // Usage on its own line, the summary indented below: some usages are long.
  const lines = Object.entries(commands).flatMap(([name, command]) => [`  ${`${name} ${command.usage}`.trim()}`, `      ${command.summary}`]);
  return ['用法：npm run admin -- <命令> [参数]', '', '命令：', ...lines].join('\n');
}

async function ask(question: string, options: { hidden?: boolean } = {}): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = !!options.hidden;
    return await answer;
  } finally {
    rl.close();
    if (options.hidden) process.stderr.write('\n');
  }
}

const io: AdminIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  say: (line) => process.stderr.write(`${line}\n`),
  ask,
  env: process.env,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.say(`未知命令 ${name}`);
    io.say(help());
    return 2;
  }
  await command.run(args, loadConfig(), io);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AdminError) {
      io.say(`错误：${error.message}`);
      process.exit(error.exitCode);
    }
    io.say(`失败：${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG) console.error(error);
    process.exit(1);
  },
);
