import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { setting } from '../packages/runtime/src/settings.ts';

/**
 * `pnpm dev:web`: Vite's dev server, forwarding `/graphql` (HTTP and the graphql-ws upgrade) to
 * the gateway at `PORT`, so the app talks to one origin in development as it does when the
 * gateway serves the build.
 */
export default defineConfig({
  plugins: [react()],
  server: {
    port: setting('WEB_DEV_PORT'),
    strictPort: true,
    proxy: { '/graphql': { target: `http://127.0.0.1:${setting('PORT')}`, ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
