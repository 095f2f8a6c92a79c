/**
 * Gateways as a map (issue 19): any number by name, ingress or egress, with typed ports, placement,
 * source ranges and any namespace, and every problem named by its key.
 */
import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { mergeValues } from "../../components/chart-source";
import { gatewayIdentity } from "../../config/gateways";
import { gatewayIdentities } from "../../config/ingress";

const BASE = {
    cluster: { controlPlaneVip: "10.0.0.10", addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com"] }, internal: { hosts: ["*.internal.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
};

const TCP = { number: 5432, protocol: "TCP", to: { service: "postgres.db.svc.cluster.local", port: 5432 } };
const PASSTHROUGH = { number: 8883, protocol: "TLS", hosts: ["mqtt.partner.example.com"], to: { service: "mqtt.iot", port: 8883 } };

function raw(patch: Record<string, unknown> = {}): Record<string, unknown> {
    return mergeValues(BASE, patch);
}

function problems(patch: Record<string, unknown>): string[] {
    return checkMeshConfig(raw(patch)).problems.map((p) => `${p.key}: ${p.message}`);
}

function gateway(name: string, settings: Record<string, unknown>) {
    return parseMeshConfig(raw({ gateways: { [name]: settings } })).gateways.byName[name];
}

const P = "istio-mesh:gateways";

describe("config: gateways as a map", () => {
    describe("names", () => {
        it("derives an ingress gateway's release, Gateway and labels from its key", () =>
            assert.deepStrictEqual(gatewayIdentity("partner", "ingress"), {
                release: "istio-ingressgateway-partner",
                gatewayName: "partner-gateway",
                istioLabel: "ingressgateway-partner",
            }));
        it("names an egress gateway called egress as Istio does", () =>
            assert.deepStrictEqual(gatewayIdentity("egress", "egress"), {
                release: "istio-egressgateway",
                gatewayName: "egress-gateway",
                istioLabel: "egressgateway",
            }));
        it("suffixes any other egress gateway with its key", () =>
            assert.deepStrictEqual(gatewayIdentity("dmz", "egress"), {
                release: "istio-egressgateway-dmz",
                gatewayName: "dmz-gateway",
                istioLabel: "egressgateway-dmz",
            }));
        it("labels a gateway's type with its key", () =>
            assert.deepStrictEqual(gateway("partner", { ports: [TCP] }).labels, { istio: "ingressgateway-partner", "gateway-type": "partner" }));
        it("keeps the stack file's order", () =>
            assert.deepStrictEqual(Object.keys(parseMeshConfig(raw({ gateways: { partner: { ports: [TCP] }, egress: { kind: "egress" } } })).gateways.byName), [
                "external",
                "internal",
                "partner",
                "egress",
            ]));
        it("refuses a key that is not a DNS label", () =>
            assert.deepStrictEqual(problems({ gateways: { Partner: { ports: [TCP] } } }), [
                `${P}.Partner: is not a valid gateway name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`,
            ]));
        it("refuses a gateways value that is not a map", () =>
            assert.deepStrictEqual(problems({ gateways: "external" }), [
                `${P}: must be a map of gateway name to settings, with an optional namespace (got "external")`,
            ]));
    });

    describe("defaults of a new gateway", () => {
        const g = () => gateway("partner", { ports: [TCP] });
        it("is an ingress gateway", () => assert.strictEqual(g().kind, "ingress"));
        it("runs in the gateways' namespace", () => assert.strictEqual(g().namespace, "istio-ingress"));
        it("is ClusterIP without an address", () => assert.strictEqual(g().serviceType, "ClusterIP"));
        it("has no certificate", () => assert.strictEqual(g().issuer, "none"));
        it("admits any source", () => assert.deepStrictEqual(g().loadBalancerSourceRanges, []));
        it("is placed anywhere with one replica", () =>
            assert.deepStrictEqual(gateway("partner", { ports: [TCP], replicas: 1 }).placement, {
                nodeSelector: {},
                tolerations: [],
                antiAffinity: "none",
                zoneSpread: "none",
            }));
        it("spreads over nodes and zones, preferred, from two replicas", () =>
            assert.deepStrictEqual(gateway("partner", { ports: [TCP], replicas: 2 }).placement, {
                nodeSelector: {},
                tolerations: [],
                antiAffinity: "preferred",
                zoneSpread: "preferred",
            }));
        it("spreads an autoscaled gateway by its minimum", () =>
            assert.strictEqual(gateway("partner", { ports: [TCP], autoscale: { min: 2 } }).placement.antiAffinity, "preferred"));
        it("serves HTTPS SIMPLE on 443 without ports", () =>
            assert.deepStrictEqual(gateway("partner", { hosts: ["p.example.com"], issuer: "internal" }).ports, [
                { number: 443, name: "https", protocol: "HTTPS", tls: "SIMPLE" },
            ]));
        it("names a port after its protocol and number", () => assert.strictEqual(gateway("partner", { ports: [TCP] }).ports[0].name, "tcp-5432"));
        it("gives an egress gateway a ClusterIP Service and no ports of its own", () => {
            const e = gateway("egress", { kind: "egress" });
            assert.deepStrictEqual([e.kind, e.serviceType, e.ports, e.hosts, e.issuer], ["egress", "ClusterIP", [], [], "none"]);
        });
    });

    describe("the internal gateway's browser mode", () => {
        it("serves HTTPS SIMPLE from the internal CA with tls: SIMPLE", () => {
            const g = gateway("internal", { tls: "SIMPLE" });
            assert.deepStrictEqual([g.tlsMode, g.issuer, g.ports[0].tls], ["SIMPLE", "internal", "SIMPLE"]);
        });
        it("refuses tls together with ports", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { tls: "SIMPLE", ports: [{ number: 443, protocol: "HTTPS" }] } } }), [
                `${P}.internal.tls: sets the mode of the default HTTPS port, and ports are given: set tls on the HTTPS port instead`,
            ]));
    });

    describe("namespaces", () => {
        it("places a gateway in the control plane's namespace", () =>
            assert.strictEqual(gateway("egress", { kind: "egress", namespace: "istio-system" }).namespace, "istio-system"));
        it("refuses kube-system for one gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { egress: { kind: "egress", namespace: "kube-system" } } }), [
                `${P}.egress.namespace: must not be kube-system: gateways need sidecar injection, which Istio never does in kube-system`,
            ]));
        it("gives each gateway's identity its own namespace", () =>
            assert.strictEqual(
                gatewayIdentities(parseMeshConfig(raw({ gateways: { egress: { kind: "egress", namespace: "istio-system" } } })).gateways).egress.gateway,
                "istio-system/egress-gateway",
            ));
    });

    describe("kind", () => {
        it("refuses egress for the conventional gateways", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { kind: "egress" } } }), [
                `${P}.internal.kind: must be ingress: gateways.internal is the conventional internal ingress gateway; give an egress gateway its own name, such as egress`,
            ]));
        it("refuses ingress settings on an egress gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { egress: { kind: "egress", address: "10.0.10.52" } } }), [
                `${P}.egress.address: unknown key; known keys: kind, namespace, replicas, autoscale, podDisruptionBudget, resources, placement, values`,
            ]));
    });

    describe("addresses and Services", () => {
        it("refuses two gateways on one address", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { address: "10.0.10.50", ports: [TCP] } } }), [
                `${P}.partner.address: 10.0.10.50 is already gateways.external.address: two Services cannot share one load-balancer address; pick another address from the pool`,
            ]));
        it("refuses a pinned address on a ClusterIP Service", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { address: "10.0.10.52", serviceType: "ClusterIP", ports: [TCP] } } }), [
                `${P}.partner.serviceType: must be LoadBalancer with address: only a LoadBalancer Service holds a pinned address (got ClusterIP)`,
            ]));
        it("reads source ranges", () =>
            assert.deepStrictEqual(
                gateway("partner", { address: "10.0.10.52", ports: [TCP], loadBalancerSourceRanges: ["198.51.100.0/24", "2001:db8::/48"] })
                    .loadBalancerSourceRanges,
                ["198.51.100.0/24", "2001:db8::/48"],
            ));
        it("refuses a source range that is not a CIDR", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { address: "10.0.10.52", ports: [TCP], loadBalancerSourceRanges: ["198.51.100.7"] } } }), [
                `${P}.partner.loadBalancerSourceRanges[0]: must be a CIDR such as 203.0.113.0/24 or 2001:db8::/48 (got "198.51.100.7")`,
            ]));
        it("refuses source ranges on a ClusterIP gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [TCP], loadBalancerSourceRanges: ["198.51.100.0/24"] } } }), [
                `${P}.partner.loadBalancerSourceRanges: applies to LoadBalancer Services only, and this gateway is ClusterIP`,
            ]));
        it("checks a new gateway's address against the pools", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { address: "10.0.20.5", ports: [TCP] } } }), [
                "istio-mesh:gateways.partner.address: 10.0.20.5 is outside every address pool: ingress (10.0.10.50-10.0.10.59); use an address from a pool or add it to cluster.addressPools",
            ]));
    });

    describe("ports", () => {
        it("reads TCP and TLS passthrough ports with their destinations", () =>
            assert.deepStrictEqual(gateway("partner", { ports: [TCP, PASSTHROUGH] }).ports, [
                { number: 5432, name: "tcp-5432", protocol: "TCP", to: { service: "postgres.db.svc.cluster.local", port: 5432 } },
                { number: 8883, name: "tls-8883", protocol: "TLS", hosts: ["mqtt.partner.example.com"], to: { service: "mqtt.iot", port: 8883 } },
            ]));
        it("refuses one port number twice", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [TCP, { ...TCP, name: "pg2" }] } } }), [
                `${P}.partner.ports[1].number: 5432 is already ports[0]: one port number carries one server; put both hosts on one port`,
            ]));
        it("refuses one port name twice", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [TCP, { ...PASSTHROUGH, name: "tcp-5432" }] } } }), [
                `${P}.partner.ports[1].name: "tcp-5432" is already the name of ports[0]: Service port names must be unique`,
            ]));
        it("refuses a port of the gateway's own proxy", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...TCP, number: 15021 }] } } }), [
                `${P}.partner.ports[0].number: 15021 is reserved by the gateway's Envoy proxy (15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090); pick another port`,
            ]));
        it("refuses an HTTPS port without a certificate", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { hosts: ["p.example.com"], ports: [{ number: 443, protocol: "HTTPS" }] } } }), [
                `${P}.partner.ports[0]: HTTPS port 443 terminates TLS and needs a certificate: set issuer (internal: the stack's CA; acme: Let's Encrypt, external gateway only), or make the port TLS passthrough`,
            ]));
        it("refuses the default HTTPS port without a certificate, at issuer", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { hosts: ["p.example.com"] } } }), [
                `${P}.partner.issuer: HTTPS port 443 terminates TLS and needs a certificate: set issuer (internal: the stack's CA; acme: Let's Encrypt, external gateway only), or make the port TLS passthrough`,
            ]));
        it("refuses MUTUAL with a certificate from ACME", () =>
            assert.deepStrictEqual(
                problems({
                    gateways: {
                        external: {
                            ports: [
                                { number: 443, protocol: "HTTPS", tls: "MUTUAL" },
                                { number: 80, protocol: "HTTP", httpsRedirect: true },
                            ],
                        },
                    },
                }),
                [
                    `${P}.external.ports[0]: MUTUAL on port 443 verifies client certificates against the internal CA, which only issuer: internal puts beside the gateway's certificate; set issuer: internal or tls: SIMPLE`,
                ],
            ));
        it("refuses ports without HTTP 80 on a gateway signed by ACME", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { ports: [{ number: 443, protocol: "HTTPS" }] } } }), [
                `${P}.external.ports: has no HTTP port 80, where Let's Encrypt sends issuer acme's HTTP-01 challenges: add {number: 80, protocol: HTTP, httpsRedirect: true} or set issuer: internal`,
            ]));
        it("accepts explicit ports with the redirect on 80 under ACME", () =>
            assert.deepStrictEqual(
                problems({
                    gateways: {
                        external: {
                            ports: [
                                { number: 443, protocol: "HTTPS" },
                                { number: 80, protocol: "HTTP", httpsRedirect: true },
                            ],
                        },
                    },
                }),
                [],
            ));
        it("refuses a wildcard-only passthrough host", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...PASSTHROUGH, hosts: ["*"] }] } } }), [
                `${P}.partner.ports[0].hosts[0]: "*" cannot be routed by SNI: clients send a DNS name in TLS server name indication, never an IP address, and "*" would pass every connection to one backend; name the host (db.partner.example.com)`,
            ]));
        it("refuses an IP address as a passthrough host", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...PASSTHROUGH, hosts: ["10.1.2.3"] }] } } }), [
                `${P}.partner.ports[0].hosts[0]: "10.1.2.3" cannot be routed by SNI: clients send a DNS name in TLS server name indication, never an IP address, and "*" would pass every connection to one backend; name the host (db.partner.example.com)`,
            ]));
        it("requires SNI hosts on a passthrough port", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ number: 8883, protocol: "TLS", to: PASSTHROUGH.to }] } } }), [
                `${P}.partner.ports[0].hosts: required on a TLS passthrough port: the SNI names the gateway routes on, e.g. [db.partner.example.com]`,
            ]));
        it("refuses hosts on a TCP port", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...TCP, hosts: ["db.example.com"] }] } } }), [
                `${P}.partner.ports[0].hosts: must be unset on a TCP port: plain TCP carries no host name to route by; give the port its own number instead`,
            ]));
        it("requires a destination on a TCP port", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ number: 5432, protocol: "TCP" }] } } }), [
                `${P}.partner.ports[0].to: required on a TCP port: the Service the gateway forwards to, as {service: postgres.db.svc.cluster.local, port: 5432}; without a route the gateway drops every connection`,
            ]));
        it("refuses a destination on an HTTPS port", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { ports: [{ number: 443, protocol: "HTTPS", to: TCP.to }] } } }), [
                `${P}.internal.ports[0].to: applies to TCP and TLS ports only: HTTPS traffic is routed by host and path under istio-mesh:routes`,
            ]));
        it("refuses tls on a passthrough port", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...PASSTHROUGH, tls: "SIMPLE" }] } } }), [
                `${P}.partner.ports[0].tls: applies to HTTPS ports only (this port is TLS, passed through to the backend, which terminates TLS)`,
            ]));
        it("refuses a redirect on a non-HTTP port", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...TCP, httpsRedirect: true }] } } }), [
                `${P}.partner.ports[0].httpsRedirect: applies to HTTP ports only (this port is TCP)`,
            ]));
        it("refuses an unknown protocol", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...TCP, protocol: "UDP" }] } } }), [
                `${P}.partner.ports[0].protocol: must be one of HTTP, HTTPS, TLS, TCP (got "UDP")`,
            ]));
        it("refuses a destination that is not a Service name", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [{ ...TCP, to: { service: "postgres", port: 5432 } }] } } }), [
                `${P}.partner.ports[0].to.service: must be a Service as name.namespace or name.namespace.svc.cluster.local (got "postgres")`,
            ]));
    });

    describe("placement", () => {
        it("reads node selector, tolerations and priority class", () =>
            assert.deepStrictEqual(
                gateway("partner", {
                    ports: [TCP],
                    placement: {
                        nodeSelector: { "node-role.kubernetes.io/edge": "" },
                        tolerations: [{ key: "node-role.kubernetes.io/edge", operator: "Exists", effect: "NoSchedule" }],
                        antiAffinity: "required",
                        zoneSpread: "none",
                        priorityClassName: "system-cluster-critical",
                    },
                }).placement,
                {
                    nodeSelector: { "node-role.kubernetes.io/edge": "" },
                    tolerations: [{ key: "node-role.kubernetes.io/edge", operator: "Exists", effect: "NoSchedule" }],
                    antiAffinity: "required",
                    zoneSpread: "none",
                    priorityClassName: "system-cluster-critical",
                },
            ));
        it("refuses a value with operator Exists", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { placement: { tolerations: [{ key: "edge", operator: "Exists", value: "true" }] } } } }), [
                `${P}.external.placement.tolerations[0].value: must be unset with operator Exists, which matches any value of the taint (got "true")`,
            ]));
        it("refuses operator Equal without a key", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { placement: { tolerations: [{ value: "true" }] } } } }), [
                `${P}.external.placement.tolerations[0].key: required with operator Equal: the taint key to tolerate, e.g. node-role.kubernetes.io/edge`,
            ]));
        it("refuses tolerationSeconds without NoExecute", () =>
            assert.deepStrictEqual(
                problems({ gateways: { external: { placement: { tolerations: [{ key: "edge", effect: "NoSchedule", tolerationSeconds: 30 }] } } } }),
                [
                    `${P}.external.placement.tolerations[0].tolerationSeconds: applies only to effect NoExecute (how long a pod stays on a node tainted after it started)`,
                ],
            ));
        it("refuses an unknown spread mode", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { placement: { zoneSpread: "always" } } } }), [
                `${P}.external.placement.zoneSpread: must be one of none, preferred, required (got "always")`,
            ]));
        it("refuses a priority class that is not a name", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { placement: { priorityClassName: "High Priority" } } } }), [
                `${P}.external.placement.priorityClassName: must be a PriorityClass name such as system-cluster-critical (got "High Priority")`,
            ]));
    });

    describe("the nodes that announce a pool", () => {
        const pool = (extra: Record<string, unknown>) => ({ cluster: { addressPools: [{ ...BASE.cluster.addressPools[0], ...extra }] } });
        it("reads the announcing nodes' labels", () =>
            assert.deepStrictEqual(parseMeshConfig(raw(pool({ nodeSelector: { "node-role.kubernetes.io/edge": "" } }))).cluster.addressPools[0].nodeSelector, {
                "node-role.kubernetes.io/edge": "",
            }));
        it("announces from every speaker by default", () => assert.strictEqual(parseMeshConfig(raw()).cluster.addressPools[0].nodeSelector, undefined));
        it("refuses a node selector on a pool that is not announced here", () =>
            assert.deepStrictEqual(problems(pool({ advertisement: "none", nodeSelector: { edge: "true" } })), [
                "istio-mesh:cluster.addressPools[0].nodeSelector: needs a pool this stack manages and announces (manage: true, advertisement l2 or bgp): it selects the nodes of the advertisement the stack creates",
            ]));
        it("refuses an empty node selector", () =>
            assert.deepStrictEqual(problems(pool({ nodeSelector: {} })), ["istio-mesh:cluster.addressPools[0].nodeSelector: must have at least one label"]));
    });

    describe("routes and external services", () => {
        it("routes through a new ingress gateway with an HTTP port", () =>
            assert.deepStrictEqual(
                problems({
                    gateways: { partner: { hosts: ["p.example.com"], issuer: "internal" } },
                    routes: { shop: { namespace: "apps", gateway: "partner", hosts: ["p.example.com"], paths: [{ prefix: "/", service: "web" }] } },
                }),
                [],
            ));
        it("refuses a route through a gateway without HTTP ports", () =>
            assert.deepStrictEqual(
                problems({
                    gateways: { partner: { ports: [TCP] } },
                    routes: { shop: { namespace: "apps", gateway: "partner", hosts: ["p.example.com"], paths: [{ prefix: "/", service: "web" }] } },
                }),
                [
                    "istio-mesh:routes.shop.gateway: the partner gateway has no HTTP or HTTPS port: routes match hosts and paths, which its TCP and TLS passthrough ports do not carry",
                ],
            ));
        it("refuses a route through an egress gateway", () =>
            assert.deepStrictEqual(
                problems({
                    gateways: { egress: { kind: "egress" } },
                    routes: { shop: { namespace: "apps", gateway: "egress", hosts: ["p.example.com"], paths: [{ prefix: "/", service: "web" }] } },
                }),
                [
                    "istio-mesh:routes.shop.gateway: egress is an egress gateway: routes publish services through an ingress gateway; pick one of external, internal",
                ],
            ));
        it("routes an external service through an egress gateway", () =>
            assert.deepStrictEqual(
                problems({ gateways: { egress: { kind: "egress" } }, externalServices: { stripe: { hosts: ["api.stripe.com"], gateway: "egress" } } }),
                [],
            ));
        it("refuses an external service routed through an ingress gateway", () =>
            assert.deepStrictEqual(
                problems({ gateways: { egress: { kind: "egress" } }, externalServices: { stripe: { hosts: ["api.stripe.com"], gateway: "internal" } } }),
                [
                    "istio-mesh:externalServices.stripe.gateway: internal is an ingress gateway: outbound traffic leaves through an egress gateway (kind: egress); pick one of egress",
                ],
            ));
        it("refuses an external service routed through a gateway that does not exist", () =>
            assert.deepStrictEqual(problems({ externalServices: { stripe: { hosts: ["api.stripe.com"], gateway: "egress" } } }), [
                "istio-mesh:externalServices.stripe.gateway: no gateway is named egress: configure gateways.egress with kind: egress",
            ]));
        it("refuses plain TCP through an egress gateway", () =>
            assert.deepStrictEqual(
                problems({
                    gateways: { egress: { kind: "egress" } },
                    externalServices: { smtp: { hosts: ["smtp.example.com"], ports: [{ number: 25, protocol: "TCP" }], gateway: "egress" } },
                }),
                [
                    "istio-mesh:externalServices.smtp.gateway: an egress gateway carries TLS (passed through by SNI) or originates TLS: give the service a TLS port or originateTls",
                ],
            ));
        it("admits gateway:<name> allow rules for a new gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { ports: [TCP] } }, namespaces: { apps: { allow: [{ from: "gateway:partner" }] } } }), []));
        it("refuses a mesh namespace that holds a gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { partner: { namespace: "edge", ports: [TCP] } }, namespaces: { edge: {} } }), [
                "istio-mesh:namespaces.edge: is the namespace of gateways partner: its default deny would block every request through them; leave it out",
            ]));
    });
});
