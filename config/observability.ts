/**
 * `istio-mesh:observability`: where the mesh's traces, access logs and metrics go, and the optional Kiali
 * console. The mesh config's extension providers and the Telemetry resources are both generated from this
 * one section, so a Telemetry resource can never name a provider istiod does not know (Istio would ignore
 * it without a word).
 */
import { isIp } from "../domain/ip";
import { dns1123Subdomain, DNS_NAME, isLabelKey, LABEL_VALUE_PATTERN } from "../domain/names";
import { VERSION } from "../domain/version";
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";
import type { ChartSource } from "./istio";
import { AlertsConfig, DashboardsConfig, MetricsConfig, parseAlerts, parseDashboards, parseMetrics } from "./observability-ops";

export type TracingProvider = "otel" | "zipkin";
export type AccessLogMode = "all" | "errors-only" | "off";
export type AccessLogProvider = "envoy" | "otel";
export type PrometheusMode = "operator" | "annotations" | "off";

/** A Service address. `host` is fully qualified: Istio matches providers against its registry by exact name. */
export interface Endpoint {
    host: string;
    port: number;
}

export interface TracingConfig {
    provider: TracingProvider;
    endpoint: Endpoint;
    /** Percentage of requests traced (0-100) when no upstream decision was made. */
    sampling: number;
}

export interface AccessLogConfig {
    mode: AccessLogMode;
    provider: AccessLogProvider;
    /** File logs only: JSON (one object per line, for Loki/Promtail) or Envoy's text format. */
    encoding: "JSON" | "TEXT";
    /** Where OpenTelemetry access logs go; undefined when no collector is known. */
    endpoint?: Endpoint;
}

export interface PrometheusConfig {
    mode: PrometheusMode;
    /** Labels on the ServiceMonitor/PodMonitors, so Prometheus' monitor selectors pick them up. */
    monitorLabels: Record<string, string>;
    /** Scrape interval of the monitors; Prometheus' global interval when unset. */
    interval?: string;
}

export interface KialiConfig {
    /** Where users reach Kiali: a host of the internal gateway. */
    host: string;
    /** Kiali's namespace; the mesh root namespace when unset. */
    namespace?: string;
    login: { kind: "openid"; issuer: string; clientId: string } | { kind: "token" };
    version: string;
    chart: ChartSource;
    replicas: number;
    prometheusUrl: string;
    grafana?: { url: string; externalUrl: string };
    tracing?: { url: string; externalUrl: string; backend: "jaeger" | "tempo" };
    /** Raw kiali-server chart values, merged last. */
    values: Record<string, unknown>;
}

/** A namespace's departures from the mesh-wide settings. */
export interface NamespaceTelemetryConfig {
    sampling?: number;
    accessLogs?: { mode: AccessLogMode; provider: AccessLogProvider };
}

export interface ObservabilityConfig {
    /** Undefined: no tracing (nothing to send spans to). */
    tracing?: TracingConfig;
    accessLogs: AccessLogConfig;
    prometheus: PrometheusConfig;
    kiali?: KialiConfig;
    namespaces: Record<string, NamespaceTelemetryConfig>;
    clusterDomain: string;
    /** How metrics reach the platform: Prometheus scraping or the OpenTelemetry collector. */
    metrics: MetricsConfig;
    /** PrometheusRule alerts; undefined: none. */
    alerts?: AlertsConfig;
    /** Grafana dashboard ConfigMaps; undefined: none. */
    dashboards?: DashboardsConfig;
}

export const OBSERVABILITY_DEFAULTS = {
    // Istio's own default: 1% of requests.
    sampling: 1,
    // Errors only: cheap, and it answers "why did this request fail" without a log pipeline drowning.
    accessLogs: { mode: "errors-only", provider: "envoy", encoding: "JSON" } satisfies Omit<AccessLogConfig, "endpoint">,
    // The istiod chart's own behaviour: sidecars carry prometheus.io/* scrape annotations.
    prometheus: "annotations" as PrometheusMode,
    clusterDomain: "cluster.local",
    kiali: {
        version: "2.29.0",
        chartRepo: "https://kiali.org/helm-charts",
        clientId: "kiali",
        replicas: 1,
        tracingBackend: "jaeger" as const,
    },
} as const;

const TRACING_PROVIDERS: Record<TracingProvider, string> = {
    otel: "otel (OpenTelemetry over OTLP gRPC, e.g. otel-collector.<ns>:4317)",
    zipkin: "zipkin (Zipkin API, e.g. Jaeger's jaeger-collector.<ns>:9411)",
};
const ACCESS_LOG_PROVIDERS: Record<AccessLogProvider, string> = {
    envoy: "envoy (Envoy's file log on the proxy's stdout)",
    otel: "otel (OpenTelemetry logs over OTLP gRPC)",
};
const ACCESS_LOG_MODES = ["all", "errors-only", "off"] as const;

const HOST_PORT = /^([^:]+):(\d{1,5})$/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const DURATION = /^(\d+(ms|s|m|h))+$/;

export function parseObservability(f: Field): ObservabilityConfig | undefined {
    const o = f.object(["tracing", "accessLogs", "prometheus", "metrics", "alerts", "dashboards", "kiali", "namespaces", "clusterDomain"]);
    if (!o) {
        return undefined;
    }
    const clusterDomain = o.clusterDomain.string(OBSERVABILITY_DEFAULTS.clusterDomain, {
        pattern: DNS_NAME,
        patternHint: "the cluster's DNS domain, e.g. cluster.local",
    });
    const tracing = parseTracing(o.tracing, clusterDomain);
    const accessLogs = parseAccessLogs(o.accessLogs, clusterDomain, tracing);
    const alerts = parseAlerts(o.alerts);
    const dashboards = parseDashboards(o.dashboards);
    const config: ObservabilityConfig = {
        tracing,
        accessLogs,
        prometheus: parsePrometheus(o.prometheus),
        kiali: parseKiali(o.kiali),
        namespaces: o.namespaces.map((ns, name) => parseNamespace(ns, name, tracing, accessLogs)) ?? {},
        clusterDomain,
        metrics: parseMetrics(o.metrics),
    };
    if (config.metrics.via === "collector" && config.prometheus.mode !== "annotations") {
        o.metrics
            .child("via")
            .problem(
                config.prometheus.mode === "off"
                    ? "collector needs the proxies' metrics, which prometheus: off switches off: remove prometheus: off"
                    : "collector scrapes the proxies itself, and prometheus mode operator would have Prometheus scrape them a second time: set prometheus: annotations (or remove it)",
            );
    }
    if (alerts) config.alerts = alerts;
    if (dashboards) config.dashboards = dashboards;
    return config;
}

/**
 * Reads `host:port`. Istio resolves a provider's host in its service registry by exact name, so a short
 * Service name `<svc>.<ns>` (or `<svc>.<ns>.svc`) is completed with the cluster domain; a bare `<svc>`
 * could be in any namespace and is refused.
 */
export function parseEndpoint(f: Field, clusterDomain: string): Endpoint | undefined {
    const text = f.string(undefined);
    if (text === undefined) {
        return undefined;
    }
    const m = HOST_PORT.exec(text);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535 || (dns1123Subdomain(m[1]) !== undefined && !isIp(m[1]))) {
        return f.problem(`must be host:port, e.g. otel-collector.observability.svc.cluster.local:4317 (got ${show(text)})`);
    }
    const host = m[1];
    if (isIp(host) || /^[\d.]+$/.test(host)) {
        return f.problem(`must name a Service, not an IP address: Istio finds providers in its service registry (got ${show(text)})`);
    }
    const labels = host.split(".");
    if (labels.length === 1) {
        return f.problem(`must include the Service's namespace, e.g. ${host}.observability:${port}: a bare Service name is ambiguous (got ${show(text)})`);
    }
    const short = labels.length === 2 || (labels.length === 3 && labels[2] === "svc");
    return { host: short ? `${labels[0]}.${labels[1]}.svc.${clusterDomain}` : host, port };
}

function parseTracing(f: Field, clusterDomain: string): TracingConfig | undefined {
    const o = f.object(["provider", "endpoint", "sampling"]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const provider = providerName(o.provider, "tracing", TRACING_PROVIDERS) ?? "otel";
    const sampling = o.sampling.number(OBSERVABILITY_DEFAULTS.sampling, { min: 0, max: 100 });
    if (!o.endpoint.isSet) {
        return o.endpoint.problem(
            `is required: the host:port spans are sent to, e.g. ${provider === "zipkin" ? "jaeger-collector.observability:9411" : "otel-collector.observability:4317"}`,
        );
    }
    const endpoint = parseEndpoint(o.endpoint, clusterDomain);
    return endpoint && { provider, endpoint, sampling };
}

/** A provider name from the closed set this program can generate; anything else is named with the choices. */
function providerName<P extends string>(f: Field, what: string, known: Record<P, string>): P | undefined {
    const name = f.string(undefined);
    if (name === undefined || Object.hasOwn(known, name)) {
        return name as P | undefined;
    }
    return f.problem(`unknown ${what} provider ${show(name)}: use ${Object.values(known).join(" or ")}`);
}

function parseAccessLogs(f: Field, clusterDomain: string, tracing?: TracingConfig): AccessLogConfig {
    const d = OBSERVABILITY_DEFAULTS.accessLogs;
    if (typeof f.value === "string") {
        return { ...d, mode: f.string(d.mode, { oneOf: ACCESS_LOG_MODES }) as AccessLogMode, endpoint: reusedEndpoint(tracing) };
    }
    const o = f.object(["mode", "provider", "encoding", "endpoint"]);
    if (!o) {
        return { ...d };
    }
    const config: AccessLogConfig = {
        mode: o.mode.string(d.mode, { oneOf: ACCESS_LOG_MODES }) as AccessLogMode,
        provider: providerName(o.provider, "access log", ACCESS_LOG_PROVIDERS) ?? d.provider,
        encoding: o.encoding.string(d.encoding, { oneOf: ["JSON", "TEXT"] }) as AccessLogConfig["encoding"],
        endpoint: o.endpoint.isSet ? parseEndpoint(o.endpoint, clusterDomain) : reusedEndpoint(tracing),
    };
    if (config.provider === "otel" && config.mode !== "off" && !config.endpoint && !o.endpoint.isSet) {
        o.provider.problem(otelWithoutEndpoint);
    }
    return config;
}

/** An OpenTelemetry collector that receives traces receives logs on the same OTLP port. */
function reusedEndpoint(tracing?: TracingConfig): Endpoint | undefined {
    return tracing?.provider === "otel" ? tracing.endpoint : undefined;
}

const otelWithoutEndpoint =
    "names provider otel, which has no endpoint: set observability.accessLogs.endpoint to the collector's host:port, " +
    "or send traces to an OpenTelemetry collector (tracing.provider: otel), whose endpoint is then reused";

function parsePrometheus(f: Field): PrometheusConfig {
    const modes = ["operator", "annotations", "off"];
    if (!f.isSet || typeof f.value === "string") {
        return { mode: f.string(OBSERVABILITY_DEFAULTS.prometheus, { oneOf: modes }) as PrometheusMode, monitorLabels: {} };
    }
    const o = f.object(["mode", "monitorLabels", "interval"]);
    if (!o) {
        return { mode: OBSERVABILITY_DEFAULTS.prometheus, monitorLabels: {} };
    }
    const mode = o.mode.string(OBSERVABILITY_DEFAULTS.prometheus, { oneOf: modes }) as PrometheusMode;
    const monitorLabels =
        o.monitorLabels.map((v, key) => {
            if (!isLabelKey(key)) {
                return v.problem(`is not a valid label key: use a name such as release or app.kubernetes.io/part-of`);
            }
            return v.string(undefined, { pattern: LABEL_VALUE_PATTERN, patternHint: "a label value (at most 63 letters, digits, '-', '_' or '.')" });
        }) ?? {};
    if (mode !== "operator" && (o.monitorLabels.isSet || o.interval.isSet)) {
        (o.monitorLabels.isSet ? o.monitorLabels : o.interval).problem(`only applies with mode: operator (got mode ${show(mode)})`);
    }
    const interval = o.interval.string(undefined, { pattern: DURATION, patternHint: "a Prometheus duration such as 15s or 1m" });
    return interval === undefined ? { mode, monitorLabels } : { mode, monitorLabels, interval };
}

function parseKiali(f: Field): KialiConfig | undefined {
    const o = f.object([
        "host",
        "namespace",
        "login",
        "issuer",
        "clientId",
        "version",
        "chartRepo",
        "chartDir",
        "replicas",
        "prometheusUrl",
        "grafanaUrl",
        "grafanaExternalUrl",
        "tracingUrl",
        "tracingExternalUrl",
        "tracingBackend",
        "values",
    ]);
    if (!o || !f.isSet) {
        return undefined;
    }
    const d = OBSERVABILITY_DEFAULTS.kiali;
    const url = (g: Field) => g.string(undefined, { pattern: HTTP_URL, patternHint: "an http:// or https:// URL" });
    const host = o.host.isSet
        ? o.host.string("", { pattern: DNS_NAME, patternHint: "a DNS name without scheme or wildcard, e.g. kiali.internal.example.com" })
        : (o.host.problem("is required: the internal gateway host Kiali is published on, e.g. kiali.internal.example.com") ?? "");
    const kind = o.login.string("token", { oneOf: ["openid", "token"] });
    const login = kind === "openid" ? parseOpenId(o.issuer, o.clientId, d.clientId) : { kind: "token" as const };
    if (kind === "token" && (o.issuer.isSet || o.clientId.isSet)) {
        (o.issuer.isSet ? o.issuer : o.clientId).problem('only applies with login: openid (got login "token")');
    }
    const prometheusUrl = o.prometheusUrl.isSet
        ? (url(o.prometheusUrl) ?? "")
        : (o.prometheusUrl.problem(
              "is required: Kiali draws its graph from Prometheus; set its in-cluster URL, e.g. http://prometheus-operated.observability:9090",
          ) ?? "");
    const grafanaUrl = url(o.grafanaUrl);
    const tracingUrl = url(o.tracingUrl);
    for (const [external, internal, name] of [
        [o.grafanaExternalUrl, grafanaUrl, "grafanaUrl"],
        [o.tracingExternalUrl, tracingUrl, "tracingUrl"],
    ] as const) {
        if (external.isSet && internal === undefined && !o[name].isSet) {
            external.problem(`needs ${name}: Kiali queries the in-cluster URL and links users to the external one`);
        }
    }
    const grafanaExternal = url(o.grafanaExternalUrl);
    const tracingExternal = url(o.tracingExternalUrl);
    const backend = o.tracingBackend.string(d.tracingBackend, { oneOf: ["jaeger", "tempo"] }) as "jaeger" | "tempo";
    const config: KialiConfig = {
        host,
        namespace: o.namespace.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
        login,
        version: o.version.string(d.version, { pattern: VERSION, patternHint: "a kiali-server chart version such as 2.29.0" }),
        chart: parseKialiChart(o.chartRepo, o.chartDir),
        replicas: o.replicas.integer(d.replicas, { min: 1 }),
        prometheusUrl,
        values: o.values.record() ?? {},
    };
    if (grafanaUrl) config.grafana = { url: grafanaUrl, externalUrl: grafanaExternal ?? grafanaUrl };
    if (tracingUrl) config.tracing = { url: tracingUrl, externalUrl: tracingExternal ?? tracingUrl, backend };
    return config;
}

function parseOpenId(issuer: Field, clientId: Field, defaultClientId: string): KialiConfig["login"] {
    const uri = issuer.isSet
        ? issuer.string("", { pattern: HTTP_URL, patternHint: "the OpenID Connect issuer URL, e.g. https://keycloak.example.com/realms/platform" })
        : (issuer.problem("is required with login: openid: set the OpenID Connect issuer URL, e.g. https://keycloak.example.com/realms/platform") ?? "");
    return {
        kind: "openid",
        issuer: uri.replace(/\/+$/, ""),
        clientId: clientId.string(defaultClientId, { pattern: /^\S+$/, patternHint: "an OpenID client id" }),
    };
}

function parseKialiChart(repo: Field, dir: Field): ChartSource {
    if (repo.isSet && dir.isSet) {
        dir.problem("chartRepo and chartDir are mutually exclusive: the chart comes either from a repository or from a local directory");
    }
    if (dir.isSet) {
        return { kind: "local", dir: dir.string("", { pattern: /\S/, patternHint: "a directory path" }) };
    }
    const url = repo.string(OBSERVABILITY_DEFAULTS.kiali.chartRepo, {
        pattern: /^(https?|oci):\/\/[^\s/]+(\/\S*)?$/,
        patternHint: "an https:// Helm repository or an oci:// registry path",
    });
    return url.startsWith("oci://") ? { kind: "oci", url: url.replace(/\/+$/, "") } : { kind: "repo", url: url.replace(/\/+$/, "") };
}

function parseNamespace(f: Field, name: string, tracing: TracingConfig | undefined, mesh: AccessLogConfig): NamespaceTelemetryConfig | undefined {
    if (!DNS_LABEL.test(name)) {
        return f.problem(`is not a namespace name: must be ${DNS_LABEL_HINT}`);
    }
    const o = f.object(["sampling", "accessLogs"]);
    if (!o) {
        return undefined;
    }
    const out: NamespaceTelemetryConfig = {};
    const sampling = o.sampling.number(undefined, { min: 0, max: 100 });
    if (sampling !== undefined) {
        if (!tracing) {
            o.sampling.problem("sets a sampling rate but tracing is off: configure observability.tracing (provider, endpoint) first");
        }
        out.sampling = sampling;
    }
    if (o.accessLogs.isSet) {
        const logs = o.accessLogs;
        if (typeof logs.value === "string") {
            out.accessLogs = { mode: logs.string(mesh.mode, { oneOf: ACCESS_LOG_MODES }) as AccessLogMode, provider: mesh.provider };
        } else {
            const a = logs.object(["mode", "provider"]);
            const provider = a ? (providerName(a.provider, "access log", ACCESS_LOG_PROVIDERS) ?? mesh.provider) : mesh.provider;
            const mode = (a?.mode.string(mesh.mode, { oneOf: ACCESS_LOG_MODES }) ?? mesh.mode) as AccessLogMode;
            // Even to turn it off: a Telemetry naming an undefined provider is what this section exists to prevent.
            if (a && provider === "otel" && !mesh.endpoint) {
                a.provider.problem(otelWithoutEndpoint);
            }
            out.accessLogs = { mode, provider };
        }
    }
    return out;
}

/** `istio-mesh:kialiOidcClientSecret`: only whether it is set; the value is read as a Pulumi secret by the component. */
export function parseSecretPresence(f: Field): boolean {
    // Pulumi.yaml declares the key with default "" (a declared key without a default is required).
    if (!f.isSet || f.value === "") {
        return false;
    }
    if (typeof f.value !== "string" || f.value.length === 0) {
        f.problem("must be a non-empty string, set with pulumi config set --secret");
        return false;
    }
    return true;
}
