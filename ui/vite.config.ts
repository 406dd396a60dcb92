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

/** What the first frame never shows: rendered only once a dialog opens or a meeting is selected,
 * never in the window's first render, so the first frame's script does without their code. */
const NOT_IN_FIRST_FRAME =
  /(^|\/)(ScheduleDialog|JoinDialog|PmiWindow|SettingsDialog|ConfirmDialog|ChooseDialog|MeetingDetails)\.svelte$/;

/** The first frame's script (the server build) imports an empty component in their place, which
 * lives beside them. */
function firstFrameOnly(): Plugin {
  return {
    name: "pmi-desk-first-frame-only",
    enforce: "pre",
    apply: (_, env) => env.isSsrBuild === true,
    resolveId(source, importer) {
      if (!NOT_IN_FIRST_FRAME.test(source)) return null;
      return this.resolve(source.replace(/[^/]+\.svelte$/, "NotInFirstFrame.svelte"), importer, { skipSelf: true });
    },
  };
}

export default defineConfig(({ mode, isSsrBuild }) => ({
  plugins: [svelte(), firstFrameFirst(), firstFrameOnly()],
  clearScreen: false,
  build: {
    outDir: "dist",
    target: "es2022",
    ...(isSsrBuild
      ? {
          // The first frame's script: Svelte's server renderer and the components compiled for
          // it, in one classic script beside the window's bundle (which `vite build` wrote first).
          emptyOutDir: false,
          minify: true,
          copyPublicDir: false,
          rollupOptions: { output: { format: "iife", entryFileNames: FIRST_FRAME } },
        }
      : { emptyOutDir: true }),
  },
  ...(isSsrBuild ? { ssr: { noExternal: true } } : {}),
  // Vitest (mode "test") runs the components in jsdom: Svelte's browser build, not its server one.
  ...(mode === "test" ? { resolve: { conditions: ["browser"] } } : {}),
  test: {
    environment: "jsdom",
    setupFiles: ["src/test-setup.ts"],
    globalSetup: ["src/first-frame.setup.ts"],
  },
}));
