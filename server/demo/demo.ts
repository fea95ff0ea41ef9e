// Placeholder until the demo workload lands.
export interface Demo {
  stop(): Promise<void>;
}
export function startDemo(_serverUrl: string, log: (m: string) => void): Demo {
  log('demo workload not implemented yet');
  return { async stop() {} };
}
