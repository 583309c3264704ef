import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The build is embedded in halod (web/embed.go) and served at /; the API stays under /api/v1.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'static/app', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
