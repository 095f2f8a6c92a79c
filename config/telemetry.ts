/**
 * The telemetry plan: from the `observability` section to the mesh config's extension providers, default
 * providers and Telemetry specs. Pure and in config/, because the config checks prove with it that every
 * provider a Telemetry names is defined (`unknownProviderReferences`); components/observability.values.ts
 * turns the plan into objects.
 */
import type { AccessLogMode, AccessLogProvider, ObservabilityConfig, TracingProvider } from "./observability";

/** An entry of `meshConfig.extensionProviders` (tracing, access logging, metrics, ext-authz). */
export type ExtensionProvider = { name: string } & Record<string, unknown>;

/** Providers used when a Telemetry resource names none. */
export interface DefaultProviders {
    tracing?: string[];
    metrics?: string[];
    accessLogging?: string[];
}

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

export type ProviderRef = { name: string };
export type TelemetrySpec = {
    tracing?: { providers: ProviderRef[]; randomSamplingPercentage: number }[];
    accessLogging?: { providers: ProviderRef[]; filter?: { expression: string }; disabled?: boolean }[];
    metrics?: { providers: ProviderRef[]; overrides?: Record<string, unknown>[] }[];
};

export interface TelemetryPlan {
    extensionProviders: ExtensionProvider[];
    defaultProviders: DefaultProviders;
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
        out.push(
            provider === "otel" ? { name: PROVIDER_NAMES.tracing.otel, opentelemetry: service } : { name: PROVIDER_NAMES.tracing.zipkin, zipkin: service },
        );
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
    return scopes.flatMap(([scope, spec]) =>
        providerReferences(spec)
            .filter((n) => !defined.has(n))
            .map((name) => ({ scope, name })),
    );
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
