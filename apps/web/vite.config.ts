import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress';
import { serviceWorker } from './service-worker-plugin';

const api = process.env.PIGEON_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react(), tailwindcss(), serviceWorker(), precompress()],
  server: {
    // The API (HTTP and WebSocket) lives on the Pigeon server; Vite forwards to it in development.
    proxy: {
      '/trpc': { target: api, ws: true, changeOrigin: false },
      // Uploads, attachments and photos are plain HTTP with the Bearer token under /api.
      '/api': { target: api, changeOrigin: false },
    },
  },
  build: {
    target: 'es2022',
    // Maps are written for operators (dist/assets/*.map) but not linked from the bundles, and
    // the server never serves them: the public gets no source.
    sourcemap: 'hidden',
  },
});
