import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The production build goes to <repo>/build/web, which `epubtok serve`
// serves at / (SPA fallback). EPUBTOK_WEB_OUT overrides it.
// `vite dev` proxies /api to a running `epubtok serve` (EPUBTOK_API, default
// http://127.0.0.1:8787).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.EPUBTOK_WEB_OUT ?? path.resolve(import.meta.dirname, '../build/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/api': { target: process.env.EPUBTOK_API ?? 'http://127.0.0.1:8787', changeOrigin: true } },
  },
});
