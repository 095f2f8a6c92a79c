import * as assert from "assert";
import { run } from "./harness";
import { service } from "./objects";

const GW = "gateway.networking.k8s.io/v1";
const TLS = { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "app-tls" }] };
const gateway = (listeners: object[], extra: object = {}, name = "edge", ns = "istio-ingress") => ({
    apiVersion: GW,
    kind: "Gateway",
    metadata: { name, namespace: ns },
    spec: { gatewayClassName: "istio", listeners, ...extra },
});
const route = (ns: string, name: string, spec: object) => ({ apiVersion: GW, kind: "HTTPRoute", metadata: { name, namespace: ns }, spec });
const namespace = (name: string, labels: Record<string, string>) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const grant = (ns: string, from: object, to: object) => ({
    apiVersion: "gateway.networking.k8s.io/v1beta1",
    kind: "ReferenceGrant",
    metadata: { name: "grant", namespace: ns },
    spec: { from: [from], to: [to] },
});
const https = (allowedRoutes?: object, name = "https", hostname = "app.example.com") => ({
    name,
    hostname,
    port: 443,
    protocol: "HTTPS",
    tls: TLS,
    ...(allowedRoutes ? { allowedRoutes } : {}),
});
const toEdge = (extra: object = {}) => ({
    parentRefs: [{ name: "edge", namespace: "istio-ingress", ...extra }],
    rules: [{ backendRefs: [{ name: "web", port: 80 }] }],
});

describe("http-route-parent-gateway", () => {
    const p = "http-route-parent-gateway";
    it("reports a Gateway that does not exist", () =>
        assert.deepStrictEqual(run(p, [route("apps", "web", toEdge())]), [
            "HTTPRoute apps/web: spec.parentRefs[0] names Gateway istio-ingress/edge, which is not among the checked resources; the route is never attached and its hosts are not served. Declare the Gateway, fix the reference, or list it in externalGateways if another team owns it.",
        ]));
    it("accepts a Gateway declared external", () =>
        assert.deepStrictEqual(run(p, [route("apps", "web", toEdge())], { externalGateways: ["istio-ingress/*"] }), []));
    it("reports a listener that does not exist", () =>
        assert.deepStrictEqual(run(p, [gateway([https({ namespaces: { from: "All" } })]), route("apps", "web", toEdge({ sectionName: "http" }))]), [
            'HTTPRoute apps/web: spec.parentRefs[0] selects listener "http" of Gateway istio-ingress/edge, which has no such listener (listeners: https (port 443)); the route is not accepted. Name one of its listeners.',
        ]));
    it("reports a namespace the listener does not admit (from: Same by default)", () =>
        assert.deepStrictEqual(run(p, [gateway([https()]), route("apps", "web", toEdge())]), [
            'HTTPRoute apps/web: spec.parentRefs[0] attaches to Gateway istio-ingress/edge, but no selected listener admits HTTPRoutes from namespace apps (allowedRoutes: https: {"namespaces":{"from":"Same"}}); the route is NotAllowedByListeners and serves nothing. Allow the namespace in the listener\'s allowedRoutes or move the route.',
        ]));
    it("admits a namespace a name selector lists, without its Namespace object", () =>
        assert.deepStrictEqual(
            run(p, [
                gateway([
                    https({
                        namespaces: {
                            from: "Selector",
                            selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["apps"] }] },
                        },
                    }),
                ]),
                route("apps", "web", toEdge()),
            ]),
            [],
        ));
    it("reads the Namespace's labels for a label selector", () =>
        assert.strictEqual(
            run(p, [
                gateway([https({ namespaces: { from: "Selector", selector: { matchLabels: { ingress: "public" } } } })]),
                namespace("apps", { ingress: "private" }),
                route("apps", "web", toEdge()),
            ]).length,
            1,
        ));
    it("stays silent when a label selector reads labels of a namespace it cannot see", () =>
        assert.deepStrictEqual(
            run(p, [gateway([https({ namespaces: { from: "Selector", selector: { matchLabels: { ingress: "public" } } } })]), route("apps", "web", toEdge())]),
            [],
        ));
    it("reports hostnames no admitting listener serves", () =>
        assert.deepStrictEqual(
            run(p, [gateway([https({ namespaces: { from: "All" } })]), route("apps", "web", { ...toEdge(), hostnames: ["shop.example.com"] })]),
            [
                "HTTPRoute apps/web: spec.hostnames (shop.example.com) match no hostname of the listeners spec.parentRefs[0] selects on Gateway istio-ingress/edge (app.example.com); the route is not accepted (NoMatchingListenerHostname). Use a hostname the listener serves.",
            ],
        ));
    it("ignores parents that are not Gateways (a Service, for the mesh)", () =>
        assert.deepStrictEqual(run(p, [route("apps", "web", { parentRefs: [{ group: "", kind: "Service", name: "web" }] })]), []));
});

describe("gateway-listener-certificate", () => {
    const p = "gateway-listener-certificate";
    it("reports an HTTPS listener without certificateRefs", () =>
        assert.deepStrictEqual(run(p, [gateway([{ name: "https", port: 443, protocol: "HTTPS", tls: { mode: "Terminate" } }])]), [
            "Gateway istio-ingress/edge: spec.listeners[0] (https, HTTPS port 443) terminates TLS but has no tls.certificateRefs; the listener is not programmed (InvalidCertificateRef) and its hosts get no TLS. Reference the Secret cert-manager writes for these hosts.",
        ]));
    it("leaves TLS passthrough alone", () =>
        assert.deepStrictEqual(run(p, [gateway([{ name: "tls", port: 443, protocol: "TLS", tls: { mode: "Passthrough" } }])]), []));
    it("reports a certificate in another namespace without a ReferenceGrant", () =>
        assert.deepStrictEqual(run(p, [gateway([{ ...https(), tls: { certificateRefs: [{ name: "app-tls", namespace: "certs" }] } }])]), [
            "Gateway istio-ingress/edge: spec.listeners[0].tls.certificateRefs[0] names Secret certs/app-tls in another namespace, and no ReferenceGrant in certs lets Gateways of istio-ingress refer to it; the reference is refused (RefNotPermitted) and the listener serves no certificate. Add a ReferenceGrant in certs, or keep the Secret in istio-ingress.",
        ]));
    it("accepts it with a ReferenceGrant for that Secret", () =>
        assert.deepStrictEqual(
            run(p, [
                gateway([{ ...https(), tls: { certificateRefs: [{ name: "app-tls", namespace: "certs" }] } }]),
                grant(
                    "certs",
                    { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "istio-ingress" },
                    { group: "", kind: "Secret", name: "app-tls" },
                ),
            ]),
            [],
        ));
    it("does not take a grant for another Secret", () =>
        assert.strictEqual(
            run(p, [
                gateway([{ ...https(), tls: { certificateRefs: [{ name: "app-tls", namespace: "certs" }] } }]),
                grant(
                    "certs",
                    { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "istio-ingress" },
                    { group: "", kind: "Secret", name: "other-tls" },
                ),
            ]).length,
            1,
        ));
});

describe("gateway-listener-hostname-conflict", () => {
    const p = "gateway-listener-hostname-conflict";
    it("reports HTTP and HTTPS on one port for one hostname", () =>
        assert.deepStrictEqual(run(p, [gateway([{ name: "plain", port: 443, protocol: "HTTP", hostname: "app.example.com" }, https()])]), [
            "Gateway istio-ingress/edge: spec.listeners[1] (https, HTTPS) and listener plain (HTTP) share port 443 for hostname app.example.com; one port cannot serve plain HTTP and TLS, so the listeners are Conflicted and not programmed. Put them on different ports.",
        ]));
    it("accepts HTTPS listeners of different hostnames on one port", () =>
        assert.deepStrictEqual(run(p, [gateway([https(undefined, "a", "a.example.com"), https(undefined, "b", "b.example.com")])]), []));
    const twoRoutes = (pathB: string) => [
        gateway([https({ namespaces: { from: "All" } })]),
        route("apps", "a", {
            parentRefs: [{ name: "edge", namespace: "istio-ingress" }],
            hostnames: ["app.example.com"],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: "/api" } }] }],
        }),
        route("other", "b", {
            parentRefs: [{ name: "edge", namespace: "istio-ingress" }],
            hostnames: ["app.example.com"],
            rules: [{ matches: [{ path: { type: "PathPrefix", value: pathB } }] }],
        }),
    ];
    it("reports two HTTPRoutes claiming one hostname and path on one listener", () =>
        assert.deepStrictEqual(run(p, twoRoutes("/api")), [
            'HTTPRoute other/b: hostname app.example.com with match {"path":{"type":"PathPrefix","value":"/api"}} on listener https of Gateway istio-ingress/edge is also claimed by HTTPRoute apps/a; Gateway API gives it to the oldest route, so one of them is silently ignored. Merge the routes or give them different hostnames or paths.',
        ]));
    it("accepts two HTTPRoutes with different paths", () => assert.deepStrictEqual(run(p, twoRoutes("/web")), []));
});

describe("http-route-backend-exists", () => {
    const p = "http-route-backend-exists";
    const web = service("apps", "web", { ports: [{ name: "http", port: 80 }] });
    it("reports a Service missing from its namespace", () =>
        assert.deepStrictEqual(run(p, [web, route("apps", "r", { rules: [{ backendRefs: [{ name: "api", port: 80 }] }] })]), [
            "HTTPRoute apps/r: spec.rules[0].backendRefs[0] sends to Service apps/api, which is not among the checked resources of namespace apps; the backend is not found and requests get HTTP 500. Fix the name or deploy the Service.",
        ]));
    it("stays silent about namespaces it cannot see", () =>
        assert.deepStrictEqual(run(p, [route("apps", "r", { rules: [{ backendRefs: [{ name: "api", port: 80 }] }] })]), []));
    it("reports a Service of another namespace without a ReferenceGrant", () =>
        assert.deepStrictEqual(run(p, [web, route("edge", "r", { rules: [{ backendRefs: [{ name: "web", namespace: "apps", port: 80 }] }] })]), [
            "HTTPRoute edge/r: spec.rules[0].backendRefs[0] sends to Service apps/web in another namespace, and no ReferenceGrant in apps lets HTTPRoutes of edge refer to it; the backend is refused (RefNotPermitted) and requests get HTTP 500. Add a ReferenceGrant in apps.",
        ]));
    it("accepts it with a ReferenceGrant", () =>
        assert.deepStrictEqual(
            run(p, [
                web,
                route("edge", "r", { rules: [{ backendRefs: [{ name: "web", namespace: "apps", port: 80 }] }] }),
                grant("apps", { group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "edge" }, { group: "", kind: "Service" }),
            ]),
            [],
        ));
    it("leaves Istio's Hostname backends alone", () =>
        assert.deepStrictEqual(
            run(p, [
                web,
                route("apps", "r", { rules: [{ backendRefs: [{ group: "networking.istio.io", kind: "Hostname", name: "api.example.com", port: 443 }] }] }),
            ]),
            [],
        ));
});

describe("gateway-address-reserved", () => {
    const p = "gateway-address-reserved";
    const istioSvc = (ip: string) =>
        service(
            "istio-ingress",
            "istio-ingressgateway",
            { type: "LoadBalancer", ports: [{ name: "https", port: 443 }] },
            { labels: { istio: "ingressgateway" }, annotations: { "metallb.io/loadBalancerIPs": ip } },
        );
    it("reports an Istio gateway Service on a declared platform address", () =>
        assert.deepStrictEqual(run(p, [istioSvc("10.0.10.41")], { platformAddresses: ["10.0.10.40-10.0.10.49"] }), [
            "Service istio-ingress/istio-ingressgateway: metadata.annotations[\"metallb.io/loadBalancerIPs\"] asks for 10.0.10.41, which belongs to the platform's Gateway API (platformAddresses 10.0.10.40-10.0.10.49); two load balancers cannot answer for one address, so the platform's ingress or Istio's stops receiving traffic. Take an address outside the platform's.",
        ]));
    it("reports a Gateway of class istio on the address of a Gateway of another class", () =>
        assert.deepStrictEqual(
            run(p, [
                gateway([], { gatewayClassName: "envoy", addresses: [{ type: "IPAddress", value: "10.0.10.40" }] }, "platform", "platform-ingress"),
                gateway([], { infrastructure: { annotations: { "metallb.io/loadBalancerIPs": "10.0.10.40" } } }),
            ]),
            [
                "Gateway istio-ingress/edge: spec.infrastructure.annotations[\"metallb.io/loadBalancerIPs\"] asks for 10.0.10.40, which belongs to the platform's Gateway API (Gateway platform-ingress/platform of class envoy); two load balancers cannot answer for one address, so the platform's ingress or Istio's stops receiving traffic. Take an address outside the platform's.",
            ],
        ));
    it("accepts addresses outside the platform's", () =>
        assert.deepStrictEqual(run(p, [istioSvc("10.0.10.50")], { platformAddresses: ["10.0.10.40-10.0.10.49", "10.0.10.60"] }), []));
    it("leaves Services that are not Istio gateways alone", () =>
        assert.deepStrictEqual(
            run(p, [service("other", "lb", { type: "LoadBalancer", loadBalancerIP: "10.0.10.41", ports: [{ name: "http", port: 80 }] })], {
                platformAddresses: ["10.0.10.40/29"],
            }),
            [],
        ));
});
