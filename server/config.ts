import path from 'node:path';

/** Every setting Jiaoliu reads from the environment, parsed once. README lists them. */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** PostgreSQL URL; when empty, main.ts starts embedded PostgreSQL. */
  databaseUrl: string | undefined;
  /** Redis shared by several instances (event bus, presence, rate limits); null runs one instance alone. */
  redisUrl: string | null;
  /** With Redis: an instance's presence entries expire this long after its last heartbeat (sent every third of it). */
  presenceTtlMs: number;
  /** Folder for embedded PostgreSQL data and other local state. */
  dataDir: string;
  /** Load demo data at start when the database has none. */
  demoData: boolean;
  trustProxy: boolean;
  /** Force the Secure flag on cookies (otherwise set when the request came over https). */
  cookieSecure: boolean;
  sessionTtlHours: number;
  /** Absolute session age limit, however busy the session. */
  sessionMaxDays: number;
  login: {
    /** Failed logins for one login name within the window before it is locked. */
    maxFailuresPerAccount: number;
    /** Failed logins from one address within the window before it is refused. */
    maxFailuresPerAddress: number;
    windowMinutes: number;
    /** Concurrent password hashes; more wait in a bounded queue. */
    hashConcurrency: number;
    hashQueueLimit: number;
  };
  graphql: {
    maxDepth: number;
    /** Maximum number of field selections (aliases included) in one operation. */
    maxFields: number;
    maxAliases: number;
  };
  realtime: {
    /** A WebSocket that sends no connection_init within this time is closed. */
    wsInitTimeoutMs: number;
    /** Extra page origins allowed to open WebSockets (same-origin pages always may). */
    allowedOrigins: string[];
    /** Frames per second one socket may send before it is closed (flood). */
    maxFramesPerSecond: number;
  };
  storage: {
    /** An S3-compatible server (MinIO); null keeps files on disk under filesDir. */
    s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string } | null;
    filesDir: string;
    /** Largest upload accepted. */
    maxUploadBytes: number;
    /** Key that signs short-lived download links (random per start when unset). */
    linkSecret: string | null;
  };
  scheduler: {
    /** Milliseconds between polls of the job table (meeting reminders); 0 runs no scheduler in this instance. */
    pollMs: number;
  };
  logLevel: string;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`环境变量 ${name} 必须是非负整数，当前为 "${raw}"`);
  return value;
}

function bool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  const production = process.env.NODE_ENV === 'production';
  const base: Config = {
    port: int('PORT', 3000),
    host: process.env.HOST || '0.0.0.0',
    production,
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || null,
    presenceTtlMs: Math.max(600, int('PRESENCE_TTL_MS', 15_000)),
    dataDir: path.resolve(process.env.JIAOLIU_DATA_DIR || '.data'),
    demoData: bool('DEMO_DATA', true),
    trustProxy: bool('TRUST_PROXY', false),
    cookieSecure: bool('COOKIE_SECURE', false),
    sessionTtlHours: int('SESSION_TTL_HOURS', 24 * 7),
    sessionMaxDays: int('SESSION_MAX_DAYS', 30),
    login: {
      maxFailuresPerAccount: int('LOGIN_MAX_FAILURES', 5),
      maxFailuresPerAddress: int('LOGIN_MAX_FAILURES_PER_ADDRESS', 50),
      windowMinutes: int('LOGIN_LOCK_MINUTES', 15),
      hashConcurrency: int('PASSWORD_HASH_CONCURRENCY', 2),
      hashQueueLimit: 100,
    },
    graphql: { maxDepth: 8, maxFields: 300, maxAliases: 30 },
    realtime: {
      wsInitTimeoutMs: int('WS_INIT_TIMEOUT_MS', 5000),
      allowedOrigins: (process.env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      maxFramesPerSecond: int('WS_MAX_FRAMES_PER_SECOND', 50),
    },
    storage: {
      s3: process.env.S3_ENDPOINT
        ? {
            endpoint: process.env.S3_ENDPOINT,
            accessKey: process.env.S3_ACCESS_KEY ?? '',
            secretKey: process.env.S3_SECRET_KEY ?? '',
            bucket: process.env.S3_BUCKET || 'jiaoliu',
            region: process.env.S3_REGION || 'us-east-1',
          }
        : null,
      filesDir: path.resolve(process.env.JIAOLIU_DATA_DIR || '.data', 'files'),
      maxUploadBytes: int('UPLOAD_MAX_MB', 50) * 1024 * 1024,
      linkSecret: process.env.DOWNLOAD_LINK_SECRET || null,
    },
    scheduler: { pollMs: int('SCHEDULER_POLL_MS', 5000) },
    logLevel: process.env.LOG_LEVEL || (production ? 'info' : 'warn'),
  };
  return {
    ...base,
    ...overrides,
    login: { ...base.login, ...overrides.login },
    graphql: { ...base.graphql, ...overrides.graphql },
    realtime: { ...base.realtime, ...overrides.realtime },
    storage: { ...base.storage, ...overrides.storage },
    scheduler: { ...base.scheduler, ...overrides.scheduler },
  };
}
