// flamelens.yaml: scrape jobs (static targets and Kubernetes pod discovery), validated with zod
// and normalized (durations in ms, every profile resolved to {enabled, path}).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { tenantFrom } from '../api/tenant';
import { parseDurationMs } from '../time';
import { PROFILE_KINDS, type ProfileKind } from './profiles';

export const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;
/** Margin kept between a scrape's deadline and the next tick. */
export const SCRAPE_MARGIN_MS = 1_000;
export const MAX_DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CONCURRENT_SCRAPES = 8;
/** Largest pprof body a scrape accepts. */
export const DEFAULT_MAX_PROFILE_BYTES = 64 * 1024 * 1024;

export class ConfigError extends Error {}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const duration = z.string({ error: 'expected a duration such as 15s, 500ms or 1m' }).transform((text, ctx) => {
  try {
    return parseDurationMs(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

const labelMap = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)),
  )
  .superRefine((labels, ctx) => {
    for (const key of Object.keys(labels)) {
      if (key.startsWith('__'))
        ctx.addIssue({ code: 'custom', path: [key], message: 'label names starting with __ are reserved' });
      else if (!LABEL_NAME.test(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'label names are letters, digits and _, not starting with a digit',
        });
    }
  });

const targetUrl = z.string().transform((text, ctx) => {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    ctx.addIssue({ code: 'custom', message: `invalid target ${JSON.stringify(text)}: expected http://host:port` });
    return z.NEVER;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `invalid target ${JSON.stringify(text)}: only http and https are supported` });
    return z.NEVER;
  }
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid target ${JSON.stringify(text)}: give scheme://host:port only; set paths under profiles:`,
    });
    return z.NEVER;
  }
  return `${u.protocol}//${u.host}`;
});

const profileSettings = z.union([
  z.boolean().transform((enabled) => ({ enabled })),
  z.strictObject({
    enabled: z.boolean().optional(),
    path: z.string().startsWith('/', 'a profile path starts with /').optional(),
  }),
]);

const profilesSchema = z
  .strictObject(
    Object.fromEntries(PROFILE_KINDS.map((k) => [k.name, profileSettings.optional()])) as Record<
      ProfileKind,
      z.ZodOptional<typeof profileSettings>
    >,
  )
  .optional();

const jobSchema = z.strictObject({
  job_name: z
    .string()
    .min(1, 'job_name must not be empty')
    .regex(/^[^\s]+$/, 'job_name must not contain spaces'),
  scrape_interval: duration.optional(),
  scrape_timeout: duration.optional(),
  tenant: z.string().optional(),
  profiles: profilesSchema,
  static_configs: z
    .array(
      z.strictObject({
        targets: z.array(targetUrl).min(1, 'a static config needs at least one target'),
        labels: labelMap.optional(),
      }),
    )
    .optional(),
  kubernetes_sd_configs: z
    .array(
      z.strictObject({
        namespaces: z.array(z.string().min(1)).optional(),
        kubeconfig: z.string().min(1).optional(),
      }),
    )
    .optional(),
});

const fileSchema = z.strictObject({
  max_concurrent_scrapes: z.number().int().min(1).max(1024).optional(),
  max_profile_bytes: z.number().int().min(1024).optional(),
  scrape_configs: z.array(jobSchema).default([]),
});

export type ScrapeConfigInput = z.input<typeof fileSchema>;

export interface ProfileSetting {
  enabled: boolean;
  path: string;
}

export interface JobConfig {
  name: string;
  intervalMs: number;
  /** Deadline of one request; a CPU scrape gets its profiling seconds on top. */
  timeoutMs: number;
  tenant: string;
  profiles: Record<ProfileKind, ProfileSetting>;
  staticConfigs: { targets: string[]; labels: Record<string, string> }[];
  kubernetes: { namespaces: string[]; kubeconfig?: string }[];
}

export interface ScrapeConfig {
  maxConcurrentScrapes: number;
  maxProfileBytes: number;
  jobs: JobConfig[];
}

/** scrape_timeout default: the interval minus a margin, at least 1 s (or the interval), at most 10 s. */
export function defaultTimeoutMs(intervalMs: number): number {
  return Math.min(Math.max(intervalMs - SCRAPE_MARGIN_MS, Math.min(1000, intervalMs)), MAX_DEFAULT_TIMEOUT_MS);
}

function formatIssues(error: z.ZodError, source: string): string {
  const lines = error.issues.map((i) => {
    const path = i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`)).join('');
    return `  ${path || '(top level)'}: ${i.message}`;
  });
  return `invalid scrape config ${source}:\n${lines.join('\n')}`;
}

/** Validates and normalizes a parsed config. `baseDir` resolves relative kubeconfig paths. */
export function normalizeScrapeConfig(input: unknown, source = '(inline)', baseDir = process.cwd()): ScrapeConfig {
  const parsed = fileSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, source));
  const cfg = parsed.data;
  const problems: string[] = [];
  const names = new Set<string>();
  const jobs = cfg.scrape_configs.map((j, i): JobConfig => {
    const where = `scrape_configs[${i}] (${j.job_name})`;
    if (names.has(j.job_name)) problems.push(`${where}: duplicate job_name`);
    names.add(j.job_name);
    const intervalMs = j.scrape_interval ?? DEFAULT_SCRAPE_INTERVAL_MS;
    const timeoutMs = j.scrape_timeout ?? defaultTimeoutMs(intervalMs);
    if (timeoutMs > intervalMs)
      problems.push(`${where}: scrape_timeout (${timeoutMs} ms) must not exceed scrape_interval (${intervalMs} ms)`);
    const tenant = tenantFrom(j.tenant);
    if ('error' in tenant) problems.push(`${where}: ${tenant.error}`);
    if (!j.static_configs?.length && !j.kubernetes_sd_configs?.length)
      problems.push(`${where}: needs static_configs or kubernetes_sd_configs`);
    const profiles = {} as Record<ProfileKind, ProfileSetting>;
    for (const k of PROFILE_KINDS) {
      const s = j.profiles?.[k.name];
      profiles[k.name] = { enabled: s?.enabled ?? true, path: (s && 'path' in s && s.path) || k.defaultPath };
    }
    return {
      name: j.job_name,
      intervalMs,
      timeoutMs,
      tenant: 'tenant' in tenant ? tenant.tenant : 'anonymous',
      profiles,
      staticConfigs: (j.static_configs ?? []).map((s) => ({ targets: s.targets, labels: s.labels ?? {} })),
      kubernetes: (j.kubernetes_sd_configs ?? []).map((k) => ({
        namespaces: k.namespaces ?? [],
        kubeconfig: k.kubeconfig ? expandPath(k.kubeconfig, baseDir) : undefined,
      })),
    };
  });
  if (problems.length) throw new ConfigError(`invalid scrape config ${source}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    maxConcurrentScrapes: cfg.max_concurrent_scrapes ?? DEFAULT_MAX_CONCURRENT_SCRAPES,
    maxProfileBytes: cfg.max_profile_bytes ?? DEFAULT_MAX_PROFILE_BYTES,
    jobs,
  };
}

function expandPath(p: string, baseDir: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(process.env.HOME ?? '/', p.slice(2));
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

/** Reads flamelens.yaml (YAML or JSON). Relative kubeconfig paths are relative to the file. */
export function loadScrapeConfigFile(path: string): ScrapeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    throw new ConfigError(`config ${path} is not valid YAML: ${(e as Error).message}`);
  }
  return normalizeScrapeConfig(doc, path, dirname(resolve(path)));
}

/** The `scrape` server option: a path to flamelens.yaml, a raw (snake_case) config object, or an already normalized one. */
export function resolveScrapeOption(opt: string | ScrapeConfigInput | ScrapeConfig): ScrapeConfig {
  if (typeof opt === 'string') return loadScrapeConfigFile(opt);
  if ('jobs' in opt && Array.isArray((opt as ScrapeConfig).jobs)) return opt as ScrapeConfig;
  return normalizeScrapeConfig(opt);
}
