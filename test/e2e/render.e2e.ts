/**
 * End to end with the real engine: the `local` stack rendered to YAML by the Pulumi CLI, the Kubernetes provider
 * in render mode and the policy pack, then the manifests checked by istioctl and the manifest checker.
 * scripts/e2e.sh puts the toolchain on PATH (or skips when it is missing); each run uses a fresh file backend.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const root = path.resolve(__dirname, "../..");
const rendered = path.join(root, "rendered");
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "istio-mesh-e2e-"));
const env = { ...process.env, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "", PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
const localConfig = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.local.yaml"), "utf8")).config;
const charts = process.env.ISTIO_MESH_CHARTS ?? path.resolve(root, localConfig["istio-mesh:istio"].chartDir);

interface Run { code: number | null; out: string }

function run(cmd: string, args: string[]): Run {
    const r = spawnSync(cmd, args, { cwd: root, env, encoding: "utf8", maxBuffer: 256 << 20 });
    return { code: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}
const pulumi = (...args: string[]) => run("pulumi", [...args, "--non-interactive", "--color", "never"]);
const show = (r: Run) => `exit ${r.code}\n${r.out.split("\n").slice(-60).join("\n")}`;
const mandatory = (out: string) => out.split("\n").filter((l) => l.includes("[mandatory]"));

/** A throwaway stack: the local config with `change` applied, rendering into a temporary directory. */
function scratchStack(name: string, change: (config: Record<string, any>) => void): () => void {
    const config = structuredClone(localConfig);
    config["kubernetes:renderYamlToDirectory"] = fs.mkdtempSync(path.join(os.tmpdir(), `istio-mesh-${name}-`));
    change(config);
    const file = path.join(root, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config }));
    const init = pulumi("stack", "init", name);
    assert.equal(init.code, 0, show(init));
    return () => {
        pulumi("stack", "rm", name, "--yes", "--force", "--preserve-config");
        fs.rmSync(file, { force: true });
        fs.rmSync(config["kubernetes:renderYamlToDirectory"], { recursive: true, force: true });
    };
}

/** Every object in the YAML files under a directory. */
function manifests(dir: string): any[] {
    const objects: any[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
        if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
        const text = fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
        objects.push(...YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o?.kind));
    }
    return objects;
}

describe("npm run render with the real engine (local stack)", () => {
    let objects: any[] = [];
    const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

    before(() => {
        fs.rmSync(rendered, { recursive: true, force: true });
        const init = pulumi("stack", "init", "local");
        assert.equal(init.code, 0, show(init));
    });
    after(() => fs.rmSync(backend, { recursive: true, force: true }));

    it("previews with the policy pack enforced and no mandatory violation", () => {
        const r = pulumi("preview", "--stack", "local", "--policy-pack", "policy-pack");
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
    });

    it("updates with the policy pack enforced and no mandatory violation", () => {
        const r = pulumi("up", "--yes", "--skip-preview", "--stack", "local", "--policy-pack", "policy-pack");
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
        objects = manifests(rendered);
    });

    it("reports no changes on a second up", () => {
        const r = pulumi("up", "--yes", "--expect-no-changes", "--stack", "local", "--policy-pack", "policy-pack");
        assert.equal(r.code, 0, show(r));
        assert.match(r.out, /\d+ unchanged/);
        assert.doesNotMatch(r.out, /\d+ (created|updated|deleted|replaced)/);
    });

    it("renders every Istio CRD of the base chart", () => {
        const crds = YAML.parseAllDocuments(fs.readFileSync(path.join(charts, "base/files/crd-all.gen.yaml"), "utf8"))
            .map((d) => d.toJS()?.metadata?.name).filter(Boolean).sort();
        const names = ofKind("CustomResourceDefinition").map((o) => o.metadata.name).filter((n: string) => n.endsWith(".istio.io")).sort();
        assert.deepEqual(names, crds);
    });

    it("renders istiod with the configured replicas", () => {
        const istiod = ofKind("Deployment").find((o) => o.metadata.name === "istiod");
        assert.ok(istiod, "no istiod Deployment");
        assert.equal(istiod.spec.replicas, localConfig["istio-mesh:controlPlane"].replicas);
    });

    it("renders each gateway Service with its pinned address", () => {
        const gateways = localConfig["istio-mesh:gateways"];
        for (const role of Object.keys(gateways).filter((r) => gateways[r]?.address)) {
            const address = gateways[role].address;
            const service = ofKind("Service").find((o) => o.spec?.type === "LoadBalancer" && o.metadata.annotations?.["metallb.io/loadBalancerIPs"] === address);
            assert.ok(service, `no LoadBalancer Service pinned to ${address} (gateway ${role})`);
        }
    });

    it("renders a third gateway with a TLS passthrough and a TCP port, and their routes", () => {
        const gw = ofKind("Gateway").find((o) => o.metadata.name === "partner-gateway");
        assert.ok(gw, "no partner Gateway");
        assert.deepStrictEqual(gw.spec.servers.map((s: any) => `${s.port.protocol}/${s.port.number}/${s.tls?.mode ?? ""}`), ["TLS/8883/PASSTHROUGH", "TCP/5432/"]);
        assert.ok(ofKind("VirtualService").some((o) => o.metadata.name === "partner-gateway-ports"), "no port routes for the partner gateway");
    });

    it("renders the egress gateway in istio-system with the egress routes", () => {
        assert.ok(ofKind("Deployment").some((o) => o.metadata.name === "istio-egressgateway" && o.metadata.namespace === "istio-system"), "no istio-system/istio-egressgateway Deployment");
        for (const name of ["payments-egress", "github-egress"]) {
            assert.ok(ofKind("VirtualService").some((o) => o.metadata.name === name && o.metadata.namespace === "istio-system"), `no VirtualService istio-system/${name}`);
        }
    });

    it("renders the plug-in CA and the gateway certificates", () => {
        assert.ok(ofKind("Secret").some((o) => o.metadata.name === "cacerts"), "no cacerts Secret");
        // external and internal have certificates (ACME, internal CA); partner (TCP, passthrough) and egress need none.
        assert.ok(ofKind("Certificate").length >= 2, "a gateway has no Certificate");
        assert.ok(ofKind("ClusterIssuer").length + ofKind("Issuer").length > 0, "no cert-manager issuer");
    });

    it("renders the mesh namespaces with the injection label", () => {
        const created = Object.entries(localConfig["istio-mesh:namespaces"]).filter(([, ns]: [string, any]) => !ns.adopt).map(([name]) => name);
        for (const name of created) {
            const ns = ofKind("Namespace").find((o) => o.metadata.name === name);
            assert.ok(ns, `no Namespace ${name}`);
            assert.equal(ns.metadata.labels?.["istio-injection"], "enabled");
        }
    });

    it("renders the mesh telemetry", () => {
        const mesh = ofKind("Telemetry").find((o) => o.metadata.namespace === "istio-system");
        assert.ok(mesh, "no mesh-wide Telemetry in istio-system");
        assert.ok(mesh.spec.tracing?.length > 0, "the mesh Telemetry has no tracing");
    });

    it("passes istioctl analyze with no errors", () => {
        const r = run("istioctl", ["analyze", "--use-kube=false", rendered]);
        const warnings = r.out.split("\n").filter((l) => l.startsWith("Warning"));
        if (warnings.length > 0) console.log(`      istioctl warnings:\n${warnings.map((w) => `        ${w}`).join("\n")}`);
        assert.deepEqual(r.out.split("\n").filter((l) => l.startsWith("Error")), []);
        assert.equal(r.code, 0, show(r));
    });

    it("passes the manifest checker with no mandatory violation, as the pack did", () => {
        const r = run("npm", ["run", "--silent", "guard", "--", rendered]);
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
    });

    describe("refusals", () => {
        it("refuses a broken stack config before any resource", () => {
            const cleanup = scratchStack("e2e-broken", (c) => { c["istio-mesh:controlPlane"] = { replicas: "two" }; });
            try {
                const r = pulumi("up", "--yes", "--skip-preview", "--stack", "e2e-broken");
                assert.notEqual(r.code, 0, show(r));
                assert.match(r.out, /istio-mesh:controlPlane\.replicas/);
                const state = JSON.parse(pulumi("stack", "export", "--stack", "e2e-broken").out);
                const kinds = (state.deployment.resources ?? []).map((res: any) => res.type);
                assert.deepEqual(kinds.filter((t: string) => t !== "pulumi:pulumi:Stack"), []);
            } finally {
                cleanup();
            }
        });

        it("refuses a stack that violates a mandatory policy, with the policy's message", () => {
            const cleanup = scratchStack("e2e-policy", (c) => { c["istio-mesh:mtls"] = { mode: "PERMISSIVE", migration: true }; });
            try {
                const r = pulumi("preview", "--stack", "e2e-policy", "--policy-pack", "policy-pack");
                assert.notEqual(r.code, 0, show(r));
                assert.match(r.out, /\[mandatory\]\s+peer-authentication-strict-mtls/);
                assert.match(r.out, /spec\.mtls\.mode is PERMISSIVE; the workloads it covers accept plaintext/);
            } finally {
                cleanup();
            }
        });
    });
});
