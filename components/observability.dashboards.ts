/**
 * The mesh's own Grafana dashboards, small on purpose: the control plane (is config reaching the proxies?),
 * the gateways (what users see) and the workloads (who calls whom, how well). Each panel answers one
 * question an alert or a runbook asks; the datasource is a variable, so any Prometheus the platform has works.
 */

export interface Dashboard {
    uid: string;
    title: string;
    tags: string[];
    schemaVersion: number;
    time: { from: string; to: string };
    refresh: string;
    templating: { list: Record<string, unknown>[] };
    panels: Record<string, unknown>[];
}

interface PanelSpec {
    title: string;
    unit: string;
    /** [PromQL, legend] pairs. */
    targets: [string, string][];
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

/** Panels two per row, 12 columns wide and 8 high each. */
function panels(specs: PanelSpec[]): Record<string, unknown>[] {
    return specs.map((p, i) => ({
        id: i + 1,
        type: "timeseries",
        title: p.title,
        datasource: DATASOURCE,
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: p.targets.map(([expr, legendFormat], j) => ({ refId: String.fromCharCode(65 + j), datasource: DATASOURCE, expr, legendFormat })),
    }));
}

function dashboard(uid: string, title: string, specs: PanelSpec[], variables: Record<string, unknown>[] = []): Dashboard {
    return {
        uid,
        title,
        tags: ["istio-mesh"],
        schemaVersion: 39,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: {
            list: [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", hide: 0 }, ...variables],
        },
        panels: panels(specs),
    };
}

export interface DashboardScope {
    istioNamespace: string;
    gatewayNamespace: string;
}

export function meshDashboards(scope: DashboardScope): Dashboard[] {
    const gw = `reporter="source", source_workload_namespace="${scope.gatewayNamespace}"`;
    const dest = `reporter="destination", destination_workload_namespace=~"$namespace"`;
    return [
        dashboard("istio-mesh-control-plane", "Istio mesh / control plane", [
            { title: "Connected proxies", unit: "short", targets: [["sum(pilot_xds)", "proxies"]] },
            { title: "xDS pushes by type", unit: "ops", targets: [["sum by (type) (rate(pilot_xds_pushes[5m]))", "{{type}}"]] },
            {
                title: "Rejected and failed pushes",
                unit: "ops",
                targets: [
                    ["sum(rate(pilot_total_xds_rejects[5m]))", "rejected by proxies"],
                    ["sum(rate(pilot_total_xds_internal_errors[5m]))", "istiod errors"],
                ],
            },
            {
                title: "Config convergence p99",
                unit: "s",
                targets: [["histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket[5m])))", "p99"]],
            },
            {
                title: "Sidecar injection",
                unit: "ops",
                targets: [
                    ["sum(rate(sidecar_injection_success_total[5m]))", "injected"],
                    ["sum(rate(sidecar_injection_failure_total[5m]))", "failed"],
                ],
            },
            {
                title: "Days until istiod's CA expires",
                unit: "d",
                targets: [
                    ["(min(citadel_server_cert_chain_expiry_timestamp) - time()) / 86400", "cert chain"],
                    ["(min(citadel_server_root_cert_expiry_timestamp) - time()) / 86400", "root"],
                ],
            },
        ]),
        dashboard("istio-mesh-gateways", "Istio mesh / gateways", [
            {
                title: "Requests by gateway",
                unit: "reqps",
                targets: [[`sum by (source_workload) (rate(istio_requests_total{${gw}}[5m]))`, "{{source_workload}}"]],
            },
            {
                title: "5xx share by gateway",
                unit: "percent",
                targets: [
                    [
                        `sum by (source_workload) (rate(istio_requests_total{${gw}, response_code=~"5.."}[5m])) / sum by (source_workload) (rate(istio_requests_total{${gw}}[5m])) * 100`,
                        "{{source_workload}}",
                    ],
                ],
            },
            {
                title: "Latency p99 by gateway",
                unit: "ms",
                targets: [
                    [
                        `histogram_quantile(0.99, sum by (source_workload, le) (rate(istio_request_duration_milliseconds_bucket{${gw}}[5m])))`,
                        "{{source_workload}}",
                    ],
                ],
            },
            {
                title: "Days until gateway certificates expire",
                unit: "d",
                targets: [[`(certmanager_certificate_expiration_timestamp_seconds{namespace="${scope.gatewayNamespace}"} - time()) / 86400`, "{{name}}"]],
            },
        ]),
        dashboard(
            "istio-mesh-workloads",
            "Istio mesh / workloads",
            [
                {
                    title: "Requests by workload",
                    unit: "reqps",
                    targets: [
                        [
                            `sum by (destination_workload_namespace, destination_workload) (rate(istio_requests_total{${dest}}[5m]))`,
                            "{{destination_workload_namespace}}/{{destination_workload}}",
                        ],
                    ],
                },
                {
                    title: "Error share by workload (5xx)",
                    unit: "percent",
                    targets: [
                        [
                            `sum by (destination_workload) (rate(istio_requests_total{${dest}, response_code=~"5.."}[5m])) / sum by (destination_workload) (rate(istio_requests_total{${dest}}[5m])) * 100`,
                            "{{destination_workload}}",
                        ],
                    ],
                },
                {
                    title: "Latency p99 by workload",
                    unit: "ms",
                    targets: [
                        [
                            `histogram_quantile(0.99, sum by (destination_workload, le) (rate(istio_request_duration_milliseconds_bucket{${dest}}[5m])))`,
                            "{{destination_workload}}",
                        ],
                    ],
                },
                {
                    title: "Requests without mutual TLS",
                    unit: "reqps",
                    targets: [
                        [
                            `sum by (destination_workload) (rate(istio_requests_total{${dest}, connection_security_policy!="mutual_tls"}[5m]))`,
                            "{{destination_workload}}",
                        ],
                    ],
                },
            ],
            [
                {
                    name: "namespace",
                    label: "Namespace",
                    type: "query",
                    datasource: DATASOURCE,
                    query: 'label_values(istio_requests_total{reporter="destination"}, destination_workload_namespace)',
                    includeAll: true,
                    multi: true,
                    allValue: ".*",
                    refresh: 2,
                },
            ],
        ),
    ];
}
