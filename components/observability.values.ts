/**
 * Pure functions from the `observability` section to what Istio consumes: the mesh config's extension
 * providers and default providers, the Telemetry specs and the prometheus-operator monitors (Kiali's
 * values are in kiali.values.ts). The plan itself (providers and Telemetry specs) is config/telemetry.ts.
 */
import type { PrometheusConfig } from "../config/observability";
import { MERGED_METRICS, TelemetrySpec } from "../config/telemetry";

/** @deprecated use config/telemetry: the plan is pure config, shared with the config checks. */
export {
    ERRORS_ONLY_FILTER,
    gatewayHostCovers,
    MERGED_METRICS,
    MESH_TELEMETRY_NAME,
    namespaceTelemetry,
    PROVIDER_NAMES,
    providerReferences,
    telemetryPlan,
    unknownProviderReferences,
} from "../config/telemetry";
export type { ProviderRef, TelemetryPlan, TelemetrySpec } from "../config/telemetry";

/** A Kubernetes object as the program registers it: explicit name and namespace, always. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    spec: Record<string, unknown>;
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
            {
                sourceLabels: ["__meta_kubernetes_pod_ip"],
                regex: "([^:]+)",
                targetLabel: "__address__",
                replacement: `$1:${MERGED_METRICS.port}`,
                action: "replace",
            },
            {
                sourceLabels: ["__meta_kubernetes_pod_ip"],
                regex: "(.+:.+)",
                targetLabel: "__address__",
                replacement: `[$1]:${MERGED_METRICS.port}`,
                action: "replace",
            },
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
                selector: {
                    matchExpressions: [
                        { key: GATEWAY_POD_LABEL.key, operator: "In", values: [...new Set([...GATEWAY_POD_LABEL.values, ...(a.gatewayLabels ?? [])])] },
                    ],
                },
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
