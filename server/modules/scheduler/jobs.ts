import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { OutgoingEvent, RealtimePublisher } from '../core/realtime.js';
import { countBusError, observeSchedulerLag } from '../../metrics/registry.js';
import { advanceJob, claimDueJob, deletePendingJobs, insertJob, lockedPendingJobs, markJobDone, recordJobFailure } from './store.js';

/** A due job as its handler sees it. */
export interface JobRow {
  id: string;
  kind: string;
  subjectId: string | null;
  runAt: Date;
  data: Record<string, unknown> | null;
  attempts: number;
}

/**
 * Does a job's work in the claiming transaction. Rows it writes commit together with the job's
 * `done_at`; events it emits are published, and the live connections of people passed to
 * `endSessions` closed, after that commit.
 */
export type JobHandler = (em: EntityManager, job: JobRow, emit: (event: OutgoingEvent) => void, endSessions?: (userId: string) => void) => Promise<void>;

/** Queues a job in the caller's transaction: it exists exactly when the change that needs it commits. */
export async function enqueueJob(em: EntityManager, job: { kind: string; subjectId?: string | null; runAt: Date; data?: Record<string, unknown> | null }): Promise<void> {
  await insertJob(em, { kind: job.kind, subjectId: job.subjectId ?? null, runAt: job.runAt, data: job.data ?? null });
}

/** Jobs due and not done (the partial index on run_at serves it); read when metrics are scraped. */
export { countOverdueJobs } from './store.js';

/**
 * A recurring job (one pending row at a time, which re-queues itself when it runs): queued at
 * `runAt` unless one is pending already, and brought forward to `runAt` if it is due later.
 * Instances starting together check one after the other.
 */
export async function ensureJobQueued(em: EntityManager, kind: string, runAt: Date): Promise<void> {
  await em.transactional(async (tem) => {
    const [pending] = await lockedPendingJobs(tem, kind);
    if (pending) await advanceJob(tem, String(pending.id), runAt);
    else await insertJob(tem, { kind, subjectId: null, runAt, data: null });
  });
}

/** Removes the pending (not yet run) jobs of a kind about a subject, in the caller's transaction. */
export async function cancelJobs(em: EntityManager, kind: string, subjectId: string): Promise<number> {
  return deletePendingJobs(em, kind, subjectId);
}

export interface SchedulerOptions {
  /** Milliseconds between polls when nothing is due. */
  pollMs: number;
  /** A failing job is retried with growing delays this many times, then given up (and logged). */
  maxAttempts?: number;
  log?: { error: (obj: object, msg: string) => void };
}

/**
 * The scheduler: jobs live in PostgreSQL (`scheduled_job`). Each job is claimed with
 * `FOR UPDATE SKIP LOCKED` and done, with its handler's writes and `done_at`, in one
 * transaction. So a job is never lost (a crash rolls the claim back; the next poll, here or
 * on any instance, takes it again) and never doubled (a second instance skips the locked row,
 * and a done row is never due again). Events are published after the commit.
 */
export class JobScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;

  constructor(
    private readonly orm: MikroORM,
    private readonly publisher: RealtimePublisher,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: SchedulerOptions,
  ) {}

  /** Starts polling (a pollMs of 0 leaves this instance without a scheduler). */
  start(): void {
    if (!this.stopped || this.options.pollMs <= 0) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for a job in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const run = this.runDue().catch((error) => this.options.log?.error({ err: error }, 'scheduler poll failed'));
      this.running = run;
      void run.finally(() => {
        if (this.running === run) this.running = null;
        this.schedule(this.options.pollMs);
      });
    }, ms);
    this.timer.unref?.();
  }

  /** Runs every job due now, one transaction each, up to `limit`; answers how many ran. */
  async runDue(limit = 500): Promise<number> {
    let done = 0;
    while (done < limit) {
      const outcome = await this.runOne();
      if (outcome === 'none') break;
      // A failed job was pushed back (run_at later), so the loop moves on to the next one.
      if (outcome === 'done') done += 1;
    }
    return done;
  }

  /** Claims and runs one due job. */
  async runOne(): Promise<'done' | 'failed' | 'none'> {
    const em = this.orm.em.fork();
    const queued: OutgoingEvent[] = [];
    const endedUsers: string[] = [];
    let claimed: JobRow | null = null;
    try {
      const ran = await em.transactional(async (tem) => {
        const row = await claimDueJob(tem);
        if (!row) return false;
        claimed = { id: String(row.id), kind: row.kind, subjectId: row.subject_id, runAt: new Date(row.run_at), data: row.data, attempts: row.attempts };
        observeSchedulerLag(claimed.runAt);
        const handler = this.handlers[row.kind];
        if (!handler) throw new Error(`no handler for scheduled job kind "${row.kind}"`);
        await handler(tem, claimed, (event) => queued.push(event), (userId) => endedUsers.push(userId));
        await markJobDone(tem, row.id);
        return true;
      });
      if (!ran) return 'none';
    } catch (error) {
      if (!claimed) throw error;
      await this.recordFailure(claimed, error);
      return 'failed';
    }
    for (const userId of endedUsers) {
      await this.publisher.endSessions(userId).catch((error) => this.options.log?.error({ err: error, userId }, 'closing the connections of a scheduled job failed'));
    }
    if (queued.length) {
      await this.publisher.publish(queued).catch((error) => {
        countBusError('scheduler');
        this.options.log?.error({ err: error }, 'publishing scheduled job events failed');
      });
    }
    return 'done';
  }

  /** The claim rolled back: count the attempt and retry later (or give up after maxAttempts). */
  private async recordFailure(job: JobRow, error: unknown): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const attempts = job.attempts + 1;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    this.options.log?.error({ err: error, jobId: job.id, kind: job.kind, attempts }, 'scheduled job failed');
    await recordJobFailure(this.orm.em.fork(), job.id, { attempts, message, delaySeconds: Math.min(3600, 30 * 2 ** job.attempts), givenUp: attempts >= maxAttempts });
  }
}
