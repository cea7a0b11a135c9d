import pg from 'pg';

/** One statement as the server sent it through `pg`: text, values, and its prepared name if any. */
export interface SentStatement {
  text: string;
  values: unknown[];
  name?: string;
}

/**
 * The statements the server sends to PostgreSQL while `work` runs (it must run alone), captured at
 * `pg`'s Client.query, which MikroORM, knex and the server's prepared statements all go through
 * (the server must run in this process). Tests count them; the search benchmark replays them
 * directly to compare a request with exactly the SQL it needs.
 */
export async function captureStatements(work: () => Promise<unknown>): Promise<SentStatement[]> {
  const sent: SentStatement[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [config, values] = args;
    if (typeof config === 'string') sent.push({ text: config, values: Array.isArray(values) ? values : [] });
    else if (config && typeof config === 'object' && 'text' in config) {
      const c = config as { text: string; values?: unknown[]; name?: string };
      sent.push({ text: c.text, values: c.values ?? (Array.isArray(values) ? values : []), name: c.name });
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
}

/** Sends captured statements again, in order, on one pooled connection (as the server's request did). */
export async function replayStatements(pool: pg.Pool, statements: SentStatement[]): Promise<void> {
  const client = await pool.connect();
  try {
    for (const s of statements) await client.query(s.name ? { name: `replay_${s.name}`, text: s.text, values: s.values } : { text: s.text, values: s.values });
  } finally {
    client.release();
  }
}
