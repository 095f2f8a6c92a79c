// Preloaded (`node -r bench/exit-report.js -r bench/mock-engine.js`) into Pulumi's own program runner,
// @pulumi/pulumi/cmd/run, in place of the engine: every resource registration is answered in-process by the
// SDK's MockMonitor, so the process does what `pulumi preview` makes the language host's node process do,
// minus the gRPC hop. It adds to the exit report how many resources were registered, and when.
"use strict";
// cmd/run loads its instrumentation before anything that loads gRPC; keep that order.
require("@pulumi/pulumi/cmd/run/instrumentation");
const { setMocks } = require("@pulumi/pulumi/runtime/mocks");
const settings = require("@pulumi/pulumi/runtime/settings");

function flag(name) {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : undefined;
}

const report = (globalThis.__benchReport ??= {});
report.resources = 0;
const mocks = {
    newResource(args) {
        const now = Math.round(performance.now());
        report.resources++;
        report.first_registration_ms ??= now;
        report.last_registration_ms = now;
        return { id: args.custom ? `${args.name}-id` : "", state: args.inputs };
    },
    call(args) {
        throw new Error(`mock engine: unexpected provider function call ${args.token}`);
    },
};
// The same project, stack and preview flag the language host passes to cmd/run.
setMocks(mocks, flag("project"), flag("stack"), process.argv.includes("--dry-run"));
// The runner's exit path asks the engine to finish its steps; the SDK's mock monitor predates that RPC.
const monitor = settings.getMonitor();
monitor.signalAndWaitForShutdown ??= (_req, callback) => callback(null, {});
