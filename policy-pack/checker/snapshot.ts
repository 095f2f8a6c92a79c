/**
 * Entry point of the checker's start-up snapshot (see `snapshot-build.js`). Bundled into one file and run
 * by `node --build-snapshot`, it loads the whole checker, the CEL library and the protobuf runtime under
 * it, parses the CRDs and compiles their rules; the heap is then saved, so `guard.js` starts runs with
 * all of that done instead of paying it on every run.
 *
 * Nothing here depends on the run: the CRD documents are kept by the hash of their files' text (a run
 * whose files differ reads them anew) and CEL rules by their text. The policies' own state (the schema
 * validator, CRD paths taken from the environment) is made during the run, as without the snapshot.
 */
import * as v8 from "v8";
import { precompileRules } from "../schema/cel";
import { preloadCrds } from "../schema/crds";
import { policies } from "../policies";
import { runCli } from "./cli";
import { warmUp } from "./warmup";

/** Argument the launcher passes first, before the user's: the snapshot's process.argv has no script. */
const SCRIPT_ARG = "--guard-script=";

if (v8.startupSnapshot?.isBuildingSnapshot()) {
    precompileRules(preloadCrds().map(k => k.schema));
    v8.startupSnapshot.setDeserializeMainFunction(() => {
        // `node --snapshot-blob <blob> -- --guard-script=<guard.js> <args>`: argv is [node, --guard-script=..., args];
        // put the script in argv[1] where runCli (and anything reading argv) expects it.
        const first = process.argv[1] ?? "";
        if (first.startsWith(SCRIPT_ARG)) process.argv[1] = first.slice(SCRIPT_ARG.length);
        runCli();
    });
    // The snapshot is written once this settles; a failure fails the build (and guard.js runs without it).
    warmUp(policies).catch(e => {
        process.stderr.write(`warm-up failed: ${(e as Error)?.stack ?? String(e)}\n`);
        process.exit(1);
    });
}
