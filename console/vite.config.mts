import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The staff console: built into dist/console, served by the bot's Koa process under /console.
// No @vitejs/plugin-react: Vite 8 compiles TSX itself (automatic JSX runtime), fast refresh is not needed for a build.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // antd's files start with "use client" (for React Server Components): meaningless in a browser bundle
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
});
