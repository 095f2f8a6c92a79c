import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { load } from "js-yaml";
import { main } from "../../policy-pack/checker/cli";
import { loadText, splitDocuments } from "../../policy-pack/checker/load";
import { compactDocument, KUBECTL_SCHEMA } from "../../policy-pack/lib/yaml";
import { FIXTURES } from "./harness";

const DIR = path.join(FIXTURES, "checker");
const rel = (p: string) => path.relative(process.cwd(), path.join(DIR, p));

async function guard(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(
        argv,
        (s) => {
            out += s;
        },
        (s) => {
            err += s;
        },
    );
    return { code, out, err };
}

function tempConfig(json: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "guard-")), "config.json");
    fs.writeFileSync(file, typeof json === "string" ? json : JSON.stringify(json));
    return file;
}

describe("manifest checker", () => {
    describe("exit codes", () => {
        it("exits 1 on a mandatory violation", async () => {
            assert.strictEqual((await guard(rel("mesh"))).code, 1);
        });
        it("exits 0 when only advisory violations remain", async () => {
            const r = await guard(rel("advisory"));
            assert.strictEqual(r.code, 0);
            assert.match(r.out, /advisory service-port-protocol/);
        });
        it("exits 2 naming file and line on a YAML error", async () => {
            const r = await guard(rel("broken/bad.yaml"));
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.err, `error: ${rel("broken/bad.yaml")}:11: YAML parse error: missed comma between flow collection entries\n`);
        });
        it("exits 2 naming file and line on a document that is not a Kubernetes object", async () => {
            const r = await guard(rel("broken/nokind.yaml"));
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.err, `error: ${rel("broken/nokind.yaml")}:6: document has no apiVersion or kind, so it is not a Kubernetes object\n`);
        });
        it("exits 2 on a missing input", async () => {
            const r = await guard(rel("nowhere.yaml"));
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.err, `error: ${rel("nowhere.yaml")}: cannot read: ENOENT\n`);
        });
        it("exits 2 with usage when no input is given", async () => {
            const r = await guard("--format", "json");
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /^error: no file or directory given\nusage: npm run --silent guard -- /);
        });
    });

    describe("output", () => {
        it("prints JSON in the issue's shape, recursing into directories and multi-document files", async () => {
            const r = await guard("--format", "json", rel("mesh"));
            assert.deepStrictEqual(JSON.parse(r.out), {
                violations: [
                    {
                        policy: "virtual-service-gateway-exists",
                        level: "mandatory",
                        resource: { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "shop", name: "api" },
                        message:
                            "VirtualService shop/api: spec.gateways[0] refers to Gateway istio-ingress/partners, which is not among the checked resources; the routes bound to it are never served. Declare the Gateway, fix the reference, or list it in externalGateways if another team owns it.",
                    },
                ],
            });
        });
        it("prints text lines with file:line, level and policy, and a summary", async () => {
            const r = await guard(rel("mesh"));
            assert.strictEqual(
                r.out,
                [
                    `${rel("mesh/apps/shop.yml")}:14: mandatory virtual-service-gateway-exists: VirtualService shop/api: spec.gateways[0] refers to Gateway istio-ingress/partners, which is not among the checked resources; the routes bound to it are never served. Declare the Gateway, fix the reference, or list it in externalGateways if another team owns it.`,
                    "1 violation (1 mandatory, 0 advisory) in 3 resources from 2 files.",
                    "",
                ].join("\n"),
            );
        });
    });

    it("runs policies that declare no kinds on every object", async () => {
        const r = await guard("--format", "json", path.relative(process.cwd(), path.join(FIXTURES, "schema-conformance", "violating.yaml")));
        assert.deepStrictEqual(
            JSON.parse(r.out).violations.map((v: { policy: string }) => v.policy),
            ["schema-conformance"],
        );
    });

    describe("--config", () => {
        it("applies policy options", async () => {
            const r = await guard("--config", rel("config-external.json"), rel("mesh"));
            assert.strictEqual(r.code, 0);
            assert.match(r.out, /^0 violations/);
        });
        it('applies "all"', async () => {
            const r = await guard("--config", tempConfig({ all: "disabled" }), rel("mesh"), rel("advisory"));
            assert.strictEqual(r.out, "0 violations (0 mandatory, 0 advisory) in 4 resources from 3 files.\n");
        });
        it('lets a policy\'s own entry override "all"', async () => {
            const r = await guard(
                "--format",
                "json",
                "--config",
                tempConfig({ all: "disabled", "service-port-protocol": "mandatory" }),
                rel("mesh"),
                rel("advisory"),
            );
            assert.strictEqual(r.code, 1);
            assert.deepStrictEqual(
                JSON.parse(r.out).violations.map((v: { policy: string; level: string }) => `${v.policy}:${v.level}`),
                ["service-port-protocol:mandatory"],
            );
        });
        it("lowers a level with enforcementLevel next to options", async () => {
            const r = await guard(
                "--config",
                tempConfig({ "virtual-service-gateway-exists": { enforcementLevel: "advisory", assumeExternalExists: false } }),
                rel("mesh"),
            );
            assert.strictEqual(r.code, 0);
            assert.match(r.out, /advisory virtual-service-gateway-exists/);
        });
        it("rejects an unknown policy", async () => {
            const file = tempConfig({ "virtual-service-gateways": "advisory" });
            const r = await guard("--config", file, rel("mesh"));
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.err, `error: ${file}: "virtual-service-gateways" is not a policy of istio-mesh-guard\n`);
        });
        it("rejects an option of the wrong type", async () => {
            const file = tempConfig({ "virtual-service-gateway-exists": { externalGateways: "istio-ingress/partners" } });
            const r = await guard("--config", file, rel("mesh"));
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /"virtual-service-gateway-exists\.externalGateways": "istio-ingress\/partners" does not match the option's schema/);
        });
        it("rejects an option the policy does not have", async () => {
            const r = await guard("--config", tempConfig({ "gateway-conflict": { strict: true } }), rel("mesh"));
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /"gateway-conflict\.strict": the policy has no such option \(it accepts: none\)/);
        });
        it("rejects JSON that does not parse", async () => {
            const r = await guard("--config", tempConfig("{ all: disabled }"), rel("mesh"));
            assert.strictEqual(r.code, 2);
            assert.match(r.err, /not valid JSON/);
        });
    });

    describe("splitDocuments", () => {
        it("splits at --- and ... and keeps each document's first line", () => {
            const docs = splitDocuments("a: 1\n---\nb: 2\n...\n--- \n# only a comment\n---\nc: 3\n");
            assert.deepStrictEqual(
                docs.map((d) => [d.line, d.text.trim()]),
                [
                    [1, "a: 1"],
                    [3, "b: 2"],
                    [6, "# only a comment"],
                    [8, "c: 3"],
                ],
            );
        });
        it("does not split at --- inside a line", () => {
            assert.strictEqual(splitDocuments("a: |\n  ---\n  x\nb: ---\n").length, 1);
        });
    });

    describe("loadText", () => {
        const TEXT =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-of-the-team\n  namespace: team-a\ndata:\n  hosts: [a.example.com, b.example.com]\n";

        it("reads documents as js-yaml does", () => {
            const [r] = loadText(TEXT, "m.yaml");
            assert.deepStrictEqual(r.props, load(TEXT, { schema: KUBECTL_SCHEMA }));
            assert.strictEqual(r.source, "m.yaml:1");
            assert.strictEqual(r.urn, "urn:pulumi:guard::manifests::kubernetes:core/v1:ConfigMap::team-a/settings-of-the-team@m.yaml:1#0");
        });

        it("keeps a document JSON cannot copy exactly as parsed (NaN, infinities, -0, shared nodes)", () => {
            for (const text of ["a: .nan\n", "a: [.inf, -.inf]\n", `a: 1${"0".repeat(400)}\n`, "a: -0\n", "a: &x {b: 1}\nc: *x\n"]) {
                const parsed = load(text, { schema: KUBECTL_SCHEMA });
                assert.strictEqual(compactDocument(parsed, text), parsed, text);
            }
        });

        it("does not keep the text of the documents it read", function () {
            this.timeout(60000);
            // A child process with little on its heap: the marker is built from two halves so that only the
            // manifest's text holds it, then the heap snapshot (reachable objects only) is searched for it.
            const script = `
                const v8 = require("v8");
                const { loadText } = require("./policy-pack/checker/load");
                const halves = ["guard-source-", "text-" + process.pid];
                const resources = loadText("# " + halves.join("") + "\\n" + ${JSON.stringify(TEXT)}, "m.yaml");
                // The last regular expression match keeps its subject (RegExp.input): match something else.
                /x/.test("x");
                let snapshot = "";
                v8.getHeapSnapshot()
                    .on("data", (c) => (snapshot += c))
                    .on("end", () => process.stdout.write(JSON.stringify({ resources: resources.length, retained: snapshot.includes(halves.join("")) })));
            `;
            const root = path.join(__dirname, "..", "..");
            const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: root, encoding: "utf8" });
            assert.strictEqual(r.status, 0, r.stderr);
            assert.deepStrictEqual(JSON.parse(r.stdout), { resources: 1, retained: false });
        });
    });

    it("runs as `npm run guard` through the compiled launcher", function () {
        this.timeout(120000);
        const root = path.join(__dirname, "..", "..");
        const r = spawnSync(process.execPath, [path.join(root, "policy-pack", "checker", "guard.js"), "--format", "json", rel("mesh")], { encoding: "utf8" });
        assert.strictEqual(r.status, 1, r.stderr);
        assert.strictEqual(JSON.parse(r.stdout).violations.length, 1);
    });
});
