// Tenant selection: the X-Scope-OrgID header, `anonymous` when absent.
export const DEFAULT_TENANT = 'anonymous';

const TENANT_RE = /^[A-Za-z0-9!\-_.*'()]{1,150}$/;

/** Returns the tenant id, or an error message when the header value is not a valid tenant id. */
export function tenantFrom(header: string | null | undefined): { tenant: string } | { error: string } {
  // Only ASCII whitespace is trimmed (String.trim would also drop U+00A0 and other Unicode spaces).
  const v = (header ?? '').replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (v === '') return { tenant: DEFAULT_TENANT };
  if (!TENANT_RE.test(v) || v === '.' || v === '..') return { error: `invalid tenant id ${JSON.stringify(v)} in X-Scope-OrgID` };
  return { tenant: v };
}
