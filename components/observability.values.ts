/**
 * Pure functions from the `observability` section to what Istio consumes: the mesh config's extension
 * providers and default providers, the Telemetry specs and the prometheus-operator monitors (Kiali's
 * values are in kiali.values.ts). No runtime imports: the config loader uses this module too. Providers and Telemetry come out of one function, so every provider a
 * Telemetry names is defined (`unknownProviderReferences` proves it, the config cross check enforces it).
 */
import type { AccessLogMode, AccessLogProvider, ObservabilityConfig, PrometheusConfig, TracingProvider } from "../config/observability";
import type { ExtensionProvider, MeshSettings } from "./control-plane.values";

/** The names the generated providers carry in `meshConfig.extensionProviders` (and Telemetry resources). */
export const PROVIDER_NAMES = {
    tracing: { otel: "otel-tracing", zipkin: "zipkin" } satisfies Record<TracingProvider, string>,
    accessLog: { envoy: "envoy-file", otel: "otel-access-log" } satisfies Record<AccessLogProvider, string>,
    metrics: "prometheus",
} as const;

/**
 * CEL over Envoy attributes: HTTP responses from 400 up, and anything Envoy flagged (no route, upstream
 * reset, timeouts...). TCP connections have no response code; for them only the flags decide.
 */
export const ERRORS_ONLY_FILTER = "response.code >= 400 || response.flags != 0";

/** Sidecars and gateways serve Envoy's and the app's metrics merged on the agent's port (enablePrometheusMerge). */
export const MERGED_METRICS = { port: 15020, path: "/stats/prometheus" } as const;

/** The name of the mesh-wide Telemetry resource in the root namespace. */
export const MESH_TELEMETRY_NAME = "mesh-default";

/** A Kubernetes object as the program registers it: explicit name and namespace, always. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown>;
}

export type ProviderRef = { name: string };
export type TelemetrySpec = {
    tracing?: { providers: ProviderRef[]; randomSamplingPercentage: number }[];
    accessLogging?: { providers: ProviderRef[]; filter?: { expression: string }; disabled?: boolean }[];
    metrics?: { providers: ProviderRef[]; overrides?: Record<string, unknown>[] }[];
};

export interface TelemetryPlan {
    extensionProviders: ExtensionProvider[];
    defaultProviders: NonNullable<MeshSettings["defaultProviders"]>;
    /** The spec of the Telemetry in the mesh root namespace. */
    meshWide: TelemetrySpec;
    /** Namespace name to the spec of its namespace-wide Telemetry (only namespaces with overrides). */
    namespaces: Record<string, TelemetrySpec>;
}

function accessLogEntry(mode: AccessLogMode, provider: string): NonNullable<TelemetrySpec["accessLogging"]>[number] {
    const providers = [{ name: provider }];
    switch (mode) {
        case "all":
            return { providers };
        case "errors-only":
            return { providers, filter: { expression: ERRORS_ONLY_FILTER } };
        case "off":
            return { providers, disabled: true };
    }
}

export function telemetryPlan(obs: ObservabilityConfig): TelemetryPlan {
    const tracingName = obs.tracing && PROVIDER_NAMES.tracing[obs.tracing.provider];
    const meshLogName = PROVIDER_NAMES.accessLog[obs.accessLogs.provider];
    const meshLogsOn = obs.accessLogs.mode !== "off";

    const meshWide: TelemetrySpec = {};
    if (obs.tracing && tracingName) {
        meshWide.tracing = [{ providers: [{ name: tracingName }], randomSamplingPercentage: obs.tracing.sampling }];
    }
    if (meshLogsOn) {
        meshWide.accessLogging = [accessLogEntry(obs.accessLogs.mode, meshLogName)];
    }
    meshWide.metrics = [
        obs.prometheus.mode === "off"
            ? // Nobody scrapes: spare every proxy the cost of computing Istio's standard metrics.
              { providers: [{ name: PROVIDER_NAMES.metrics }], overrides: [{ match: { metric: "ALL_METRICS", mode: "CLIENT_AND_SERVER" }, disabled: true }] }
            : { providers: [{ name: PROVIDER_NAMES.metrics }] },
    ];

    const namespaces: Record<string, TelemetrySpec> = {};
    for (const [ns, o] of Object.entries(obs.namespaces)) {
        const spec: TelemetrySpec = {};
        if (o.sampling !== undefined && tracingName) {
            spec.tracing = [{ providers: [{ name: tracingName }], randomSamplingPercentage: o.sampling }];
        }
        if (o.accessLogs) {
            const name = PROVIDER_NAMES.accessLog[o.accessLogs.provider];
            spec.accessLogging = [accessLogEntry(o.accessLogs.mode, name)];
            // The namespace's choice replaces the mesh-wide one, not adds to it.
            if (meshLogsOn && name !== meshLogName) {
                spec.accessLogging.push({ providers: [{ name: meshLogName }], disabled: true });
            }
        }
        if (spec.tracing || spec.accessLogging) {
            namespaces[ns] = spec;
        }
    }

    const used = new Set([meshWide, ...Object.values(namespaces)].flatMap(providerReferences));
    const extensionProviders = allProviders(obs).filter((p) => used.has(p.name));
    const defaultProviders: TelemetryPlan["defaultProviders"] = { metrics: [PROVIDER_NAMES.metrics] };
    if (tracingName) defaultProviders.tracing = [tracingName];
    if (meshLogsOn) defaultProviders.accessLogging = [meshLogName];
    return { extensionProviders, defaultProviders, meshWide, namespaces };
}

/** Every provider this config can define; the plan keeps those a Telemetry names. */
function allProviders(obs: ObservabilityConfig): ExtensionProvider[] {
    const out: ExtensionProvider[] = [];
    if (obs.tracing) {
        const { provider, endpoint } = obs.tracing;
        const service = { service: endpoint.host, port: endpoint.port };
        // `opentelemetry` without `http` exports OTLP over gRPC.
        out.push(provider === "otel" ? { name: PROVIDER_NAMES.tracing.otel, opentelemetry: service } : { name: PROVIDER_NAMES.tracing.zipkin, zipkin: service });
    }
    out.push({
        name: PROVIDER_NAMES.accessLog.envoy,
        // Empty labels select Istio's default JSON fields; no logFormat is Istio's default text line.
        envoyFileAccessLog: obs.accessLogs.encoding === "JSON" ? { path: "/dev/stdout", logFormat: { labels: {} } } : { path: "/dev/stdout" },
    });
    if (obs.accessLogs.endpoint) {
        out.push({ name: PROVIDER_NAMES.accessLog.otel, envoyOtelAls: { service: obs.accessLogs.endpoint.host, port: obs.accessLogs.endpoint.port } });
    }
    out.push({ name: PROVIDER_NAMES.metrics, prometheus: {} });
    return out;
}

/** The Telemetry spec of a namespace with overrides, or undefined (own keys only: "constructor" is a valid namespace). */
export function namespaceTelemetry(plan: TelemetryPlan, namespace: string): TelemetrySpec | undefined {
    return Object.hasOwn(plan.namespaces, namespace) ? plan.namespaces[namespace] : undefined;
}

export function providerReferences(spec: TelemetrySpec): string[] {
    const entries = [...(spec.tracing ?? []), ...(spec.accessLogging ?? []), ...(spec.metrics ?? [])];
    return [...new Set(entries.flatMap((e) => e.providers.map((p) => p.name)))];
}

/** Telemetry provider names that the plan's extension providers do not define: `mesh` or the namespace. */
export function unknownProviderReferences(plan: TelemetryPlan): { scope: string; name: string }[] {
    const defined = new Set(plan.extensionProviders.map((p) => p.name));
    const scopes: [string, TelemetrySpec][] = [["mesh", plan.meshWide], ...Object.entries(plan.namespaces)];
    return scopes.flatMap(([scope, spec]) => providerReferences(spec).filter((n) => !defined.has(n)).map((name) => ({ scope, name })));
}

/** A complete Telemetry object (for the mesh-wide default, or a namespace the program owns). */
export function telemetryObject(name: string, namespace: string, spec: TelemetrySpec): KubeObject {
    return {
        apiVersion: "telemetry.istio.io/v1",
        kind: "Telemetry",
        metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "istio-mesh" } },
        spec: { ...spec },
    };
}

export interface MonitorArgs {
    prometheus: PrometheusConfig;
    /** The mesh root namespace (istiod's namespace); the monitors live there. */
    istioNamespace: string;
    /** istiod's revision, or every revision when several run (istio.revisions). */
    revision: string | string[];
    /** Namespaces of the ingress gateways. */
    gatewayNamespaces: string[];
    /** `istio` pod labels of gateways beyond the conventional two (`ingressgateway-partner`, `egressgateway`). @default [] */
    gatewayLabels?: string[];
}

/** Pod labels of the gateways (see the ingress conventions). */
export const GATEWAY_POD_LABEL = { key: "istio", values: ["ingressgateway", "ingressgateway-internal"] } as const;

/**
 * The proxies serve merged metrics on 15020, which no container declares; the monitors select the port they
 * do declare (http-envoy-prom, 15090), one per pod, and move the target to 15020.
 */
function mergedMetricsEndpoint(p: PrometheusConfig): Record<string, unknown> {
    return {
        port: "http-envoy-prom",
        path: MERGED_METRICS.path,
        ...(p.interval ? { interval: p.interval } : {}),
        relabelings: [
            { sourceLabels: ["__meta_kubernetes_pod_ip"], regex: "([^:]+)", targetLabel: "__address__", replacement: `$1:${MERGED_METRICS.port}`, action: "replace" },
            { sourceLabels: ["__meta_kubernetes_pod_ip"], regex: "(.+:.+)", targetLabel: "__address__", replacement: `[$1]:${MERGED_METRICS.port}`, action: "replace" },
        ],
    };
}

/**
 * istiod's Services: of one revision, or of several. Revision-tag Services (`istiod-revision-tag-<tag>`) carry
 * the same app and revision labels and front the same pods, so they are left out rather than scraped twice.
 */
function istiodSelector(revision: string | string[]): Record<string, unknown> {
    if (typeof revision === "string") {
        return { matchLabels: { app: "istiod", "istio.io/rev": revision } };
    }
    return {
        matchLabels: { app: "istiod" },
        matchExpressions: [
            { key: "istio.io/rev", operator: "In", values: [...revision].sort() },
            { key: "istio.io/tag", operator: "DoesNotExist" },
        ],
    };
}

/** ServiceMonitor for istiod and PodMonitors for gateways and sidecars (prometheus-operator mode). */
export function monitorObjects(a: MonitorArgs): KubeObject[] {
    const metadata = (name: string) => ({
        name,
        namespace: a.istioNamespace,
        labels: { "app.kubernetes.io/part-of": "istio-mesh", ...a.prometheus.monitorLabels },
    });
    const interval = a.prometheus.interval ? { interval: a.prometheus.interval } : {};
    return [
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: metadata("istiod"),
            spec: {
                jobLabel: "app",
                selector: istiodSelector(a.revision),
                namespaceSelector: { matchNames: [a.istioNamespace] },
                endpoints: [{ port: "http-monitoring", ...interval }],
            },
        },
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: metadata("istio-gateways"),
            spec: {
                selector: { matchExpressions: [{ key: GATEWAY_POD_LABEL.key, operator: "In", values: [...new Set([...GATEWAY_POD_LABEL.values, ...(a.gatewayLabels ?? [])])] }] },
                namespaceSelector: { matchNames: [...new Set(a.gatewayNamespaces)].sort() },
                podMetricsEndpoints: [mergedMetricsEndpoint(a.prometheus)],
            },
        },
        {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: metadata("istio-sidecars"),
            spec: {
                // Injected pods carry the tlsMode label; gateways (and istiod) carry `istio` and are scraped above.
                selector: {
                    matchExpressions: [
                        { key: "security.istio.io/tlsMode", operator: "Exists" },
                        { key: GATEWAY_POD_LABEL.key, operator: "DoesNotExist" },
                    ],
                },
                namespaceSelector: { any: true },
                podMetricsEndpoints: [mergedMetricsEndpoint(a.prometheus)],
            },
        },
    ];
}

/**
 * Whether a Gateway server host (`host`, `*.suffix`, `*`, optionally `<ns>/` or `./`-prefixed) admits a
 * VirtualService for `host` living in `namespace`.
 */
export function gatewayHostCovers(gatewayHost: string, host: string, namespace: string, gatewayNamespace: string): boolean {
    const slash = gatewayHost.indexOf("/");
    const scope = slash >= 0 ? gatewayHost.slice(0, slash) : "*";
    const dns = slash >= 0 ? gatewayHost.slice(slash + 1) : gatewayHost;
    const scoped = scope === "*" || scope === namespace || (scope === "." && namespace === gatewayNamespace);
    if (!scoped) {
        return false;
    }
    if (dns === "*") {
        return true;
    }
    return dns.startsWith("*.") ? host.endsWith(dns.slice(1)) : dns === host;
}
