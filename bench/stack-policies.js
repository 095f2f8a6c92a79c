// Child process of `npm run bench`: the pack's stack policies over a directory of manifests, called the way the
// engine has them called during `pulumi preview --policy-pack`: the engine sends one AnalyzeStack request with
// every resource (protobuf Structs), and the analyzer (@pulumi/policy's own AnalyzeStack handler) decodes it,
// builds StackValidationArgs for each stack policy (unknown-checking proxies, parents, dependencies) and runs it.
// As in the pack (index.ts), each resource's properties are decoded once for all policies (lib/decode-once.ts).
// Timed: decoding the request plus the handler (and, within it, the pack's validateStack calls alone). Loading the pack and reading the manifests are not timed (the
// analyzer starts once per preview; the engine, not the analyzer, holds the resources).
//   node -r bench/exit-report.js bench/stack-policies.js <manifest-dir>
"use strict";
const path = require("path");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { makeAnalyzeStackRpcFun } = require("@pulumi/policy/server");

const dist = path.join(require("../policy-pack/build").outDir, "policy-pack");
const { collectFiles, loadFile } = require(path.join(dist, "checker", "load.js"));
const { policies } = require(path.join(dist, "policies", "index.js"));
require(path.join(dist, "lib", "decode-once.js")).decodeOnce(require("@pulumi/policy/deserialize"));

async function main(dir) {
    const manifests = collectFiles([dir]).flatMap((f) => loadFile(f));
    const request = new pb.AnalyzeStackRequest().setResourcesList(
        manifests.map((r) =>
            new pb.AnalyzerResource()
                .setType(r.type)
                .setProperties(Struct.fromJavaScript(r.props))
                .setUrn(r.urn)
                .setName(r.name)
                .setOptions(new pb.AnalyzerResourceOptions()),
        ),
    );
    const wire = request.serializeBinary();
    // Each stack policy's own time, apart from the handler's work for each policy (proxies, parents, dependencies).
    let packMs = 0;
    const timed = policies.map((p) =>
        typeof p.validateStack !== "function"
            ? p
            : {
                  ...p,
                  validateStack: async (args, report) => {
                      const start = performance.now();
                      try {
                          return await p.validateStack(args, report);
                      } finally {
                          packMs += performance.now() - start;
                      }
                  },
              },
    );
    const analyzeStack = makeAnalyzeStackRpcFun("istio-mesh-guard", "0.0.0", "advisory", timed);
    const stackPolicies = policies.filter((p) => typeof p.validateStack === "function").length;

    const t0 = performance.now();
    const decoded = pb.AnalyzeStackRequest.deserializeBinary(wire);
    const t1 = performance.now();
    const response = await new Promise((resolve, reject) => analyzeStack({ request: decoded }, (err, res) => (err ? reject(err) : resolve(res))));
    const t2 = performance.now();
    Object.assign(globalThis.__benchReport ?? {}, {
        resources: manifests.length,
        stack_policies: stackPolicies,
        diagnostics: response.getDiagnosticsList().length,
        decode_ms: Math.round(t1 - t0),
        handler_ms: Math.round(t2 - t1),
        pack_ms: Math.round(packMs),
        timed_ms: Math.round(t2 - t0),
    });
}

main(process.argv[2]).catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exitCode = 2;
});
