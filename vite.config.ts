import { defineConfig, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';

const API = 'http://localhost:4040';

const devProxy: ProxyOptions = {
  target: API,
  changeOrigin: true,
  configure(proxy) {
    proxy.on('proxyReq', (proxyReq, req) => {
      const origin = req.headers.origin;
      if (origin && URL.canParse(origin) && new URL(origin).host === req.headers.host) proxyReq.setHeader('origin', API);
    });
  },
};

// The app is a static bundle; the embedded server (server/) serves dist/ and the API beside it.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022' },
  server: {
    port: 5173,
    // In `npm run dev`, forward the API to an embedded server on 4040. That server refuses browser
    // requests from other origins: the dev page's own requests are passed on as from 4040's origin
    // (any other Origin is passed on unchanged, and refused there).
    proxy: Object.fromEntries(
      ['/querier.v1.QuerierService', '/push.v1.PusherService', '/ingest'].map((path) => [path, devProxy]),
    ),
  },
});
