import { chartsOf } from "../shared";
/**
 * Gateways beyond the two conventional ones (issue 19): the chart values of placement, ports and source
 * ranges, the servers and routes of TCP and passthrough ports, the egress pattern, and a whole program run
 * with a partner gateway and an egress gateway in the control plane's namespace.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseMeshConfig } from "../../config";
import { monitorObjects } from "../../components/observability.values";
import { egressGatewayRuleSpec, egressOriginationRuleSpec, egressRouteSpec, egressServers } from "../../components/egress.values";
import { gatewayServers, gatewayValues, placementValues, portRoutesSpec, servicePorts } from "../../components/ingress-gateway.values";
import { readStackFile } from "../../bin/config-check";
import { REPO_ROOT, runProgram, Stack } from "../mocks";

const CHART = "kubernetes:helm.sh/v4:Chart";
const CHARTS = chartsOf("1.30.3");

const TCP = { number: 5432, protocol: "TCP", to: { service: "postgres.db.svc.cluster.local", port: 5432 } };
const PASSTHROUGH = { number: 8883, protocol: "TLS", hosts: ["mqtt.partner.example.com"], to: { service: "mqtt.iot.svc.cluster.local", port: 8883 } };
const EDGE = { key: "node-role.kubernetes.io/edge", operator: "Exists", effect: "NoSchedule" };

const CONFIG = {
    istio: { revision: "1-30-3" },
    cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: {
        external: { address: "10.0.10.50", hosts: ["app.example.com"] },
        partner: {
            address: "10.0.10.52",
            ports: [PASSTHROUGH, TCP],
            replicas: 2,
            externalTrafficPolicy: "Local",
            loadBalancerSourceRanges: ["198.51.100.0/24"],
            placement: { nodeSelector: { "node-role.kubernetes.io/edge": "" }, tolerations: [EDGE], priorityClassName: "system-cluster-critical" },
        },
        egress: { kind: "egress", namespace: "istio-system", replicas: 2 },
    },
    certificates: { acme: { email: "platform@example.com" } },
    externalServices: {
        stripe: { hosts: ["api.stripe.com"], originateTls: true, gateway: "egress" },
        github: { hosts: ["api.github.com"], gateway: "egress" },
    },
};

const config = parseMeshConfig(CONFIG);
const partner = config.gateways.byName.partner;
const egress = config.gateways.byName.egress;
const REF = { gateway: "istio-system/egress-gateway", serviceHost: "istio-egressgateway.istio-system.svc.cluster.local" };

describe("gateways beyond external and internal", () => {
    describe("chart values", () => {
        const values = () => gatewayValues({ gateway: partner, loadBalancer: "metallb", pool: "ingress", imagePullSecrets: [] });
        it("pins the partner gateway to edge nodes and spreads its two replicas", () =>
            assert.deepStrictEqual(placementValues(partner), {
                nodeSelector: { "node-role.kubernetes.io/edge": "" },
                tolerations: [EDGE],
                affinity: {
                    podAntiAffinity: {
                        preferredDuringSchedulingIgnoredDuringExecution: [
                            {
                                weight: 100,
                                podAffinityTerm: { labelSelector: { matchLabels: { istio: "ingressgateway-partner" } }, topologyKey: "kubernetes.io/hostname" },
                            },
                        ],
                    },
                },
                topologySpreadConstraints: [
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: { istio: "ingressgateway-partner" } },
                    },
                ],
                priorityClassName: "system-cluster-critical",
            }));
        it("requires the spread when asked", () => {
            const g = parseMeshConfig({
                ...CONFIG,
                gateways: { ...CONFIG.gateways, partner: { ...CONFIG.gateways.partner, placement: { antiAffinity: "required", zoneSpread: "required" } } },
            }).gateways.byName.partner;
            const v = placementValues(g) as any;
            assert.deepStrictEqual(
                [Object.keys(v.affinity.podAntiAffinity), v.topologySpreadConstraints[0].whenUnsatisfiable],
                [["requiredDuringSchedulingIgnoredDuringExecution"], "DoNotSchedule"],
            );
        });
        it("places a single replica anywhere", () => assert.deepStrictEqual(placementValues(config.gateways.byName.external), {}));
        it("exposes exactly the partner gateway's ports on its Service", () =>
            assert.deepStrictEqual(servicePorts(partner), [
                { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
                { name: "tls-8883", port: 8883, protocol: "TCP", targetPort: 8883 },
                { name: "tcp-5432", port: 5432, protocol: "TCP", targetPort: 5432 },
            ]));
        it("leaves the external gateway's ports to the chart", () => assert.strictEqual(servicePorts(config.gateways.byName.external), undefined));
        it("leaves an egress gateway's ports to the chart (80 and 443)", () => assert.strictEqual(servicePorts(egress), undefined));
        it("admits only the source ranges and keeps client addresses", () => {
            const service = values().service as Record<string, unknown>;
            assert.deepStrictEqual([service.loadBalancerSourceRanges, service.externalTrafficPolicy], [["198.51.100.0/24"], "Local"]);
        });
        it("gives the egress gateway a ClusterIP Service", () =>
            assert.deepStrictEqual(gatewayValues({ gateway: egress, loadBalancer: "metallb", imagePullSecrets: [] }).service, { type: "ClusterIP" }));
        it("writes only keys the chart's schema allows", () => {
            const schema = JSON.parse(fs.readFileSync(path.join(CHARTS, "gateway", "values.schema.json"), "utf8"));
            const allowed = Object.keys(schema.$defs.values.properties).filter((k) => k !== "_internal_defaults_do_not_set");
            assert.deepStrictEqual(
                Object.keys(values()).filter((k) => !allowed.includes(k)),
                [],
            );
        });
    });

    describe("servers and port routes", () => {
        it("passes TLS through by SNI and serves TCP on any host", () =>
            assert.deepStrictEqual(gatewayServers(partner), [
                { port: { number: 8883, name: "tls-8883", protocol: "TLS" }, hosts: ["mqtt.partner.example.com"], tls: { mode: "PASSTHROUGH" } },
                { port: { number: 5432, name: "tcp-5432", protocol: "TCP" }, hosts: ["*"] },
            ]));
        it("routes each TCP and passthrough port to its destination", () =>
            assert.deepStrictEqual(portRoutesSpec(partner, "istio-ingress/partner-gateway"), {
                hosts: ["mqtt.partner.example.com", "*"],
                gateways: ["istio-ingress/partner-gateway"],
                tls: [
                    {
                        match: [{ port: 8883, sniHosts: ["mqtt.partner.example.com"] }],
                        route: [{ destination: { host: "mqtt.iot.svc.cluster.local", port: { number: 8883 } } }],
                    },
                ],
                tcp: [{ match: [{ port: 5432 }], route: [{ destination: { host: "postgres.db.svc.cluster.local", port: { number: 5432 } } }] }],
            }));
        it("needs no port routes for HTTP gateways", () =>
            assert.strictEqual(portRoutesSpec(config.gateways.byName.external, "istio-ingress/external-gateway"), undefined));
    });

    describe("the egress pattern", () => {
        it("serves originated hosts in Istio mTLS on 80 and passed-through hosts on 443", () =>
            assert.deepStrictEqual(egressServers(config.externalServices), [
                { port: { number: 80, name: "https-originate", protocol: "HTTPS" }, hosts: ["api.stripe.com"], tls: { mode: "ISTIO_MUTUAL" } },
                { port: { number: 443, name: "tls-passthrough", protocol: "TLS" }, hosts: ["api.github.com"], tls: { mode: "PASSTHROUGH" } },
            ]));
        it("sends the mesh's plain HTTP to the egress gateway and the gateway's on to the host's 443", () =>
            assert.deepStrictEqual(egressRouteSpec(config.externalServices.stripe, REF), {
                hosts: ["api.stripe.com"],
                gateways: ["mesh", "istio-system/egress-gateway"],
                http: [
                    {
                        name: "mesh-to-egress",
                        match: [{ gateways: ["mesh"], port: 80 }],
                        route: [{ destination: { host: REF.serviceHost, port: { number: 80 } } }],
                    },
                    {
                        name: "egress-to-host",
                        match: [{ gateways: ["istio-system/egress-gateway"], port: 80 }],
                        route: [{ destination: { host: "api.stripe.com", port: { number: 443 } } }],
                    },
                ],
            }));
        it("routes passed-through TLS by SNI from the mesh to the gateway and on to the host", () =>
            assert.deepStrictEqual(egressRouteSpec(config.externalServices.github, REF), {
                hosts: ["api.github.com"],
                gateways: ["mesh", "istio-system/egress-gateway"],
                tls: [
                    {
                        match: [{ gateways: ["mesh"], port: 443, sniHosts: ["api.github.com"] }],
                        route: [{ destination: { host: REF.serviceHost, port: { number: 443 } } }],
                    },
                    {
                        match: [{ gateways: ["istio-system/egress-gateway"], port: 443, sniHosts: ["api.github.com"] }],
                        route: [{ destination: { host: "api.github.com", port: { number: 443 } } }],
                    },
                ],
            }));
        it("carries the sidecar-to-gateway hop in Istio mTLS", () =>
            assert.deepStrictEqual(egressGatewayRuleSpec(egress), {
                host: REF.serviceHost,
                trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: "ISTIO_MUTUAL" } }] },
            }));
        it("originates TLS at the gateway only, verifying the host", () =>
            assert.deepStrictEqual(egressOriginationRuleSpec(config.externalServices.stripe), {
                host: "api.stripe.com",
                exportTo: ["."],
                trafficPolicy: {
                    portLevelSettings: [
                        {
                            port: { number: 443 },
                            tls: {
                                mode: "SIMPLE",
                                sni: "api.stripe.com",
                                subjectAltNames: ["api.stripe.com"],
                                caCertificates: "/etc/ssl/certs/ca-certificates.crt",
                            },
                        },
                    ],
                },
            }));
        it("originates nothing for a passed-through service", () => assert.strictEqual(egressOriginationRuleSpec(config.externalServices.github), undefined));
    });

    describe("metrics", () => {
        const podMonitor = (labels?: string[]) =>
            monitorObjects({
                prometheus: { mode: "operator", monitorLabels: {} } as any,
                istioNamespace: "istio-system",
                revision: "default",
                gatewayNamespaces: ["istio-ingress"],
                gatewayLabels: labels,
            })[1] as any;
        it("scrapes every gateway's pods by their istio label", () =>
            assert.deepStrictEqual(podMonitor(["ingressgateway", "ingressgateway-partner", "egressgateway"]).spec.selector.matchExpressions[0].values, [
                "ingressgateway",
                "ingressgateway-internal",
                "ingressgateway-partner",
                "egressgateway",
            ]));
        it("scrapes the conventional gateways without further labels", () =>
            assert.deepStrictEqual(podMonitor().spec.selector.matchExpressions[0].values, ["ingressgateway", "ingressgateway-internal"]));
    });

    describe("in a program run", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(CONFIG);
        });
        it("creates no second istio-system namespace for the egress gateway", () =>
            assert.deepStrictEqual(
                stack
                    .ofType("kubernetes:core/v1:Namespace")
                    .map((r) => r.inputs.metadata.name)
                    .filter((n) => n === "istio-system").length,
                1,
            ));
        it("installs the egress gateway into istio-system after istiod", () => {
            const chart = stack.get(CHART, "ingress-egress-chart");
            assert.deepStrictEqual(
                [chart.inputs.namespace, chart.inputs.name, stack.dependencyNames(chart).includes("mesh-istiod")],
                ["istio-system", "istio-egressgateway", true],
            );
        });
        it("has the revision's injector inject the egress gateway", () =>
            assert.strictEqual(stack.get(CHART, "ingress-egress-chart").inputs.values.revision, "1-30-3"));
        it("creates the partner gateway's port routes", () =>
            assert.deepStrictEqual(stack.k8s("VirtualService", "partner-gateway-ports", "istio-ingress").inputs.spec.gateways, [
                "istio-ingress/partner-gateway",
            ]));
        it("creates one egress route per routed service in the gateway's namespace", () =>
            assert.deepStrictEqual(
                ["stripe-egress", "github-egress"].map((n) => stack.k8s("VirtualService", n, "istio-system").inputs.spec.gateways),
                [
                    ["mesh", "istio-system/egress-gateway"],
                    ["mesh", "istio-system/egress-gateway"],
                ],
            ));
        it("keeps the sidecars from originating TLS for a routed service", () =>
            assert.strictEqual(stack.find("kubernetes:networking.istio.io/v1:DestinationRule", "stripe-destination-rule"), undefined));
        it("creates no certificate for gateways without an issuer", () =>
            assert.deepStrictEqual(
                stack.ofType("kubernetes:cert-manager.io/v1:Certificate").map((r) => r.name),
                ["ingress-certificates-external"],
            ));
        it("creates a further gateway namespace under its own name, enrolled for injection", async () => {
            const other = await runProgram({ ...CONFIG, gateways: { ...CONFIG.gateways, partner: { ...CONFIG.gateways.partner, namespace: "edge" } } });
            assert.deepStrictEqual(other.get("kubernetes:core/v1:Namespace", "ingress-namespace-edge").inputs.metadata, {
                name: "edge",
                labels: { "istio.io/rev": "1-30-3", "app.kubernetes.io/part-of": "istio-mesh" },
            });
        });
        it("exports every gateway by name, with its namespace where it is not the default", () => {
            const g = (stack.outputs.ingress as { gateways: Record<string, { namespace?: string; service: string }> }).gateways;
            assert.deepStrictEqual(
                [Object.keys(g), g.egress.namespace, g.egress.service],
                [["external", "partner", "egress"], "istio-system", REF.serviceHost],
            );
        });
    });

    describe("in the local stack (what npm run render writes)", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(readStackFile(path.join(REPO_ROOT, "Pulumi.local.yaml")), { stack: "local" });
        });
        it("installs four gateways", () =>
            assert.deepStrictEqual(
                stack
                    .ofType(CHART)
                    .filter((r) => r.name.startsWith("ingress-"))
                    .map((r) => r.inputs.name)
                    .sort(),
                ["istio-egressgateway", "istio-ingressgateway", "istio-ingressgateway-internal", "istio-ingressgateway-partner"],
            ));
        it("passes the partner's MQTT through by SNI", () =>
            assert.deepStrictEqual(stack.k8s("Gateway", "partner-gateway", "istio-ingress").inputs.spec.servers[0].tls, { mode: "PASSTHROUGH" }));
        it("serves the internal gateway in the browser mode", () =>
            assert.strictEqual(stack.k8s("Gateway", "internal-gateway", "istio-ingress").inputs.spec.servers[0].tls.mode, "SIMPLE"));
        it("sends the payments traffic out through the egress gateway in istio-system", () =>
            assert.strictEqual(
                stack.k8s("VirtualService", "payments-egress", "istio-system").inputs.spec.http[0].route[0].destination.host,
                "istio-egressgateway.istio-system.svc.cluster.local",
            ));
    });
});
