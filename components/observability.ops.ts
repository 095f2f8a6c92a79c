/**
 * Pure builders for running the mesh day to day: the PrometheusRule alerts and the Grafana dashboard
 * ConfigMaps. The metric names are Istio's (istiod: pilot_*, sidecar_injection_*, citadel_*; proxies:
 * istio_requests_total), the API server's (apiserver_admission_webhook_*) and cert-manager's.
 */
import type { AlertsConfig, DashboardsConfig } from "../config/observability-ops";
import { meshDashboards } from "./observability.dashboards";
import type { KubeObject } from "./observability.values";

export interface AlertArgs {
    alerts: AlertsConfig;
    /** The mesh root namespace, where the rule lives (beside the monitors). */
    istioNamespace: string;
    /** The gateways' namespace and Deployment names (`source_workload` of their requests). */
    gatewayNamespace: string;
    gatewayWorkloads: string[];
}

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: "warning" | "critical" };
    annotations: { summary: string; description: string; runbook_url?: string };
}

/** Where each alert's runbook lives, relative to the repository (docs/operations.md). */
const RUNBOOK = "docs/operations.md";

/** A PromQL regex matching exactly these names (Deployment names: DNS labels, nothing to escape). */
function anyOf(names: readonly string[]): string {
    return names.join("|");
}

export function alertRules(a: AlertArgs): AlertRule[] {
    const t = a.alerts;
    const expirySeconds = t.certificateExpiryDays * 86400;
    const rules: AlertRule[] = [
        {
            alert: "IstiodPushErrors",
            // Rejected config (a proxy NACKed it) and pushes istiod failed to build both leave proxies on stale config.
            expr: `sum(rate(pilot_total_xds_rejects[5m])) + sum(rate(pilot_total_xds_internal_errors[5m])) > ${t.pushErrorsPerSecond}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "istiod pushes config that proxies reject, or fails to build it",
                description: `More than ${t.pushErrorsPerSecond} rejected or failed xDS pushes per second for 10 minutes: some proxies run stale config. istioctl proxy-status names them.`,
                runbook_url: `${RUNBOOK}#istiod-push-errors-or-stalls`,
            },
        },
        {
            alert: "IstiodConfigStalled",
            expr: `histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket[5m]))) > ${t.convergenceSeconds}`,
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
                summary: "config changes take too long to reach the proxies",
                description: `The 99th percentile from a config change to every proxy having it is above ${t.convergenceSeconds}s: istiod is overloaded or stuck.`,
                runbook_url: `${RUNBOOK}#istiod-push-errors-or-stalls`,
            },
        },
        {
            alert: "IstioWebhookFailures",
            // The API server's view: calls to Istio's injection and validation webhooks that failed (not rejections of bad config).
            expr:
                `sum by (name) (rate(apiserver_admission_webhook_rejection_count{name=~".*\\\\.istio\\\\.io", error_type=~"calling_webhook_error|apiserver_internal_error"}[5m])) > ${t.webhookFailuresPerSecond} ` +
                `or sum(rate(sidecar_injection_failure_total[5m])) > ${t.webhookFailuresPerSecond}`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
                summary: "Istio's admission webhooks are failing",
                description:
                    "The API server cannot call Istio's sidecar injector or config validation webhook (or injection fails): new pods start without sidecars, or deployments are blocked.",
                runbook_url: `${RUNBOOK}#a-webhook-blocks-deployments`,
            },
        },
        {
            alert: "IstioGatewayCertificateExpiring",
            expr: `min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds{namespace="${a.gatewayNamespace}"}) - time() < ${expirySeconds}`,
            for: "1h",
            labels: { severity: "critical" },
            annotations: {
                summary: "a gateway certificate expires soon and was not renewed",
                description: `The certificate expires in less than ${t.certificateExpiryDays} days; cert-manager should have renewed it earlier. kubectl -n ${a.gatewayNamespace} describe certificate says why it did not.`,
                runbook_url: `${RUNBOOK}#rotating-the-intermediate-ca`,
            },
        },
        {
            alert: "IstioCaCertificateExpiring",
            expr: `min(citadel_server_cert_chain_expiry_timestamp) - time() < ${expirySeconds}`,
            for: "1h",
            labels: { severity: "critical" },
            annotations: {
                summary: "istiod's signing CA expires soon",
                description: `istiod's CA certificate chain expires in less than ${t.certificateExpiryDays} days: run pulumi up to replace the intermediate, and check the workloads' certificates renew.`,
                runbook_url: `${RUNBOOK}#rotating-the-intermediate-ca`,
            },
        },
    ];
    if (a.gatewayWorkloads.length > 0) {
        const selector = `reporter="source", source_workload_namespace="${a.gatewayNamespace}", source_workload=~"${anyOf(a.gatewayWorkloads)}"`;
        rules.push({
            alert: "IstioGateway5xx",
            expr:
                `sum by (source_workload) (rate(istio_requests_total{${selector}, response_code=~"5.."}[5m])) ` +
                `/ sum by (source_workload) (rate(istio_requests_total{${selector}}[5m])) * 100 > ${t.gateway5xxPercent}`,
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
                summary: "a gateway answers too many requests with 5xx",
                description: `More than ${t.gateway5xxPercent}% of the gateway's responses are 5xx over 5 minutes: an upstream service fails, or no route or endpoint exists.`,
                runbook_url: `${RUNBOOK}#a-gateway-returns-5xx`,
            },
        });
    }
    return rules;
}

/** The PrometheusRule holding every alert, labelled for Prometheus' ruleSelector. */
export function alertRuleObject(a: AlertArgs): KubeObject {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "istio-mesh-alerts", namespace: a.istioNamespace, labels: { "app.kubernetes.io/part-of": "istio-mesh", ...a.alerts.labels } },
        spec: { groups: [{ name: "istio-mesh", rules: alertRules(a) }] },
    };
}

export interface DashboardArgs {
    dashboards: DashboardsConfig;
    istioNamespace: string;
    gatewayNamespace: string;
}

/** A ConfigMap as the Grafana sidecar reads it: one dashboard JSON per ConfigMap. */
export interface DashboardConfigMap {
    apiVersion: "v1";
    kind: "ConfigMap";
    metadata: { name: string; namespace: string; labels: Record<string, string> };
    data: Record<string, string>;
}

export function dashboardConfigMaps(a: DashboardArgs): DashboardConfigMap[] {
    const namespace = a.dashboards.namespace ?? a.istioNamespace;
    return meshDashboards({ istioNamespace: a.istioNamespace, gatewayNamespace: a.gatewayNamespace }).map((d) => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `istio-mesh-dashboard-${d.uid}`, namespace, labels: { "app.kubernetes.io/part-of": "istio-mesh", ...a.dashboards.labels } },
        data: { [`${d.uid}.json`]: JSON.stringify(d) },
    }));
}
