import { svelte } from "@sveltejs/vite-plugin-svelte";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/** Where the first frame's script is built (`vite build --ssr`: src/first.ts). */
const FIRST_FRAME = "assets/first.js";

/** index.html runs the first frame's script in place of the window's module, which that script
 * loads after the first frame (src/first.ts), named on it as `data-window`. */
function firstFrameFirst(): Plugin {
  return {
    name: "pmi-desk-first-frame",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html) {
        const module = /\s*<script type="module" crossorigin src="([^"]+)"><\/script>/;
        const src = module.exec(html)?.[1];
        if (!src) throw new Error("index.html: the window's module script was not found");
        return html
          .replace(module, "")
          .replace("</body>", `  <script src="/${FIRST_FRAME}" data-window="${src}"></script>\n  </body>`);
      },
    },
  };
}

export default defineConfig(({ mode, isSsrBuild }) => ({
  plugins: [svelte(), firstFrameFirst()],
  clearScreen: false,
  build: isSsrBuild
    ? {
        // The first frame's script: Svelte's server renderer and the components compiled for
        // it, in one classic script beside the window's bundle (which `vite build` wrote first).
        outDir: "dist",
        emptyOutDir: false,
        target: "es2022",
        minify: true,
        copyPublicDir: false,
        rollupOptions: { output: { format: "iife", entryFileNames: FIRST_FRAME } },
      }
    : {
        outDir: "dist",
        emptyOutDir: true,
        target: "es2022",
      },
  ssr: { noExternal: true },
  // Vitest (mode "test") runs the components in jsdom: Svelte's browser build, not its server one.
  ...(mode === "test" ? { resolve: { conditions: ["browser"] } } : {}),
  test: {
    environment: "jsdom",
    setupFiles: ["src/test-setup.ts"],
    globalSetup: ["src/first-frame.setup.ts"],
  },
}));
