import * as assert from "assert";
import { serviceEntryInvalid } from "../../policy-pack/lib/istio";
import { toObject } from "../../policy-pack/lib/k8s";
import { httpMatchCovers, l4MatchCovers } from "../../policy-pack/lib/matches";
import { StackIndex } from "../../policy-pack/lib/stack";
import { exportedTo, parseExportTo, sharesNamespace, visibleIn } from "../../policy-pack/lib/visibility";
import { selectorsOverlap } from "../../policy-pack/lib/workloads";
import { resource, run } from "./harness";
import { deployment, destinationRule, gateway, httpsServer, namespace, secret, service, serviceEntry, virtualService } from "./objects";

const meshConfigMap = (mesh: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "istio", namespace: "istio-system" }, data: { mesh } });
const index = (...objs: object[]) => new StackIndex(objs.map((o) => resource(o)));
const obj = (o: object) => toObject(resource(o))!;

describe("Istio semantics", () => {
    describe("exportTo", () => {
        it("exports everywhere by default", () => {
            assert.strictEqual(visibleIn(exportedTo(index(), obj(virtualService("a", "vs"))), "b"), true);
        });
        it("reads . as the object's own namespace", () => {
            const e = parseExportTo(["."], "a");
            assert.deepStrictEqual([visibleIn(e, "a"), visibleIn(e, "b")], [true, false]);
        });
        it("reads ~ as no namespace", () => {
            assert.strictEqual(visibleIn(parseExportTo(["~"], "a"), "a"), false);
        });
        it("reads namespace names", () => {
            const e = parseExportTo([".", "b"], "a");
            assert.deepStrictEqual([visibleIn(e, "a"), visibleIn(e, "b"), visibleIn(e, "c")], [true, true, false]);
        });
        it("falls back to the mesh config's default of the kind", () => {
            const idx = index(meshConfigMap('defaultDestinationRuleExportTo: ["."]\n'));
            assert.deepStrictEqual(
                [visibleIn(exportedTo(idx, obj(destinationRule("a", "dr"))), "b"), visibleIn(exportedTo(idx, obj(virtualService("a", "vs"))), "b")],
                [false, true],
            );
        });
        it("reads a Service's exportTo annotation", () => {
            const svc = obj(service("a", "s", {}, { annotations: { "networking.istio.io/exportTo": ".,c" } }));
            assert.deepStrictEqual([visibleIn(exportedTo(index(), svc), "b"), visibleIn(exportedTo(index(), svc), "c")], [false, true]);
        });
        it("finds a namespace two exports share", () => {
            assert.deepStrictEqual(
                [sharesNamespace(parseExportTo(["*"], "a"), parseExportTo(["."], "b")), sharesNamespace(parseExportTo(["."], "a"), parseExportTo(["."], "b"))],
                [true, false],
            );
        });
    });

    describe("ServiceEntry validity", () => {
        it("rejects a DNS wildcard without endpoints", () => {
            assert.strictEqual(
                serviceEntryInvalid({ hosts: ["*.x.com"], resolution: "DNS", ports: [{ number: 80, name: "http" }] }),
                "resolution DNS needs endpoints for the wildcard host *.x.com",
            );
        });
        it("accepts a wildcard with resolution NONE", () => {
            assert.strictEqual(serviceEntryInvalid({ hosts: ["*.x.com"], resolution: "NONE", ports: [{ number: 80, name: "http" }] }), undefined);
        });
    });

    describe("workload selection", () => {
        it("treats a selector containing another's labels as overlapping when no workload matches", () => {
            assert.strictEqual(selectorsOverlap(index(), { istio: "gw" }, { istio: "gw", zone: "a" }), true);
        });
        it("does not assume overlap for selectors on different keys", () => {
            assert.strictEqual(selectorsOverlap(index(), { istio: "gw" }, { app: "edge" }), false);
        });
        it("uses the workloads when both selectors match some", () => {
            const idx = index(deployment("gw", "one", { istio: "gw", app: "edge" }), deployment("gw", "two", { app: "edge", zone: "b" }));
            assert.strictEqual(selectorsOverlap(idx, { istio: "gw" }, { app: "edge" }), true);
        });
        it("finds no overlap between selectors of distinct workloads", () => {
            const idx = index(deployment("gw", "one", { istio: "public" }), deployment("gw", "two", { istio: "partners" }));
            assert.strictEqual(selectorsOverlap(idx, { istio: "public" }, { istio: "partners" }), false);
        });
    });

    describe("match coverage", () => {
        it("prefix / covers any path", () => {
            assert.strictEqual(httpMatchCovers({ uri: { prefix: "/" } }, { uri: { exact: "/x" }, method: { exact: "GET" } }), true);
        });
        it("prefix /api covers prefix /api/v1 with stricter conditions", () => {
            assert.strictEqual(httpMatchCovers({ uri: { prefix: "/api" } }, { uri: { prefix: "/api/v1" }, headers: { a: { exact: "1" } } }), true);
        });
        it("a header condition narrows the earlier match", () => {
            assert.strictEqual(httpMatchCovers({ uri: { prefix: "/api" }, headers: { a: { exact: "1" } } }, { uri: { prefix: "/api/v1" } }), false);
        });
        it("a case-sensitive match does not cover a case-insensitive one", () => {
            assert.strictEqual(httpMatchCovers({ uri: { prefix: "/api" } }, { uri: { prefix: "/api" }, ignoreUriCase: true }), false);
        });
        it("an SNI wildcard covers later SNI hosts", () => {
            assert.strictEqual(l4MatchCovers({ sniHosts: ["*.example.com"] }, { sniHosts: ["a.example.com"] }), true);
        });
    });

    describe("messages", () => {
        it("names the exportTo that hides a ServiceEntry", () => {
            const se = serviceEntry("egress", "partner", {
                hosts: ["api.partner.com"],
                exportTo: ["."],
                resolution: "DNS",
                ports: [{ number: 443, name: "tls", protocol: "TLS" }],
            });
            const vs = virtualService("shop", "p", {
                hosts: ["api.partner.com"],
                tls: [{ match: [{ sniHosts: ["api.partner.com"] }], route: [{ destination: { host: "api.partner.com" } }] }],
            });
            assert.deepStrictEqual(run("virtual-service-destination-exists", [se, vs]), [
                "VirtualService shop/p: spec.tls[0].route[0].destination.host api.partner.com is outside the cluster and no ServiceEntry visible in shop declares it (ServiceEntry egress/partner is exported only to namespace egress, not shop); Istio has no cluster for it, so requests fail (BlackHole with REGISTRY_ONLY, 503 otherwise). Add a ServiceEntry or list the host in externalHosts.",
            ]);
        });
        it("names a route port the Service lacks", () => {
            const vs = virtualService("shop", "r", { hosts: ["reviews"], http: [{ route: [{ destination: { host: "reviews", port: { number: 9080 } } }] }] });
            assert.deepStrictEqual(run("virtual-service-destination-exists", [service("shop", "reviews", { ports: [{ name: "http", port: 8080 }] }), vs]), [
                "VirtualService shop/r: spec.http[0].route[0].destination.port.number 9080 is not a port of reviews.shop.svc.cluster.local (8080); Istio builds no cluster for that port, so requests fail with HTTP 503. Route to one of the declared ports.",
            ]);
        });
        it("names the exportTo that hides a DestinationRule's subsets", () => {
            const dr = destinationRule("payments", "reviews", { host: "reviews.payments.svc.cluster.local", exportTo: ["."], subsets: [{ name: "v2" }] });
            const vs = virtualService("shop", "r", {
                hosts: ["x"],
                http: [{ route: [{ destination: { host: "reviews.payments.svc.cluster.local", subset: "v2" } }] }],
            });
            assert.deepStrictEqual(run("virtual-service-subset-defined", [dr, vs]), [
                'VirtualService shop/r: spec.http[0].route[0].destination.subset "v2" has no DestinationRule for host reviews.payments.svc.cluster.local visible in namespace shop (DestinationRule payments/reviews is exported only to namespace payments); the subset is undefined, so requests routed there fail with HTTP 503 (no healthy upstream).',
            ]);
        });
        it("counts a DestinationRule exported to the namespace of the Gateway the route binds to", () => {
            const dr = destinationRule("shop", "web", { host: "web.shop.svc.cluster.local", exportTo: ["istio-ingress"], subsets: [{ name: "v2" }] });
            const gw = gateway("istio-ingress", "public", { selector: { istio: "gw" }, servers: [httpsServer(["shop.example.com"], "tls")] });
            const vs = virtualService("shop", "r", {
                hosts: ["shop.example.com"],
                gateways: ["istio-ingress/public"],
                http: [{ route: [{ destination: { host: "web", subset: "v2" } }] }],
            });
            assert.deepStrictEqual(run("virtual-service-subset-defined", [dr, gw, vs]), []);
        });
        it("reports a match inside an earlier prefix", () => {
            const vs = virtualService("shop", "w", {
                hosts: ["w"],
                http: [
                    { match: [{ uri: { prefix: "/api" } }], route: [{ destination: { host: "w" } }] },
                    { match: [{ uri: { exact: "/api/v1" } }], route: [{ destination: { host: "w" } }] },
                ],
            });
            assert.deepStrictEqual(run("virtual-service-unreachable-routes", [vs]), [
                "VirtualService shop/w: spec.http[1].match[0] is covered by spec.http[0].match[0], an earlier match that takes all its requests, so the route never applies. Order the more specific match first.",
            ]);
        });
        it("reports Gateways whose selectors pick the same pods", () => {
            const a = gateway("istio-ingress", "a", { selector: { istio: "gw" }, servers: [httpsServer(["shop.example.com"], "a")] });
            const b = gateway("istio-ingress", "b", { selector: { istio: "gw", zone: "a" }, servers: [httpsServer(["shop.example.com"], "b")] });
            assert.strictEqual(
                run("gateway-conflict", [a, b])[0],
                "Gateway istio-ingress/a: spec.servers[0] (selector {istio=gw}) claims port 443 and host shop.example.com, also claimed by Gateway istio-ingress/b (selector {istio=gw,zone=a}) on the same gateway pods; the gateway keeps only one server for them, so the other's TLS settings and routes are ignored.",
            );
        });
        it("accepts a credential elsewhere when the gateway pods are not among the resources", () => {
            const gw = gateway("istio-config", "a", { selector: { istio: "gw" }, servers: [httpsServer(["shop.example.com"], "shop-tls")] });
            assert.deepStrictEqual(run("gateway-credential-namespace", [gw, secret("istio-ingress", "shop-tls")]), []);
        });
        it("accepts tls DISABLE towards a namespace without proxies", () => {
            const dr = destinationRule("shop", "db", { host: "postgres.data.svc.cluster.local", trafficPolicy: { tls: { mode: "DISABLE" } } });
            assert.deepStrictEqual(run("destination-rule-tls-not-disabled", [namespace("data"), dr]), []);
        });
        it("accepts an inert revision label beside istio-injection=disabled", () => {
            assert.deepStrictEqual(run("namespace-injection-labels", [namespace("shop", { "istio-injection": "disabled", "istio.io/rev": "1-30-3" })]), []);
        });
        it("accepts a gateway that runs its own proxy in an injected namespace", () => {
            const gw = deployment(
                "istio-ingress",
                "gw",
                { istio: "gw", "sidecar.istio.io/inject": "false" },
                { containers: [{ name: "istio-proxy", image: "auto" }] },
            );
            assert.deepStrictEqual(run("workload-injection-opt-out", [namespace("istio-ingress", { "istio-injection": "enabled" }), gw]), []);
        });
    });
});
