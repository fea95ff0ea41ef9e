import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is a static bundle; the embedded server (server/) serves dist/ and the API beside it.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022' },
  server: {
    port: 5173,
    // In `npm run dev`, forward the API to an embedded server on 4040.
    proxy: {
      '/querier.v1.QuerierService': 'http://localhost:4040',
      '/push.v1.PusherService': 'http://localhost:4040',
      '/ingest': 'http://localhost:4040',
    },
  },
});
