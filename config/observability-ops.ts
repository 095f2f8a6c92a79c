/**
 * The day-to-day parts of `istio-mesh:observability`: how metrics reach the platform (`metrics`), the
 * PrometheusRule alerts (`alerts`) and the Grafana dashboards (`dashboards`). All optional and typed.
 */
import { DNS_LABEL, DNS_LABEL_HINT, Field, show } from "./field";

/**
 * Who scrapes the proxies' and istiod's Prometheus endpoints. Istio has no OTLP metrics exporter (its only
 * metrics providers are `prometheus` and GKE's `stackdriver`), so "metrics through the collector" means the
 * OpenTelemetry collector scrapes the same endpoints Prometheus would and exports them over OTLP.
 */
export type MetricsVia = "prometheus" | "collector";

export interface MetricsConfig {
    /** The metrics provider in meshConfig and the Telemetry resources: Istio's only portable one. */
    provider: "prometheus";
    via: MetricsVia;
    /** Labels on the monitors the collector's target allocator selects (`via: collector`). */
    collectorLabels: Record<string, string>;
}

/** Thresholds of the PrometheusRule alerts. */
export interface AlertsConfig {
    /** Labels on the PrometheusRule, so Prometheus' ruleSelector picks it up. */
    labels: Record<string, string>;
    /** Rejected or failed xDS pushes per second istiod may sustain for 10 minutes. */
    pushErrorsPerSecond: number;
    /** p99 seconds from a config change to every proxy having it, above which config is stalling. */
    convergenceSeconds: number;
    /** Failed calls per second to Istio's admission webhooks (injection, validation) tolerated for 5 minutes. */
    webhookFailuresPerSecond: number;
    /** Days before a gateway certificate or istiod's CA chain expires at which to alert. */
    certificateExpiryDays: number;
    /** Percentage of a gateway's responses that may be 5xx over 5 minutes. */
    gateway5xxPercent: number;
}

export interface DashboardsConfig {
    /** Where the platform's Grafana sidecar looks for dashboard ConfigMaps; the mesh root namespace when unset. */
    namespace?: string;
    /** The label the sidecar selects ConfigMaps by. */
    labels: Record<string, string>;
}

export const OPS_DEFAULTS = {
    metrics: { provider: "prometheus", via: "prometheus", collectorLabels: {} } satisfies MetricsConfig,
    alerts: {
        labels: {},
        pushErrorsPerSecond: 0,
        convergenceSeconds: 30,
        webhookFailuresPerSecond: 0,
        certificateExpiryDays: 7,
        gateway5xxPercent: 5,
    } satisfies AlertsConfig,
    // kube-prometheus-stack's Grafana sidecar default (sidecar.dashboards.label/labelValue).
    dashboards: { labels: { grafana_dashboard: "1" } } satisfies DashboardsConfig,
} as const;

const METRICS_PROVIDERS = ["prometheus"] as const;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Unset, or an empty map (a map with wrong entries is reported entry by entry instead). */
function isEmptyMap(f: Field): boolean {
    return !f.isSet || (f.isObject() && Object.keys(f.value as object).length === 0);
}

/** A label map: keys and values as Kubernetes accepts them. */
export function parseLabels(f: Field): Record<string, string> | undefined {
    return f.map((v, key) => {
        if (!LABEL_KEY.test(key)) {
            return v.problem("is not a valid label key: use a name such as release or app.kubernetes.io/part-of");
        }
        return v.string(undefined, { pattern: LABEL_VALUE, patternHint: "a label value (at most 63 letters, digits, '-', '_' or '.')" });
    });
}

export function parseMetrics(f: Field): MetricsConfig {
    const d = OPS_DEFAULTS.metrics;
    const o = f.object(["provider", "via", "collectorLabels"]);
    if (!o) {
        return { ...d, collectorLabels: {} };
    }
    const provider = o.provider.string(undefined);
    if (provider !== undefined && !(METRICS_PROVIDERS as readonly string[]).includes(provider)) {
        o.provider.problem(
            `unknown metrics provider ${show(provider)}: Istio's proxies export metrics only through prometheus (its meshConfig has no OTLP metrics provider); ` +
                "to send metrics through the OpenTelemetry collector, set observability.metrics.via: collector",
        );
    }
    const via = o.via.string(d.via, { oneOf: ["prometheus", "collector"] }) as MetricsVia;
    const collectorLabels = parseLabels(o.collectorLabels) ?? {};
    if (via === "collector" && isEmptyMap(o.collectorLabels)) {
        o.collectorLabels.problem(
            "is required with via: collector: the labels the collector's target allocator selects ServiceMonitors and PodMonitors by, e.g. {otel-collector: metrics}",
        );
    }
    if (via !== "collector" && o.collectorLabels.isSet) {
        o.collectorLabels.problem(`only applies with via: collector (got via ${show(via)})`);
    }
    return { provider: "prometheus", via, collectorLabels };
}

/** `alerts`: `true` for the defaults, an object of thresholds, or unset/false for none. */
export function parseAlerts(f: Field): AlertsConfig | undefined {
    if (!f.isSet || f.value === false || f.value === "false") {
        return undefined;
    }
    const d = OPS_DEFAULTS.alerts;
    if (f.value === true || f.value === "true") {
        return { ...d, labels: {} };
    }
    const o = f.object(["labels", "pushErrorsPerSecond", "convergenceSeconds", "webhookFailuresPerSecond", "certificateExpiryDays", "gateway5xxPercent"]);
    if (!o) {
        return undefined;
    }
    return {
        labels: parseLabels(o.labels) ?? {},
        pushErrorsPerSecond: o.pushErrorsPerSecond.number(d.pushErrorsPerSecond, { min: 0 }),
        convergenceSeconds: o.convergenceSeconds.number(d.convergenceSeconds, { min: 1 }),
        webhookFailuresPerSecond: o.webhookFailuresPerSecond.number(d.webhookFailuresPerSecond, { min: 0 }),
        certificateExpiryDays: o.certificateExpiryDays.integer(d.certificateExpiryDays, { min: 1 }),
        gateway5xxPercent: o.gateway5xxPercent.number(d.gateway5xxPercent, { min: 0.1, max: 100 }),
    };
}

/** `dashboards`: `true` for the defaults, an object, or unset/false for none. */
export function parseDashboards(f: Field): DashboardsConfig | undefined {
    if (!f.isSet || f.value === false || f.value === "false") {
        return undefined;
    }
    const d = OPS_DEFAULTS.dashboards;
    if (f.value === true || f.value === "true") {
        return { labels: { ...d.labels } };
    }
    const o = f.object(["namespace", "labels"]);
    if (!o) {
        return undefined;
    }
    const labels = parseLabels(o.labels) ?? { ...d.labels };
    if (o.labels.isSet && isEmptyMap(o.labels)) {
        o.labels.problem(`must name at least one label, or the sidecar never finds the dashboards (default ${show(d.labels)})`);
    }
    const namespace = o.namespace.string(undefined, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    return namespace === undefined ? { labels } : { namespace, labels };
}
