import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './paths.js';

/**
 * How the local stack runs Temporal: `dev` is `temporal server start-dev` (one process, SQLite); `cluster`
 * is the Temporal server on the stack's Postgres, its frontend, history, matching and worker services each
 * a process of its own.
 */
export const TEMPORAL_SERVER_MODES = ['dev', 'cluster'] as const;
export type TemporalServerMode = (typeof TEMPORAL_SERVER_MODES)[number];

/** Services the local stack can run itself; any other one is expected to be reachable already. */
export const STACK_SERVICES = ['temporal', 'minio', 'postgres'] as const;
export type StackService = (typeof STACK_SERVICES)[number];

const port = z.coerce
  .number({ error: 'must be a TCP port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const hostPort = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

const httpUrl = z
  .string()
  .url('must be a URL, e.g. http://127.0.0.1:9000')
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://');

const postgresUrl = z
  .string()
  .url('must be a URL, e.g. postgresql://user:pass@127.0.0.1:55432/medsweep')
  .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must start with postgresql:// or postgres://');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const absPath = z.string().refine(isAbsolute, 'must be an absolute path');

/**
 * Seals the browser session cookie when MEDSWEEP_SESSION_SECRET is unset outside production: a fixed,
 * public value, so a local stack works out of the box and nothing sealed with it is worth stealing.
 */
export const DEV_SESSION_SECRET = 'medsweep-local-development-session-secret-not-for-production';

/**
 * The local stack's database roles: the application's (DML only; on audit_events INSERT and SELECT alone)
 * and the migrator's, which owns the schema and its triggers. Public values, fine on 127.0.0.1 only.
 */
export const LOCAL_DATABASE_URL = 'postgresql://medsweep_app:medsweep-app-local@127.0.0.1:55432/medsweep';
export const LOCAL_MIGRATION_DATABASE_URL = 'postgresql://medsweep:medsweep@127.0.0.1:55432/medsweep';
const LOCAL_S3_ACCESS_KEY_ID = 'medsweep';
const LOCAL_S3_SECRET_ACCESS_KEY = 'medsweep-local-secret';
/** Passwords and keys that ship with the local stack, compose or k8s examples: public, so never production's. */
const PUBLIC_DEFAULTS = new Set([
  DEV_SESSION_SECRET,
  LOCAL_S3_ACCESS_KEY_ID,
  LOCAL_S3_SECRET_ACCESS_KEY,
  'medsweep-app-local',
  'postgres',
]);
/** Hosts of the loopback interface, where the local stack's services listen. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** What the shipped examples put where a real secret belongs (`CHANGE-ME`, `change-me-admin-password`). */
const PLACEHOLDER = /change[-_ ]?me/i;

/**
 * Every environment variable MedSweep reads, with the local-stack defaults.
 * Keys are the variable names, so a validation error names exactly what to fix.
 */
const envSchema = z.object({
  MEDSWEEP_CACHE: absPath.optional(),
  MEDSWEEP_STACK_DIR: absPath.optional(),
  MEDSWEEP_STACK_SERVICES: z
    .string()
    .default(STACK_SERVICES.join(','))
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.enum(STACK_SERVICES, { error: `each entry must be one of ${STACK_SERVICES.join(', ')}` })),
    ),
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be 2-63 lowercase letters, digits or dashes')
    .default('medsweep'),
  TEMPORAL_UI_PORT: port.default(8233),
  MEDSWEEP_TEMPORAL: z
    .enum(TEMPORAL_SERVER_MODES, { error: `must be one of ${TEMPORAL_SERVER_MODES.join(', ')}` })
    .default('dev'),
  S3_ENDPOINT: httpUrl.default('http://127.0.0.1:9000'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(3, 'must be at least 3 characters').optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, dashes)',
    )
    .default('medsweep'),
  S3_FORCE_PATH_STYLE: bool.default(true),
  S3_AUDIT_ANCHOR_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, dashes)',
    )
    .default('medsweep-audit-anchors'),
  MEDSWEEP_AUDIT_ANCHOR_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be between 1 and 1440 minutes')
    .max(1440, 'must be between 1 and 1440 minutes')
    .default(60),
  MEDSWEEP_AUDIT_ANCHOR_MODE: z
    .enum(['compliance', 'governance'], { error: 'must be compliance or governance' })
    .default('compliance'),
  MEDSWEEP_AUDIT_ANCHOR_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be between 1 and 36500 days')
    .max(36500, 'must be between 1 and 36500 days')
    .default(2555),
  MINIO_CONSOLE_PORT: port.default(9001),
  DATABASE_URL: postgresUrl.optional(),
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  MEDSWEEP_DATA_DIR: absPath.optional(),
  MEDSWEEP_ALLOW_SLOW_BACKEND: bool.default(false),
  MEDSWEEP_WEB_PORT: port.default(3000),
  MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be between 1 and 3600')
    .max(3600, 'must be between 1 and 3600')
    .default(60),
  MEDSWEEP_CHECKPOINTS_KEPT: z.coerce
    .number({ error: 'must be a number of checkpoints' })
    .int('must be a whole number')
    .min(0, 'must be between 0 (keep all) and 1000')
    .max(1000, 'must be between 0 (keep all) and 1000')
    .default(2),
  // Read by TensorFlow itself; a worker also records which of the host's GPUs it was given.
  CUDA_VISIBLE_DEVICES: z.string().optional(),
  NODE_ENV: z.string().optional(),
  MEDSWEEP_LOCAL_STACK: bool.default(false),
  MEDSWEEP_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MEDSWEEP_SESSION_TTL_HOURS: z.coerce
    .number({ error: 'must be a number of hours' })
    .int('must be a whole number of hours')
    .min(1, 'must be between 1 and 720 hours')
    .max(720, 'must be between 1 and 720 hours')
    .default(12),
  MEDSWEEP_SESSION_IDLE_MINUTES: z.coerce
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(1, 'must be between 1 and 1440 minutes')
    .max(1440, 'must be between 1 and 1440 minutes')
    .default(60),
  MEDSWEEP_TRUSTED_PROXY_HOPS: z.coerce
    .number({ error: 'must be a number of proxies' })
    .int('must be a whole number of proxies')
    .min(0, 'must be between 0 and 10')
    .max(10, 'must be between 0 and 10')
    .default(0),
  MEDSWEEP_COOKIE_SECURE: bool.optional(),
  MEDSWEEP_ADMIN_EMAIL: z.email('must be an email address').default('admin@medsweep.local'),
  MEDSWEEP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  MEDSWEEP_DEFAULT_PROJECT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lowercase letters, digits or dashes')
    .default('default'),
});

/** The password of a database URL, decoded; undefined when it has none. */
function passwordOf(url: string): string | undefined {
  const password = new URL(url).password;
  return password === '' ? undefined : decodeURIComponent(password);
}

/** Secrets a production process reads; unset ones would fall back to the local stack's public values. */
const PRODUCTION_REQUIRED = ['DATABASE_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
const PRODUCTION_SECRETS = [
  'MEDSWEEP_SESSION_SECRET',
  'MEDSWEEP_ADMIN_PASSWORD',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
] as const;

/**
 * Production brings its own secrets: none unset (the local defaults are public), none a shipped
 * placeholder (`CHANGE-ME...`), none the development or local stack value.
 */
const envRules = envSchema.superRefine((env, ctx) => {
  const refuse = (variable: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message });
  const local = env.MEDSWEEP_LOCAL_STACK;
  if (local) {
    const remote = (['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'S3_ENDPOINT'] as const).filter(
      (v) => env[v] !== undefined && !LOOPBACK.has(new URL(env[v]).hostname),
    );
    if (remote.length > 0) {
      refuse(
        'MEDSWEEP_LOCAL_STACK',
        `only for services on the loopback interface, but ${remote.join(' and ')} ${remote.length === 1 ? 'names' : 'name'} another host`,
      );
    }
  }
  if (env.NODE_ENV !== 'production') return;
  if (env.MEDSWEEP_SESSION_SECRET === undefined) {
    refuse('MEDSWEEP_SESSION_SECRET', 'must be set when NODE_ENV=production (at least 32 random characters)');
  }
  // The local stack's dashboard (`next start` runs under NODE_ENV=production) keeps its public
  // credentials: its services answer on the loopback interface alone.
  for (const variable of local ? [] : PRODUCTION_REQUIRED) {
    if (env[variable] === undefined) {
      refuse(variable, "must be set when NODE_ENV=production (the local stack's default is public)");
    }
  }
  const problem = (value: string): string | undefined => {
    if (PLACEHOLDER.test(value))
      return 'must not be a placeholder (CHANGE-ME...) in production: set a real secret';
    if (value === DEV_SESSION_SECRET) return 'must not be the public development secret in production';
    if (!local && PUBLIC_DEFAULTS.has(value)) return "must not be the local stack's default in production";
    return undefined;
  };
  for (const variable of PRODUCTION_SECRETS) {
    const value = env[variable];
    const wrong = value === undefined ? undefined : problem(value);
    if (wrong !== undefined) refuse(variable, wrong);
  }
  for (const variable of ['DATABASE_URL', 'MIGRATION_DATABASE_URL'] as const) {
    const password = env[variable] === undefined ? undefined : passwordOf(env[variable]);
    const wrong = password === undefined ? undefined : problem(password);
    if (wrong !== undefined) refuse(variable, `the password ${wrong}`);
  }
});

export interface MedsweepConfig {
  /** Per-user cache for expensive downloads and builds, shared by every clone on the machine. */
  cacheDir: string;
  /** Runtime state of the local stack (data dirs, logs, pids); git-ignored. */
  stackDir: string;
  /** Services `stack up` starts itself; the others must already be reachable at their addresses. */
  stackServices: readonly StackService[];
  temporal: {
    address: string;
    host: string;
    port: number;
    namespace: string;
    uiPort: number;
    /** What the local stack runs when it manages Temporal (MEDSWEEP_TEMPORAL). */
    server: TemporalServerMode;
  };
  s3: {
    endpoint: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    bucket: string;
    forcePathStyle: boolean;
    consolePort: number;
  };
  /** The application's connection (web, workers, CLI): a role with DML rights only, never the schema's owner. */
  databaseUrl: string;
  /**
   * The migrator's connection: the role that owns the schema and its triggers, used only to migrate (and,
   * on the local stack and in tests, to create databases and the application role).
   */
  migrationDatabaseUrl: string;
  /** Where the shared real data lives (MedMNIST, weights): ../shared/data beside the clone by default. */
  dataDir: string;
  allowSlowBackend: boolean;
  webPort: number;
  /**
   * How long a stopping worker gives its running trials to reach a checkpoint and hand back before
   * Temporal cancels them; a deployment's termination grace must be longer.
   */
  workerShutdownGraceMs: number;
  /** Epoch checkpoints each trial keeps in S3, newest first; 0 keeps every epoch's. */
  checkpointsKept: number;
  /** The GPUs this process may use (indices or UUIDs, comma-separated), when restricted. */
  cudaVisibleDevices?: string;
  auth: {
    /** Password that seals the session cookie (iron-session). */
    sessionSecret: string;
    /** How long a browser login lasts. */
    sessionTtlSeconds: number;
    /** A session unused for this long ends (it is refused, as if signed out). */
    sessionIdleSeconds: number;
    /**
     * Reverse proxies in front of the dashboard that append to X-Forwarded-For: the client address (which
     * the sign-in throttle counts by) is the entry this many places from the right; 0 takes the rightmost.
     */
    trustedProxyHops: number;
    /** Send the session cookie only over HTTPS; default true when NODE_ENV=production. */
    cookieSecure: boolean;
    /** The first admin, created when the database has no users (see @medsweep/api ensureBootstrapAdmin). */
    bootstrapAdmin: { email: string; password: string | null };
    /** Project the first admin is made admin of. */
    defaultProject: string;
  };
  /**
   * The audit chain's head, anchored outside the database: objects in a bucket with S3 Object Lock, written
   * every `everyMinutes` and kept unchangeable (even by the bucket's owner in compliance mode) for
   * `retentionDays`.
   */
  auditAnchors: {
    bucket: string;
    everyMinutes: number;
    mode: 'compliance' | 'governance';
    retentionDays: number;
  };
}

/**
 * Thrown when a setting is missing or malformed; the message names each variable, what it held and
 * what is accepted, one per line, so a start-up failure needs no stack trace to understand.
 */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; received: string | undefined; expected: string }[]) {
    super(
      problems
        .map(
          (p) =>
            `${p.variable}=${p.received === undefined ? '(unset)' : JSON.stringify(p.received)}: ${p.expected}`,
        )
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Keeps secrets out of error messages and logs: secret values vanish, URL passwords are masked. */
function redact(variable: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/SECRET|PASSWORD|TOKEN/.test(variable)) return '***';
  return value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

/** Parses a full environment record; pure apart from the path defaults, so tests pass their own record. */
export function configFromEnv(env: Record<string, string | undefined>): MedsweepConfig {
  const parsed = envRules.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        return { variable, received: redact(variable, env[variable]), expected: issue.message };
      }),
    );
  }
  const e = parsed.data;
  const root = repoRoot();
  const [host = '127.0.0.1', portText = '7233'] = e.TEMPORAL_ADDRESS.split(':');
  return {
    cacheDir: e.MEDSWEEP_CACHE ?? join(homedir(), '.cache', 'medsweep'),
    stackDir: e.MEDSWEEP_STACK_DIR ?? join(root, '.stack'),
    stackServices: e.MEDSWEEP_STACK_SERVICES,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      host,
      port: Number(portText),
      namespace: e.TEMPORAL_NAMESPACE,
      uiPort: e.TEMPORAL_UI_PORT,
      server: e.MEDSWEEP_TEMPORAL,
    },
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      accessKeyId: e.S3_ACCESS_KEY_ID ?? LOCAL_S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? LOCAL_S3_SECRET_ACCESS_KEY,
      bucket: e.S3_BUCKET,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      consolePort: e.MINIO_CONSOLE_PORT,
    },
    databaseUrl: e.DATABASE_URL ?? LOCAL_DATABASE_URL,
    // A DATABASE_URL elsewhere with no migrator named: one role does both (see SECURITY.md for why not).
    migrationDatabaseUrl:
      e.MIGRATION_DATABASE_URL ??
      (e.DATABASE_URL === undefined ? LOCAL_MIGRATION_DATABASE_URL : e.DATABASE_URL),
    dataDir: e.MEDSWEEP_DATA_DIR ?? join(root, '..', 'shared', 'data'),
    allowSlowBackend: e.MEDSWEEP_ALLOW_SLOW_BACKEND,
    webPort: e.MEDSWEEP_WEB_PORT,
    workerShutdownGraceMs: e.MEDSWEEP_WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
    checkpointsKept: e.MEDSWEEP_CHECKPOINTS_KEPT,
    ...(e.CUDA_VISIBLE_DEVICES !== undefined ? { cudaVisibleDevices: e.CUDA_VISIBLE_DEVICES } : {}),
    auth: {
      sessionSecret: e.MEDSWEEP_SESSION_SECRET ?? DEV_SESSION_SECRET,
      sessionTtlSeconds: e.MEDSWEEP_SESSION_TTL_HOURS * 3600,
      sessionIdleSeconds: e.MEDSWEEP_SESSION_IDLE_MINUTES * 60,
      trustedProxyHops: e.MEDSWEEP_TRUSTED_PROXY_HOPS,
      cookieSecure: e.MEDSWEEP_COOKIE_SECURE ?? e.NODE_ENV === 'production',
      bootstrapAdmin: { email: e.MEDSWEEP_ADMIN_EMAIL, password: e.MEDSWEEP_ADMIN_PASSWORD ?? null },
      defaultProject: e.MEDSWEEP_DEFAULT_PROJECT,
    },
    auditAnchors: {
      bucket: e.S3_AUDIT_ANCHOR_BUCKET,
      everyMinutes: e.MEDSWEEP_AUDIT_ANCHOR_MINUTES,
      mode: e.MEDSWEEP_AUDIT_ANCHOR_MODE,
      retentionDays: e.MEDSWEEP_AUDIT_ANCHOR_RETENTION_DAYS,
    },
  };
}

/** The process's configuration, read once from its environment. */
export function loadConfig(): MedsweepConfig {
  return configFromEnv(process.env);
}

/**
 * TF_CPP_MIN_LOG_LEVEL for native TensorFlow in this process and the processes it starts: `1` drops its
 * INFO lines (CPU feature notices, and `Reading SavedModel from ...` / `loader.cc ... Took N microseconds`
 * for every graph a trainer compiles), keeping warnings and errors.
 */
export const QUIET_TENSORFLOW_LOG_LEVEL = '1';

/**
 * Quiets native TensorFlow's C++ logging for this process and the processes it starts (they inherit its
 * environment): sets TF_CPP_MIN_LOG_LEVEL unless it is set already (`TF_CPP_MIN_LOG_LEVEL=0` brings the
 * lines back). Call it before TensorFlow loads, which reads the variable once. Two lines TensorFlow
 * writes while its native library loads, before it reads the variable (absl's "All log messages before
 * absl::InitializeLog()" and the oneDNN notice), remain; only disabling oneDNN would drop them.
 */
export function quietNativeTensorflow(env: NodeJS.ProcessEnv = process.env): void {
  env.TF_CPP_MIN_LOG_LEVEL ??= QUIET_TENSORFLOW_LOG_LEVEL;
}
