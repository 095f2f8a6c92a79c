import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { KialiConfig, OBSERVABILITY_DEFAULTS } from "../../config/observability";
import { kialiHostProblem, reportUnknownProviders } from "../../config/observability-checks";
import { telemetryPlan } from "../../components/observability.values";

function problems(raw: Record<string, unknown>): string[] {
    return checkMeshConfig(raw).problems.map((p) => `${p.key}: ${p.message}`);
}
const KIALI = { host: "kiali.internal.example.com", prometheusUrl: "http://prometheus-operated.observability:9090" };
const INTERNAL = { gateways: { internal: { hosts: ["*.internal.example.com"] } } };

/** The section parsed in a stack that has what Kiali needs around it (internal gateway, client secret). */
const obs = (observability: unknown) => parseMeshConfig({ ...INTERNAL, kialiOidcClientSecret: "[secret]", observability }).observability;
const obsProblems = (observability: unknown) => problems({ observability });

describe("config: observability", () => {
    describe("defaults", () => {
        const o = parseMeshConfig({}).observability;

        it("traces nothing: there is no backend to send spans to", () => assert.strictEqual(o.tracing, undefined));
        it("logs errors only, to the proxy's stdout as JSON", () =>
            assert.deepStrictEqual(o.accessLogs, { mode: "errors-only", provider: "envoy", encoding: "JSON", endpoint: undefined }));
        it("leaves scraping to the prometheus.io annotations", () => assert.deepStrictEqual(o.prometheus, { mode: "annotations", monitorLabels: {} }));
        it("installs no Kiali", () => assert.strictEqual(o.kiali, undefined));
        it("overrides no namespace", () => assert.deepStrictEqual(o.namespaces, {}));
        it("assumes the cluster domain cluster.local", () => assert.strictEqual(o.clusterDomain, "cluster.local"));
        it("samples 1% of requests, Istio's own default", () =>
            assert.strictEqual(obs({ tracing: { endpoint: "otel-collector.observability:4317" } }).tracing?.sampling, 1));
        it("traces over OpenTelemetry when no provider is named", () =>
            assert.strictEqual(obs({ tracing: { endpoint: "otel-collector.observability:4317" } }).tracing?.provider, "otel"));
        it("sends OpenTelemetry access logs to the OpenTelemetry tracing collector", () =>
            assert.deepStrictEqual(obs({ tracing: { endpoint: "otel-collector.observability:4317" }, accessLogs: { provider: "otel" } }).accessLogs.endpoint, {
                host: "otel-collector.observability.svc.cluster.local",
                port: 4317,
            }));
        it("installs Kiali 2.29.0 from kiali.org with token login and one replica", () => {
            const k = obs({ kiali: KIALI }).kiali!;
            assert.deepStrictEqual(
                [k.version, k.chart, k.login, k.replicas, k.namespace],
                ["2.29.0", { kind: "repo", url: "https://kiali.org/helm-charts" }, { kind: "token" }, 1, undefined],
            );
        });
        it("uses the OpenID client id kiali", () =>
            assert.deepStrictEqual(obs({ kiali: { ...KIALI, login: "openid", issuer: "https://keycloak.example.com/realms/platform/" } }).kiali!.login, {
                kind: "openid",
                issuer: "https://keycloak.example.com/realms/platform",
                clientId: "kiali",
            }));
        it("links Grafana and the tracing UI at their in-cluster URLs, tracing as Jaeger", () => {
            const k = obs({ kiali: { ...KIALI, grafanaUrl: "http://grafana.observability", tracingUrl: "http://jaeger-query.observability:16686" } }).kiali!;
            assert.deepStrictEqual(
                [k.grafana, k.tracing],
                [
                    { url: "http://grafana.observability", externalUrl: "http://grafana.observability" },
                    { url: "http://jaeger-query.observability:16686", externalUrl: "http://jaeger-query.observability:16686", backend: "jaeger" },
                ],
            );
        });
        it("has a single source of defaults", () => assert.strictEqual(OBSERVABILITY_DEFAULTS.kiali.version, "2.29.0"));
    });

    describe("endpoints", () => {
        const host = (endpoint: string, extra: Record<string, unknown> = {}) => obs({ tracing: { provider: "zipkin", endpoint }, ...extra }).tracing?.endpoint;

        it("completes <service>.<namespace> with the cluster domain", () =>
            assert.deepStrictEqual(host("jaeger-collector.observability:9411"), { host: "jaeger-collector.observability.svc.cluster.local", port: 9411 }));
        it("completes <service>.<namespace>.svc", () =>
            assert.deepStrictEqual(host("jaeger-collector.observability.svc:9411"), { host: "jaeger-collector.observability.svc.cluster.local", port: 9411 }));
        it("keeps a fully qualified name", () =>
            assert.deepStrictEqual(host("otel-collector.observability.svc.cluster.local:4317"), {
                host: "otel-collector.observability.svc.cluster.local",
                port: 4317,
            }));
        it("completes with a configured cluster domain", () =>
            assert.deepStrictEqual(host("jaeger-collector.observability:9411", { clusterDomain: "prod.local" }), {
                host: "jaeger-collector.observability.svc.prod.local",
                port: 9411,
            }));
    });

    describe("reads", () => {
        it("accessLogs as a bare mode", () => assert.strictEqual(obs({ accessLogs: "all" }).accessLogs.mode, "all"));
        it("text file logs", () => assert.strictEqual(obs({ accessLogs: { mode: "all", encoding: "TEXT" } }).accessLogs.encoding, "TEXT"));
        it("prometheus-operator monitors with labels and an interval", () =>
            assert.deepStrictEqual(obs({ prometheus: { mode: "operator", monitorLabels: { release: "kube-prometheus-stack" }, interval: "30s" } }).prometheus, {
                mode: "operator",
                monitorLabels: { release: "kube-prometheus-stack" },
                interval: "30s",
            }));
        it("per-namespace sampling and access logs", () =>
            assert.deepStrictEqual(
                obs({
                    tracing: { endpoint: "otel-collector.observability:4317" },
                    namespaces: { payments: { sampling: 10, accessLogs: "all" }, web: { accessLogs: { provider: "otel" } } },
                }).namespaces,
                { payments: { sampling: 10, accessLogs: { mode: "all", provider: "envoy" } }, web: { accessLogs: { mode: "errors-only", provider: "otel" } } },
            ));
        it("a Kiali chart from an OCI mirror", () =>
            assert.deepStrictEqual(obs({ kiali: { ...KIALI, chartRepo: "oci://harbor.example.com/kiali/" } }).kiali!.chart, {
                kind: "oci",
                url: "oci://harbor.example.com/kiali",
            }));
        it("a Kiali chart from a local directory", () =>
            assert.deepStrictEqual(obs({ kiali: { ...KIALI, chartDir: "charts" } }).kiali!.chart, { kind: "local", dir: "charts" }));
        it("whether the Kiali client secret is set, never its value", () =>
            assert.strictEqual(parseMeshConfig({ kialiOidcClientSecret: "s3cr3t" }).kialiOidcClientSecret, true));
    });

    describe("bad input", () => {
        const T = "istio-mesh:observability";
        it("refuses sampling above 100", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "otel-collector.observability:4317", sampling: 150 } }), [
                `${T}.tracing.sampling: must be a number from 0 to 100 (got 150)`,
            ]));
        it("refuses negative sampling", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "otel-collector.observability:4317", sampling: -1 } }), [
                `${T}.tracing.sampling: must be a number from 0 to 100 (got -1)`,
            ]));
        it("refuses a namespace's sampling above 100", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "otel-collector.observability:4317" }, namespaces: { web: { sampling: 101 } } }), [
                `${T}.namespaces.web.sampling: must be a number from 0 to 100 (got 101)`,
            ]));
        it("refuses an endpoint without a port", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "otel-collector.observability" } }), [
                `${T}.tracing.endpoint: must be host:port, e.g. otel-collector.observability.svc.cluster.local:4317 (got "otel-collector.observability")`,
            ]));
        it("refuses a URL as endpoint", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "http://otel-collector.observability:4317" } }), [
                `${T}.tracing.endpoint: must be host:port, e.g. otel-collector.observability.svc.cluster.local:4317 (got "http://otel-collector.observability:4317")`,
            ]));
        it("refuses a port above 65535", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "otel-collector.observability:70000" } }), [
                `${T}.tracing.endpoint: must be host:port, e.g. otel-collector.observability.svc.cluster.local:4317 (got "otel-collector.observability:70000")`,
            ]));
        it("refuses a bare Service name", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { provider: "zipkin", endpoint: "jaeger-collector:9411" } }), [
                `${T}.tracing.endpoint: must include the Service's namespace, e.g. jaeger-collector.observability:9411: a bare Service name is ambiguous (got "jaeger-collector:9411")`,
            ]));
        it("refuses an IP address", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { endpoint: "10.0.0.7:4317" } }), [
                `${T}.tracing.endpoint: must name a Service, not an IP address: Istio finds providers in its service registry (got "10.0.0.7:4317")`,
            ]));
        it("requires a tracing endpoint", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { provider: "zipkin" } }), [
                `${T}.tracing.endpoint: is required: the host:port spans are sent to, e.g. jaeger-collector.observability:9411`,
            ]));
        it("names an unknown tracing provider", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { provider: "jaeger", endpoint: "jaeger-collector.observability:9411" } }), [
                `${T}.tracing.provider: unknown tracing provider "jaeger": use otel (OpenTelemetry over OTLP gRPC, e.g. otel-collector.<ns>:4317) or zipkin (Zipkin API, e.g. Jaeger's jaeger-collector.<ns>:9411)`,
            ]));
        it("does not take an object's built-in property for a provider", () =>
            assert.deepStrictEqual(obsProblems({ tracing: { provider: "constructor", endpoint: "otel-collector.observability:4317" } }), [
                `${T}.tracing.provider: unknown tracing provider "constructor": use otel (OpenTelemetry over OTLP gRPC, e.g. otel-collector.<ns>:4317) or zipkin (Zipkin API, e.g. Jaeger's jaeger-collector.<ns>:9411)`,
            ]));
        it("names an unknown access log provider", () =>
            assert.deepStrictEqual(obsProblems({ accessLogs: { provider: "loki" } }), [
                `${T}.accessLogs.provider: unknown access log provider "loki": use envoy (Envoy's file log on the proxy's stdout) or otel (OpenTelemetry logs over OTLP gRPC)`,
            ]));
        it("names an unknown provider in a namespace override", () =>
            assert.deepStrictEqual(obsProblems({ namespaces: { web: { accessLogs: { provider: "fluentd" } } } }), [
                `${T}.namespaces.web.accessLogs.provider: unknown access log provider "fluentd": use envoy (Envoy's file log on the proxy's stdout) or otel (OpenTelemetry logs over OTLP gRPC)`,
            ]));
        const noEndpoint =
            "names provider otel, which has no endpoint: set observability.accessLogs.endpoint to the collector's host:port, " +
            "or send traces to an OpenTelemetry collector (tracing.provider: otel), whose endpoint is then reused";
        it("refuses OpenTelemetry access logs with nowhere to send them", () =>
            assert.deepStrictEqual(obsProblems({ accessLogs: { provider: "otel" } }), [`${T}.accessLogs.provider: ${noEndpoint}`]));
        it("refuses a namespace's OpenTelemetry access logs with nowhere to send them", () =>
            assert.deepStrictEqual(
                obsProblems({
                    tracing: { provider: "zipkin", endpoint: "jaeger-collector.observability:9411" },
                    namespaces: { web: { accessLogs: { provider: "otel" } } },
                }),
                [`${T}.namespaces.web.accessLogs.provider: ${noEndpoint}`],
            ));
        it("refuses turning off OpenTelemetry access logs that do not exist", () =>
            assert.deepStrictEqual(obsProblems({ namespaces: { web: { accessLogs: { mode: "off", provider: "otel" } } } }), [
                `${T}.namespaces.web.accessLogs.provider: ${noEndpoint}`,
            ]));
        it("refuses a namespace sampling rate without tracing", () =>
            assert.deepStrictEqual(obsProblems({ namespaces: { web: { sampling: 5 } } }), [
                `${T}.namespaces.web.sampling: sets a sampling rate but tracing is off: configure observability.tracing (provider, endpoint) first`,
            ]));
        it("refuses an unknown access log mode", () =>
            assert.deepStrictEqual(obsProblems({ accessLogs: "errors" }), [`${T}.accessLogs: must be one of all, errors-only, off (got "errors")`]));
        it("refuses a namespace name that is not one", () =>
            assert.deepStrictEqual(obsProblems({ namespaces: { Web_App: { accessLogs: "all" } } }), [
                `${T}.namespaces.Web_App: is not a namespace name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`,
            ]));
        it("refuses overrides for the mesh root namespace", () =>
            assert.deepStrictEqual(obsProblems({ namespaces: { "istio-system": { accessLogs: "all" } } }), [
                `${T}.namespaces.istio-system: is the mesh root namespace, whose Telemetry is the mesh-wide default: set these under observability.tracing and observability.accessLogs`,
            ]));
        it("suggests the key meant by a typo", () =>
            assert.deepStrictEqual(obsProblems({ tracng: {} }), [
                `${T}.tracng: unknown key; did you mean "tracing"? known keys: tracing, accessLogs, prometheus, metrics, alerts, dashboards, kiali, namespaces, clusterDomain`,
            ]));
        it("refuses an unknown prometheus mode", () =>
            assert.deepStrictEqual(obsProblems({ prometheus: "pull" }), [`${T}.prometheus: must be one of operator, annotations, off (got "pull")`]));
        it("refuses monitor labels without the operator", () =>
            assert.deepStrictEqual(obsProblems({ prometheus: { mode: "annotations", monitorLabels: { release: "x" } } }), [
                `${T}.prometheus.monitorLabels: only applies with mode: operator (got mode "annotations")`,
            ]));
        it("refuses a malformed scrape interval", () =>
            assert.deepStrictEqual(obsProblems({ prometheus: { mode: "operator", interval: "15 seconds" } }), [
                `${T}.prometheus.interval: must be a Prometheus duration such as 15s or 1m (got "15 seconds")`,
            ]));
        it("refuses a malformed monitor label key", () =>
            assert.deepStrictEqual(obsProblems({ prometheus: { mode: "operator", monitorLabels: { "bad key": "x" } } }), [
                `${T}.prometheus.monitorLabels.bad key: is not a valid label key: use a name such as release or app.kubernetes.io/part-of`,
            ]));
    });

    describe("bad Kiali input", () => {
        const K = "istio-mesh:observability.kiali";
        const kiali = (extra: Record<string, unknown>) => problems({ ...INTERNAL, observability: { kiali: { ...KIALI, ...extra } } });
        it("requires an issuer with OpenID login", () =>
            assert.deepStrictEqual(
                kiali({ login: "openid" }).filter((p) => p.startsWith(K)),
                [`${K}.issuer: is required with login: openid: set the OpenID Connect issuer URL, e.g. https://keycloak.example.com/realms/platform`],
            ));
        it("requires the client secret with OpenID login, as a secret the stack file may lack", () =>
            assert.deepStrictEqual(
                checkMeshConfig({
                    ...INTERNAL,
                    observability: { kiali: { ...KIALI, login: "openid", issuer: "https://keycloak.example.com/realms/platform" } },
                }).missingSecrets.map((p) => `${p.key}: ${p.message}`),
                [
                    "istio-mesh:kialiOidcClientSecret: is required with observability.kiali.login: openid: run pulumi config set --secret istio-mesh:kialiOidcClientSecret <client secret>",
                ],
            ));
        it("accepts OpenID login with issuer and client secret", () =>
            assert.deepStrictEqual(
                problems({
                    ...INTERNAL,
                    kialiOidcClientSecret: "[secret]",
                    observability: { kiali: { ...KIALI, login: "openid", issuer: "https://keycloak.example.com/realms/platform" } },
                }),
                [],
            ));
        it("refuses an issuer with token login", () =>
            assert.deepStrictEqual(kiali({ issuer: "https://keycloak.example.com/realms/platform" }), [
                `${K}.issuer: only applies with login: openid (got login "token")`,
            ]));
        it("requires a host", () =>
            assert.deepStrictEqual(problems({ observability: { kiali: { prometheusUrl: KIALI.prometheusUrl } } }), [
                `${K}.host: is required: the internal gateway host Kiali is published on, e.g. kiali.internal.example.com`,
            ]));
        it("requires the Prometheus URL", () =>
            assert.deepStrictEqual(problems({ ...INTERNAL, observability: { kiali: { host: KIALI.host } } }), [
                `${K}.prometheusUrl: is required: Kiali draws its graph from Prometheus; set its in-cluster URL, e.g. http://prometheus-operated.observability:9090`,
            ]));
        it("refuses a wildcard host", () =>
            assert.deepStrictEqual(kiali({ host: "*.internal.example.com" }), [
                `${K}.host: must be a DNS name without scheme or wildcard, e.g. kiali.internal.example.com (got "*.internal.example.com")`,
            ]));
        it("refuses a chart from both a repository and a directory", () =>
            assert.deepStrictEqual(kiali({ chartRepo: "https://kiali.org/helm-charts", chartDir: "charts" }), [
                `${K}.chartDir: chartRepo and chartDir are mutually exclusive: the chart comes either from a repository or from a local directory`,
            ]));
        it("refuses an external Grafana URL without the in-cluster one", () =>
            assert.deepStrictEqual(kiali({ grafanaExternalUrl: "https://grafana.internal.example.com" }), [
                `${K}.grafanaExternalUrl: needs grafanaUrl: Kiali queries the in-cluster URL and links users to the external one`,
            ]));
        it("refuses a host the internal gateway does not serve", () =>
            assert.deepStrictEqual(kiali({ host: "kiali.example.com" }), [
                `${K}.host: is not a host of the internal gateway istio-ingress/internal-gateway (hosts: *.internal.example.com): add it to istio-mesh:gateways.internal.hosts or choose a host the gateway already serves`,
            ]));
        it("refuses Kiali without an internal gateway", () =>
            assert.deepStrictEqual(problems({ observability: { kiali: KIALI } }), [
                `${K}.host: Kiali is published only through the internal gateway, and this stack has none: configure istio-mesh:gateways.internal with a host covering kiali.internal.example.com`,
            ]));
        it("treats an empty client secret as not set (Pulumi.yaml's default)", () =>
            assert.strictEqual(parseMeshConfig({ kialiOidcClientSecret: "" }).kialiOidcClientSecret, false));
        it("refuses a client secret that is not a string", () =>
            assert.deepStrictEqual(problems({ kialiOidcClientSecret: 42 }), [
                "istio-mesh:kialiOidcClientSecret: must be a non-empty string, set with pulumi config set --secret",
            ]));
    });

    describe("a Telemetry naming a provider the mesh config lacks", () => {
        it("is a config error naming the section or the namespace", () => {
            const plan = telemetryPlan(obs({ accessLogs: "all", namespaces: { web: { accessLogs: "errors-only" } } }));
            plan.extensionProviders = plan.extensionProviders.filter((p) => p.name !== "envoy-file");
            const out: string[] = [];
            reportUnknownProviders(plan, (key, message) => out.push(`istio-mesh:${key}: ${message}`));
            const why =
                'a Telemetry would name provider "envoy-file", which meshConfig.extensionProviders does not define: Istio would ignore it without a word';
            assert.deepStrictEqual(out, [`istio-mesh:observability: ${why}`, `istio-mesh:observability.namespaces.web: ${why}`]);
        });
    });

    describe("kialiHostProblem", () => {
        const k = { host: "kiali.internal.example.com" } as KialiConfig;
        const gw = (hosts: string[]) => ({ namespace: "istio-ingress", gateway: "istio-ingress/internal-gateway", hosts });
        it("accepts an exact host", () => assert.strictEqual(kialiHostProblem(k, "istio-system", gw(["kiali.internal.example.com"])), undefined));
        it("accepts a wildcard host", () => assert.strictEqual(kialiHostProblem(k, "istio-system", gw(["*.example.com"])), undefined));
        it("accepts a host open to every namespace", () =>
            assert.strictEqual(kialiHostProblem(k, "istio-system", gw(["*/kiali.internal.example.com"])), undefined));
        it("accepts a host scoped to Kiali's namespace", () => assert.strictEqual(kialiHostProblem(k, "istio-system", gw(["istio-system/*"])), undefined));
        it("refuses a host scoped to another namespace", () =>
            assert.notStrictEqual(kialiHostProblem(k, "istio-system", gw(["apps/*.internal.example.com"])), undefined));
        it("refuses a host scoped to the gateway's own namespace", () =>
            assert.notStrictEqual(kialiHostProblem(k, "istio-system", gw(["./*.internal.example.com"])), undefined));
        it("refuses a wildcard of another domain", () => assert.notStrictEqual(kialiHostProblem(k, "istio-system", gw(["*.internal.example.org"])), undefined));
    });
});
