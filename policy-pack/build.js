// The pack's one build: `tsc -p policy-pack` into dist/pack/ (the pack, the checker, the policies, the schema
// validator and domain/). The pack's entry point (main.js) and the launchers of `npm run guard` and `npm run
// validate` call ensureBuilt() first: it recompiles only when a source is newer than the build (a no-change tsc
// costs seconds, this check a millisecond). The output is the pack's own: the program's launcher compiles
// domain/ into dist/domain/ at the same time as a preview starts the pack, and neither may read a file the
// other is rewriting.
"use strict";
const fs = require("fs");
const path = require("path");

const pack = __dirname;
const root = path.resolve(pack, "..");
/** tsc's outDir: `<outDir>/policy-pack/...` and `<outDir>/domain/...`. */
const outDir = path.join(root, "dist", "pack");
/** Written after each build; its time is the build's. */
const STAMP = path.join(outDir, ".build-stamp");

function newestSource(dir) {
    let newest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            if (entry.name !== "node_modules") newest = Math.max(newest, newestSource(p));
        } else if (entry.name.endsWith(".ts") || entry.name === "tsconfig.json") {
            newest = Math.max(newest, fs.statSync(p).mtimeMs);
        }
    }
    return newest;
}

function mtime(p) {
    try {
        return fs.statSync(p).mtimeMs;
    } catch {
        return 0;
    }
}

/** Compiles the pack when a source of it (or of domain/) changed since the last build; exits 2 when tsc fails. */
function ensureBuilt() {
    const built = mtime(STAMP);
    if (built !== 0 && Math.max(newestSource(pack), newestSource(path.join(root, "domain"))) <= built) return;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
    // Loaded only here: child_process alone costs a few milliseconds of every run's start.
    const { spawnSync } = require("child_process");
    const r = spawnSync(process.execPath, [tsc, "-p", pack], { stdio: ["ignore", 2, 2] });
    if (r.status !== 0) {
        process.stderr.write("error: building the policy pack failed (tsc -p policy-pack)\n");
        process.exit(2);
    }
    // tsc leaves unchanged outputs alone; the stamp records that this build saw every source.
    fs.mkdirSync(path.dirname(STAMP), { recursive: true });
    fs.writeFileSync(STAMP, new Date().toISOString() + "\n");
}

module.exports = { ensureBuilt, outDir, root };
