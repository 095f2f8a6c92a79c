// The pack's entry point (package.json: main, for Pulumi's pack runner run-policy-pack; the executable pack
// istio-mesh-guard runs it with Node). The runner would otherwise load index.ts through ts-node with type
// checking: a TypeScript program of the whole pack built in the analyzer on every preview, most of its CPU and
// memory on a small stack (docs/benchmarks.md has the figures). Instead this builds the pack as `npm run guard`
// does (build.js: tsc -p policy-pack only when a source is newer than the build, which type-checks it) and loads
// the compiled pack. A type error stops the analyzer before it serves, with tsc's messages on stderr.
"use strict";
const path = require("path");
const { ensureBuilt, outDir } = require("./build");

ensureBuilt();
module.exports = require(path.join(outDir, "policy-pack", "index.js"));
