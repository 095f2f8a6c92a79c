#!/usr/bin/env node
// Launcher for `npm run validate`: builds the pack only when a source changed (build.js), then runs the
// compiled validator as plain JavaScript.
"use strict";
const path = require("path");
const { ensureBuilt, outDir, root } = require("../build");

ensureBuilt();
require("module").enableCompileCache?.(path.join(root, "dist", ".compile-cache"));
const { run } = require(path.join(outDir, "policy-pack", "schema", "cli.js"));
const result = run(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
