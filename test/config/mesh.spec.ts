import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { durationMs } from "../../config/mesh-fields";

/** The problems of a stack config, as `key: message` lines. */
function problems(raw: Record<string, unknown>): string[] {
    return checkMeshConfig(raw).problems.map((p) => `${p.key}: ${p.message}`);
}

/** Problems of one namespace's settings. */
function nsProblems(settings: Record<string, unknown>, name = "shop"): string[] {
    return problems({ namespaces: { [name]: settings } });
}

/** Problems of one service's traffic settings in namespace shop. */
function svcProblems(settings: Record<string, unknown>): string[] {
    return nsProblems({ services: { reviews: settings } });
}

const NS = "istio-mesh:namespaces.shop";
const SVC = `${NS}.services.reviews`;
const CANARY_SUBSETS = [
    { name: "v1", labels: { version: "v1" } },
    { name: "v2", labels: { version: "v2" } },
];
const INTERNAL_GATEWAY = { internal: { hosts: ["*.internal.example.com"] } };
const PERMISSIVE =
    "PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; it is for moving workloads into the mesh: " +
    "write { mode: PERMISSIVE, migration: true } to say so, or use STRICT";

describe("config: mtls", () => {
    it("defaults to STRICT", () => assert.deepStrictEqual(parseMeshConfig({}).mtls, { mode: "STRICT", migration: false }));
    it("reads STRICT as a plain string", () => assert.deepStrictEqual(parseMeshConfig({ mtls: "STRICT" }).mtls, { mode: "STRICT", migration: false }));
    it("accepts PERMISSIVE declared as a migration", () =>
        assert.deepStrictEqual(parseMeshConfig({ mtls: { mode: "PERMISSIVE", migration: true } }).mtls, { mode: "PERMISSIVE", migration: true }));
    it("refuses PERMISSIVE as a plain string", () => assert.deepStrictEqual(problems({ mtls: "PERMISSIVE" }), [`istio-mesh:mtls: ${PERMISSIVE}`]));
    it("refuses PERMISSIVE without migration", () =>
        assert.deepStrictEqual(problems({ mtls: { mode: "PERMISSIVE" } }), [`istio-mesh:mtls.migration: ${PERMISSIVE}`]));
    it("refuses migration with STRICT", () =>
        assert.deepStrictEqual(problems({ mtls: { mode: "STRICT", migration: true } }), [
            "istio-mesh:mtls.migration: applies only to mode PERMISSIVE: remove it, the migration is over once the mode is STRICT",
        ]));
    it("refuses DISABLE", () => assert.deepStrictEqual(problems({ mtls: "DISABLE" }), ['istio-mesh:mtls: must be one of STRICT, PERMISSIVE (got "DISABLE")']));
});

describe("config: namespaces", () => {
    describe("defaults", () => {
        const ns = parseMeshConfig({ namespaces: { shop: {} } }).namespaces.shop;
        it("enrols no namespace", () => assert.deepStrictEqual(parseMeshConfig({}).namespaces, {}));
        it("creates the namespace rather than adopting it", () => assert.strictEqual(ns.adopt, false));
        it("adds no extra labels", () => assert.deepStrictEqual(ns.labels, {}));
        it("follows the control plane's revision", () => assert.strictEqual(ns.revision, undefined));
        it("follows the mesh-wide mTLS mode", () => assert.strictEqual(ns.mtls, undefined));
        it("allows nothing", () => assert.deepStrictEqual(ns.allow, []));
        it("limits no egress", () => assert.strictEqual(ns.egress, undefined));
        it("has no service traffic rules", () => assert.deepStrictEqual(ns.services, {}));
    });

    it("reads a per-namespace PERMISSIVE migration", () =>
        assert.deepStrictEqual(parseMeshConfig({ namespaces: { shop: { mtls: { mode: "PERMISSIVE", migration: true } } } }).namespaces.shop.mtls, {
            mode: "PERMISSIVE",
            migration: true,
        }));
    it("refuses a per-namespace PERMISSIVE without migration", () => assert.deepStrictEqual(nsProblems({ mtls: "PERMISSIVE" }), [`${NS}.mtls: ${PERMISSIVE}`]));
    it("refuses an invalid namespace name", () =>
        assert.deepStrictEqual(nsProblems({}, "Shop_1"), [
            "istio-mesh:namespaces.Shop_1: is not a valid namespace name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
        ]));
    it("refuses kube-system", () =>
        assert.deepStrictEqual(nsProblems({}, "kube-system"), [
            "istio-mesh:namespaces.kube-system: is reserved for Kubernetes itself: its system pods must not get sidecars or mesh policies",
        ]));
    it("refuses the mesh root namespace", () =>
        assert.deepStrictEqual(nsProblems({}, "istio-system"), [
            "istio-mesh:namespaces.istio-system: is the mesh root namespace (istio.namespace): policies there apply to every namespace, so it cannot be enrolled; run workloads in a namespace of their own",
        ]));
    it("refuses the gateways' namespace", () =>
        assert.deepStrictEqual(nsProblems({}, "istio-ingress"), [
            "istio-mesh:namespaces.istio-ingress: is the ingress gateways' namespace (gateways.namespace): its default deny would block every request into the mesh; leave it out",
        ]));
    it("refuses both injection labels", () =>
        assert.deepStrictEqual(nsProblems({ labels: { "istio-injection": "enabled", "istio.io/rev": "1-30-3" } }), [
            `${NS}.labels: sets both istio-injection and istio.io/rev; a namespace takes one injection label, and the mesh sets it: remove both`,
        ]));
    it("refuses an injection label among the extra labels", () =>
        assert.deepStrictEqual(nsProblems({ labels: { "istio-injection": "enabled" } }), [
            `${NS}.labels.istio-injection: is the injection label, which the mesh sets from istio.revision (or this namespace's revision): remove it`,
        ]));
    it("refuses an invalid label value", () =>
        assert.deepStrictEqual(nsProblems({ labels: { team: "a b" } }), [
            `${NS}.labels.team: must be a label value: letters, digits, '-', '_', '.', at most 63 characters (got "a b")`,
        ]));
    it("refuses an unknown key with a suggestion", () =>
        assert.deepStrictEqual(nsProblems({ alow: [] }), [
            `${NS}.alow: unknown key; did you mean "allow"? known keys: adopt, labels, revision, mtls, allow, egress, services, podSecurity`,
        ]));
    it("refuses a revision with dots", () =>
        assert.deepStrictEqual(nsProblems({ revision: "1.30.3" }), [
            `${NS}.revision: must be a revision or revision tag: a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters) (got "1.30.3")`,
        ]));

    describe("allow rules", () => {
        const allow = (rule: unknown) => parseMeshConfig({ namespaces: { shop: { allow: [rule] } } }).namespaces.shop.allow[0];
        it("reads <namespace>/<serviceAccount> as a workload identity", () =>
            assert.deepStrictEqual(allow({ from: "shop/frontend", to: "backend-api", methods: ["GET"] }), {
                from: [{ kind: "principal", namespace: "shop", serviceAccount: "frontend" }],
                to: "backend-api",
                methods: ["GET"],
            }));
        it("reads a bare name as a namespace", () => assert.deepStrictEqual(allow({ from: "web" }).from, [{ kind: "namespace", namespace: "web" }]));
        it("reads gateway:<role> as an ingress gateway", () =>
            assert.deepStrictEqual(
                parseMeshConfig({ gateways: INTERNAL_GATEWAY, namespaces: { shop: { allow: [{ from: "gateway:internal", to: "frontend" }] } } }).namespaces.shop
                    .allow[0].from,
                [{ kind: "gateway", gateway: "internal" }],
            ));
        it("reads a list of sources", () =>
            assert.deepStrictEqual(allow({ from: ["web", "shop/cart"] }).from, [
                { kind: "namespace", namespace: "web" },
                { kind: "principal", namespace: "shop", serviceAccount: "cart" },
            ]));
        it("reads paths and ports", () =>
            assert.deepStrictEqual(allow({ from: "web", paths: ["/api/*"], ports: [8080] }), {
                from: [{ kind: "namespace", namespace: "web" }],
                paths: ["/api/*"],
                ports: [8080],
            }));
        it("accepts an operation without a source", () =>
            assert.deepStrictEqual(allow({ to: "frontend", ports: [8080] }), { from: [], to: "frontend", ports: [8080] }));
        it("refuses a rule with no source and no operation", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ to: "frontend" }] }), [
                `${NS}.allow[0]: allows every request from anywhere to frontend: give it a source (from) or an operation (methods, paths, ports)`,
            ]));
        it("refuses an empty rule", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{}] }), [
                `${NS}.allow[0]: allows every request from anywhere: give it a source (from) or an operation (methods, paths, ports)`,
            ]));
        it("refuses a lowercase method with a suggestion", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ from: "web", methods: ["get"] }] }), [
                `${NS}.allow[0].methods[0]: must be an HTTP method in capitals; did you mean GET? one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH (got "get")`,
            ]));
        it("refuses an unknown method", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ from: "web", methods: ["FETCH"] }] }), [
                `${NS}.allow[0].methods[0]: must be an HTTP method in capitals; one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH (got "FETCH")`,
            ]));
        it("refuses a malformed source", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ from: "a/b/c" }] }), [
                `${NS}.allow[0].from: must be <namespace>, <namespace>/<serviceAccount> or gateway:<role> such as gateway:external (got "a/b/c")`,
            ]));
        it("refuses a path without a leading slash", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ from: "web", paths: ["api"] }] }), [
                `${NS}.allow[0].paths[0]: must be a path such as /api, a prefix /api/*, a suffix *.png, or * (got "api")`,
            ]));
        it("refuses port 0", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ from: "web", ports: [0] }] }), [
                `${NS}.allow[0].ports[0]: must be an integer from 1 to 65535 (got 0)`,
            ]));
        it("refuses an unconfigured gateway", () =>
            assert.deepStrictEqual(nsProblems({ allow: [{ from: "gateway:external", to: "frontend" }] }), [
                `${NS}.allow[0].from: gateway:external is not a configured gateway (configured: none); configure it under istio-mesh:gateways or fix the name`,
            ]));
    });

    describe("egress", () => {
        const egress = (entries: string[], external: Record<string, unknown> = {}) =>
            problems({ namespaces: { shop: { egress: entries } }, externalServices: external });
        it("accepts namespaces, namespace/host entries and registered hosts", () =>
            assert.deepStrictEqual(egress(["observability", "web/*", "api.stripe.com"], { payments: { hosts: ["api.stripe.com"] } }), []));
        it("refuses an external host no externalServices entry registers", () =>
            assert.deepStrictEqual(egress(["api.stripe.com"]), [
                `${NS}.egress[0]: "api.stripe.com" is not a host of any externalServices entry: register it under istio-mesh:externalServices`,
            ]));
        it("refuses a malformed entry", () =>
            assert.deepStrictEqual(egress(["a/b/c"]), [
                `${NS}.egress[0]: must be a namespace, <namespace>/<host> or an external host such as api.example.com (got "a/b/c")`,
            ]));
    });
});

describe("config: published services", () => {
    const ROUTE = { namespace: "shop", gateway: "internal", hosts: ["shop.internal.example.com"], paths: [{ prefix: "/", service: "web", port: 8080 }] };
    const published = (allow: unknown[], route: Record<string, unknown> = ROUTE) =>
        problems({ gateways: INTERNAL_GATEWAY, routes: { storefront: route }, namespaces: { shop: { allow } } });

    it("accepts a published service the gateway is admitted to", () => assert.deepStrictEqual(published([{ from: "gateway:internal", to: "web" }]), []));
    it("accepts the gateway's identity written as namespace/serviceAccount", () =>
        assert.deepStrictEqual(published([{ from: "istio-ingress/istio-ingressgateway-internal", to: "web" }]), []));
    it("accepts a rule for every workload of the namespace", () => assert.deepStrictEqual(published([{ from: "gateway:internal" }]), []));
    it("refuses a published service no rule admits the gateway to", () =>
        assert.deepStrictEqual(published([{ from: "shop/web", to: "api" }]), [
            `${NS}.allow: routes.storefront publishes web through the internal gateway, but no rule admits the gateway, so the default deny answers 403: add { from: gateway:internal, to: web }`,
        ]));
    it("resolves a fully qualified service to its namespace", () =>
        assert.deepStrictEqual(published([], { ...ROUTE, namespace: "edge", paths: [{ prefix: "/", service: "web.shop.svc.cluster.local", port: 8080 }] }), [
            `${NS}.allow: routes.storefront publishes web through the internal gateway, but no rule admits the gateway, so the default deny answers 403: add { from: gateway:internal, to: web }`,
        ]));
    it("leaves namespaces outside the mesh alone", () =>
        assert.deepStrictEqual(problems({ gateways: INTERNAL_GATEWAY, routes: { storefront: { ...ROUTE, namespace: "legacy" } } }), []));
});

describe("config: service traffic", () => {
    const svc = (settings: Record<string, unknown>) =>
        parseMeshConfig({ namespaces: { shop: { services: { reviews: settings } } } }).namespaces.shop.services.reviews;

    it("reads a 90/10 canary", () =>
        assert.deepStrictEqual(svc({ subsets: CANARY_SUBSETS, routes: [{ to: { v1: 90, v2: 10 } }] }).routes, [{ to: { v1: 90, v2: 10 } }]));
    it("reads a subset name as all the traffic", () =>
        assert.deepStrictEqual(svc({ subsets: CANARY_SUBSETS, routes: [{ to: "v2" }] }).routes[0].to, { v2: 100 }));
    it("reads a header match as an exact match", () =>
        assert.deepStrictEqual(
            svc({ subsets: CANARY_SUBSETS, routes: [{ match: { headers: { "end-user": "jason" } }, to: "v2" }, { to: "v1" }] }).routes[0].match,
            { headers: { "end-user": { exact: "jason" } } },
        ));
    it("reads a prefix match", () =>
        assert.deepStrictEqual(svc({ routes: [{ match: { uri: { prefix: "/api" } } }, {}] }).routes[0].match, { uri: { prefix: "/api" } }));
    it("routes to the service itself when it has no subsets", () =>
        assert.deepStrictEqual(svc({ routes: [{ timeout: "5s" }] }).routes, [{ to: {}, timeout: "5s" }]));
    it("reads retry conditions from Envoy's comma-separated form", () =>
        assert.deepStrictEqual(svc({ routes: [{ retries: { attempts: 3, retryOn: "5xx,connect-failure" } }] }).routes[0].retries, {
            attempts: 3,
            retryOn: ["5xx", "connect-failure"],
        }));
    it("defaults retry attempts to 2", () =>
        assert.deepStrictEqual(svc({ routes: [{ retries: { perTryTimeout: "2s" } }] }).routes[0].retries, { attempts: 2, perTryTimeout: "2s" }));
    it("defaults a fault's percentage to 100", () =>
        assert.deepStrictEqual(svc({ routes: [{ fault: { abort: { httpStatus: 503 } } }] }).routes[0].fault, { abort: { httpStatus: 503, percent: 100 } }));
    it("defaults a mirror's percentage to 100", () =>
        assert.deepStrictEqual(svc({ subsets: CANARY_SUBSETS, routes: [{ to: "v1", mirror: { subset: "v2" } }] }).routes[0].mirror, {
            subset: "v2",
            percent: 100,
        }));
    it("reads seed 002's circuit breaker", () =>
        assert.deepStrictEqual(
            svc({
                connectionPool: { tcp: { maxConnections: 100 }, http: { h2UpgradePolicy: "DEFAULT", http1MaxPendingRequests: 50, http2MaxRequests: 100 } },
                outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 },
            }),
            {
                subsets: [],
                routes: [],
                connectionPool: { tcp: { maxConnections: 100 }, http: { h2UpgradePolicy: "DEFAULT", http1MaxPendingRequests: 50, http2MaxRequests: 100 } },
                outlierDetection: { consecutive5xxErrors: 5, interval: "30s", baseEjectionTime: "60s", maxEjectionPercent: 50 },
            },
        ));

    describe("bad input", () => {
        it("refuses weights that do not sum to 100", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS, routes: [{ to: { v1: 90, v2: 5 } }] }), [
                `${SVC}.routes[0].to: weights must sum to 100 (got 95: v1 90 + v2 5)`,
            ]));
        it("refuses a weight above 100", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS, routes: [{ to: { v1: 110 } }] }), [
                `${SVC}.routes[0].to.v1: must be an integer from 0 to 100 (got 110)`,
            ]));
        it("refuses a fractional weight", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS, routes: [{ to: { v1: 89.5, v2: 10.5 } }] }), [
                `${SVC}.routes[0].to.v1: must be an integer from 0 to 100 (got 89.5)`,
                `${SVC}.routes[0].to.v2: must be an integer from 0 to 100 (got 10.5)`,
            ]));
        it("refuses a subset no rule defines", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS, routes: [{ to: { v1: 90, v3: 10 } }] }), [
                `${SVC}.routes[0].to: subset "v3" is not defined; defined subsets: v1, v2`,
            ]));
        it("refuses a mirror to an undefined subset", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS, routes: [{ to: "v1", mirror: { subset: "v3" } }] }), [
                `${SVC}.routes[0].mirror.subset: subset "v3" is not defined; defined subsets: v1, v2`,
            ]));
        it("refuses duplicate subset names", () =>
            assert.deepStrictEqual(svcProblems({ subsets: [...CANARY_SUBSETS, { name: "v1", labels: { version: "v3" } }], routes: [{ to: "v1" }] }), [
                `${SVC}.subsets[2].name: duplicate subset name "v1": subset names must be unique`,
            ]));
        it("refuses two subsets selecting the same pods", () =>
            assert.deepStrictEqual(svcProblems({ subsets: [...CANARY_SUBSETS, { name: "v3", labels: { version: "v2" } }], routes: [{ to: "v1" }] }), [
                `${SVC}.subsets[2].labels: selects the same pods as subset "v2": give each subset its own labels`,
            ]));
        it("refuses subsets without routes", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS }), [
                `${SVC}.routes: is required when subsets are defined: subsets receive traffic only through routes, e.g. routes: [{ to: { v1: 100 } }]`,
            ]));
        it("refuses a route without destination when subsets are defined", () =>
            assert.deepStrictEqual(svcProblems({ subsets: CANARY_SUBSETS, routes: [{ timeout: "5s" }] }), [
                `${SVC}.routes[0].to: is required: the subset (one of v1, v2) or subset weights such as { v1: 90, v2: 10 }`,
            ]));
        it("refuses a subset destination when no subsets are defined", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ to: "v1" }] }), [
                `${SVC}.routes[0].to: names subsets, but the service defines none: add subsets or leave to out`,
            ]));
        it("refuses a default route that is not last", () =>
            assert.deepStrictEqual(
                svcProblems({ subsets: CANARY_SUBSETS, routes: [{ to: "v1" }, { match: { headers: { "end-user": "jason" } }, to: "v2" }] }),
                [
                    `${SVC}.routes[0]: has no match, so it takes every request and the routes after it are never used: move it last`,
                    `${SVC}.routes[1]: the last route must have no match (the default route): requests that match no route get HTTP 404`,
                ],
            ));
        it("refuses an invalid header name", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ match: { headers: { "end user": "jason" } } }, {}] }), [
                `${SVC}.routes[0].match.headers.end user: is not a valid HTTP header name`,
            ]));
        it("refuses a header name with capitals", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ match: { headers: { "End-User": "jason" } } }, {}] }), [
                `${SVC}.routes[0].match.headers.End-User: must be lowercase: the proxy lowercases header names, so this match never fits; write end-user`,
            ]));
        it("refuses an empty match", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ match: {} }, {}] }), [
                `${SVC}.routes[0].match: must match on at least one of headers, uri, method; leave match out for the default route`,
            ]));
        it("refuses a match with two kinds", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ match: { uri: { exact: "/a", prefix: "/a" } } }, {}] }), [
                `${SVC}.routes[0].match.uri: must be a string (exact match) or an object with exactly one of exact, prefix, regex (got {"exact":"/a","prefix":"/a"})`,
            ]));
        it("refuses a duration below 1ms", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ timeout: "0.5ms" }] }), [
                `${SVC}.routes[0].timeout: must be a duration of at least 1ms such as 250ms, 5s or 1m30s (got "0.5ms")`,
            ]));
        it("refuses a duration without unit", () =>
            assert.deepStrictEqual(svcProblems({ outlierDetection: { interval: "30" } }), [
                `${SVC}.outlierDetection.interval: must be a duration of at least 1ms such as 250ms, 5s or 1m30s (got "30")`,
            ]));
        it("refuses a fault percentage above 100", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ fault: { delay: { fixedDelay: "5s", percent: 120 } } }] }), [
                `${SVC}.routes[0].fault.delay.percent: must be a number from 0 to 100 (got 120)`,
            ]));
        it("refuses a delay without duration", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ fault: { delay: { percent: 10 } } }] }), [
                `${SVC}.routes[0].fault.delay.fixedDelay: is required: how long to delay, e.g. 5s`,
            ]));
        it("refuses an abort status outside 200-599", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ fault: { abort: { httpStatus: 700 } } }] }), [
                `${SVC}.routes[0].fault.abort.httpStatus: must be an integer from 200 to 599 (got 700)`,
            ]));
        it("refuses a per-try timeout as long as the route's timeout", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ timeout: "2s", retries: { attempts: 3, perTryTimeout: "2000ms" } }] }), [
                `${SVC}.routes[0].retries.perTryTimeout: 2000ms is not shorter than the route's timeout (2s): the first try uses up the whole timeout and no retry ever runs`,
            ]));
        it("refuses an empty fault", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ fault: {} }] }), [`${SVC}.routes[0].fault: must set delay, abort or both`]));
        it("refuses a mirror without target", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ mirror: { percent: 5 } }] }), [
                `${SVC}.routes[0].mirror: must set subset (a subset of reviews.shop.svc.cluster.local) or host (another service)`,
            ]));
        it("refuses an unknown retry condition", () =>
            assert.deepStrictEqual(svcProblems({ routes: [{ retries: { retryOn: ["5xx", "sometimes"] } }] }), [
                `${SVC}.routes[0].retries.retryOn[1]: must be an Envoy retry condition (5xx, gateway-error, reset, reset-before-request, connect-failure, envoy-ratelimited, retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) or an HTTP status code (got "sometimes")`,
            ]));
        it("refuses an outlier ejection percentage above 100", () =>
            assert.deepStrictEqual(svcProblems({ outlierDetection: { maxEjectionPercent: 150 } }), [
                `${SVC}.outlierDetection.maxEjectionPercent: must be an integer from 0 to 100 (got 150)`,
            ]));
        it("refuses a connection limit of 0", () =>
            assert.deepStrictEqual(svcProblems({ connectionPool: { tcp: { maxConnections: 0 } } }), [
                `${SVC}.connectionPool.tcp.maxConnections: must be an integer from 1 to 2147483647 (got 0)`,
            ]));
        it("refuses a service that sets nothing", () =>
            assert.deepStrictEqual(svcProblems({}), [
                `${SVC}: sets nothing: give it routes, subsets, connectionPool, outlierDetection or loadBalancer, or remove it`,
            ]));
        it("refuses the name of the namespace's mTLS rule", () =>
            assert.deepStrictEqual(nsProblems({ services: { "default-mtls": { loadBalancer: "RANDOM" } } }), [
                `${NS}.services.default-mtls: is the name of the namespace's own mTLS DestinationRule: a service of this name cannot have rules of its own`,
            ]));
    });

    describe("durations", () => {
        it("reads 1m30s as 90000ms", () => assert.strictEqual(durationMs("1m30s"), 90000));
        it("reads 250ms", () => assert.strictEqual(durationMs("250ms"), 250));
        it("rejects a bare number", () => assert.strictEqual(durationMs("5"), undefined));
    });
});

describe("config: externalServices", () => {
    const ext = (settings: Record<string, unknown>) => parseMeshConfig({ externalServices: { payments: settings } }).externalServices.payments;
    const EXT = "istio-mesh:externalServices.payments";

    it("registers no external service by default", () => assert.deepStrictEqual(parseMeshConfig({}).externalServices, {}));
    it("defaults to TLS on port 443", () =>
        assert.deepStrictEqual(ext({ hosts: ["api.stripe.com"] }), { hosts: ["api.stripe.com"], ports: [{ number: 443, protocol: "TLS" }] }));
    it("originates TLS from port 80 to 443, verified against the system roots, the host as SNI and SAN", () =>
        assert.deepStrictEqual(ext({ hosts: ["api.stripe.com"], originateTls: true }).originateTls, {
            port: 80,
            targetPort: 443,
            caCertificates: "/etc/ssl/certs/ca-certificates.crt",
            sni: "api.stripe.com",
            subjectAltNames: ["api.stripe.com"],
        }));
    it("verifies against a CA from a Secret", () =>
        assert.deepStrictEqual(ext({ hosts: ["api.stripe.com"], originateTls: { credentialName: "stripe-ca" } }).originateTls, {
            port: 80,
            targetPort: 443,
            credentialName: "stripe-ca",
            sni: "api.stripe.com",
            subjectAltNames: ["api.stripe.com"],
        }));
    it("requires hosts", () =>
        assert.deepStrictEqual(problems({ externalServices: { payments: {} } }), [
            `${EXT}.hosts: is required: the DNS names of the service, e.g. [api.example.com]`,
        ]));
    it("refuses a wildcard host", () =>
        assert.deepStrictEqual(problems({ externalServices: { payments: { hosts: ["*.stripe.com"] } } }), [
            `${EXT}.hosts[0]: "*.stripe.com" is a wildcard, which DNS resolution cannot resolve: list each host`,
        ]));
    it("refuses a cluster service", () =>
        assert.deepStrictEqual(problems({ externalServices: { payments: { hosts: ["db.data.svc.cluster.local"] } } }), [
            `${EXT}.hosts[0]: "db.data.svc.cluster.local" is a cluster service, not an external one: remove it`,
        ]));
    it("refuses a host registered twice", () =>
        assert.deepStrictEqual(problems({ externalServices: { payments: { hosts: ["api.stripe.com"] }, stripe: { hosts: ["api.stripe.com"] } } }), [
            'istio-mesh:externalServices.stripe.hosts[0]: "api.stripe.com" is already registered by externalServices.payments: register each host once',
        ]));
    it("refuses a duplicate port", () =>
        assert.deepStrictEqual(
            problems({ externalServices: { payments: { hosts: ["api.stripe.com"], ports: [{ number: 443 }, { number: 443, protocol: "HTTPS" }] } } }),
            [`${EXT}.ports[1].number: duplicate port 443: each port is declared once`],
        ));
    it("refuses TLS origination for several hosts", () =>
        assert.deepStrictEqual(problems({ externalServices: { payments: { hosts: ["a.example.com", "b.example.com"], originateTls: true } } }), [
            `${EXT}.originateTls: verifies one server name, but hosts lists 2: declare one external service per host`,
        ]));
    it("refuses both a CA file and a CA Secret", () =>
        assert.deepStrictEqual(
            problems({ externalServices: { payments: { hosts: ["api.stripe.com"], originateTls: { caCertificates: "/etc/ca.pem", credentialName: "ca" } } } }),
            [
                `${EXT}.originateTls.credentialName: caCertificates and credentialName are mutually exclusive: the CA comes from a file in the proxy or from a Secret`,
            ],
        ));
    it("refuses an origination port that is also a declared port", () =>
        assert.deepStrictEqual(
            problems({ externalServices: { payments: { hosts: ["api.stripe.com"], ports: [{ number: 80, protocol: "HTTP" }], originateTls: true } } }),
            [`${EXT}.originateTls.port: 80 is also declared in ports: the plain-HTTP port that TLS origination listens on must be a port of its own`],
        ));
});
