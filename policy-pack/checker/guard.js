#!/usr/bin/env node
// Launcher for `npm run guard`: builds the pack only when a source changed (build.js), then runs the
// compiled checker as plain JavaScript.
"use strict";
const path = require("path");
const { ensureBuilt, outDir, root } = require("../build");

ensureBuilt();
// Node's on-disk compile cache spares re-parsing the pack and its dependencies on every run.
require("module").enableCompileCache?.(path.join(root, "dist", ".compile-cache"));
require(path.join(outDir, "policy-pack", "checker", "cli.js")).runCli();
