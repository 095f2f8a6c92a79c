import * as assert from "assert";
import type { ServiceTrafficConfig } from "../../config/mesh-traffic";
import { CIRCUIT_BREAKER_EXAMPLE, destinationRuleSpec, httpRoute, ServiceTraffic, virtualServiceSpec } from "../../components/traffic";
import { runProgram, Stack } from "../mocks";
import { direct } from "./direct";

const HOST = "reviews.shop.svc.cluster.local";
const SUBSETS = [
    { name: "v1", labels: { version: "v1" } },
    { name: "v2", labels: { version: "v2" } },
];
const canary: ServiceTrafficConfig = { subsets: SUBSETS, routes: [{ to: { v1: 90, v2: 10 } }] };

describe("traffic", () => {
    describe("DestinationRule", () => {
        it("defines subsets by label, with mTLS to the pods", () =>
            assert.deepStrictEqual(destinationRuleSpec(HOST, canary), { host: HOST, trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } }, subsets: SUBSETS }));
        it("carries seed 002's circuit breaker", () =>
            assert.deepStrictEqual(destinationRuleSpec(HOST, { subsets: [], routes: [], ...CIRCUIT_BREAKER_EXAMPLE }), {
                host: HOST,
                trafficPolicy: {
                    tls: { mode: "ISTIO_MUTUAL" },
                    connectionPool: { tcp: { maxConnections: 100 }, http: { h2UpgradePolicy: "DEFAULT", http1MaxPendingRequests: 50, http2MaxRequests: 100 } },
                    outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 },
                },
            }));
        it("sets the load balancer", () =>
            assert.deepStrictEqual(destinationRuleSpec(HOST, { subsets: [], routes: [], loadBalancer: "LEAST_REQUEST" })?.trafficPolicy, {
                tls: { mode: "ISTIO_MUTUAL" },
                loadBalancer: { simple: "LEAST_REQUEST" },
            }));
        it("leaves TLS to auto mTLS during a migration", () =>
            assert.deepStrictEqual(destinationRuleSpec(HOST, canary, false), { host: HOST, subsets: SUBSETS }));
        it("is not needed for routes alone", () =>
            assert.strictEqual(destinationRuleSpec(HOST, { subsets: [], routes: [{ to: {}, timeout: "5s" }] }), undefined));
    });

    describe("VirtualService", () => {
        it("splits traffic by weight", () =>
            assert.deepStrictEqual(virtualServiceSpec(HOST, canary), {
                hosts: [HOST],
                http: [
                    {
                        route: [
                            { destination: { host: HOST, subset: "v1" }, weight: 90 },
                            { destination: { host: HOST, subset: "v2" }, weight: 10 },
                        ],
                    },
                ],
            }));
        it("is not needed without routes", () => assert.strictEqual(virtualServiceSpec(HOST, { subsets: [], routes: [], loadBalancer: "RANDOM" }), undefined));
        it("matches a header exactly (seed 003)", () =>
            assert.deepStrictEqual(httpRoute(HOST, undefined, { match: { headers: { "end-user": { exact: "jason" } } }, to: { v2: 100 } }), {
                match: [{ headers: { "end-user": { exact: "jason" } } }],
                route: [{ destination: { host: HOST, subset: "v2" }, weight: 100 }],
            }));
        it("matches a URI prefix and a method", () =>
            assert.deepStrictEqual(httpRoute(HOST, undefined, { match: { uri: { prefix: "/api" }, method: "POST" }, to: {} }).match, [
                { uri: { prefix: "/api" }, method: { exact: "POST" } },
            ]));
        it("routes to the service itself when it has no subsets", () =>
            assert.deepStrictEqual(httpRoute(HOST, undefined, { to: {} }), { route: [{ destination: { host: HOST } }] }));
        it("names the port when the service sets one", () =>
            assert.deepStrictEqual(httpRoute(HOST, 8000, { to: {} }).route, [{ destination: { host: HOST, port: { number: 8000 } } }]));
        it("sets timeout and retries, retry conditions comma-separated", () =>
            assert.deepStrictEqual(
                httpRoute(HOST, undefined, { to: {}, timeout: "10s", retries: { attempts: 3, perTryTimeout: "2s", retryOn: ["5xx", "connect-failure"] } }),
                {
                    route: [{ destination: { host: HOST } }],
                    timeout: "10s",
                    retries: { attempts: 3, perTryTimeout: "2s", retryOn: "5xx,connect-failure" },
                },
            ));
        it("injects a delay and an abort for a share of requests", () =>
            assert.deepStrictEqual(
                httpRoute(HOST, undefined, { to: {}, fault: { delay: { fixedDelay: "5s", percent: 10 }, abort: { httpStatus: 503, percent: 1.5 } } }).fault,
                { delay: { fixedDelay: "5s", percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 1.5 } } },
            ));
        it("mirrors a share of the traffic to a subset", () => {
            const r = httpRoute(HOST, 8000, { to: { v1: 100 }, mirror: { subset: "v2", percent: 20 } });
            assert.deepStrictEqual([r.mirror, r.mirrorPercentage], [{ host: HOST, subset: "v2", port: { number: 8000 } }, { value: 20 }]);
        });
        it("mirrors to another host without this service's port", () =>
            assert.deepStrictEqual(httpRoute(HOST, 8000, { to: {}, mirror: { host: "shadow.shop.svc.cluster.local", percent: 100 } }).mirror, {
                host: "shadow.shop.svc.cluster.local",
            }));
    });

    describe("resources", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({
                namespaces: {
                    shop: {
                        services: {
                            reviews: {
                                subsets: SUBSETS,
                                routes: [{ match: { headers: { "end-user": "jason" } }, to: "v2" }, { to: { v1: 90, v2: 10 } }],
                            },
                            ratings: { routes: [{ timeout: "2s" }] },
                            details: { outlierDetection: { consecutive5xxErrors: 3 } },
                        },
                    },
                },
            });
        });
        it("registers a DestinationRule named after the service, in its namespace", () =>
            assert.strictEqual(stack.k8s("DestinationRule", "reviews", "shop").inputs.spec.host, HOST));
        it("registers a VirtualService with the header route first", () =>
            assert.deepStrictEqual(stack.k8s("VirtualService", "reviews", "shop").inputs.spec.http[0].match, [
                { headers: { "end-user": { exact: "jason" } } },
            ]));
        it("registers only a VirtualService for routes without subsets", () =>
            assert.deepStrictEqual(
                [
                    stack.k8s("VirtualService", "ratings", "shop").inputs.spec.http[0].timeout,
                    stack.resources.some((r) => r.inputs?.kind === "DestinationRule" && r.inputs.metadata.name === "ratings"),
                ],
                ["2s", false],
            ));
        it("registers only a DestinationRule for a circuit breaker alone", () =>
            assert.deepStrictEqual(
                [
                    stack.k8s("DestinationRule", "details", "shop").inputs.spec.trafficPolicy.outlierDetection,
                    stack.resources.some((r) => r.inputs?.kind === "VirtualService" && r.inputs.metadata.name === "details"),
                ],
                [{ consecutive5xxErrors: 3 }, false],
            ));
        it("makes the rules wait for istiod (the validation webhook)", () =>
            assert.ok(stack.dependencyNames(stack.k8s("VirtualService", "reviews", "shop")).includes("mesh-istiod")));
    });

    describe("ServiceTraffic", () => {
        it("registers the same rules as a component of its own", async () => {
            const registered = await direct(() => new ServiceTraffic("reviews", { namespace: "shop", service: "reviews", traffic: canary }));
            assert.deepStrictEqual(
                registered.map((r) => `${r.type} ${r.name}`),
                [
                    "istio-mesh:mesh:ServiceTraffic reviews",
                    "kubernetes:networking.istio.io/v1:DestinationRule reviews-destination-rule",
                    "kubernetes:networking.istio.io/v1:VirtualService reviews-virtual-service",
                ],
            );
        });
    });
});
