import * as assert from "assert";
import { apiVersionOfToken, violationMessage } from "../../policy-pack/policies/schema";
import { SchemaValidator } from "../../policy-pack/schema";
import { allowPolicies, authorizationRule, MeshNamespace, namespaceLabels, sidecarEgressHosts } from "../../components/mesh-namespace";
import { runProgram, Stack } from "../mocks";
import { direct } from "./direct";
import { runStack } from "../stack-files";

const GATEWAYS = { external: { namespace: "istio-ingress", serviceAccount: "istio-ingressgateway" } };
const ENABLED = { key: "istio-injection", value: "enabled" };
const INTERNAL_GATEWAY = { internal: { hosts: ["*.internal.example.com"] } };

/** The Istio objects (kind, name) registered in a namespace, sorted. */
function istioObjects(stack: Stack, namespace: string): string[] {
    return stack.resources
        .filter((r) => r.type.includes(".istio.io/") && r.inputs?.metadata?.namespace === namespace)
        .map((r) => `${r.inputs.kind}/${r.inputs.metadata.name}`)
        .sort();
}

describe("MeshNamespace", () => {
    describe("labels", () => {
        it("enrols with the control plane's injection label", () =>
            assert.deepStrictEqual(namespaceLabels("shop", { injectionLabel: ENABLED }), { "istio-injection": "enabled" }));
        it("pins a revision with istio.io/rev alone", () =>
            assert.deepStrictEqual(namespaceLabels("shop", { injectionLabel: ENABLED, revision: "stable" }), { "istio.io/rev": "stable" }));
        it("keeps extra labels", () =>
            assert.deepStrictEqual(namespaceLabels("shop", { injectionLabel: ENABLED, labels: { team: "shop" } }), {
                team: "shop",
                "istio-injection": "enabled",
            }));
        it("refuses an injection label among the extra labels", () =>
            assert.throws(() => namespaceLabels("shop", { injectionLabel: ENABLED, labels: { "istio.io/rev": "x" } }), {
                message: "shop: labels.istio.io/rev is the injection label, which the mesh sets from istio.revision (or this namespace's revision): remove it",
            }));
    });

    describe("authorization rules", () => {
        it("turns <namespace>/<serviceAccount> into a SPIFFE principal and methods into an operation", () =>
            assert.deepStrictEqual(
                authorizationRule(
                    "shop",
                    0,
                    { from: [{ kind: "principal", namespace: "shop", serviceAccount: "frontend" }], to: "api", methods: ["GET"] },
                    "cluster.local",
                    {},
                ),
                { from: [{ source: { principals: ["cluster.local/ns/shop/sa/frontend"] } }], to: [{ operation: { methods: ["GET"] } }] },
            ));
        it("keeps principals and namespaces in separate sources, which Istio ORs", () =>
            assert.deepStrictEqual(
                authorizationRule(
                    "shop",
                    0,
                    {
                        from: [
                            { kind: "namespace", namespace: "web" },
                            { kind: "principal", namespace: "a", serviceAccount: "b" },
                        ],
                    },
                    "td",
                    {},
                ).from,
                [{ source: { principals: ["td/ns/a/sa/b"] } }, { source: { namespaces: ["web"] } }],
            ));
        it("resolves a gateway role to the gateway's identity", () =>
            assert.deepStrictEqual(authorizationRule("shop", 0, { from: [{ kind: "gateway", gateway: "external" }], to: "web" }, "td", GATEWAYS), {
                from: [{ source: { principals: ["td/ns/istio-ingress/sa/istio-ingressgateway"] } }],
            }));
        it("writes ports as strings, as the AuthorizationPolicy schema requires", () =>
            assert.deepStrictEqual(authorizationRule("shop", 0, { from: [], ports: [8080], paths: ["/api/*"] }, "td", {}), {
                to: [{ operation: { paths: ["/api/*"], ports: ["8080"] } }],
            }));
        it("refuses an unconfigured gateway", () =>
            assert.throws(() => authorizationRule("shop", 2, { from: [{ kind: "gateway", gateway: "internal" }] }, "td", GATEWAYS), {
                message: "shop: allow[2].from names gateway:internal, which is not configured (configured: external)",
            }));
        it("refuses a rule that would allow everything", () =>
            assert.throws(() => authorizationRule("shop", 1, { from: [], to: "web" }, "td", {}), {
                message: "shop: allow[1] allows every request from anywhere to web: give it a source (from) or an operation (methods, paths, ports)",
            }));
        it("groups rules by target workload, one policy each, selected by the app label", () =>
            assert.deepStrictEqual(
                allowPolicies(
                    "shop",
                    [
                        { from: [{ kind: "namespace", namespace: "a" }], to: "api" },
                        { from: [{ kind: "namespace", namespace: "b" }] },
                        { from: [{ kind: "namespace", namespace: "c" }], to: "api" },
                    ],
                    "td",
                    {},
                ),
                [
                    {
                        name: "allow-to-api",
                        spec: {
                            selector: { matchLabels: { app: "api" } },
                            action: "ALLOW",
                            rules: [{ from: [{ source: { namespaces: ["a"] } }] }, { from: [{ source: { namespaces: ["c"] } }] }],
                        },
                    },
                    { name: "allow-in-namespace", spec: { action: "ALLOW", rules: [{ from: [{ source: { namespaces: ["b"] } }] }] } },
                ],
            ));
    });

    describe("sidecar egress", () => {
        it("always reaches its own namespace and the root namespace", () =>
            assert.deepStrictEqual(sidecarEgressHosts([], "istio-system"), ["./*", "istio-system/*"]));
        it("reads a namespace, a namespace/host entry and an external host", () =>
            assert.deepStrictEqual(sidecarEgressHosts(["observability", "web/api.web.svc.cluster.local", "api.stripe.com"], "istio-system"), [
                "./*",
                "istio-system/*",
                "observability/*",
                "web/api.web.svc.cluster.local",
                "*/api.stripe.com",
            ]));
    });

    describe("a namespace with defaults", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ namespaces: { shop: {} } });
        });
        it("creates the namespace enrolled with istio-injection=enabled", () =>
            assert.deepStrictEqual(stack.get("kubernetes:core/v1:Namespace", "shop-namespace").inputs.metadata, {
                name: "shop",
                labels: { "istio-injection": "enabled", "pod-security.kubernetes.io/enforce": "baseline" },
            }));
        it("does not protect the namespace", () => assert.strictEqual(stack.get("kubernetes:core/v1:Namespace", "shop-namespace").protect, false));
        it("registers only the mTLS and default-deny policies", () =>
            assert.deepStrictEqual(istioObjects(stack, "shop"), [
                "AuthorizationPolicy/default-deny",
                "DestinationRule/default-mtls",
                "PeerAuthentication/default",
            ]));
        it("requires STRICT mTLS for the namespace", () =>
            assert.deepStrictEqual(stack.k8s("PeerAuthentication", "default", "shop").inputs.spec, { mtls: { mode: "STRICT" } }));
        it("sends mTLS to every service of the namespace (seed 001)", () =>
            assert.deepStrictEqual(stack.k8s("DestinationRule", "default-mtls", "shop").inputs.spec, {
                host: "*.shop.svc.cluster.local",
                trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } },
            }));
        it("denies every request with an allow-nothing policy", () =>
            assert.deepStrictEqual(stack.k8s("AuthorizationPolicy", "default-deny", "shop").inputs.spec, {}));
        it("makes every policy wait for istiod (the validation webhook) and the namespace", () => {
            const deps = stack.dependencyNames(stack.k8s("PeerAuthentication", "default", "shop"));
            assert.deepStrictEqual([deps.includes("mesh-istiod"), deps.includes("shop-namespace")], [true, true]);
        });
        it("exports the enrolled namespace", () => assert.deepStrictEqual((stack.outputs.mesh as { namespaces: string[] }).namespaces, ["shop"]));
    });

    describe("a namespace with rules, egress and a migration", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({
                // "canary" must be served by this stack: a tag of the revisions form.
                istio: {
                    revisions: { "1-30-3": { version: "1.30.3" } },
                    tags: { canary: "1-30-3" },
                    revision: "1-30-3",
                    trustDomain: "prod.example.com",
                    protect: true,
                },
                gateways: INTERNAL_GATEWAY,
                externalServices: { payments: { hosts: ["api.stripe.com"] } },
                namespaces: {
                    shop: {
                        labels: { team: "shop" },
                        mtls: { mode: "PERMISSIVE", migration: true },
                        allow: [
                            { from: "gateway:internal", to: "frontend" },
                            { from: "shop/frontend", to: "backend-api", methods: ["GET"] },
                        ],
                        egress: ["observability", "api.stripe.com"],
                    },
                    legacy: { adopt: true, revision: "canary" },
                },
            });
        });
        it("enrols with istio.io/rev when the control plane runs a revision", () =>
            assert.deepStrictEqual(stack.get("kubernetes:core/v1:Namespace", "shop-namespace").inputs.metadata.labels, {
                team: "shop",
                "pod-security.kubernetes.io/enforce": "baseline",
                "istio.io/rev": "1-30-3",
            }));
        it("protects a created namespace when istio.protect is set", () =>
            assert.strictEqual(stack.get("kubernetes:core/v1:Namespace", "shop-namespace").protect, true));
        it("adopts an existing namespace with a patch, never a Namespace of its own", () =>
            assert.deepStrictEqual(
                [
                    stack.find("kubernetes:core/v1:Namespace", "legacy-namespace"),
                    stack.get("kubernetes:core/v1:NamespacePatch", "legacy-namespace").inputs.metadata,
                ],
                [undefined, { name: "legacy", labels: { "istio.io/rev": "canary", "pod-security.kubernetes.io/enforce": "baseline" } }],
            ));
        it("leaves mTLS to Istio's auto mTLS during a migration, without the ISTIO_MUTUAL DestinationRule", () =>
            assert.throws(() => stack.k8s("DestinationRule", "default-mtls", "shop"), { message: "no DestinationRule shop/default-mtls registered" }));
        it("applies a declared PERMISSIVE migration", () =>
            assert.deepStrictEqual(stack.k8s("PeerAuthentication", "default", "shop").inputs.spec, { mtls: { mode: "PERMISSIVE" } }));
        it("admits the internal gateway to the frontend", () =>
            assert.deepStrictEqual(stack.k8s("AuthorizationPolicy", "allow-to-frontend", "shop").inputs.spec, {
                selector: { matchLabels: { app: "frontend" } },
                action: "ALLOW",
                rules: [{ from: [{ source: { principals: ["prod.example.com/ns/istio-ingress/sa/istio-ingressgateway-internal"] } }] }],
            }));
        it("admits only GET from the frontend to the backend (seed 003)", () =>
            assert.deepStrictEqual(stack.k8s("AuthorizationPolicy", "allow-to-backend-api", "shop").inputs.spec.rules, [
                { from: [{ source: { principals: ["prod.example.com/ns/shop/sa/frontend"] } }], to: [{ operation: { methods: ["GET"] } }] },
            ]));
        it("limits egress with a Sidecar", () =>
            assert.deepStrictEqual(stack.k8s("Sidecar", "default", "shop").inputs.spec, {
                egress: [{ hosts: ["./*", "istio-system/*", "observability/*", "*/api.stripe.com"] }],
            }));
        it("registers no Sidecar without egress", () =>
            assert.throws(() => stack.k8s("Sidecar", "default", "legacy"), { message: "no Sidecar legacy/default registered" }));
    });

    describe("telemetry", () => {
        it("applies a Telemetry spec (from the observability area) to the whole namespace", async () => {
            const registered = await direct(
                () => new MeshNamespace("shop", { injectionLabel: ENABLED, telemetry: { tracing: [{ randomSamplingPercentage: 5 }] } }),
            );
            const t = registered.find((r) => r.name === "shop-telemetry");
            assert.deepStrictEqual(
                [t?.inputs.kind, t?.inputs.metadata, t?.inputs.spec],
                ["Telemetry", { name: "default", namespace: "shop" }, { tracing: [{ randomSamplingPercentage: 5 }] }],
            );
        });
        it("registers no Telemetry without a spec", async () => {
            const registered = await direct(() => new MeshNamespace("shop", { injectionLabel: ENABLED }));
            assert.strictEqual(
                registered.find((r) => r.name === "shop-telemetry"),
                undefined,
            );
        });
    });

    describe("component defaults", () => {
        let registered: Awaited<ReturnType<typeof direct>>;
        before(async () => {
            registered = await direct(
                () =>
                    new MeshNamespace("shop", {
                        injectionLabel: ENABLED,
                        allow: [{ from: [{ kind: "principal", namespace: "web", serviceAccount: "ui" }] }],
                        egress: [],
                    }),
            );
        });
        const spec = (name: string) => registered.find((r) => r.name === name)?.inputs.spec;
        it("requires STRICT mTLS", () => assert.deepStrictEqual(spec("shop-peer-authentication"), { mtls: { mode: "STRICT" } }));
        it("writes principals in the cluster.local trust domain", () =>
            assert.deepStrictEqual(spec("shop-allow-in-namespace").rules, [{ from: [{ source: { principals: ["cluster.local/ns/web/sa/ui"] } }] }]));
        it("keeps istio-system reachable from a Sidecar", () => assert.deepStrictEqual(spec("shop-sidecar").egress, [{ hosts: ["./*", "istio-system/*"] }]));
        it("creates the namespace rather than adopting it", () =>
            assert.strictEqual(registered.find((r) => r.name === "shop-namespace")?.type, "kubernetes:core/v1:Namespace"));
    });

    describe("arguments", () => {
        before(() => direct(() => undefined));
        it("refuses PERMISSIVE without a declared migration", () =>
            assert.throws(() => new MeshNamespace("shop", { injectionLabel: ENABLED, mtls: { mode: "PERMISSIVE", migration: false } }), {
                message:
                    "shop: mtls: PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; it is for moving workloads into the mesh: write { mode: PERMISSIVE, migration: true } to say so, or use STRICT",
            }));
    });
});

describe("mesh in the project's stacks", () => {
    const run = (name: string) => runStack(name);

    describe("dev", () => {
        let stack: Stack;
        before(async () => {
            stack = await run("dev");
        });
        it("routes 90% of api-service to stable and 10% to the canary", () =>
            assert.deepStrictEqual(
                stack
                    .k8s("VirtualService", "api-service", "customer-apps")
                    .inputs.spec.http[1].route.map((r: { destination: { subset: string }; weight: number }) => [r.destination.subset, r.weight]),
                [
                    ["stable", 90],
                    ["canary", 10],
                ],
            ));
        it("registers the external payments API with TLS origination", () =>
            assert.deepStrictEqual(
                [
                    stack.k8s("ServiceEntry", "payments", "istio-system").inputs.spec.hosts,
                    stack.k8s("DestinationRule", "payments", "istio-system").inputs.spec.host,
                ],
                [["api.stripe.com"], "api.stripe.com"],
            ));
        it("adopts legacy-apps, which exists already, with a patch", () =>
            assert.deepStrictEqual(stack.get("kubernetes:core/v1:NamespacePatch", "legacy-apps-namespace").inputs.metadata, {
                name: "legacy-apps",
                labels: { "istio-injection": "enabled", "pod-security.kubernetes.io/enforce": "baseline" },
            }));
        it("keeps the mesh-wide default STRICT", () =>
            assert.deepStrictEqual(stack.k8s("PeerAuthentication", "default", "istio-system").inputs.spec, { mtls: { mode: "STRICT" } }));
        it("exports the mesh summary", () =>
            assert.deepStrictEqual(stack.outputs.mesh, {
                mtls: "STRICT",
                outboundTraffic: "ALLOW_ANY",
                namespaces: ["customer-apps", "legacy-apps"],
                externalHosts: ["api.stripe.com"],
            }));
    });

    describe("prod", () => {
        let stack: Stack;
        before(async () => {
            stack = await run("prod");
        });
        it("is STRICT in every PeerAuthentication", () =>
            assert.deepStrictEqual(
                [...new Set(stack.resources.filter((r) => r.inputs?.kind === "PeerAuthentication").map((r) => r.inputs.spec.mtls.mode))],
                ["STRICT"],
            ));
        it("denies by default in every enrolled namespace", () =>
            assert.deepStrictEqual(
                (stack.outputs.mesh as { namespaces: string[] }).namespaces.map((ns) => stack.k8s("AuthorizationPolicy", "default-deny", ns).inputs.spec),
                [{}],
            ));
        it("enrols with the revision label", () =>
            assert.deepStrictEqual(stack.get("kubernetes:core/v1:NamespacePatch", "customer-apps-namespace").inputs.metadata.labels, {
                "istio.io/rev": "1-30-3",
                "pod-security.kubernetes.io/enforce": "baseline",
            }));
        it("registers every external host the REGISTRY_ONLY mesh may reach", () =>
            assert.deepStrictEqual(stack.outputs.mesh, {
                mtls: "STRICT",
                outboundTraffic: "REGISTRY_ONLY",
                namespaces: ["customer-apps"],
                externalHosts: ["api.stripe.com"],
            }));
        it("limits customer-apps' egress to observability and the payments API", () =>
            assert.deepStrictEqual(stack.k8s("Sidecar", "default", "customer-apps").inputs.spec.egress[0].hosts, [
                "./*",
                "istio-system/*",
                "observability/*",
                "*/api.stripe.com",
            ]));
    });
});

/** Every setting the mesh sections offer, at least once. */
const EVERY_FEATURE = {
    istio: { revision: "1-30-3" },
    gateways: INTERNAL_GATEWAY,
    externalServices: {
        payments: { hosts: ["api.stripe.com"], originateTls: { credentialName: "ca" } },
        ldap: {
            hosts: ["ldap.example.com"],
            ports: [
                { number: 636, protocol: "TCP" },
                { number: 443, protocol: "HTTPS" },
            ],
        },
    },
    namespaces: {
        legacy: { adopt: true },
        shop: {
            labels: { team: "shop" },
            mtls: { mode: "PERMISSIVE", migration: true },
            allow: [
                { from: ["gateway:internal", "web", "shop/ui"], to: "frontend", methods: ["GET", "POST"], paths: ["/api/*", "*.png"], ports: [8080] },
                { ports: [9090] },
            ],
            egress: ["web", "web/*", "api.stripe.com"],
            services: {
                reviews: {
                    port: 9080,
                    loadBalancer: "LEAST_REQUEST",
                    subsets: [
                        { name: "v1", labels: { version: "v1" } },
                        { name: "v2", labels: { version: "v2" } },
                    ],
                    routes: [
                        {
                            match: { headers: { "end-user": "jason", "x-tier": { prefix: "gold" } }, uri: { regex: "/a.*" }, method: "GET" },
                            to: "v2",
                            fault: { delay: { fixedDelay: "5s", percent: 10 }, abort: { httpStatus: 503, percent: 0.5 } },
                        },
                        {
                            to: { v1: 90, v2: 10 },
                            timeout: "10s",
                            retries: { attempts: 3, perTryTimeout: "2s", retryOn: ["5xx", "503"] },
                            mirror: { subset: "v2", percent: 5 },
                        },
                    ],
                    connectionPool: {
                        tcp: { maxConnections: 100, connectTimeout: "1s" },
                        http: {
                            h2UpgradePolicy: "DEFAULT",
                            http1MaxPendingRequests: 50,
                            http2MaxRequests: 100,
                            maxRequestsPerConnection: 10,
                            maxRetries: 3,
                            idleTimeout: "30s",
                        },
                    },
                    outlierDetection: {
                        consecutive5xxErrors: 5,
                        consecutiveGatewayErrors: 2,
                        interval: "30s",
                        baseEjectionTime: "60s",
                        maxEjectionPercent: 50,
                        minHealthPercent: 20,
                    },
                },
            },
        },
    },
};

describe("every mesh feature against Istio's CRDs", () => {
    it("registers only objects their CRD schema and CEL rules accept", async () => {
        const stack = await runProgram(EVERY_FEATURE);
        const validator = new SchemaValidator();
        const findings = stack.resources.flatMap((r) => {
            const m = /^kubernetes:([^:/]+)\/([^:/]+):([A-Za-z0-9]+)$/.exec(r.type);
            if (!m || m[1] === "helm.sh" || m[3].endsWith("Patch")) return [];
            const object = { ...r.inputs, apiVersion: apiVersionOfToken(m[1], m[2]), kind: m[3] };
            return validator.validate(object, { requireName: false, ignoreUnknownGroups: true }).map((f) => `${r.name}: ${violationMessage(f)}`);
        });
        assert.deepStrictEqual(findings, []);
    });
});
