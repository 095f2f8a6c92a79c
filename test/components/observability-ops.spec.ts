import * as assert from "assert";
import { alertRuleObject, alertRules, dashboardConfigMaps } from "../../components/observability.ops";
import { OPS_DEFAULTS } from "../../config/observability-ops";
import { Stack } from "../mocks";
import { runStack } from "../stack-files";

const ALERTS = { ...OPS_DEFAULTS.alerts, labels: { release: "kps" } };
const ARGS = {
    alerts: ALERTS,
    istioNamespace: "istio-system",
    gatewayNamespace: "istio-ingress",
    gatewayWorkloads: ["istio-ingressgateway", "istio-ingressgateway-internal"],
};
const rule = (name: string, args = ARGS) => alertRules(args).find((r) => r.alert === name)!;

describe("observability: alerts", () => {
    it("covers push errors, stalls, webhooks, certificates and gateway 5xx", () =>
        assert.deepStrictEqual(
            alertRules(ARGS).map((r) => r.alert),
            [
                "IstiodPushErrors",
                "IstiodConfigStalled",
                "IstioWebhookFailures",
                "IstioGatewayCertificateExpiring",
                "IstioCaCertificateExpiring",
                "IstioGateway5xx",
            ],
        ));
    it("counts rejected and failed pushes against the threshold", () =>
        assert.strictEqual(rule("IstiodPushErrors").expr, "sum(rate(pilot_total_xds_rejects[5m])) + sum(rate(pilot_total_xds_internal_errors[5m])) > 0"));
    it("watches convergence p99 against the threshold", () =>
        assert.strictEqual(
            rule("IstiodConfigStalled", { ...ARGS, alerts: { ...ALERTS, convergenceSeconds: 12 } }).expr,
            "histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket[5m]))) > 12",
        ));
    it("counts failed calls to Istio's webhooks, not rejections of bad config", () =>
        assert.strictEqual(
            rule("IstioWebhookFailures").expr,
            'sum by (name) (rate(apiserver_admission_webhook_rejection_count{name=~".*\\\\.istio\\\\.io", error_type=~"calling_webhook_error|apiserver_internal_error"}[5m])) > 0 ' +
                "or sum(rate(sidecar_injection_failure_total[5m])) > 0",
        ));
    it("alerts on gateway certificates from cert-manager's expiry in days", () =>
        assert.strictEqual(
            rule("IstioGatewayCertificateExpiring").expr,
            'min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds{namespace="istio-ingress"}) - time() < 604800',
        ));
    it("alerts on istiod's CA chain expiry", () =>
        assert.strictEqual(rule("IstioCaCertificateExpiring").expr, "min(citadel_server_cert_chain_expiry_timestamp) - time() < 604800"));
    it("measures each gateway's 5xx share against the threshold", () =>
        assert.strictEqual(
            rule("IstioGateway5xx", { ...ARGS, alerts: { ...ALERTS, gateway5xxPercent: 2 } }).expr,
            'sum by (source_workload) (rate(istio_requests_total{reporter="source", source_workload_namespace="istio-ingress", source_workload=~"istio-ingressgateway|istio-ingressgateway-internal", response_code=~"5.."}[5m])) ' +
                '/ sum by (source_workload) (rate(istio_requests_total{reporter="source", source_workload_namespace="istio-ingress", source_workload=~"istio-ingressgateway|istio-ingressgateway-internal"}[5m])) * 100 > 2',
        ));
    it("has no gateway alert without gateways", () => assert.strictEqual(rule("IstioGateway5xx", { ...ARGS, gatewayWorkloads: [] }), undefined));
    it("links every alert to its runbook in docs/operations.md", () =>
        assert.ok(alertRules(ARGS).every((r) => r.annotations.runbook_url?.startsWith("docs/operations.md#"))));
    it("is one PrometheusRule labelled for the rule selector", () => {
        const o = alertRuleObject(ARGS);
        assert.deepStrictEqual(
            [o.apiVersion, o.kind, o.metadata],
            [
                "monitoring.coreos.com/v1",
                "PrometheusRule",
                { name: "istio-mesh-alerts", namespace: "istio-system", labels: { "app.kubernetes.io/part-of": "istio-mesh", release: "kps" } },
            ],
        );
    });
});

describe("observability: dashboards", () => {
    const maps = dashboardConfigMaps({ dashboards: { labels: { grafana_dashboard: "1" } }, istioNamespace: "istio-system", gatewayNamespace: "istio-ingress" });
    it("is one ConfigMap per dashboard: control plane, gateways, workloads", () =>
        assert.deepStrictEqual(
            maps.map((m) => m.metadata.name),
            ["istio-mesh-dashboard-istio-mesh-control-plane", "istio-mesh-dashboard-istio-mesh-gateways", "istio-mesh-dashboard-istio-mesh-workloads"],
        ));
    it("labels them for the Grafana sidecar", () => assert.ok(maps.every((m) => m.metadata.labels.grafana_dashboard === "1")));
    it("puts them in the mesh root namespace by default", () => assert.ok(maps.every((m) => m.metadata.namespace === "istio-system")));
    it("holds one parseable dashboard JSON each, with a Prometheus datasource variable", () =>
        assert.ok(
            maps.every((m) => {
                const [[key, text]] = Object.entries(m.data);
                const d = JSON.parse(text);
                return key === `${d.uid}.json` && d.templating.list[0].type === "datasource" && d.panels.length > 0;
            }),
        ));
    it("scopes gateway panels to the gateways' namespace", () =>
        assert.match(maps[1].data["istio-mesh-gateways.json"], /source_workload_namespace=\\"istio-ingress\\"/));
});

describe("observability ops in the local stack", () => {
    let stack: Stack;
    before(async () => {
        stack = await runStack("local");
    });
    it("renders the PrometheusRule", () =>
        assert.strictEqual(stack.k8s("PrometheusRule", "istio-mesh-alerts", "istio-system").inputs.metadata.labels.release, "kube-prometheus-stack"));
    it("renders the dashboards in the platform's namespace", () =>
        assert.deepStrictEqual(
            stack.resources
                .filter((r) => r.inputs?.kind === "ConfigMap" && r.inputs.metadata.labels?.grafana_dashboard === "1")
                .map((r) => r.inputs.metadata.namespace),
            ["observability", "observability", "observability"],
        ));
    it("labels the monitors for the collector's target allocator", () =>
        assert.deepStrictEqual(
            stack.resources
                .filter((r) => /^(Service|Pod)Monitor$/.test(r.inputs?.kind ?? ""))
                .map((r) => [r.inputs.metadata.name, r.inputs.metadata.labels["otel-collector"]]),
            [
                ["istiod", "metrics"],
                ["istio-sidecars", "metrics"],
                ["istio-gateways", "metrics"],
            ],
        ));
    it("keeps Istio's prometheus provider in the mesh config", () =>
        assert.deepStrictEqual(stack.get("kubernetes:helm.sh/v4:Chart", "mesh-istiod").inputs.values.meshConfig.defaultProviders.metrics, ["prometheus"]));
    it("reports the collector in the stack output", () => assert.strictEqual((stack.outputs.observability as any).metrics.scraping, "collector"));
    it("needs neither @pulumi/tls nor @pulumi/random for them", () =>
        assert.deepStrictEqual(
            stack
                .descendants(stack.get("istio-mesh:observability:Observability", "observability"))
                .filter((r) => /^(tls|random):/.test(r.type))
                .map((r) => r.name),
            [],
        ));
});
