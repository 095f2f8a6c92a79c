/**
 * `istio-mesh:include` on the program's path: the config the language host passes (PULUMI_CONFIG), read by
 * rawFromPulumiConfig against the project directory, and the real program under mocks.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { readStackConfig, readStackFile } from "../../bin/config-check";
import { parseMeshConfig, rawFromPulumiConfig } from "../../config";
import { programRoot } from "../../config/include";
import { REPO_ROOT, runProgram, Stack } from "../mocks";

const MESH_NAMESPACE = "istio-mesh:mesh:MeshNamespace";
/** Linux's limit on one environment string, `NAME=value` and its NUL included (MAX_ARG_STRLEN). */
const MAX_ARG_STRLEN = 128 * 1024;

/** A namespace of the shape platform teams write (about 1.1 KiB in PULUMI_CONFIG): labels, allow rules, egress, a canary. */
function typicalNamespace(i: number): Record<string, unknown> {
    return {
        labels: { team: `team-${i % 10}`, "cost-center": `cc-${1000 + i}` },
        allow: [
            { from: `ns-${i}/web`, to: "api", methods: ["GET", "POST"] },
            { from: "observability", ports: [15090] },
            { from: `ns-${(i + 1) % 1000}/worker`, to: "api", methods: ["GET"], paths: ["/api/*"] },
        ],
        egress: ["observability", "shared-db"],
        services: {
            api: {
                subsets: [
                    { name: "stable", labels: { version: "v1" } },
                    { name: "canary", labels: { version: "v2" } },
                ],
                routes: [
                    { match: { headers: { "x-canary": "always" } }, to: "canary" },
                    { to: { stable: 90, canary: 10 }, timeout: "5s", retries: { attempts: 3, perTryTimeout: "2s", retryOn: ["5xx", "connect-failure"] } },
                ],
                connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 50, http2MaxRequests: 100 } },
                outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 },
            },
            web: {
                routes: [{ timeout: "10s", retries: { attempts: 2, perTryTimeout: "3s", retryOn: ["gateway-error", "reset"] } }],
            },
        },
    };
}

/** PULUMI_CONFIG as the language host builds it: every key's value as text, objects as JSON. */
function pulumiConfigEnv(sections: Record<string, unknown>): string {
    const flat = Object.fromEntries(Object.entries(sections).map(([k, v]) => [`istio-mesh:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
    return `PULUMI_CONFIG=${JSON.stringify(flat)}`;
}

const envBytes = (env: string) => Buffer.byteLength(env) + 1;

/** The SDK's settings, where the engine's `--root-directory` lands. */
const sdkOptions = () => require("@pulumi/pulumi/runtime/state").getStore().settings.options as { rootDirectory: string };

describe("config: include on the program's path", () => {
    const scratch: string[] = [];
    const project = (files: Record<string, string>) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "include-program-"));
        scratch.push(dir);
        for (const [rel, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), text);
        }
        return dir;
    };
    after(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("reads the included files relative to the project directory", () => {
        const dir = project({ "mesh/a.yaml": "namespaces:\n  shop: {}\n" });
        assert.deepStrictEqual(rawFromPulumiConfig({ "istio-mesh:include": '["mesh"]', "istio-mesh:mtls": "STRICT" }, dir), {
            mtls: "STRICT",
            namespaces: { shop: {} },
        });
    });

    describe("programRoot", () => {
        let before: string;
        beforeEach(() => (before = sdkOptions().rootDirectory));
        afterEach(() => (sdkOptions().rootDirectory = before));

        it("is the project directory the engine reports", () => {
            sdkOptions().rootDirectory = "/srv/istio-mesh";
            assert.strictEqual(programRoot(), "/srv/istio-mesh");
        });

        it("is the working directory when the engine reports none (the SDK's placeholder)", () => {
            sdkOptions().rootDirectory = "rootDirectory";
            assert.strictEqual(programRoot(), process.cwd());
        });
    });

    describe("the program under mocks", function () {
        this.timeout(60000);

        it("registers the namespaces of the included files", async () => {
            const dir = project({ "mesh/team-a.yaml": "namespaces:\n  shop: {}\n", "mesh/team-b.yaml": "namespaces:\n  billing: { adopt: true }\n" });
            const stack = await runProgram({ include: ["mesh"], namespaces: { web: {} } }, { rootDirectory: dir });
            assert.deepStrictEqual(
                stack.ofType(MESH_NAMESPACE).map((r) => r.name),
                ["web", "shop", "billing"],
            );
        });

        it("stops before any resource with the file and line of a bad entry", async () => {
            const dir = project({ "mesh/payments.yaml": "namespaces:\n  payments:\n    mtls: PERMISSIVE\n" });
            await assert.rejects(runProgram({ include: ["mesh"] }, { rootDirectory: dir }), {
                message:
                    "invalid stack configuration:\n" +
                    "mesh/payments.yaml:3: istio-mesh:namespaces.payments.mtls: PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; " +
                    "it is for moving workloads into the mesh: write { mode: PERMISSIVE, migration: true } to say so, or use STRICT",
            });
        });

        it("stops before any resource when an included path is missing", async () => {
            await assert.rejects(runProgram({ include: ["mesh/nope"] }, { rootDirectory: project({}) }), {
                message:
                    'invalid stack configuration:\nistio-mesh:include[0]: "mesh/nope" does not exist (paths are relative to the project directory, where Pulumi.yaml is)',
            });
        });

        it("reads the dev stack's includes itself exactly as config:check does", async () => {
            const file = path.join(REPO_ROOT, "Pulumi.dev.yaml");
            const { raw } = readStackConfig(file);
            const shape = (s: Stack) => s.resources.map((r) => `${r.type} ${r.name} ${JSON.stringify(r.inputs)}`);
            const own = await runProgram(raw, { stack: "dev", rootDirectory: REPO_ROOT });
            const checked = await runProgram(readStackFile(file), { stack: "dev" });
            assert.deepStrictEqual(shape(own), shape(checked));
        });
    });

    describe("1,000 namespaces", () => {
        const namespaces = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`ns-${i}`, typicalNamespace(i)]));
        const teams: Record<string, string> = {};
        for (let team = 0; team < 10; team++) {
            const mine = Object.fromEntries(Object.entries(namespaces).slice(team * 100, team * 100 + 100));
            teams[`mesh/prod/namespaces/team-${team}.yaml`] = stringify({ namespaces: mine });
        }

        it("take about 1.1 KiB each of PULUMI_CONFIG inline in the stack file", () => {
            const each = (envBytes(pulumiConfigEnv({ namespaces })) - envBytes(pulumiConfigEnv({ namespaces: {} }))) / 1000;
            assert.ok(each > 1050 && each < 1150, `${each} bytes per namespace`);
        });

        it("would exceed 128 KiB of PULUMI_CONFIG inline in the stack file", () =>
            assert.ok(envBytes(pulumiConfigEnv({ mtls: "STRICT", namespaces })) > MAX_ARG_STRLEN));

        it("take 100 bytes of PULUMI_CONFIG through include", () => {
            const bytes = envBytes(pulumiConfigEnv({ mtls: "STRICT", include: ["mesh/prod/namespaces"] }));
            assert.ok(bytes <= 100, `${bytes} bytes`);
        });

        it("all reach the parsed config through include", () => {
            const dir = project(teams);
            const raw = rawFromPulumiConfig({ "istio-mesh:include": '["mesh/prod/namespaces"]' }, dir);
            assert.strictEqual(Object.keys(parseMeshConfig(raw).namespaces).length, 1000);
        });
    });
});
