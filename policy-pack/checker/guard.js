#!/usr/bin/env node
// Launcher for `npm run guard`: rebuilds the compiled checker only when a pack source is newer than it
// (a no-change `tsc` costs seconds, a staleness check a millisecond), then runs it as plain JavaScript.
//
// Where it can, it runs the checker from a start-up snapshot (snapshot-build.js): the process replaces
// itself with `node --snapshot-blob <blob>`, whose heap already holds the loaded checker, the CEL library
// and the parsed CRDs with their rules compiled, which otherwise cost most of a small run. The snapshot
// is rebuilt when the build, the installed packages, Node or this launcher change; GUARD_SNAPSHOT=off
// runs without it (GUARD_SNAPSHOT_DIR keeps it in another directory), and so does a Node without process.execve (before 23.11) or a failed snapshot build.
"use strict";
const fs = require("fs");
const path = require("path");

const pack = path.resolve(__dirname, "..");
const root = path.resolve(pack, "..");
const distChecker = path.join(root, "dist", "policy-pack", "checker");
const cli = path.join(distChecker, "cli.js");

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
    try { return fs.statSync(p).mtimeMs; } catch { return 0; }
}

let built = mtime(cli);
if (built === 0 || Math.max(newestSource(pack), newestSource(path.join(root, "domain"))) > built) {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
    // Loaded only here: child_process alone costs a few milliseconds of every run's start.
    const { spawnSync } = require("child_process");
    const r = spawnSync(process.execPath, [tsc, "-p", pack], { stdio: ["ignore", 2, 2] });
    if (r.status !== 0) {
        process.stderr.write("error: building the checker failed (tsc -p policy-pack)\n");
        process.exit(2);
    }
    // tsc leaves unchanged outputs alone; touch the entry point so the next run sees a fresh build.
    const now = new Date();
    fs.utimesSync(cli, now, now);
    built = mtime(cli);
}

/**
 * Node options of runs from the snapshot. --max-opt=2: V8's optimizing tiers stop at Maglev. A run lasts
 * seconds at most, too short for TurboFan's compile time to pay back: measured, the checker uses about a
 * fifth less CPU without it (1,000 to 50,000 objects), and its wall time drops with it. The snapshot is
 * built with them too, so a Node that rejects one fails the build and the checker runs without both.
 */
const RUN_OPTIONS = ["--max-opt=2"];

/** The snapshot to start from, building it when stale; undefined to run in this process. */
function snapshot() {
    if (process.env.GUARD_SNAPSHOT === "off" || typeof process.execve !== "function") return undefined;
    // GUARD_SNAPSHOT_DIR puts the snapshot elsewhere (the tests use their own, to rebuild it at will).
    const dir = process.env.GUARD_SNAPSHOT_DIR || distChecker;
    const blob = path.join(dir, "guard-snapshot.blob");
    const metaFile = path.join(dir, "guard-snapshot.json");
    // What the snapshot holds depends on: the compiled checker, the installed packages bundled into it,
    // the Node binary that wrote it (a blob loads only into the same build), this launcher and the builder,
    // and the repository's path (baked into the bundle's module paths).
    const key = JSON.stringify([
        built, mtime(path.join(root, "node_modules", ".package-lock.json")), mtime(__filename),
        mtime(path.join(__dirname, "snapshot-build.js")), process.version, process.arch, process.execPath, root,
    ]);
    let meta;
    try { meta = JSON.parse(fs.readFileSync(metaFile, "utf8")); } catch { /* none yet */ }
    if (meta?.key !== key || (meta.ok && mtime(blob) === 0)) {
        const error = require("./snapshot-build").buildSnapshot(root, distChecker, blob, RUN_OPTIONS);
        meta = error ? { key, ok: false, error } : { key, ok: true };
        const tmp = `${metaFile}.${process.pid}.tmp`;
        try {
            fs.writeFileSync(tmp, JSON.stringify(meta) + "\n");
            fs.renameSync(tmp, metaFile);
        } catch {
            // A read-only build directory: the next run tries again.
        }
        if (error) process.stderr.write(`warning: the checker runs without its start-up snapshot, which could not be built: ${error}\n`);
    }
    return meta.ok ? blob : undefined;
}

const blob = snapshot();
if (blob) {
    // Same pid, same stdio, same exit code; Node's own options (and preloads) carry over, after ours.
    process.execve(process.execPath, [
        process.execPath, ...RUN_OPTIONS, ...process.execArgv, "--snapshot-blob", blob, "--", `--guard-script=${__filename}`,
        ...process.argv.slice(2),
    ], process.env);
}
// Node's on-disk compile cache spares re-parsing the pack and its dependencies on every run.
require("module").enableCompileCache?.(path.join(root, "dist", ".compile-cache"));
require(cli).runCli();
