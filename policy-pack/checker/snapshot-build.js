// Builds the checker's start-up snapshot for guard.js: bundles the compiled checker
// (dist/policy-pack/checker/snapshot.js and everything it requires) into one file with esbuild, as
// `node --build-snapshot` runs a single script that may require built-in modules only, then runs that
// to save the heap. Loaded by guard.js only when the snapshot is missing or stale.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

/**
 * Builds `blob` from the compiled checker under `distChecker`, with the Node `options` runs will use.
 * Returns undefined on success, else why not (guard.js then runs the checker without a snapshot).
 */
function buildSnapshot(root, distChecker, blob, options = []) {
    let esbuild;
    try {
        esbuild = require(require.resolve("esbuild", { paths: [root] }));
    } catch {
        return "esbuild is not installed (npm ci installs it)";
    }
    // In the directory of the compiled checker, so the bundle finds the repository and its packages from
    // where the modules it replaces are; one name per process, as two runs may build at once.
    const bundle = path.join(distChecker, `.snapshot-bundle-${process.pid}.js`);
    const tmpBlob = `${blob}.${process.pid}.tmp`;
    try {
        esbuild.buildSync({
            entryPoints: [path.join(distChecker, "snapshot.js")],
            outfile: bundle,
            bundle: true,
            platform: "node",
            // A script, not a module: `node --build-snapshot` gives it `require` but no `exports`.
            format: "iife",
            target: `node${process.versions.node.split(".")[0]}`,
            // Only its model files are read (located at run time); none of its code runs.
            external: ["@kubernetes/client-node"],
            // Less source text kept in the heap (names stay, for readable stack traces).
            minifyWhitespace: true,
            logLevel: "silent",
        });
        const r = spawnSync(process.execPath, [...options, "--snapshot-blob", tmpBlob, "--build-snapshot", bundle], {
            cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
        });
        if (r.status !== 0) {
            const detail = (r.stderr || r.stdout || String(r.error ?? `exit ${r.status}`)).trim().split("\n").slice(0, 5).join(" | ");
            return `node --build-snapshot failed: ${detail}`;
        }
        fs.renameSync(tmpBlob, blob);
        return undefined;
    } catch (e) {
        return String(e && e.message ? e.message.split("\n")[0] : e);
    } finally {
        fs.rmSync(bundle, { force: true });
        fs.rmSync(tmpBlob, { force: true });
    }
}

module.exports = { buildSnapshot };
