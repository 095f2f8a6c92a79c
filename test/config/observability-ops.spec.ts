import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { OPS_DEFAULTS } from "../../config/observability-ops";

const problems = (observability: unknown) => checkMeshConfig({ observability }).problems.map((p) => `${p.key}: ${p.message}`);
const obs = (observability: unknown) => parseMeshConfig({ observability }).observability;

describe("config: observability metrics, alerts, dashboards", () => {
    describe("defaults", () => {
        it("scrapes metrics with Prometheus through Istio's prometheus provider", () =>
            assert.deepStrictEqual(obs({}).metrics, { provider: "prometheus", via: "prometheus", collectorLabels: {} }));
        it("has no alerts", () => assert.strictEqual(obs({}).alerts, undefined));
        it("has no dashboards", () => assert.strictEqual(obs({}).dashboards, undefined));
        it("alerts on any push error or webhook failure, 30s convergence, 7 days to expiry, 5% gateway 5xx", () =>
            assert.deepStrictEqual(obs({ alerts: true }).alerts, {
                labels: {},
                pushErrorsPerSecond: 0,
                convergenceSeconds: 30,
                webhookFailuresPerSecond: 0,
                certificateExpiryDays: 7,
                gateway5xxPercent: 5,
            }));
        it('labels dashboards for the Grafana sidecar\'s default grafana_dashboard: "1"', () =>
            assert.deepStrictEqual(obs({ dashboards: true }).dashboards, { labels: { grafana_dashboard: "1" } }));
        it("keeps the sidecar label default in one place", () => assert.deepStrictEqual(OPS_DEFAULTS.dashboards.labels, { grafana_dashboard: "1" }));
    });

    describe("settings", () => {
        it("sends metrics through the collector with the target allocator's labels", () =>
            assert.deepStrictEqual(obs({ metrics: { via: "collector", collectorLabels: { "otel-collector": "metrics" } } }).metrics, {
                provider: "prometheus",
                via: "collector",
                collectorLabels: { "otel-collector": "metrics" },
            }));
        it("takes alert thresholds from the stack", () =>
            assert.deepStrictEqual(obs({ alerts: { labels: { release: "kps" }, gateway5xxPercent: 2, certificateExpiryDays: 14 } }).alerts, {
                labels: { release: "kps" },
                pushErrorsPerSecond: 0,
                convergenceSeconds: 30,
                webhookFailuresPerSecond: 0,
                certificateExpiryDays: 14,
                gateway5xxPercent: 2,
            }));
        it("puts dashboards in the namespace and under the label given", () =>
            assert.deepStrictEqual(obs({ dashboards: { namespace: "observability", labels: { grafana_dashboard: "istio" } } }).dashboards, {
                namespace: "observability",
                labels: { grafana_dashboard: "istio" },
            }));
        it("turns alerts off with false", () => assert.strictEqual(obs({ alerts: false }).alerts, undefined));
    });

    describe("bad input", () => {
        it("refuses an OTLP metrics provider, saying Istio has none and what to do instead", () =>
            assert.deepStrictEqual(problems({ metrics: { provider: "otel" } }), [
                'istio-mesh:observability.metrics.provider: unknown metrics provider "otel": Istio\'s proxies export metrics only through prometheus (its meshConfig has no OTLP metrics provider); ' +
                    "to send metrics through the OpenTelemetry collector, set observability.metrics.via: collector",
            ]));
        it("refuses an unknown via", () =>
            assert.deepStrictEqual(problems({ metrics: { via: "otlp" } }), [
                'istio-mesh:observability.metrics.via: must be one of prometheus, collector (got "otlp")',
            ]));
        it("requires the target allocator's labels with via: collector", () =>
            assert.deepStrictEqual(problems({ metrics: { via: "collector" } }), [
                "istio-mesh:observability.metrics.collectorLabels: is required with via: collector: the labels the collector's target allocator selects ServiceMonitors and PodMonitors by, e.g. {otel-collector: metrics}",
            ]));
        it("refuses collector labels without the collector", () =>
            assert.deepStrictEqual(problems({ metrics: { collectorLabels: { a: "b" } } }), [
                'istio-mesh:observability.metrics.collectorLabels: only applies with via: collector (got via "prometheus")',
            ]));
        it("refuses the collector beside prometheus-operator scraping", () =>
            assert.deepStrictEqual(problems({ prometheus: "operator", metrics: { via: "collector", collectorLabels: { a: "b" } } }), [
                "istio-mesh:observability.metrics.via: collector scrapes the proxies itself, and prometheus mode operator would have Prometheus scrape them a second time: set prometheus: annotations (or remove it)",
            ]));
        it("refuses the collector with metrics switched off", () =>
            assert.deepStrictEqual(problems({ prometheus: "off", metrics: { via: "collector", collectorLabels: { a: "b" } } }), [
                "istio-mesh:observability.metrics.via: collector needs the proxies' metrics, which prometheus: off switches off: remove prometheus: off",
            ]));
        it("refuses a gateway 5xx share above 100%", () =>
            assert.deepStrictEqual(problems({ alerts: { gateway5xxPercent: 150 } }), [
                "istio-mesh:observability.alerts.gateway5xxPercent: must be a number from 0.1 to 100 (got 150)",
            ]));
        it("refuses a certificate expiry under a day", () =>
            assert.deepStrictEqual(problems({ alerts: { certificateExpiryDays: 0 } }), [
                "istio-mesh:observability.alerts.certificateExpiryDays: must be an integer >= 1 (got 0)",
            ]));
        it("refuses a negative push error rate", () =>
            assert.deepStrictEqual(problems({ alerts: { pushErrorsPerSecond: -1 } }), [
                "istio-mesh:observability.alerts.pushErrorsPerSecond: must be a number >= 0 (got -1)",
            ]));
        it("refuses an unknown alert threshold with a suggestion", () =>
            assert.deepStrictEqual(problems({ alerts: { gateway5xxPercnt: 1 } }), [
                'istio-mesh:observability.alerts.gateway5xxPercnt: unknown key; did you mean "gateway5xxPercent"? known keys: labels, pushErrorsPerSecond, convergenceSeconds, webhookFailuresPerSecond, certificateExpiryDays, gateway5xxPercent',
            ]));
        it("refuses an empty dashboard label map", () =>
            assert.deepStrictEqual(problems({ dashboards: { labels: {} } }), [
                'istio-mesh:observability.dashboards.labels: must name at least one label, or the sidecar never finds the dashboards (default {"grafana_dashboard":"1"})',
            ]));
        it("refuses a bad dashboard label key", () =>
            assert.deepStrictEqual(problems({ dashboards: { labels: { "bad key": "1" } } }), [
                "istio-mesh:observability.dashboards.labels.bad key: is not a valid label key: use a name such as release or app.kubernetes.io/part-of",
            ]));
        it("refuses a bad dashboard namespace", () =>
            assert.deepStrictEqual(problems({ dashboards: { namespace: "Obs" } }), [
                `istio-mesh:observability.dashboards.namespace: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters) (got "Obs")`,
            ]));
    });
});
