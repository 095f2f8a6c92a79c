import * as assert from "assert";
import { run } from "./harness";
import { destinationRule, gateway, namespace, service, serviceEntry, virtualService } from "./objects";

const route = (...dests: object[]) => ({ http: [{ route: dests }] });

describe("routing policies", () => {
    describe("virtual-service-route-weights", () => {
        it("reports weights that do not sum to 100", () => {
            const vs = virtualService("shop", "reviews", {
                hosts: ["reviews"],
                ...route({ destination: { host: "a" }, weight: 80 }, { destination: { host: "b" }, weight: 10 }),
            });
            assert.deepStrictEqual(run("virtual-service-route-weights", [vs]), [
                "VirtualService shop/reviews: spec.http[0].route weights sum to 90, not 100; Istio serves each destination weight/90 of the requests, so the split differs from the percentages written here.",
            ]);
        });
        it("reports a destination without weight among several", () => {
            const vs = virtualService("shop", "reviews", { tcp: [{ route: [{ destination: { host: "a" }, weight: 100 }, { destination: { host: "b" } }] }] });
            assert.deepStrictEqual(run("virtual-service-route-weights", [vs]), [
                "VirtualService shop/reviews: spec.tcp[0].route[1] has no weight while the route has 2 destinations; a missing weight counts as 0, so that destination receives no traffic. Give every destination a weight, summing to 100.",
            ]);
        });
        it("checks tls routes too", () => {
            const vs = virtualService("shop", "db", {
                tls: [
                    {
                        route: [
                            { destination: { host: "a" }, weight: 50 },
                            { destination: { host: "b" }, weight: 60 },
                        ],
                    },
                ],
            });
            assert.strictEqual(run("virtual-service-route-weights", [vs]).length, 1);
        });
        it("accepts a single destination without weight", () => {
            assert.deepStrictEqual(run("virtual-service-route-weights", [virtualService("shop", "r", route({ destination: { host: "a" } }))]), []);
        });
    });

    describe("virtual-service-subset-defined", () => {
        const vs = virtualService("shop", "reviews", { hosts: ["reviews"], ...route({ destination: { host: "reviews", subset: "v2" } }) });
        it("reports a subset with no DestinationRule for the host", () => {
            assert.deepStrictEqual(run("virtual-service-subset-defined", [vs]), [
                'VirtualService shop/reviews: spec.http[0].route[0].destination.subset "v2" has no DestinationRule for host reviews.shop.svc.cluster.local; the subset is undefined, so requests routed there fail with HTTP 503 (no healthy upstream).',
            ]);
        });
        it("reports a subset the host's DestinationRule lacks", () => {
            const dr = destinationRule("shop", "reviews", { host: "reviews", subsets: [{ name: "v1", labels: { version: "v1" } }] });
            assert.deepStrictEqual(run("virtual-service-subset-defined", [vs, dr]), [
                'VirtualService shop/reviews: spec.http[0].route[0].destination.subset "v2" is not defined by DestinationRule shop/reviews, the DestinationRule for host reviews.shop.svc.cluster.local; requests routed there fail with HTTP 503 (no healthy upstream).',
            ]);
        });
        it("reports a subset defined only by a less specific DestinationRule", () => {
            const exact = destinationRule("shop", "reviews", { host: "reviews", subsets: [{ name: "v1" }] });
            const wide = destinationRule("shop", "all", { host: "*.shop.svc.cluster.local", subsets: [{ name: "v2" }] });
            assert.deepStrictEqual(run("virtual-service-subset-defined", [vs, exact, wide]), [
                'VirtualService shop/reviews: spec.http[0].route[0].destination.subset "v2" is defined only by DestinationRule shop/all for *.shop.svc.cluster.local, but Istio applies DestinationRule shop/reviews (host reviews.shop.svc.cluster.local, more specific) to reviews.shop.svc.cluster.local, which lacks it; requests routed there fail with HTTP 503.',
            ]);
        });
        it("accepts a subset from a DestinationRule in another namespace written as FQDN", () => {
            const dr = destinationRule("istio-system", "reviews", { host: "reviews.shop.svc.cluster.local", subsets: [{ name: "v2" }] });
            assert.deepStrictEqual(run("virtual-service-subset-defined", [vs, dr]), []);
        });
        it("checks mirror destinations", () => {
            const m = virtualService("shop", "m", { http: [{ route: [{ destination: { host: "a" } }], mirror: { host: "a", subset: "shadow" } }] });
            assert.match(run("virtual-service-subset-defined", [m])[0], /spec\.http\[0\]\.mirror\.subset "shadow"/);
        });
        it("skips hosts whose DestinationRules are external", () => {
            assert.deepStrictEqual(run("virtual-service-subset-defined", [vs], { externalDestinationRuleHosts: ["*.shop.svc.cluster.local"] }), []);
        });
    });

    describe("virtual-service-gateway-exists", () => {
        const vs = virtualService("shop", "web", { hosts: ["shop.example.com"], gateways: ["istio-ingress/public"] });
        it("reports a Gateway that is not among the resources", () => {
            assert.deepStrictEqual(run("virtual-service-gateway-exists", [vs]), [
                "VirtualService shop/web: spec.gateways[0] refers to Gateway istio-ingress/public, which is not among the checked resources; the routes bound to it are never served. Declare the Gateway, fix the reference, or list it in externalGateways if another team owns it.",
            ]);
        });
        it("resolves a bare name in the VirtualService's namespace", () => {
            const local = virtualService("shop", "web", { gateways: ["public"] });
            assert.match(run("virtual-service-gateway-exists", [local, gateway("istio-ingress", "public")])[0], /refers to Gateway shop\/public/);
        });
        it("checks gateways in route matches", () => {
            const m = virtualService("shop", "web", { http: [{ match: [{ gateways: ["istio-ingress/internal"] }] }] });
            assert.match(run("virtual-service-gateway-exists", [m])[0], /spec\.http\[0\]\.match\[0\]\.gateways\[0\] refers to Gateway istio-ingress\/internal/);
        });
        it("accepts a declared Gateway and the reserved mesh", () => {
            const both = virtualService("shop", "web", { gateways: ["istio-ingress/public", "mesh"] });
            assert.deepStrictEqual(run("virtual-service-gateway-exists", [both, gateway("istio-ingress", "public")]), []);
        });
        it("accepts a Gateway listed in externalGateways", () => {
            assert.deepStrictEqual(run("virtual-service-gateway-exists", [vs], { externalGateways: ["istio-ingress/public"] }), []);
        });
        it("accepts a namespace wildcard in externalGateways", () => {
            assert.deepStrictEqual(run("virtual-service-gateway-exists", [vs], { externalGateways: ["istio-ingress/*"] }), []);
        });
        it("with assumeExternalExists, accepts references into namespaces without declared Gateways", () => {
            assert.deepStrictEqual(run("virtual-service-gateway-exists", [vs], { assumeExternalExists: true }), []);
        });
        it("with assumeExternalExists, still reports a missing Gateway in a namespace that declares others", () => {
            assert.strictEqual(run("virtual-service-gateway-exists", [vs, gateway("istio-ingress", "internal")], { assumeExternalExists: true }).length, 1);
        });
    });

    describe("mesh-virtual-service-host-conflict", () => {
        it("reports two mesh VirtualServices for one host, short and long form", () => {
            const a = virtualService("shop", "a", { hosts: ["reviews"] });
            const b = virtualService("shop", "b", { hosts: ["reviews.shop.svc.cluster.local"], gateways: ["mesh"] });
            assert.deepStrictEqual(run("mesh-virtual-service-host-conflict", [a, b]), [
                "VirtualService shop/a: host reviews.shop.svc.cluster.local is also defined for the mesh by VirtualService shop/b; sidecars do not merge mesh VirtualServices, so only one of them takes effect and the other routes are silently ignored. Merge them into one VirtualService.",
                "VirtualService shop/b: host reviews.shop.svc.cluster.local is also defined for the mesh by VirtualService shop/a; sidecars do not merge mesh VirtualServices, so only one of them takes effect and the other routes are silently ignored. Merge them into one VirtualService.",
            ]);
        });
        it("does not confuse the same short name in two namespaces", () => {
            const a = virtualService("shop", "a", { hosts: ["reviews"] });
            const b = virtualService("blog", "b", { hosts: ["reviews"] });
            assert.deepStrictEqual(run("mesh-virtual-service-host-conflict", [a, b]), []);
        });
    });

    describe("virtual-service-host-in-gateway", () => {
        const gw = gateway("istio-ingress", "public", {
            selector: { istio: "ingressgateway" },
            servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["shop/*.example.com"] }],
        });
        it("reports a host from a namespace the server does not admit", () => {
            const vs = virtualService("blog", "blog", { hosts: ["blog.example.com"], gateways: ["istio-ingress/public"] });
            assert.deepStrictEqual(run("virtual-service-host-in-gateway", [gw, vs]), [
                "VirtualService blog/blog: host blog.example.com (spec.gateways[0] istio-ingress/public) is not accepted by any server of Gateway istio-ingress/public for namespace blog; the gateway never routes this host to these rules.",
            ]);
        });
        it("leaves cluster hosts to the mesh when the VirtualService is also bound to it", () => {
            const vs = virtualService("shop", "web", { hosts: ["web", "www.example.com"], gateways: ["istio-ingress/public", "mesh"] });
            assert.deepStrictEqual(run("virtual-service-host-in-gateway", [gw, vs]), []);
        });
        it("reports a cluster host when the VirtualService is bound to the gateway only", () => {
            const vs = virtualService("shop", "web", { hosts: ["web"], gateways: ["istio-ingress/public"] });
            assert.strictEqual(run("virtual-service-host-in-gateway", [gw, vs]).length, 1);
        });
        it("accepts a host covered by a wildcard server host", () => {
            const vs = virtualService("shop", "web", { hosts: ["www.example.com"], gateways: ["istio-ingress/public"] });
            assert.deepStrictEqual(run("virtual-service-host-in-gateway", [gw, vs]), []);
        });
    });

    describe("virtual-service-destination-exists", () => {
        it("reports a cluster host with no Service in a known namespace", () => {
            const vs = virtualService("shop", "web", route({ destination: { host: "wbe" } }));
            assert.deepStrictEqual(run("virtual-service-destination-exists", [vs, service("shop", "web", { ports: [{ name: "http", port: 80 }] })]), [
                "VirtualService shop/web: spec.http[0].route[0].destination.host wbe.shop.svc.cluster.local matches no Service in namespace shop and no ServiceEntry; the route has no endpoints and requests fail with HTTP 503.",
            ]);
        });
        it("reports an external host without a ServiceEntry", () => {
            const vs = virtualService("shop", "pay", route({ destination: { host: "api.payments.example.com" } }));
            assert.deepStrictEqual(run("virtual-service-destination-exists", [vs]), [
                "VirtualService shop/pay: spec.http[0].route[0].destination.host api.payments.example.com is outside the cluster and no ServiceEntry declares it; Istio has no cluster for it, so requests fail (BlackHole with REGISTRY_ONLY, 503 otherwise). Add a ServiceEntry or list the host in externalHosts.",
            ]);
        });
        it("accepts an external host covered by a wildcard ServiceEntry", () => {
            const vs = virtualService("shop", "cdn", route({ destination: { host: "img.cdn.example.com" } }));
            assert.deepStrictEqual(run("virtual-service-destination-exists", [vs, serviceEntry("shop", "cdn", { hosts: ["*.cdn.example.com"] })]), []);
        });
        it("stays silent about namespaces it knows nothing of", () => {
            const vs = virtualService("shop", "web", route({ destination: { host: "api.backend.svc.cluster.local" } }));
            assert.deepStrictEqual(run("virtual-service-destination-exists", [vs, namespace("shop")]), []);
        });
    });

    describe("virtual-service-unreachable-routes", () => {
        it("reports routes behind a catch-all", () => {
            const vs = virtualService("shop", "web", {
                http: [{ route: [{ destination: { host: "web" } }] }, { match: [{ uri: { prefix: "/a" } }] }, { match: [{ uri: { prefix: "/b" } }] }],
            });
            assert.deepStrictEqual(run("virtual-service-unreachable-routes", [vs]), [
                "VirtualService shop/web: spec.http[0] has no match, so it takes every request and spec.http[1..2] never apply. Move the catch-all route last.",
            ]);
        });
        it("names a single unreachable route", () => {
            const vs = virtualService("shop", "web", { http: [{ route: [] }, { match: [{ uri: { prefix: "/a" } }] }] });
            assert.match(run("virtual-service-unreachable-routes", [vs])[0], /so it takes every request and spec\.http\[1\] never applies\./);
        });
        it("reports a repeated match, ignoring match names", () => {
            const vs = virtualService("shop", "web", { tcp: [{ match: [{ port: 5432 }] }, { match: [{ name: "again", port: 5432 }] }] });
            assert.deepStrictEqual(run("virtual-service-unreachable-routes", [vs]), [
                "VirtualService shop/web: spec.tcp[1].match repeats spec.tcp[0].match, so the earlier route always wins and this one never applies.",
                "VirtualService shop/web: spec.tcp[1].match[0] is covered by spec.tcp[0].match[0], an earlier match that takes all its requests. Order the more specific match first.",
            ]);
        });
    });

    describe("service-port-protocol", () => {
        it("reports a port without protocol prefix or appProtocol", () => {
            assert.deepStrictEqual(run("service-port-protocol", [service("shop", "web", { ports: [{ name: "web", port: 80 }] })]), [
                'Service shop/web: spec.ports[0] (name "web", port 80) declares no protocol by name prefix or appProtocol; Istio falls back to protocol sniffing, which adds latency and treats server-first protocols as plain TCP.',
            ]);
        });
        it("skips the proxy's status port, as the gateway chart names it", () => {
            assert.deepStrictEqual(
                run("service-port-protocol", [service("istio-ingress", "gw", { ports: [{ name: "status-port", port: 15021, targetPort: 15021 }] })]),
                [],
            );
        });
        it("skips exempt namespaces", () => {
            assert.deepStrictEqual(run("service-port-protocol", [service("kube-system", "dns", { ports: [{ name: "dns", port: 53 }] })]), []);
        });
    });
});
