/**
 * The pack as the Pulumi CLI runs it, both ways: `--policy-pack policy-pack` has Pulumi's `run-policy-pack` load
 * package.json's main from the pack's directory, `--policy-pack policy-pack/istio-mesh-guard` runs that script;
 * either way main.js loads the compiled pack (built first when a source changed), resolving @pulumi/* from the
 * root node_modules, and starts the analyzer. The test then speaks the analyzer gRPC protocol like the engine:
 * GetAnalyzerInfo, Configure, Analyze and AnalyzeStack, with a preview-unknown value among the properties.
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UNKNOWN_STRING } from "../../policy-pack/lib/k8s";
import { policies } from "../../policy-pack/policies";
import { virtualService } from "./objects";

const rpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const pb = require("@pulumi/pulumi/proto/analyzer_pb");

const PACK = path.join(__dirname, "..", "..", "policy-pack");

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

function resource(Cls: any, obj: any, urn: string) {
    const options = new pb.AnalyzerResourceOptions();
    return new Cls()
        .setType(`kubernetes:${obj.apiVersion}:${obj.kind}`)
        .setProperties(Struct.fromJavaScript(obj))
        .setUrn(urn)
        .setName(obj.metadata.name)
        .setOptions(options);
}

/** How the CLI starts the pack, in the pack's directory: the command and its arguments (the engine's address first). */
const LAUNCHERS = [
    { by: "Pulumi's run-policy-pack", command: process.execPath, args: [require.resolve("@pulumi/pulumi/cmd/run-policy-pack/index.js"), "127.0.0.1:1", "."] },
    { by: "the executable pack", command: path.join(PACK, "istio-mesh-guard"), args: ["127.0.0.1:1"] },
];

for (const launcher of LAUNCHERS)
    describe(`the pack under the engine's protocol, started by ${launcher.by}`, function () {
        this.timeout(240000);
        let child: ChildProcess;
        let client: any;

        before(async () => {
            child = spawn(launcher.command, launcher.args, { cwd: PACK, stdio: ["ignore", "pipe", "pipe"] });
            let stderr = "";
            child.stderr!.on("data", (d) => {
                stderr += d;
            });
            const port = await new Promise<string>((resolve, reject) => {
                child.stdout!.on("data", (d) => {
                    const m = /^(\d+)\s*$/m.exec(String(d));
                    if (m) resolve(m[1]);
                });
                child.on("exit", (code) => reject(new Error(`${launcher.by} exited with ${code}: ${stderr}`)));
            });
            client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        });

        after(() => {
            client?.close();
            child?.kill();
        });

        it("announces every policy of the pack with its default level", async () => {
            const info = await call<any>(client, "getAnalyzerInfo", new Empty());
            assert.strictEqual(info.getName(), "istio-mesh-guard");
            const levels = Object.fromEntries(info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]));
            assert.deepStrictEqual(Object.keys(levels).sort(), policies.map((p) => p.name).sort());
            assert.strictEqual(levels["virtual-service-route-weights"], pb.EnforcementLevel.MANDATORY);
            assert.strictEqual(levels["image-pinned"], pb.EnforcementLevel.ADVISORY);
        });

        it("reports a resource violation with the policy's message", async () => {
            const vs = virtualService("shop", "r", {
                http: [
                    {
                        route: [
                            { destination: { host: "a" }, weight: 80 },
                            { destination: { host: "b" }, weight: 10 },
                        ],
                    },
                ],
            });
            const res = await call<any>(
                client,
                "analyze",
                resource(pb.AnalyzeRequest, vs, "urn:pulumi:dev::istio-mesh::kubernetes:networking.istio.io/v1:VirtualService::r"),
            );
            const diags = res.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "virtual-service-route-weights");
            assert.strictEqual(diags.length, 1);
            assert.match(diags[0].getMessage(), /VirtualService shop\/r: spec\.http\[0\]\.route weights sum to 90, not 100/);
            assert.strictEqual(diags[0].getEnforcementlevel(), pb.EnforcementLevel.MANDATORY);
        });

        it("attributes a stack violation to the offending resource, skipping preview-unknown values", async () => {
            const known = virtualService("shop", "web", { gateways: ["istio-ingress/public"] });
            const pending = virtualService("shop", "pending", { gateways: [UNKNOWN_STRING] });
            const req = new pb.AnalyzeStackRequest().setResourcesList([
                resource(pb.AnalyzerResource, known, "urn:web"),
                resource(pb.AnalyzerResource, pending, "urn:pending"),
            ]);
            const res = await call<any>(client, "analyzeStack", req);
            const diags = res.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "virtual-service-gateway-exists");
            assert.deepStrictEqual(
                diags.map((d: any) => d.getUrn()),
                ["urn:web"],
            );
            assert.deepStrictEqual(
                res
                    .getDiagnosticsList()
                    .filter((d: any) => /can't run policy/.test(d.getMessage()))
                    .map((d: any) => d.getPolicyname()),
                [],
            );
        });

        it("applies policy config sent by the engine", async () => {
            const config = new pb.ConfigureAnalyzerRequest();
            const pc = new pb.PolicyConfig()
                .setEnforcementlevel(pb.EnforcementLevel.MANDATORY)
                .setProperties(Struct.fromJavaScript({ externalGateways: ["istio-ingress/public"] }));
            config.getPolicyconfigMap().set("virtual-service-gateway-exists", pc);
            await call(client, "configure", config);
            const req = new pb.AnalyzeStackRequest().setResourcesList([
                resource(pb.AnalyzerResource, virtualService("shop", "web", { gateways: ["istio-ingress/public"] }), "urn:web"),
            ]);
            const res = await call<any>(client, "analyzeStack", req);
            assert.deepStrictEqual(res.getDiagnosticsList().filter((d: any) => d.getPolicyname() === "virtual-service-gateway-exists").length, 0);
        });
    });
