import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";

const PACK = path.join(__dirname, "..", "..", "policy-pack");

function sources(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
            e.isDirectory() ? (e.name === "node_modules" ? [] : sources(path.join(dir, e.name))) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
        );
}

describe("the pack", () => {
    it("has unique kebab-case policy names, none of them the reserved all", () => {
        const names = policies.map((p) => p.name);
        assert.deepStrictEqual(
            names.filter((n) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(n) || n === "all"),
            [],
        );
        assert.strictEqual(new Set(names).size, names.length);
    });
    it('describes every policy with "Checks that"', () => {
        assert.deepStrictEqual(
            policies.filter((p) => !p.description.startsWith("Checks that ")).map((p) => p.name),
            [],
        );
    });
    it("makes issue 6's mandatory checks mandatory by default", () => {
        const mandatory = policies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name);
        for (const name of [
            "peer-authentication-strict-mtls",
            "destination-rule-tls-not-disabled",
            "virtual-service-route-weights",
            "virtual-service-subset-defined",
            "virtual-service-gateway-exists",
            "mesh-virtual-service-host-conflict",
            "gateway-tls-credential",
            "gateway-credential-namespace",
            "gateway-https-wildcard-host",
            "gateway-conflict",
            "namespace-injection-labels",
            "workload-injection-opt-out",
            "reserved-proxy-uid",
            "authorization-policy-custom-provider",
            "authorization-policy-allow-negative-match",
            "service-entry-wildcard-host",
            "duration-minimum",
            "single-default-sidecar-telemetry",
            "certificate-duration",
            "loadbalancer-address-in-pool",
            "namespace-revision-served",
        ])
            assert.ok(mandatory.includes(name), name);
    });
    it("sets a default level on every policy", () => {
        assert.deepStrictEqual(
            policies.filter((p) => !p.enforcementLevel).map((p) => p.name),
            [],
        );
    });
    it("gives every option a default and a description, and never declares enforcementLevel", () => {
        const bad: string[] = [];
        for (const p of policies) {
            for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
                if (k === "enforcementLevel" || typeof s !== "object" || s.default === undefined || !s.description) bad.push(`${p.name}.${k}`);
            }
        }
        assert.deepStrictEqual(bad, []);
    });
    it("imports only types from @pulumi/policy outside index.ts, so nothing but the pack starts a server", () => {
        const offenders = sources(PACK).filter(
            (f) => f !== path.join(PACK, "index.ts") && /^import\s+(?!type\b)[^;]*from\s+"@pulumi\/policy"/m.test(fs.readFileSync(f, "utf8")),
        );
        assert.deepStrictEqual(offenders, []);
    });
    it("constructs the PolicyPack in index.ts only", () => {
        const constructing = sources(PACK)
            .filter((f) => /new PolicyPack\(/.test(fs.readFileSync(f, "utf8")))
            .map((f) => path.relative(PACK, f));
        assert.deepStrictEqual(constructing, ["index.ts"]);
    });
    it("names the pack istio-mesh-guard with the nodejs runtime", () => {
        const yaml = fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8");
        assert.match(yaml, /^runtime: nodejs$/m);
        assert.match(yaml, /^name: istio-mesh-guard$/m);
        assert.match(fs.readFileSync(path.join(PACK, "index.ts"), "utf8"), /new PolicyPack\("istio-mesh-guard"/);
    });
});
