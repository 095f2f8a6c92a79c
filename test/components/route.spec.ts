import * as assert from "assert";
import * as path from "path";
import { readStackFile } from "../../bin/config-check";
import { destinationHost, orderPaths, virtualServiceSpec } from "../../components/route";
import type { RouteConfig } from "../../config/routes";
import { REPO_ROOT, runProgram, Stack } from "../mocks";

const ROUTE: RouteConfig = {
    name: "shop",
    namespace: "customer-apps",
    gateway: "external",
    hosts: ["app.example.com"],
    paths: [
        { match: "prefix", path: "/", service: "web-service" },
        { match: "prefix", path: "/api", service: "api-service", port: 8000 },
        { match: "exact", path: "/healthz", service: "health.ops.svc.cluster.local" },
        { match: "prefix", path: "/api/v2", service: "api-v2", port: 8000 },
    ],
};

describe("Route", () => {
    describe("VirtualService spec", () => {
        it("qualifies a Service name with the route's namespace", () =>
            assert.strictEqual(destinationHost("api-service", "customer-apps"), "api-service.customer-apps.svc.cluster.local"));
        it("keeps a qualified host as given", () =>
            assert.strictEqual(destinationHost("health.ops.svc.cluster.local", "customer-apps"), "health.ops.svc.cluster.local"));
        it("puts exact paths first and longer prefixes before shorter ones", () =>
            assert.deepStrictEqual(
                orderPaths(ROUTE.paths).map((p) => p.path),
                ["/healthz", "/api/v2", "/api", "/"],
            ));
        it("binds to the gateway by namespace/name", () =>
            assert.deepStrictEqual(virtualServiceSpec(ROUTE, "istio-ingress/external-gateway").gateways, ["istio-ingress/external-gateway"]));
        it("builds one named HTTP route per path", () =>
            assert.deepStrictEqual(virtualServiceSpec(ROUTE, "istio-ingress/external-gateway").http, [
                { name: "exact-healthz", match: [{ uri: { exact: "/healthz" } }], route: [{ destination: { host: "health.ops.svc.cluster.local" } }] },
                {
                    name: "prefix-api-v2",
                    match: [{ uri: { prefix: "/api/v2" } }],
                    route: [{ destination: { host: "api-v2.customer-apps.svc.cluster.local", port: { number: 8000 } } }],
                },
                {
                    name: "prefix-api",
                    match: [{ uri: { prefix: "/api" } }],
                    route: [{ destination: { host: "api-service.customer-apps.svc.cluster.local", port: { number: 8000 } } }],
                },
                { name: "prefix-root", match: [{ uri: { prefix: "/" } }], route: [{ destination: { host: "web-service.customer-apps.svc.cluster.local" } }] },
            ]));
    });

    describe("seed 001's example in the dev stack", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(readStackFile(path.join(REPO_ROOT, "Pulumi.dev.yaml")), { stack: "dev" });
        });

        it("routes /api to api-service and /web to web-service on the external gateway", () =>
            assert.deepStrictEqual(stack.k8s("VirtualService", "example-app", "customer-apps").inputs.spec, {
                hosts: ["app.dev.example.com"],
                gateways: ["istio-ingress/external-gateway"],
                http: [
                    {
                        name: "prefix-api",
                        match: [{ uri: { prefix: "/api" } }],
                        route: [{ destination: { host: "api-service.customer-apps.svc.cluster.local", port: { number: 8000 } } }],
                    },
                    {
                        name: "prefix-web",
                        match: [{ uri: { prefix: "/web" } }],
                        route: [{ destination: { host: "web-service.customer-apps.svc.cluster.local", port: { number: 8000 } } }],
                    },
                ],
            }));
        it("creates the route only after its gateway", () =>
            assert.ok(stack.dependencyNames(stack.k8s("VirtualService", "example-app")).includes("ingress-external-gateway")));
        it("creates the route only after the namespace it lives in", () =>
            assert.ok(stack.dependencyNames(stack.k8s("VirtualService", "example-app")).includes("customer-apps-namespace")));
        it("creates the route only after istiod", () => assert.ok(stack.dependencyNames(stack.k8s("VirtualService", "example-app")).includes("mesh-istiod")));
    });

    describe("on the internal gateway", () => {
        it("binds to the internal Gateway", async () => {
            const stack = await runProgram({
                gateways: { internal: { hosts: ["*.internal.example.com"] } },
                routes: {
                    grafana: {
                        namespace: "observability",
                        gateway: "internal",
                        hosts: ["grafana.internal.example.com"],
                        paths: [{ prefix: "/", service: "grafana", port: 3000 }],
                    },
                },
            });
            assert.deepStrictEqual(stack.k8s("VirtualService", "grafana", "observability").inputs.spec.gateways, ["istio-ingress/internal-gateway"]);
        });
    });
});
