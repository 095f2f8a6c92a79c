import * as assert from "assert";
import * as path from "path";
import { readStackFile } from "../../bin/config-check";
import { backendRef, crossNamespaceServices, httpRouteSpec, httpsListenerName, kubeGatewaySpec, redirectRouteSpec } from "../../components/gateway-api.values";
import { parseMeshConfig } from "../../config";
import type { RouteConfig } from "../../config/routes";
import { REPO_ROOT, runProgram, Stack } from "../mocks";

const EXTERNAL = parseMeshConfig({
    cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com", "grafana.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
}).gateways.byName.external!;

const ROUTE: RouteConfig = {
    name: "grafana",
    namespace: "observability",
    gateway: "external",
    hosts: ["grafana.example.com"],
    form: "gateway-api",
    paths: [
        { match: "prefix", path: "/", service: "grafana", port: 80 },
        { match: "exact", path: "/healthz", service: "health.ops.svc.cluster.local", port: 8080 },
        { match: "prefix", path: "/api", service: "grafana.observability.svc.cluster.local", port: 80 },
        { match: "prefix", path: "/ext", service: "api.partner.example.com", port: 443 },
    ],
};

describe("Gateway API form", () => {
    describe("Gateway spec", () => {
        const spec = kubeGatewaySpec({
            gateway: EXTERNAL,
            api: { name: "external-gateway-api", address: "10.0.10.51" },
            gatewayClassName: "istio",
            loadBalancer: "metallb",
            pool: "ingress",
            routeNamespaces: ["observability", "harbor", "observability"],
        }) as any;
        it("is of Istio's class", () => assert.strictEqual(spec.gatewayClassName, "istio"));
        it("pins the address in spec.addresses", () => assert.deepStrictEqual(spec.addresses, [{ type: "IPAddress", value: "10.0.10.51" }]));
        it("pins the address and pool with MetalLB's annotations on the Service istiod deploys", () =>
            assert.deepStrictEqual(spec.infrastructure, { annotations: { "metallb.io/loadBalancerIPs": "10.0.10.51", "metallb.io/address-pool": "ingress" } }));
        it("pins the address with kube-vip's annotation under kube-vip", () =>
            assert.deepStrictEqual(
                (
                    kubeGatewaySpec({
                        gateway: EXTERNAL,
                        api: { name: "x", address: "10.0.10.51" },
                        gatewayClassName: "istio",
                        loadBalancer: "kube-vip",
                        routeNamespaces: [],
                    }) as any
                ).infrastructure,
                { annotations: { "kube-vip.io/loadbalancerIPs": "10.0.10.51" } },
            ));
        it("listens on port 80 for its own namespace's redirect only", () =>
            assert.deepStrictEqual(spec.listeners[0], {
                name: "http",
                port: 80,
                protocol: "HTTP",
                allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "HTTPRoute" }] },
            }));
        it("has one HTTPS listener per host, with the cert-manager Secret of the Istio gateway", () =>
            assert.deepStrictEqual(
                spec.listeners.slice(1).map((l: any) => [l.name, l.hostname, l.port, l.tls]),
                [
                    [
                        "https-app-example-com",
                        "app.example.com",
                        443,
                        { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "external-gateway-tls" }] },
                    ],
                    [
                        "https-grafana-example-com",
                        "grafana.example.com",
                        443,
                        { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "external-gateway-tls" }] },
                    ],
                ],
            ));
        it("admits HTTPRoutes of the routes' namespaces only", () =>
            assert.deepStrictEqual(spec.listeners[1].allowedRoutes, {
                namespaces: {
                    from: "Selector",
                    selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["harbor", "observability"] }] },
                },
                kinds: [{ kind: "HTTPRoute" }],
            }));
        it("pins nothing without an address", () => {
            const bare = kubeGatewaySpec({
                gateway: EXTERNAL,
                api: { name: "x" },
                gatewayClassName: "istio",
                loadBalancer: "metallb",
                routeNamespaces: [],
            }) as any;
            assert.deepStrictEqual([bare.addresses, bare.infrastructure], [undefined, undefined]);
        });
        it("admits only its own namespace's routes when no route needs the listener", () =>
            assert.deepStrictEqual(
                (kubeGatewaySpec({ gateway: EXTERNAL, api: { name: "x" }, gatewayClassName: "istio", loadBalancer: "metallb", routeNamespaces: [] }) as any)
                    .listeners[1].allowedRoutes,
                { namespaces: { from: "Same" }, kinds: [{ kind: "HTTPRoute" }] },
            ));
        it("names a wildcard host's listener", () => assert.strictEqual(httpsListenerName("*.internal.example.com"), "https-wildcard-internal-example-com"));
    });

    describe("HTTPRoutes", () => {
        const spec = httpRouteSpec(ROUTE, EXTERNAL, { name: "external-gateway-api", namespace: "istio-ingress" }) as any;
        it("attaches to the HTTPS listener of each of its hosts", () =>
            assert.deepStrictEqual(spec.parentRefs, [
                {
                    group: "gateway.networking.k8s.io",
                    kind: "Gateway",
                    name: "external-gateway-api",
                    namespace: "istio-ingress",
                    sectionName: "https-grafana-example-com",
                },
            ]));
        it("answers for the route's hosts", () => assert.deepStrictEqual(spec.hostnames, ["grafana.example.com"]));
        it("orders paths as the VirtualService does", () =>
            assert.deepStrictEqual(
                spec.rules.map((r: any) => r.matches[0].path),
                [
                    { type: "Exact", value: "/healthz" },
                    { type: "PathPrefix", value: "/api" },
                    { type: "PathPrefix", value: "/ext" },
                    { type: "PathPrefix", value: "/" },
                ],
            ));
        it("sends a Service name to the route's namespace", () =>
            assert.deepStrictEqual(backendRef(ROUTE.paths[0], "observability"), { name: "grafana", port: 80 }));
        it("shortens a qualified Service of the route's namespace", () =>
            assert.deepStrictEqual(backendRef(ROUTE.paths[2], "observability"), { name: "grafana", port: 80 }));
        it("names the namespace of a Service elsewhere", () =>
            assert.deepStrictEqual(backendRef(ROUTE.paths[1], "observability"), { name: "health", namespace: "ops", port: 8080 }));
        it("sends another host to Istio's Hostname backend", () =>
            assert.deepStrictEqual(backendRef(ROUTE.paths[3], "observability"), {
                group: "networking.istio.io",
                kind: "Hostname",
                name: "api.partner.example.com",
                port: 443,
            }));
        it("needs a ReferenceGrant for each other namespace's Services", () => assert.deepStrictEqual(crossNamespaceServices(ROUTE), { ops: ["health"] }));
        it("redirects port 80 to HTTPS with a 301", () =>
            assert.deepStrictEqual(redirectRouteSpec(EXTERNAL, "external-gateway-api"), {
                parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "external-gateway-api", sectionName: "http" }],
                hostnames: ["app.example.com", "grafana.example.com"],
                rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
            }));
    });

    describe("the local stack (seed 000's primary model)", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(readStackFile(path.join(REPO_ROOT, "Pulumi.local.yaml")), { stack: "local" });
        });
        it("routes Headlamp, Grafana and Harbor as HTTPRoutes through the Istio Gateway of class istio", () =>
            assert.deepStrictEqual(
                ["headlamp/headlamp", "observability/grafana", "harbor/harbor"].map((id) => {
                    const [ns, name] = id.split("/");
                    return stack.k8s("HTTPRoute", name, ns).inputs.spec.parentRefs[0].name;
                }),
                ["external-gateway-api", "external-gateway-api", "external-gateway-api"],
            ));
        it("pins the Gateway API Gateway's address", () =>
            assert.deepStrictEqual(stack.k8s("Gateway", "external-gateway-api", "istio-ingress").inputs.spec.addresses, [
                { type: "IPAddress", value: "10.20.0.243" },
            ]));
        it("keeps example-app an Istio VirtualService only", () => {
            assert.ok(stack.k8s("VirtualService", "example-app", "customer-apps"));
            assert.throws(() => stack.k8s("HTTPRoute", "example-app"), /no HTTPRoute example-app registered/);
        });
        it("renders a route of form both in both forms", () => {
            assert.ok(stack.k8s("VirtualService", "harbor", "harbor"));
            assert.ok(stack.k8s("HTTPRoute", "harbor", "harbor"));
        });
        it("keeps an Istio-form route's name and parent (so its URN) under the Ingress component", () => {
            const vs = stack.k8s("VirtualService", "example-app");
            const route = stack.byUrn(vs.parent);
            assert.deepStrictEqual(
                [vs.name, route.type, route.name, stack.byUrn(route.parent).type],
                ["ingress-route-example-app-virtual-service", "istio-mesh:ingress:Route", "ingress-route-example-app", "istio-mesh:ingress:Ingress"],
            );
        });
        it("turns istiod's Gateway API support on", () => {
            const istiod = stack.resources.find((r) => r.name === "mesh-istiod")!;
            assert.deepStrictEqual(istiod.inputs.values.env, {
                PILOT_ENABLE_GATEWAY_API: "true",
                PILOT_ENABLE_GATEWAY_API_STATUS: "true",
                PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: "true",
                PILOT_ENABLE_GATEWAY_API_GATEWAYCLASS_CONTROLLER: "true",
            });
        });
        it("creates HTTPRoutes only after their Gateway", () =>
            assert.ok(stack.dependencyNames(stack.k8s("HTTPRoute", "grafana")).includes("gateway-api-external")));
        it("exports the model, the Gateway and the HTTPRoutes", () =>
            assert.deepStrictEqual(stack.outputs.gatewayApi, {
                deploymentModel: "replace",
                form: "istio",
                gateways: { external: { gateway: "istio-ingress/external-gateway-api", address: "10.20.0.243" } },
                httpRoutes: ["headlamp/headlamp", "observability/grafana", "harbor/harbor"],
            }));
    });

    describe("the dev stack (no Gateway API routes)", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(readStackFile(path.join(REPO_ROOT, "Pulumi.dev.yaml")), { stack: "dev" });
        });
        it("creates no Gateway API object", () =>
            assert.deepStrictEqual(
                stack.resources.filter((r) => r.type.startsWith("kubernetes:gateway.networking.k8s.io")),
                [],
            ));
        it("leaves istiod's env alone", () => assert.strictEqual(stack.resources.find((r) => r.name === "mesh-istiod")!.inputs.values.env, undefined));
    });
});
