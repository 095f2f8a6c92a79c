import * as assert from "assert";
import { parseMeshConfig } from "../../config";
import { kialiChartRef, kialiValues, kialiVirtualService } from "../../components/kiali.values";
import { ERRORS_ONLY_FILTER, monitorObjects, telemetryObject, telemetryPlan, unknownProviderReferences } from "../../components/observability.values";
import { runProgram, secretPaths, Stack } from "../mocks";
import { runStack } from "../stack-files";

const CHART = "kubernetes:helm.sh/v4:Chart";
const obs = (observability: unknown, extra: Record<string, unknown> = {}) =>
    parseMeshConfig({ gateways: { internal: { hosts: ["*.internal.example.com"] } }, kialiOidcClientSecret: "x", ...extra, observability }).observability;

const DEV = { tracing: { provider: "zipkin", endpoint: "jaeger-collector.observability:9411", sampling: 100 }, accessLogs: "all", prometheus: "annotations" };
const PROD = {
    tracing: { provider: "otel", endpoint: "otel-collector.observability.svc.cluster.local:4317", sampling: 1 },
    accessLogs: "errors-only",
    prometheus: { mode: "operator", monitorLabels: { release: "kube-prometheus-stack" } },
    namespaces: { "customer-apps": { sampling: 5 } },
};
const KIALI = { host: "kiali.internal.example.com", prometheusUrl: "http://prometheus-operated.observability:9090" };
const INTERNAL_GATEWAY = { internal: { hosts: ["*.internal.example.com"] } };

describe("observability: telemetry plan", () => {
    describe("dev (Jaeger over Zipkin, everything sampled and logged)", () => {
        const plan = telemetryPlan(obs(DEV));
        it("defines the Zipkin tracer, the JSON file log and Prometheus", () =>
            assert.deepStrictEqual(plan.extensionProviders, [
                { name: "zipkin", zipkin: { service: "jaeger-collector.observability.svc.cluster.local", port: 9411 } },
                { name: "envoy-file", envoyFileAccessLog: { path: "/dev/stdout", logFormat: { labels: {} } } },
                { name: "prometheus", prometheus: {} },
            ]));
        it("makes them the default providers", () =>
            assert.deepStrictEqual(plan.defaultProviders, { metrics: ["prometheus"], tracing: ["zipkin"], accessLogging: ["envoy-file"] }));
        it("traces 100% and logs every request mesh-wide", () =>
            assert.deepStrictEqual(plan.meshWide, {
                tracing: [{ providers: [{ name: "zipkin" }], randomSamplingPercentage: 100 }],
                accessLogging: [{ providers: [{ name: "envoy-file" }] }],
                metrics: [{ providers: [{ name: "prometheus" }] }],
            }));
        it("overrides no namespace", () => assert.deepStrictEqual(plan.namespaces, {}));
    });

    describe("prod (OpenTelemetry Collector, 1%, errors only)", () => {
        const plan = telemetryPlan(obs(PROD));
        it("defines the OTLP gRPC tracer, the JSON file log and Prometheus", () =>
            assert.deepStrictEqual(plan.extensionProviders, [
                { name: "otel-tracing", opentelemetry: { service: "otel-collector.observability.svc.cluster.local", port: 4317 } },
                { name: "envoy-file", envoyFileAccessLog: { path: "/dev/stdout", logFormat: { labels: {} } } },
                { name: "prometheus", prometheus: {} },
            ]));
        it("traces 1% and logs only errors mesh-wide", () =>
            assert.deepStrictEqual(plan.meshWide, {
                tracing: [{ providers: [{ name: "otel-tracing" }], randomSamplingPercentage: 1 }],
                accessLogging: [{ providers: [{ name: "envoy-file" }], filter: { expression: "response.code >= 400 || response.flags != 0" } }],
                metrics: [{ providers: [{ name: "prometheus" }] }],
            }));
        it("samples customer-apps at 5%", () =>
            assert.deepStrictEqual(plan.namespaces, {
                "customer-apps": { tracing: [{ providers: [{ name: "otel-tracing" }], randomSamplingPercentage: 5 }] },
            }));
    });

    describe("choices", () => {
        it("declares no access log provider and no default when logs are off", () => {
            const plan = telemetryPlan(obs({ accessLogs: "off" }));
            assert.deepStrictEqual(
                [plan.extensionProviders.map((p) => p.name), plan.defaultProviders, plan.meshWide.accessLogging],
                [["prometheus"], { metrics: ["prometheus"] }, undefined],
            );
        });
        it("uses Istio's text line for TEXT logs", () =>
            assert.deepStrictEqual(telemetryPlan(obs({ accessLogs: { mode: "all", encoding: "TEXT" } })).extensionProviders[0], {
                name: "envoy-file",
                envoyFileAccessLog: { path: "/dev/stdout" },
            }));
        it("sends OpenTelemetry access logs to the tracing collector", () =>
            assert.deepStrictEqual(telemetryPlan(obs({ tracing: PROD.tracing, accessLogs: { mode: "all", provider: "otel" } })).extensionProviders[1], {
                name: "otel-access-log",
                envoyOtelAls: { service: "otel-collector.observability.svc.cluster.local", port: 4317 },
            }));
        it("switches Istio's standard metrics off when nothing scrapes", () =>
            assert.deepStrictEqual(telemetryPlan(obs({ prometheus: "off" })).meshWide.metrics, [
                { providers: [{ name: "prometheus" }], overrides: [{ match: { metric: "ALL_METRICS", mode: "CLIENT_AND_SERVER" }, disabled: true }] },
            ]));
        it("turns a namespace's logs off with the mesh-wide provider", () =>
            assert.deepStrictEqual(telemetryPlan(obs({ accessLogs: "all", namespaces: { web: { accessLogs: "off" } } })).namespaces.web, {
                accessLogging: [{ providers: [{ name: "envoy-file" }], disabled: true }],
            }));
        it("replaces, not adds to, the mesh-wide log provider in a namespace that picks another", () =>
            assert.deepStrictEqual(
                telemetryPlan(obs({ tracing: PROD.tracing, accessLogs: "errors-only", namespaces: { web: { accessLogs: { mode: "all", provider: "otel" } } } }))
                    .namespaces.web,
                { accessLogging: [{ providers: [{ name: "otel-access-log" }] }, { providers: [{ name: "envoy-file" }], disabled: true }] },
            ));
        it("declares a provider only a namespace uses", () =>
            assert.ok(
                telemetryPlan(
                    obs({ tracing: PROD.tracing, accessLogs: "off", namespaces: { web: { accessLogs: { mode: "all", provider: "otel" } } } }),
                ).extensionProviders.some((p) => p.name === "otel-access-log"),
            ));
        it("filters errors on the response code and Envoy's response flags", () =>
            assert.strictEqual(ERRORS_ONLY_FILTER, "response.code >= 400 || response.flags != 0"));
    });

    describe("provider references", () => {
        it("finds none unknown in a generated plan", () =>
            assert.deepStrictEqual(unknownProviderReferences(telemetryPlan(obs({ ...PROD, namespaces: { web: { accessLogs: { provider: "otel" } } } }))), []));
        it("names a Telemetry provider missing from the extension providers, with its scope", () => {
            const plan = telemetryPlan(obs({ ...PROD, namespaces: { web: { accessLogs: "all" } } }));
            plan.extensionProviders = plan.extensionProviders.filter((p) => p.name !== "envoy-file");
            assert.deepStrictEqual(unknownProviderReferences(plan), [
                { scope: "mesh", name: "envoy-file" },
                { scope: "web", name: "envoy-file" },
            ]);
        });
    });
});

describe("observability: Kiali values", () => {
    const values = (kiali: Record<string, unknown>) =>
        kialiValues({ kiali: obs({ kiali: { ...KIALI, ...kiali } }).kiali!, istioNamespace: "istio-system" }) as any;

    it("logs in with Kubernetes tokens by default", () => assert.deepStrictEqual(values({}).auth, { strategy: "token" }));
    it("logs in through Keycloak with OpenID", () =>
        assert.deepStrictEqual(values({ login: "openid", issuer: "https://keycloak.example.com/realms/platform", clientId: "kiali-prod" }).auth, {
            strategy: "openid",
            openid: {
                client_id: "kiali-prod",
                issuer_uri: "https://keycloak.example.com/realms/platform",
                scopes: ["openid", "profile", "email"],
                username_claim: "preferred_username",
            },
        }));
    it("never puts the OpenID client secret in the values", () =>
        assert.ok(!JSON.stringify(values({ login: "openid", issuer: "https://keycloak.example.com/realms/platform" })).includes('secret":')));
    it("reads its signing key from a Secret, not the ConfigMap", () =>
        assert.deepStrictEqual(values({}).login_token, { signing_key: "secret:kiali-signing-key:key" }));
    it("points at Prometheus and the mesh root namespace", () =>
        assert.deepStrictEqual(
            [values({}).external_services.prometheus, values({}).external_services.istio],
            [{ url: "http://prometheus-operated.observability:9090" }, { root_namespace: "istio-system" }],
        ));
    it("disables Grafana and tracing links without URLs", () =>
        assert.deepStrictEqual([values({}).external_services.grafana, values({}).external_services.tracing], [{ enabled: false }, { enabled: false }]));
    it("links Grafana and Tempo", () => {
        const v = values({
            grafanaUrl: "http://grafana.observability",
            grafanaExternalUrl: "https://grafana.internal.example.com",
            tracingUrl: "http://tempo-query-frontend.observability:3200",
            tracingBackend: "tempo",
        }).external_services;
        assert.deepStrictEqual(
            [v.grafana, v.tracing],
            [
                { enabled: true, internal_url: "http://grafana.observability", external_url: "https://grafana.internal.example.com" },
                {
                    enabled: true,
                    provider: "tempo",
                    internal_url: "http://tempo-query-frontend.observability:3200",
                    external_url: "http://tempo-query-frontend.observability:3200",
                    use_grpc: false,
                },
            ],
        );
    });
    it("serves at the root of its own host over https", () =>
        assert.deepStrictEqual(values({}).server, { web_root: "/", web_fqdn: "kiali.internal.example.com", web_schema: "https" }));
    it("creates no Ingress: the internal gateway publishes it", () => assert.deepStrictEqual(values({}).deployment.ingress, { enabled: false }));
    it("pulls its pinned image once per node", () => assert.strictEqual(values({}).deployment.image_pull_policy, "IfNotPresent"));
    it("merges raw values last", () => assert.strictEqual(values({ replicas: 2, values: { deployment: { replicas: 3 } } }).deployment.replicas, 3));
    it("finds the chart in an OCI mirror", () =>
        assert.deepStrictEqual(kialiChartRef({ kind: "oci", url: "oci://harbor.example.com/kiali" }, "2.29.0"), {
            chart: "oci://harbor.example.com/kiali/kiali-server",
            version: "2.29.0",
        }));
    it("finds the chart in a local directory", () =>
        assert.deepStrictEqual(kialiChartRef({ kind: "local", dir: "charts" }, "2.29.0"), { chart: "charts/kiali-server" }));
});

describe("Observability component", () => {
    describe("with defaults", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({});
        });
        it("creates the mesh-wide Telemetry in the root namespace", () =>
            assert.deepStrictEqual(stack.k8s("Telemetry", "mesh-default", "istio-system").inputs.spec, {
                accessLogging: [{ providers: [{ name: "envoy-file" }], filter: { expression: ERRORS_ONLY_FILTER } }],
                metrics: [{ providers: [{ name: "prometheus" }] }],
            }));
        // Depending on the component waits for all its children, istiod (and its webhook) included.
        it("creates it only after the control plane", () => assert.ok(stack.dependencyNames(stack.k8s("Telemetry", "mesh-default")).includes("mesh-istiod")));
        it("hands istiod the same providers", () => {
            const mesh = stack.get(CHART, "mesh-istiod").inputs.values.meshConfig;
            assert.deepStrictEqual(
                [mesh.extensionProviders.map((p: { name: string }) => p.name), mesh.defaultProviders],
                [["envoy-file", "prometheus"], { metrics: ["prometheus"], accessLogging: ["envoy-file"] }],
            );
        });
        it("creates no monitors", () => assert.strictEqual(stack.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor").length, 0));
        it("installs no Kiali", () => assert.strictEqual(stack.find(CHART, "observability-kiali"), undefined));
        it("exports where telemetry goes", () =>
            assert.deepStrictEqual(stack.outputs.observability, {
                traces: null,
                accessLogs: { mode: "errors-only", destination: "proxy stdout (JSON)" },
                metrics: { scraping: "annotations", proxyEndpoint: ":15020/stats/prometheus", monitors: [], alerts: null, dashboards: [] },
                kialiUrl: null,
            }));
    });

    describe("with prometheus-operator", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({
                istio: { revision: "1-30-3" },
                observability: { prometheus: { mode: "operator", monitorLabels: { release: "kps" }, interval: "30s" } },
            });
        });
        it("scrapes istiod's monitoring port, for its revision", () =>
            assert.deepStrictEqual(stack.k8s("ServiceMonitor", "istiod", "istio-system").inputs.spec, {
                jobLabel: "app",
                selector: { matchLabels: { app: "istiod", "istio.io/rev": "1-30-3" } },
                namespaceSelector: { matchNames: ["istio-system"] },
                endpoints: [{ port: "http-monitoring", interval: "30s" }],
            }));
        it("scrapes the gateways' merged metrics on 15020", () => {
            const spec = stack.k8s("PodMonitor", "istio-gateways", "istio-system").inputs.spec;
            assert.deepStrictEqual(
                [spec.selector, spec.namespaceSelector, spec.podMetricsEndpoints[0].path, spec.podMetricsEndpoints[0].relabelings[0].replacement],
                [
                    { matchExpressions: [{ key: "istio", operator: "In", values: ["ingressgateway", "ingressgateway-internal"] }] },
                    { matchNames: ["istio-ingress"] },
                    "/stats/prometheus",
                    "$1:15020",
                ],
            );
        });
        it("scrapes every sidecar in every namespace, gateways excepted", () => {
            const spec = stack.k8s("PodMonitor", "istio-sidecars", "istio-system").inputs.spec;
            assert.deepStrictEqual(
                [spec.selector.matchExpressions, spec.namespaceSelector],
                [
                    [
                        { key: "security.istio.io/tlsMode", operator: "Exists" },
                        { key: "istio", operator: "DoesNotExist" },
                    ],
                    { any: true },
                ],
            );
        });
        it("labels the monitors for Prometheus' selectors", () =>
            assert.deepStrictEqual(stack.k8s("PodMonitor", "istio-sidecars").inputs.metadata.labels, {
                "app.kubernetes.io/part-of": "istio-mesh",
                release: "kps",
            }));
        it("creates the monitors after the control plane", () =>
            assert.ok(stack.dependencyNames(stack.k8s("ServiceMonitor", "istiod")).includes("mesh-istiod")));
        it("lists them in the outputs", () =>
            assert.deepStrictEqual((stack.outputs.observability as any).metrics.monitors, [
                "ServiceMonitor/istiod",
                "PodMonitor/istio-gateways",
                "PodMonitor/istio-sidecars",
            ]));
    });

    describe("per-namespace telemetry", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({
                namespaces: { "customer-apps": {} },
                observability: { tracing: PROD.tracing, namespaces: { "customer-apps": { sampling: 20 }, "legacy-apps": { accessLogs: "all" } } },
            });
        });
        it("hands a mesh namespace its Telemetry spec", () =>
            assert.deepStrictEqual(stack.k8s("Telemetry", "default", "customer-apps").inputs.spec, {
                tracing: [{ providers: [{ name: "otel-tracing" }], randomSamplingPercentage: 20 }],
            }));
        it("gives a namespace without overrides no Telemetry, even one named like an Object property", async () => {
            const other = await runProgram({ namespaces: { constructor: {} } });
            assert.deepStrictEqual(
                other.ofType("kubernetes:telemetry.istio.io/v1:Telemetry").map((r) => r.inputs.metadata.namespace),
                ["istio-system"],
            );
        });
        it("creates the Telemetry itself for a namespace this stack does not enrol", () =>
            assert.deepStrictEqual(
                stack.get("kubernetes:telemetry.istio.io/v1:Telemetry", "observability-telemetry-legacy-apps").inputs.metadata.namespace,
                "legacy-apps",
            ));
    });

    describe("with Kiali behind Keycloak", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(
                {
                    gateways: INTERNAL_GATEWAY,
                    kialiOidcClientSecret: "s3cr3t",
                    observability: { kiali: { ...KIALI, login: "openid", issuer: "https://keycloak.example.com/realms/platform" } },
                },
                { secretKeys: ["kialiOidcClientSecret"] },
            );
        });
        it("installs kiali-server 2.29.0 from kiali.org into the root namespace", () => {
            const c = stack.get(CHART, "observability-kiali").inputs;
            assert.deepStrictEqual(
                [c.chart, c.version, c.repositoryOpts.repo, c.namespace, c.name],
                ["kiali-server", "2.29.0", "https://kiali.org/helm-charts", "istio-system", "kiali"],
            );
        });
        it("keeps the client secret a secret", () =>
            assert.deepStrictEqual(secretPaths(stack.get("kubernetes:core/v1:Secret", "observability-kiali-oidc").wire), ["stringData"]));
        it("stores it where Kiali reads it", () =>
            assert.deepStrictEqual(stack.k8s("Secret", "kiali", "istio-system").inputs.stringData, { "oidc-secret": "s3cr3t" }));
        it("generates the signing key once and keeps it secret", () =>
            assert.deepStrictEqual(secretPaths(stack.get("kubernetes:core/v1:Secret", "observability-kiali-signing-key").wire), ["stringData"]));
        it("starts Kiali after its secrets and the control plane", () =>
            assert.deepStrictEqual(
                stack
                    .dependencyNames(stack.get(CHART, "observability-kiali"))
                    .filter((n) => n.startsWith("observability-") || n === "mesh-istiod")
                    .sort(),
                ["mesh-istiod", "observability-kiali-oidc", "observability-kiali-signing-key"],
            ));
        it("publishes it only through the internal gateway", () =>
            assert.deepStrictEqual(stack.k8s("VirtualService", "kiali", "istio-system").inputs.spec, {
                hosts: ["kiali.internal.example.com"],
                gateways: ["istio-ingress/internal-gateway"],
                http: [{ route: [{ destination: { host: "kiali.istio-system.svc.cluster.local", port: { number: 20001 } } }] }],
            }));
        it("exports the Kiali URL", () => assert.strictEqual((stack.outputs.observability as any).kialiUrl, "https://kiali.internal.example.com/"));
    });

    describe("given a gateway that does not serve Kiali's host", () => {
        it("refuses to publish it", () => {
            const { Observability } = require("../../components/observability") as typeof import("../../components/observability");
            const config = obs({ kiali: KIALI });
            assert.throws(
                () =>
                    new Observability("o", {
                        config,
                        plan: telemetryPlan(config),
                        istioNamespace: "istio-system",
                        revision: "default",
                        controlPlane: undefined as never,
                        gatewayNamespaces: ["istio-ingress"],
                        internalGateway: { gateway: "istio-ingress/internal-gateway", hosts: ["*.apps.example.com"] },
                    }),
                /observability.kiali.host kiali.internal.example.com is not a host of the internal gateway istio-ingress\/internal-gateway \(hosts: \*.apps.example.com\)/,
            );
        });
    });

    describe("outputs", () => {
        it("report no log destination when access logs are off", async () =>
            assert.deepStrictEqual(((await runProgram({ observability: { accessLogs: "off" } })).outputs.observability as any).accessLogs, {
                mode: "off",
                destination: "none",
            }));
        it("report the collector when access logs go over OpenTelemetry", async () =>
            assert.deepStrictEqual(
                ((await runProgram({ observability: { tracing: PROD.tracing, accessLogs: { provider: "otel" } } })).outputs.observability as any).accessLogs,
                { mode: "errors-only", destination: "otel-collector.observability.svc.cluster.local:4317" },
            ));
    });

    describe("with Kiali and token login", () => {
        it("creates no OpenID secret", async () => {
            const stack = await runProgram({ gateways: INTERNAL_GATEWAY, observability: { kiali: KIALI } });
            assert.strictEqual(stack.find("kubernetes:core/v1:Secret", "observability-kiali-oidc"), undefined);
        });
    });
});

describe("observability in the project's stacks", () => {
    const run = (name: string) => runStack(name);

    describe("dev", () => {
        let stack: Stack;
        before(async () => {
            stack = await run("dev");
        });
        it("gives istiod Jaeger (Zipkin API), the file log and Prometheus", () =>
            assert.deepStrictEqual(stack.get(CHART, "mesh-istiod").inputs.values.meshConfig.extensionProviders, [
                { name: "zipkin", zipkin: { service: "jaeger-collector.observability.svc.cluster.local", port: 9411 } },
                { name: "envoy-file", envoyFileAccessLog: { path: "/dev/stdout", logFormat: { labels: {} } } },
                { name: "prometheus", prometheus: {} },
            ]));
        it("traces every request and logs every request", () =>
            assert.deepStrictEqual(stack.k8s("Telemetry", "mesh-default", "istio-system").inputs.spec, {
                tracing: [{ providers: [{ name: "zipkin" }], randomSamplingPercentage: 100 }],
                accessLogging: [{ providers: [{ name: "envoy-file" }] }],
                metrics: [{ providers: [{ name: "prometheus" }] }],
            }));
        it("creates no monitors and no Kiali", () =>
            assert.deepStrictEqual(
                [stack.ofType("kubernetes:monitoring.coreos.com/v1:PodMonitor").length, stack.find(CHART, "observability-kiali")],
                [0, undefined],
            ));
    });

    describe("prod", () => {
        let stack: Stack;
        before(async () => {
            stack = await run("prod");
        });
        it("gives istiod the OpenTelemetry Collector over OTLP gRPC", () =>
            assert.deepStrictEqual(stack.get(CHART, "mesh-istiod").inputs.values.meshConfig.extensionProviders[0], {
                name: "otel-tracing",
                opentelemetry: { service: "otel-collector.observability.svc.cluster.local", port: 4317 },
            }));
        it("traces 1% and logs errors only", () => {
            const spec = stack.k8s("Telemetry", "mesh-default", "istio-system").inputs.spec;
            assert.deepStrictEqual([spec.tracing[0].randomSamplingPercentage, spec.accessLogging[0].filter], [1, { expression: ERRORS_ONLY_FILTER }]);
        });
        it("samples customer-apps at 5% through its mesh namespace", () =>
            assert.deepStrictEqual(stack.k8s("Telemetry", "default", "customer-apps").inputs.spec.tracing, [
                { providers: [{ name: "otel-tracing" }], randomSamplingPercentage: 5 },
            ]));
        it("scrapes with prometheus-operator, istiod selected by its revision", () =>
            assert.deepStrictEqual(stack.k8s("ServiceMonitor", "istiod").inputs.spec.selector.matchLabels, { app: "istiod", "istio.io/rev": "1-30-3" }));
        it("installs Kiali from the Harbor mirror into observability, with OpenID login", () => {
            const c = stack.get(CHART, "observability-kiali").inputs;
            assert.deepStrictEqual(
                [c.chart, c.namespace, c.values.auth.strategy, c.values.deployment.replicas],
                ["oci://harbor.example.com/kiali-charts/kiali-server", "observability", "openid", 2],
            );
        });
        it("exports the Kiali URL and where traces go", () => {
            const o = stack.outputs.observability as any;
            assert.deepStrictEqual(
                [o.kialiUrl, o.traces],
                [
                    "https://kiali.internal.example.com/",
                    { provider: "otel", endpoint: "otel-collector.observability.svc.cluster.local:4317", samplingPercent: 1 },
                ],
            );
        });
    });
});

describe("observability objects against the upstream CRDs", () => {
    // Loaded lazily: parsing the CRDs takes a moment and only this block needs them.
    const validate = (obj: Record<string, unknown>) => {
        const { SchemaValidator } = require("../../policy-pack/schema") as typeof import("../../policy-pack/schema");
        return new SchemaValidator().validate(obj).map((f) => JSON.stringify(f));
    };
    const everything = obs({
        tracing: PROD.tracing,
        accessLogs: "all",
        prometheus: { mode: "operator", monitorLabels: { release: "kps" }, interval: "30s" },
        namespaces: { web: { sampling: 0.5, accessLogs: { mode: "errors-only", provider: "otel" } }, batch: { accessLogs: "off" } },
    });
    const plan = telemetryPlan(everything);
    const objects = [
        telemetryObject("mesh-default", "istio-system", plan.meshWide),
        telemetryObject("mesh-default", "istio-system", telemetryPlan(obs({ prometheus: "off" })).meshWide),
        ...Object.entries(plan.namespaces).map(([ns, spec]) => telemetryObject("default", ns, spec)),
        ...monitorObjects({ prometheus: everything.prometheus, istioNamespace: "istio-system", revision: "default", gatewayNamespaces: ["istio-ingress"] }),
        kialiVirtualService({
            host: "kiali.internal.example.com",
            namespace: "observability",
            gateway: "istio-ingress/internal-gateway",
            clusterDomain: "cluster.local",
        }),
    ];
    it("would catch a Telemetry the CRD refuses (the checks below can fail)", () =>
        assert.notDeepStrictEqual(
            validate(telemetryObject("x", "web", { tracing: [{ providers: [{ name: "zipkin" }], randomSamplingPercentage: 150 }] }) as never),
            [],
        ));
    for (const o of objects) {
        it(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}${o.kind === "Telemetry" ? ` (${Object.keys(o.spec).join(", ")})` : ""} validates`, () =>
            assert.deepStrictEqual(validate(o as unknown as Record<string, unknown>), []));
    }
});
