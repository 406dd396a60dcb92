// Vitest's global set-up (in Node, outside jsdom): builds the first frame's script as
// `npm run build` does, for first.test.ts to run in the page (`inject("firstFrame")`).
import { build, type Rolldown } from "vite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    firstFrame: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  // vite.config.ts, found where Vitest runs (ui/, as `npm test` runs it).
  const built = await build({
    logLevel: "silent",
    build: { ssr: "src/first.ts", write: false },
  });
  const outputs = (Array.isArray(built) ? built : [built]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.fileName === "assets/first.js");
  if (chunk?.type !== "chunk") throw new Error("the build wrote no assets/first.js");
  project.provide("firstFrame", chunk.code);
}
