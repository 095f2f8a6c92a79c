/**
 * End to end with the real engine: the `local` stack rendered to YAML by the program run inline through the
 * Automation API (bin/stack.ts), the Kubernetes provider in render mode and the executable policy pack, then the
 * manifests checked by istioctl and the manifest checker. scripts/e2e.sh provides the engine (building it from
 * the Go module proxy when needed) and exports ISTIOCTL; each run uses a fresh file backend.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { freshStack, istioctl, mandatory, pulumi, renderStack, root, run, scratchStack, show, stackConfig, stackRun } from "./engine";

const rendered = path.join(root, "rendered");
const localConfig = stackConfig("local");
const charts = process.env.ISTIO_MESH_CHARTS ?? path.resolve(root, localConfig["istio-mesh:istio"].chartDir);

describe("npm run render with the real engine (local stack)", () => {
    let objects: any[] = [];
    const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

    before(() => {
        freshStack("local", rendered);
    });

    it("previews with the policy pack enforced and no mandatory violation", () => {
        const r = stackRun("preview", "--stack", "local");
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
    });

    it("updates with the policy pack enforced and no mandatory violation", () => {
        objects = renderStack("local", rendered);
    });

    it("reports no changes on a second up", () => {
        const r = stackRun("up", "--stack", "local", "--expect-no-changes");
        assert.equal(r.code, 0, show(r));
        assert.match(r.out, /\d+ unchanged/);
        assert.doesNotMatch(r.out, /\d+ (created|updated|deleted|replaced)/);
    });

    it("renders every Istio CRD of the base chart", () => {
        const crds = YAML.parseAllDocuments(fs.readFileSync(path.join(charts, "base/files/crd-all.gen.yaml"), "utf8"))
            .map((d) => d.toJS()?.metadata?.name)
            .filter(Boolean)
            .sort();
        const names = ofKind("CustomResourceDefinition")
            .map((o) => o.metadata.name)
            .filter((n: string) => n.endsWith(".istio.io"))
            .sort();
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
            const service = ofKind("Service").find(
                (o) => o.spec?.type === "LoadBalancer" && o.metadata.annotations?.["metallb.io/loadBalancerIPs"] === address,
            );
            assert.ok(service, `no LoadBalancer Service pinned to ${address} (gateway ${role})`);
        }
    });

    it("renders a third gateway with a TLS passthrough and a TCP port, and their routes", () => {
        const gw = ofKind("Gateway").find((o) => o.metadata.name === "partner-gateway");
        assert.ok(gw, "no partner Gateway");
        assert.deepStrictEqual(
            gw.spec.servers.map((s: any) => `${s.port.protocol}/${s.port.number}/${s.tls?.mode ?? ""}`),
            ["TLS/8883/PASSTHROUGH", "TCP/5432/"],
        );
        assert.ok(
            ofKind("VirtualService").some((o) => o.metadata.name === "partner-gateway-ports"),
            "no port routes for the partner gateway",
        );
    });

    it("renders the egress gateway in istio-system with the egress routes", () => {
        assert.ok(
            ofKind("Deployment").some((o) => o.metadata.name === "istio-egressgateway" && o.metadata.namespace === "istio-system"),
            "no istio-system/istio-egressgateway Deployment",
        );
        for (const name of ["payments-egress", "github-egress"]) {
            assert.ok(
                ofKind("VirtualService").some((o) => o.metadata.name === name && o.metadata.namespace === "istio-system"),
                `no VirtualService istio-system/${name}`,
            );
        }
    });

    it("renders the internal CA as cert-manager's own: a self-signed issuer, a CA Certificate, a CA issuer", () => {
        const issuer = localConfig["istio-mesh:certificates"].internalCa.root === "cert-manager" && "istio-mesh-internal-ca";
        assert.ok(issuer, "the local stack's internal CA is not made by cert-manager");
        const root = ofKind("Certificate").find((o) => o.metadata.name === `${issuer}-root`);
        assert.deepEqual([root?.spec.isCA, root?.spec.issuerRef.name], [true, `${issuer}-selfsigned`]);
        assert.deepEqual(ofKind("ClusterIssuer").find((o) => o.metadata.name === issuer)?.spec, { ca: { secretName: `${issuer}-root` } });
    });

    it("renders a Certificate for the external and internal gateways (partner and egress terminate no TLS)", () => {
        const secrets = ofKind("Certificate").map((o) => o.spec.secretName);
        for (const role of ["external", "internal"]) {
            assert.ok(secrets.includes(`${role}-gateway-tls`), `gateway ${role} has no Certificate`);
        }
    });

    it("renders no key generated in Pulumi state (the local stack needs no tls provider)", () =>
        assert.deepEqual(
            ofKind("Secret")
                .filter((o) => o.metadata.name === "cacerts" || o.metadata.name === "istio-mesh-internal-ca")
                .map((o) => o.metadata.name),
            [],
        ));

    it("renders the mesh namespaces with the injection label", () => {
        const created = Object.entries(localConfig["istio-mesh:namespaces"])
            .filter(([, ns]: [string, any]) => !ns.adopt)
            .map(([name]) => name);
        for (const name of created) {
            const ns = ofKind("Namespace").find((o) => o.metadata.name === name);
            assert.ok(ns, `no Namespace ${name}`);
            assert.equal(ns.metadata.labels?.["istio-injection"], "enabled");
        }
    });

    it("renders the CNI node agent on every node at system-node-critical priority", () => {
        const agent = ofKind("DaemonSet").find((o) => o.metadata.name === "istio-cni-node");
        assert.ok(agent, "no istio-cni-node DaemonSet");
        const pod = agent.spec.template.spec;
        assert.deepEqual([agent.metadata.namespace, pod.priorityClassName, pod.tolerations], ["kube-system", "system-node-critical", [{ operator: "Exists" }]]);
        const hostPaths = Object.fromEntries(pod.volumes.map((v: any) => [v.name, v.hostPath?.path]));
        assert.deepEqual([hostPaths["cni-bin-dir"], hostPaths["cni-net-dir"]], ["/opt/cni/bin", "/etc/cni/net.d"]);
    });

    it("renders the sidecar injector on the CNI path", () => {
        const injector = ofKind("ConfigMap").find((o) => o.metadata.name === "istio-sidecar-injector");
        assert.ok(injector, "no istio-sidecar-injector ConfigMap");
        assert.deepEqual(JSON.parse(injector.data.values).pilot.cni, { enabled: true, provider: "default" });
    });

    it("renders the mesh namespaces with their Pod Security level", () => {
        for (const [name, ns] of Object.entries(localConfig["istio-mesh:namespaces"]) as [string, any][]) {
            if (ns.adopt) continue;
            const rendered = ofKind("Namespace").find((o) => o.metadata.name === name);
            assert.equal(rendered?.metadata.labels?.["pod-security.kubernetes.io/enforce"], ns.podSecurity ?? "baseline", name);
        }
    });

    it("renders the mesh telemetry", () => {
        const mesh = ofKind("Telemetry").find((o) => o.metadata.namespace === "istio-system");
        assert.ok(mesh, "no mesh-wide Telemetry in istio-system");
        assert.ok(mesh.spec.tracing?.length > 0, "the mesh Telemetry has no tracing");
    });

    it("renders routes in both forms: VirtualServices and HTTPRoutes on a Gateway of class istio", () => {
        const gw = ofKind("Gateway").find((o) => o.apiVersion === "gateway.networking.k8s.io/v1");
        assert.ok(gw, "no Gateway API Gateway");
        assert.equal(gw.spec.gatewayClassName, "istio");
        assert.deepEqual(
            ofKind("HTTPRoute")
                .map((o) => o.metadata.name)
                .sort(),
            ["external-gateway-api-https-redirect", "grafana", "harbor", "headlamp"],
        );
        assert.ok(
            ofKind("VirtualService").some((o) => o.metadata.name === "example-app"),
            "no VirtualService example-app",
        );
    });

    it("passes istioctl analyze with no errors", () => {
        const r = run(istioctl, ["analyze", "--use-kube=false", rendered]);
        const warnings = r.out.split("\n").filter((l) => l.startsWith("Warning"));
        if (warnings.length > 0) console.log(`      istioctl warnings:\n${warnings.map((w) => `        ${w}`).join("\n")}`);
        assert.deepEqual(
            r.out.split("\n").filter((l) => l.startsWith("Error")),
            [],
        );
        assert.equal(r.code, 0, show(r));
    });

    it("passes the manifest checker with no mandatory violation, as the pack did", () => {
        const r = run("npm", ["run", "--silent", "guard", "--", rendered]);
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(mandatory(r.out), []);
    });

    describe("refusals", () => {
        it("refuses a broken stack config before any resource", () => {
            const cleanup = scratchStack("e2e-broken", localConfig, (c) => {
                c["istio-mesh:controlPlane"] = { replicas: "two" };
            });
            try {
                const r = stackRun("up", "--stack", "e2e-broken");
                assert.notEqual(r.code, 0, show(r));
                assert.match(r.out, /istio-mesh:controlPlane\.replicas/);
                const state = JSON.parse(pulumi("stack", "export", "--stack", "e2e-broken").out);
                const kinds = (state.deployment.resources ?? []).map((res: any) => res.type);
                assert.deepEqual(
                    kinds.filter((t: string) => t !== "pulumi:pulumi:Stack"),
                    [],
                );
            } finally {
                cleanup();
            }
        });

        it("refuses a stack that violates a mandatory policy, with the policy's message", () => {
            const cleanup = scratchStack("e2e-policy", localConfig, (c) => {
                c["istio-mesh:mtls"] = { mode: "PERMISSIVE", migration: true };
            });
            try {
                const r = stackRun("preview", "--stack", "e2e-policy");
                assert.notEqual(r.code, 0, show(r));
                assert.match(r.out, /\[mandatory\]\s+peer-authentication-strict-mtls/);
                assert.match(r.out, /spec\.mtls\.mode is PERMISSIVE; the workloads it covers accept plaintext/);
            } finally {
                cleanup();
            }
        });
    });
});
