// The program's entry point for `pulumi preview` and `pulumi up` (Pulumi.yaml: main, typescript: false).
//
// Pulumi would otherwise load index.ts through ts-node, which type-checks each file as it is loaded and
// source-maps every stack trace the SDK captures: one per resource, so evaluation cost grows with the mesh
// (docs/benchmarks.md has the figures). Instead this runs an incremental `tsc -b tsconfig.program.json`
// (a timestamp check when nothing changed; otherwise it compiles and type-checks what changed) and then
// loads the compiled program from dist/. A type error stops the run before any resource is registered.
"use strict";
const path = require("path");
const { spawnSync } = require("child_process");

const root = __dirname;
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
const build = spawnSync(process.execPath, [tsc, "-b", path.join(root, "tsconfig.program.json"), "--pretty", "false"], {
    cwd: root,
    encoding: "utf8",
    env: {
        // The compiler needs none of Pulumi's variables, and PULUMI_CONFIG holds the stack's decrypted secrets.
        ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("PULUMI_"))),
        // The compiler reuses its own compiled code between runs (Node's on-disk compile cache).
        NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? path.join(root, "dist", ".compile-cache"),
    },
});
if (build.status !== 0) {
    const { RunError } = require("@pulumi/pulumi");
    const output = `${build.stdout ?? ""}${build.stderr ?? ""}`.trim() || String(build.error ?? `exit code ${build.status}`);
    throw new RunError(`the program does not compile (tsc -b tsconfig.program.json), so it did not run:\n${output}`);
}
// Only the program's own frames are source-mapped, and the SDK's per-promise traces are skipped: see the module.
require("./scripts/stack-traces.js").installStackTraces({
    compiledDir: path.join(root, "dist"),
    promiseTraces: Boolean(process.env.PULUMI_DEBUG_PROMISE_LEAKS),
});
// Node's on-disk compile cache spares re-parsing the SDK and provider modules the program loads on every run.
require("module").enableCompileCache?.(path.join(root, "dist", ".compile-cache"));
module.exports = require("./dist/index.js");
