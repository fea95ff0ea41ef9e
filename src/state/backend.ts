import { QueryClient } from '@tanstack/react-query';
import { ApiError, type BackendConfig } from '../api/querier';

const BACKEND_KEY = 'flamelens.backend';
const TENANT_KEY = 'flamelens.tenant';

/** The backend base URL: '' (the server that served the app) unless set in the settings. */
export function storedBackendUrl(): string {
  return (typeof localStorage !== 'undefined' && localStorage.getItem(BACKEND_KEY)) || '';
}

export function storeBackendUrl(url: string): void {
  if (url) localStorage.setItem(BACKEND_KEY, url);
  else localStorage.removeItem(BACKEND_KEY);
}

/** The tenant this browser last used, for links that do not carry one. */
export function storedTenant(): string {
  return (typeof localStorage !== 'undefined' && localStorage.getItem(TENANT_KEY)) || '';
}

export function storeTenant(tenant: string): void {
  if (tenant) localStorage.setItem(TENANT_KEY, tenant);
  else localStorage.removeItem(TENANT_KEY);
}

export function backendConfig(urlTenant: string): BackendConfig {
  return { baseUrl: storedBackendUrl(), tenant: urlTenant || storedTenant() || undefined };
}

/** Whether to ask the backend again after a failure: twice at most, and never for a 4xx answer. */
export function retryBackend(count: number, err: unknown): boolean {
  return !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2;
}

/** react-query for every backend call: cached, cancelled when the query changes, no retry on 4xx. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: retryBackend,
        refetchOnWindowFocus: false,
        staleTime: 10_000,
        gcTime: 60_000,
        structuralSharing: false,
      },
    },
  });
}
