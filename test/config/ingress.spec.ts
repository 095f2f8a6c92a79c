import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { mergeValues } from "../../components/chart-source";
import { gatewayIdentities, hostCovers } from "../../config/ingress";
import { formatIp, parseIp, parsePoolEntry } from "../../config/ip";

/** A valid ingress setup; each test changes one thing. */
const BASE = {
    cluster: { controlPlaneVip: "10.0.0.10", addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com"] }, internal: { hosts: ["*.internal.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
    routes: { shop: { namespace: "customer-apps", hosts: ["app.example.com"], paths: [{ prefix: "/api", service: "api-service", port: 8000 }] } },
};

function raw(patch: Record<string, unknown> = {}): Record<string, unknown> {
    return mergeValues(BASE, patch);
}

function problems(patch: Record<string, unknown>): string[] {
    return checkMeshConfig(raw(patch)).problems.map((p) => `${p.key}: ${p.message}`);
}

describe("config: ingress", () => {
    it("accepts the base setup", () => assert.deepStrictEqual(problems({}), []));

    describe("defaults", () => {
        const empty = parseMeshConfig({});
        const base = parseMeshConfig(raw());
        const external = base.gateways.byName.external!;

        it("uses MetalLB", () => assert.strictEqual(empty.cluster.loadBalancer, "metallb"));
        it("expects MetalLB in metallb-system", () => assert.strictEqual(empty.cluster.metallbNamespace, "metallb-system"));
        it("declares no pools and no VIP", () => assert.deepStrictEqual([empty.cluster.addressPools, empty.cluster.controlPlaneVip], [[], undefined]));
        it("announces a pool over L2", () => assert.strictEqual(base.cluster.addressPools[0].advertisement, "l2"));
        it("does not auto-assign pool addresses", () => assert.strictEqual(base.cluster.addressPools[0].autoAssign, false));
        it("manages MetalLB pools", () => assert.strictEqual(base.cluster.addressPools[0].manage, true));
        it("creates no gateways", () => assert.deepStrictEqual(empty.gateways, { namespace: "istio-ingress", byName: {} }));
        it("runs gateways in istio-ingress", () => assert.strictEqual(base.gateways.namespace, "istio-ingress"));
        it("names the external gateway by convention", () =>
            assert.deepStrictEqual(
                [external.release, external.gatewayName, external.labels],
                ["istio-ingressgateway", "external-gateway", { istio: "ingressgateway", "gateway-type": "external" }],
            ));
        it("names the internal gateway by convention", () => {
            const g = base.gateways.byName.internal!;
            assert.deepStrictEqual(
                [g.release, g.gatewayName, g.labels],
                ["istio-ingressgateway-internal", "internal-gateway", { istio: "ingressgateway-internal", "gateway-type": "internal" }],
            );
        });
        it("autoscales gateways from 1 to 5 at 80% CPU", () => assert.deepStrictEqual(external.scaling, { kind: "autoscale", min: 1, max: 5, targetCpu: 80 }));
        it("has no PodDisruptionBudget with one minimum replica", () => assert.strictEqual(external.podDisruptionBudget, false));
        it("turns the PodDisruptionBudget on from two replicas", () =>
            assert.strictEqual(parseMeshConfig(raw({ gateways: { external: { replicas: 2 } } })).gateways.byName.external!.podDisruptionBudget, true));
        it("uses the Cluster external traffic policy", () => assert.strictEqual(external.externalTrafficPolicy, "Cluster"));
        it("leaves gateway resources to the chart", () => assert.strictEqual(external.resources, undefined));
        it("signs the external gateway with ACME", () => assert.strictEqual(external.issuer, "acme"));
        it("serves the external gateway with server TLS", () => assert.strictEqual(external.tlsMode, "SIMPLE"));
        it("serves the internal gateway with mutual TLS from the internal CA", () =>
            assert.deepStrictEqual([base.gateways.byName.internal!.tlsMode, base.gateways.byName.internal!.issuer], ["MUTUAL", "internal"]));
        it("makes the internal gateway ClusterIP", () => assert.strictEqual(base.gateways.byName.internal!.serviceType, "ClusterIP"));
        it("makes the external gateway LoadBalancer", () => assert.strictEqual(external.serviceType, "LoadBalancer"));
        it("names certificate secrets after the Gateway", () =>
            assert.deepStrictEqual([external.credentialName, base.gateways.byName.internal!.credentialName], ["external-gateway-tls", "internal-gateway-tls"]));
        it("adds no raw gateway values", () => assert.deepStrictEqual(external.values, {}));
        it("uses Let's Encrypt staging", () =>
            assert.deepStrictEqual(base.certificates.acme, {
                email: "platform@example.com",
                environment: "staging",
                server: "https://acme-staging-v02.api.letsencrypt.org/directory",
                issuerName: "letsencrypt-staging",
            }));
        it("uses Let's Encrypt production when asked", () =>
            assert.strictEqual(
                parseMeshConfig(raw({ certificates: { acme: { environment: "production" } } })).certificates.acme!.server,
                "https://acme-v02.api.letsencrypt.org/directory",
            ));
        it("has no ACME issuer unless configured", () => assert.strictEqual(empty.certificates.acme, undefined));
        it("generates an ECDSA internal CA valid 10 years, its root kept in the stack's state", () =>
            assert.deepStrictEqual(empty.certificates.internalCa, {
                root: "state",
                organization: "istio-mesh",
                algorithm: "ECDSA",
                validityHours: 87600,
                issuerName: "istio-mesh-internal-ca",
            }));
        it("issues 90-day certificates renewed 30 days early", () =>
            assert.deepStrictEqual([empty.certificates.duration, empty.certificates.renewBefore], ["2160h", "720h"]));
        it("expects cert-manager in cert-manager", () => assert.strictEqual(empty.certificates.namespace, "cert-manager"));
        it("solves HTTP-01 through the istio ingress class", () => assert.strictEqual(empty.certificates.ingressClass, "istio"));
        it("has no routes", () => assert.deepStrictEqual(empty.routes, []));
        it("routes through the external gateway", () => assert.strictEqual(base.routes[0].gateway, "external"));
    });

    describe("reading", () => {
        it("reads a route's paths", () =>
            assert.deepStrictEqual(parseMeshConfig(raw()).routes, [
                {
                    name: "shop",
                    namespace: "customer-apps",
                    gateway: "external",
                    hosts: ["app.example.com"],
                    paths: [{ match: "prefix", path: "/api", service: "api-service", port: 8000 }],
                },
            ]));
        it("reads an exact path without a port", () =>
            assert.deepStrictEqual(parseMeshConfig(raw({ routes: { shop: { paths: [{ exact: "/healthz", service: "web" }] } } })).routes[0].paths, [
                { match: "exact", path: "/healthz", service: "web" },
            ]));
        it("makes an internal gateway with an address a LoadBalancer", () =>
            assert.strictEqual(
                parseMeshConfig(raw({ gateways: { internal: { address: "10.0.10.51" } } })).gateways.byName.internal!.serviceType,
                "LoadBalancer",
            ));
        it("accepts IPv6 pools and addresses", () =>
            assert.deepStrictEqual(
                problems({ cluster: { addressPools: [{ name: "v6", addresses: ["2001:db8::/120"] }] }, gateways: { external: { address: "2001:db8::10" } } }),
                [],
            ));
        it("accepts kube-vip with undeclared management", () =>
            assert.deepStrictEqual(parseMeshConfig(raw({ cluster: { loadBalancer: "kube-vip" } })).cluster.addressPools[0].manage, false));
    });

    describe("address checks", () => {
        it("refuses an address outside every pool", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { address: "10.0.20.5" } } }), [
                "istio-mesh:gateways.external.address: 10.0.20.5 is outside every address pool: ingress (10.0.10.50-10.0.10.59); use an address from a pool or add it to cluster.addressPools",
            ]));
        it("refuses an address when no pool is declared", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [] } }), [
                "istio-mesh:gateways.external.address: 10.0.10.50 is outside every address pool: cluster.addressPools declares none; declare the pool the load balancer assigns it from",
            ]));
        it("refuses the control-plane VIP as a gateway address", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { address: "10.0.0.10" } } }), [
                "istio-mesh:gateways.external.address: 10.0.0.10 is cluster.controlPlaneVip, kube-vip's address for the API server: a Service on it would take the API server's traffic; pick an address from an address pool",
            ]));
        it("refuses a pool that contains the VIP", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.0.0/24", "10.0.10.50-10.0.10.59"] }] } }), [
                "istio-mesh:cluster.addressPools[0].addresses[0]: 10.0.0.0/24 contains the control-plane VIP 10.0.0.10 (cluster.controlPlaneVip): the load balancer could hand it to a Service and cut nodes off the API server; leave it out of the pool",
            ]));
        it("refuses the same address on two gateways", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { address: "10.0.10.50" } } }), [
                "istio-mesh:gateways.internal.address: 10.0.10.50 is already gateways.external.address: two Services cannot share one load-balancer address; pick another address from the pool",
            ]));
        it("refuses the same IPv6 address written two ways", () =>
            assert.deepStrictEqual(
                problems({
                    cluster: { addressPools: [{ name: "v6", addresses: ["2001:db8::/120"] }] },
                    gateways: { external: { address: "2001:db8::10" }, internal: { address: "2001:db8:0:0::10" } },
                }),
                [
                    "istio-mesh:gateways.internal.address: 2001:db8:0:0::10 is already gateways.external.address: two Services cannot share one load-balancer address; pick another address from the pool",
                ],
            ));
        it("refuses an address outside the pool it names", () =>
            assert.deepStrictEqual(
                problems({
                    cluster: { addressPools: [BASE.cluster.addressPools[0], { name: "other", addresses: ["10.0.30.0/28"] }] },
                    gateways: { external: { pool: "other" } },
                }),
                [
                    "istio-mesh:gateways.external.pool: 10.0.10.50 is in pool ingress, not other: the load balancer would refuse it; set pool: ingress or pick an address from other",
                ],
            ));
        it("refuses a pool name that is not declared", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { pool: "nope" } } }), [
                'istio-mesh:gateways.external.pool: no address pool is named "nope"; declared pools: ingress',
            ]));
        it("refuses overlapping pools", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [BASE.cluster.addressPools[0], { name: "more", addresses: ["10.0.10.48/28"] }] } }), [
                'istio-mesh:cluster.addressPools[1].addresses[0]: 10.0.10.48/28 overlaps 10.0.10.50-10.0.10.59 of pool "ingress": an address must belong to one pool only',
            ]));
        it("refuses duplicate pool names", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [BASE.cluster.addressPools[0], { name: "ingress", addresses: ["10.0.30.0/28"] }] } }), [
                'istio-mesh:cluster.addressPools[1].name: duplicates addressPools[0].name "ingress": pool names must be unique',
            ]));
        it("refuses a VIP that is not an address", () =>
            assert.deepStrictEqual(problems({ cluster: { controlPlaneVip: "10.0.0.300" } }), [
                'istio-mesh:cluster.controlPlaneVip: must be an IPv4 or IPv6 address such as 10.0.0.10 (got "10.0.0.300")',
            ]));
        it("refuses a gateway address that is not an address", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { address: "gateway.example.com" } } }), [
                'istio-mesh:gateways.external.address: must be an IPv4 or IPv6 address such as 10.0.0.10 inside one of cluster.addressPools (got "gateway.example.com")',
            ]));
        it("requires an address on the external gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { address: null } } }), [
                "istio-mesh:gateways.external.address: required: the external gateway's load-balancer address, pinned so DNS can point at it (an address inside one of cluster.addressPools)",
            ]));
        it("refuses pool management with kube-vip", () =>
            assert.deepStrictEqual(problems({ cluster: { loadBalancer: "kube-vip", addressPools: [{ ...BASE.cluster.addressPools[0], manage: true }] } }), [
                "istio-mesh:cluster.addressPools[0].manage: must be false with loadBalancer kube-vip: kube-vip reads its ranges from its own config, and IPAddressPools are MetalLB's",
            ]));
        it("refuses a MetalLB advertisement with kube-vip", () =>
            assert.deepStrictEqual(
                problems({ cluster: { loadBalancer: "kube-vip", addressPools: [{ ...BASE.cluster.addressPools[0], advertisement: "bgp" }] } }),
                [
                    "istio-mesh:cluster.addressPools[0].advertisement: applies to MetalLB only: kube-vip announces its addresses itself; remove it or set loadBalancer: metallb",
                ],
            ));
        it("refuses a pool entry with host bits set and suggests the network", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.50/28"] }] } }).slice(0, 1), [
                "istio-mesh:cluster.addressPools[0].addresses[0]: has host bits set: 10.0.10.50/28 is not a network address; did you mean 10.0.10.48/28?",
            ]));
        it("refuses a single address as a pool entry and says how to write it", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.50"] }] } }).slice(0, 1), [
                'istio-mesh:cluster.addressPools[0].addresses[0]: must be a CIDR (10.0.10.48/28, 2001:db8::/120) or an address range (10.0.10.50-10.0.10.59); a single address is 10.0.10.50/32 (got "10.0.10.50")',
            ]));
        it("refuses a reversed range", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.59-10.0.10.50"] }] } }).slice(0, 1), [
                'istio-mesh:cluster.addressPools[0].addresses[0]: starts after it ends: write the lower address first (got "10.0.10.59-10.0.10.50")',
            ]));
        it("requires a pool's addresses", () =>
            assert.deepStrictEqual(problems({ cluster: { addressPools: [{ name: "ingress" }] } }).slice(0, 1), [
                "istio-mesh:cluster.addressPools[0].addresses: required: the pool's CIDRs or address ranges, e.g. [10.0.10.50-10.0.10.59]",
            ]));
        it("refuses an unknown load balancer", () =>
            assert.deepStrictEqual(problems({ cluster: { loadBalancer: "cilium" } }), [
                'istio-mesh:cluster.loadBalancer: must be one of metallb, kube-vip (got "cilium")',
            ]));
    });

    describe("hosts and certificates", () => {
        it("refuses a wildcard on the external gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { hosts: ["*"] } }, routes: null }), [
                'istio-mesh:gateways.external.hosts[0]: must be an explicit host, not a wildcard (got "*"): the external gateway would answer for any name pointed at it, and Let\'s Encrypt HTTP-01 cannot issue wildcard certificates',
            ]));
        it("refuses a domain wildcard on the external gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { hosts: ["*.example.com"] } }, routes: null }), [
                'istio-mesh:gateways.external.hosts[0]: must be an explicit host, not a wildcard (got "*.example.com"): the external gateway would answer for any name pointed at it, and Let\'s Encrypt HTTP-01 cannot issue wildcard certificates',
            ]));
        it("refuses a bare wildcard on the internal gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { hosts: ["*"] } } }), [
                'istio-mesh:gateways.internal.hosts[0]: must not be "*": the gateway\'s certificate needs explicit names; use a domain wildcard such as *.internal.example.com',
            ]));
        it("refuses a host that is not a DNS name", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { hosts: ["App.Example.com"] } }, routes: null }), [
                'istio-mesh:gateways.external.hosts[0]: must be a lowercase DNS name with at least one dot, such as app.example.com (got "App.Example.com")',
            ]));
        it("refuses a duplicate host", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { hosts: ["app.example.com", "app.example.com"] } } }), [
                'istio-mesh:gateways.external.hosts[1]: duplicates host "app.example.com"',
            ]));
        it("requires hosts", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { hosts: null } } }), [
                "istio-mesh:gateways.internal.hosts: required: the hosts the internal gateway serves, e.g. [app.example.com]",
            ]));
        it("refuses an ACME issuer without an email", () =>
            assert.deepStrictEqual(problems({ certificates: { acme: { email: null, environment: "production" } } }), [
                "istio-mesh:certificates.acme.email: required: Let's Encrypt registers the ACME account to an email address and sends expiry warnings there",
            ]));
        it("refuses an email that is not one", () =>
            assert.deepStrictEqual(problems({ certificates: { acme: { email: "platform" } } }), [
                'istio-mesh:certificates.acme.email: must be an email address such as platform@example.com (got "platform")',
            ]));
        it("refuses an ACME-signed gateway without ACME settings", () =>
            assert.deepStrictEqual(problems({ certificates: { acme: null } }), [
                "istio-mesh:gateways.external.issuer: is acme (the default), but certificates.acme is not set: add certificates.acme.email (and environment), or set issuer: internal",
            ]));
        it("accepts an internally signed external gateway without ACME", () =>
            assert.deepStrictEqual(problems({ certificates: { acme: null }, gateways: { external: { issuer: "internal" } } }), []));
        it("accepts an internal CA root made by cert-manager", () =>
            assert.strictEqual(parseMeshConfig(raw({ certificates: { internalCa: { root: "cert-manager" } } })).certificates.internalCa.root, "cert-manager"));
        it("refuses an unknown internal CA root", () =>
            assert.deepStrictEqual(problems({ certificates: { internalCa: { root: "vault" } } }), [
                'istio-mesh:certificates.internalCa.root: must be one of state, cert-manager (got "vault")',
            ]));
        it("refuses renewBefore not shorter than duration", () =>
            assert.deepStrictEqual(problems({ certificates: { duration: "720h", renewBefore: "720h" } }), [
                "istio-mesh:certificates.renewBefore: must be shorter than duration (720h), or cert-manager would renew continuously",
            ]));
        it("refuses a duration under cert-manager's minimum", () =>
            assert.deepStrictEqual(problems({ certificates: { duration: "30m", renewBefore: "10m" } }), [
                'istio-mesh:certificates.duration: must be at least 1h, cert-manager\'s minimum (got "30m")',
            ]));
        it("refuses a duration in days", () =>
            assert.deepStrictEqual(problems({ certificates: { duration: "90d" } }), [
                'istio-mesh:certificates.duration: must be a duration in hours, minutes and seconds such as 2160h or 90m (got "90d")',
            ]));
        it("refuses gateways in kube-system", () =>
            assert.deepStrictEqual(problems({ gateways: { namespace: "kube-system" } }), [
                "istio-mesh:gateways.namespace: must not be kube-system: gateways need sidecar injection, which Istio never does in kube-system",
            ]));
        it("accepts gateways in the control plane's namespace (seed 001)", () =>
            assert.deepStrictEqual(problems({ gateways: { namespace: "istio-system" } }), []));
        it("refuses a PodDisruptionBudget for a single replica", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { replicas: 1, podDisruptionBudget: true } } }), [
                "istio-mesh:gateways.external.podDisruptionBudget: needs at least 2 replicas: with one gateway pod a PodDisruptionBudget (minAvailable 1) blocks every node drain; raise replicas/autoscale.min or set podDisruptionBudget: false",
            ]));
        it("refuses an external traffic policy on a ClusterIP gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { externalTrafficPolicy: "Local" } } }), [
                "istio-mesh:gateways.internal.externalTrafficPolicy: needs address: externalTrafficPolicy applies to LoadBalancer Services only, and this gateway is ClusterIP",
            ]));
        it("refuses replicas together with autoscale", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { replicas: 2, autoscale: { min: 2 } } } }), [
                "istio-mesh:gateways.external.autoscale: replicas and autoscale are mutually exclusive: set a fixed replica count or an autoscaling range",
            ]));
        it("refuses the chart's reserved defaults key in raw values", () =>
            assert.deepStrictEqual(problems({ gateways: { external: { values: { _internal_defaults_do_not_set: { replicaCount: 2 } } } } }), [
                "istio-mesh:gateways.external.values._internal_defaults_do_not_set: is reserved by the gateway chart for its own defaults; set the field directly under values (values.service.type, not values._internal_defaults_do_not_set.service.type)",
            ]));
        it("refuses an ACME issuer on the internal gateway", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: { issuer: "acme" } } }), [
                "istio-mesh:gateways.internal.issuer: acme needs the external gateway: cert-manager's HTTP-01 solver is reachable only through the external gateway's port 80 (istiod's ingress class selects its pods); use internal, or publish the hosts on gateways.external",
            ]));
    });

    describe("routes", () => {
        it("refuses a route to a gateway that does not exist", () =>
            assert.deepStrictEqual(problems({ gateways: { internal: null }, routes: { shop: { gateway: "internal" } } }), [
                "istio-mesh:routes.shop.gateway: the internal gateway does not exist: gateways.internal is not configured; configured: external",
            ]));
        it("refuses a host its gateway does not serve", () =>
            assert.deepStrictEqual(problems({ routes: { shop: { hosts: ["shop.example.com"] } } }), [
                "istio-mesh:routes.shop.hosts[0]: shop.example.com is not served by the external gateway (hosts: app.example.com): add it to gateways.external.hosts so its certificate covers it",
            ]));
        it("accepts a host under the internal gateway's wildcard", () =>
            assert.deepStrictEqual(problems({ routes: { shop: { gateway: "internal", hosts: ["grafana.internal.example.com"] } } }), []));
        it("refuses the same path twice in a route", () =>
            assert.deepStrictEqual(
                problems({
                    routes: {
                        shop: {
                            paths: [
                                { prefix: "/api", service: "a" },
                                { prefix: "/api", service: "b" },
                            ],
                        },
                    },
                }),
                ["istio-mesh:routes.shop.paths[1]: duplicates paths[0] (prefix /api): the second match would never be reached"],
            ));
        it("refuses the same host and path in two routes", () =>
            assert.deepStrictEqual(problems({ routes: { other: BASE.routes.shop } }), [
                "istio-mesh:routes.other.paths: prefix /api on app.example.com is already routed by routes.shop through the external gateway: one of them would never be reached",
            ]));
        it("refuses a path without a leading slash", () =>
            assert.deepStrictEqual(problems({ routes: { shop: { paths: [{ prefix: "api", service: "a" }] } } }), [
                'istio-mesh:routes.shop.paths[0].prefix: must be a path starting with / without spaces, query or fragment, such as /api (got "api")',
            ]));
        it("refuses prefix and exact together", () =>
            assert.deepStrictEqual(problems({ routes: { shop: { paths: [{ prefix: "/a", exact: "/a", service: "a" }] } } }), [
                "istio-mesh:routes.shop.paths[0]: must set exactly one of prefix (/api matches /api and /api/...) or exact (only /api)",
            ]));
        it("refuses a port out of range", () =>
            assert.deepStrictEqual(problems({ routes: { shop: { paths: [{ prefix: "/a", service: "a", port: 70000 }] } } }), [
                "istio-mesh:routes.shop.paths[0].port: must be an integer from 1 to 65535 (got 70000)",
            ]));
        it("requires a route's namespace", () =>
            assert.deepStrictEqual(problems({ routes: { shop: { namespace: null } } }), [
                "istio-mesh:routes.shop.namespace: required: the namespace of the services this route sends traffic to (the VirtualService lives there)",
            ]));
        it("refuses a route name that cannot name a VirtualService", () =>
            assert.deepStrictEqual(
                checkMeshConfig({ ...BASE, routes: { Shop_1: BASE.routes.shop } }).problems.map((p) => `${p.key}: ${p.message}`),
                [
                    "istio-mesh:routes.Shop_1: the route name becomes the VirtualService name and must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
                ],
            ));
    });

    describe("gatewayIdentities", () => {
        it("describes each configured gateway for authorization rules", () =>
            assert.deepStrictEqual(gatewayIdentities(parseMeshConfig(raw()).gateways), {
                external: {
                    namespace: "istio-ingress",
                    serviceAccount: "istio-ingressgateway",
                    gateway: "istio-ingress/external-gateway",
                    hosts: ["app.example.com"],
                },
                internal: {
                    namespace: "istio-ingress",
                    serviceAccount: "istio-ingressgateway-internal",
                    gateway: "istio-ingress/internal-gateway",
                    hosts: ["*.internal.example.com"],
                },
            }));
        it("is empty without gateways", () => assert.deepStrictEqual(gatewayIdentities(parseMeshConfig({}).gateways), {}));
        it("follows the configured namespace", () =>
            assert.strictEqual(
                gatewayIdentities(parseMeshConfig(raw({ gateways: { namespace: "edge" } })).gateways).external!.gateway,
                "edge/external-gateway",
            ));
    });

    describe("hostCovers", () => {
        it("matches a host under a wildcard", () => assert.strictEqual(hostCovers("*.example.com", "a.example.com"), true));
        it("does not match the wildcard's own domain", () => assert.strictEqual(hostCovers("*.example.com", "example.com"), false));
        it("does not match another host", () => assert.strictEqual(hostCovers("app.example.com", "api.example.com"), false));
        it("does not match two labels under a wildcard, as the certificate would not", () =>
            assert.strictEqual(hostCovers("*.example.com", "a.b.example.com"), false));
        it("matches the same wildcard", () => assert.strictEqual(hostCovers("*.example.com", "*.example.com"), true));
    });

    describe("ip", () => {
        it("parses IPv4", () => assert.deepStrictEqual(parseIp("10.0.0.1"), { family: 4, value: 0x0a000001n }));
        it("refuses IPv4 with a leading zero", () => assert.strictEqual(parseIp("10.0.0.01"), undefined));
        it("parses compressed IPv6", () => assert.deepStrictEqual(parseIp("2001:db8::1"), { family: 6, value: 0x20010db8000000000000000000000001n }));
        it("parses IPv6 with an embedded IPv4 address", () => assert.strictEqual(formatIp(parseIp("::ffff:10.0.0.1")!), "::ffff:a00:1"));
        it("refuses IPv6 with two ::", () => assert.strictEqual(parseIp("2001::db8::1"), undefined));
        it("refuses IPv6 with too many groups", () => assert.strictEqual(parseIp("1:2:3:4:5:6:7:8:9"), undefined));
        it("formats IPv6 compressing the longest zero run", () => assert.strictEqual(formatIp(parseIp("2001:db8:0:0:1:0:0:0")!), "2001:db8:0:0:1::"));
        it("reads a CIDR as its range", () =>
            assert.deepStrictEqual(parsePoolEntry("10.0.10.48/28"), { range: { family: 4, first: 0x0a000a30n, last: 0x0a000a3fn, text: "10.0.10.48/28" } }));
        it("suggests the IPv6 network for host bits", () =>
            assert.deepStrictEqual(parsePoolEntry("2001:db8::10/120"), {
                error: "has host bits set: 2001:db8::10/120 is not a network address; did you mean 2001:db8::/120?",
            }));
        it("refuses a prefix longer than the family allows", () =>
            assert.deepStrictEqual(parsePoolEntry("10.0.0.0/33"), { error: 'has prefix length /33, but IPv4 allows at most /32 (got "10.0.0.0/33")' }));
        it("refuses a range mixing families", () =>
            assert.deepStrictEqual(parsePoolEntry("10.0.0.1-2001:db8::1"), { error: 'mixes IPv4 and IPv6 in one range (got "10.0.0.1-2001:db8::1")' }));
        it("accepts spaces around a range's dash", () => assert.ok("range" in parsePoolEntry("10.0.0.1 - 10.0.0.9")));
    });
});
