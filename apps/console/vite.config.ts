import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built from the repository root (`npm run build:console`), so the root is pinned to this folder.
// The API serves `dist/` at `/` with an SPA fallback, hence `base: '/'` and history routing.
// `npm exec vite -- --config apps/console/vite.config.ts` proxies /api to MW_API_URL for development.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: process.env.MW_API_URL ?? 'http://localhost:3000', changeOrigin: true },
    },
  },
});
