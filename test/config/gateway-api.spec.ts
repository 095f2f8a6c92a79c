import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { mergeValues } from "../../components/chart-source";
import { ISTIOD_GATEWAY_API_ENV, istiodGatewayApiValues, routeForm } from "../../config/gateway-api";

/** A valid ingress with a platform pool the stack leaves alone; each test changes one thing. */
const BASE = {
    cluster: {
        controlPlaneVip: "10.0.0.10",
        addressPools: [
            { name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] },
            { name: "platform", addresses: ["10.0.10.40-10.0.10.49"], manage: false },
        ],
    },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com", "grafana.example.com"] }, internal: { hosts: ["*.internal.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
    namespaces: {
        "customer-apps": {
            allow: [
                { from: "gateway:external", to: "api-service" },
                { from: "gateway:internal", to: "api-service" },
                { from: "istio-ingress/external-gateway-api-istio", to: "api-service" },
            ],
        },
    },
    routes: { shop: { namespace: "customer-apps", hosts: ["app.example.com"], paths: [{ prefix: "/api", service: "api-service", port: 8000 }] } },
};
/** The route in the Gateway API form, with the address its Gateway needs. */
const GATEWAY_API = { routes: { shop: { form: "both" } }, gatewayApi: { gateways: { external: { address: "10.0.10.51" } } } };

const raw = (patch: Record<string, unknown> = {}) => mergeValues(BASE, patch);
const problems = (patch: Record<string, unknown>) => checkMeshConfig(raw(patch)).problems.map((p) => `${p.key}: ${p.message}`);

describe("config: deployment model and Gateway API", () => {
    it("accepts the base setup", () => assert.deepStrictEqual(problems({}), []));
    it("accepts routes in the Gateway API form with their Gateway's address", () => assert.deepStrictEqual(problems(GATEWAY_API), []));

    describe("defaults", () => {
        const c = parseMeshConfig(raw());
        it("replaces the platform's Gateway API ingress (seed 000's primary model)", () => assert.strictEqual(c.platform.deploymentModel, "replace"));
        it("reserves no platform addresses", () => assert.deepStrictEqual(c.platform.gatewayApi, { addresses: [], pools: [] }));
        it("renders routes as Istio Gateway and VirtualService", () => assert.strictEqual(c.gatewayApi.form, "istio"));
        it("uses Istio's gateway class", () => assert.strictEqual(c.gatewayApi.gatewayClassName, "istio"));
        it("configures no Gateway API Gateway", () => assert.deepStrictEqual(c.gatewayApi.gateways, {}));
        it("leaves a route's form unset", () => assert.strictEqual(c.routes[0].form, undefined));
        it("gives a route the stack's form", () => assert.strictEqual(routeForm(c.routes[0], c.gatewayApi), "istio"));
        it("names the Gateway API Gateway after the Istio one", () =>
            assert.strictEqual(parseMeshConfig(raw(GATEWAY_API)).gatewayApi.gateways.external!.name, "external-gateway-api"));
        it("lets a route's form win over the stack's", () => {
            const g = parseMeshConfig(raw({ ...GATEWAY_API, gatewayApi: { form: "gateway-api", gateways: GATEWAY_API.gatewayApi.gateways } }));
            assert.strictEqual(routeForm(g.routes[0], g.gatewayApi), "both");
        });
        it("accepts a single platform address", () =>
            assert.deepStrictEqual(parseMeshConfig(raw({ platform: { gatewayApi: { addresses: ["10.0.10.40"] } } })).platform.gatewayApi.addresses, [
                "10.0.10.40",
            ]));
    });

    describe("istiod values", () => {
        it("leaves istiod's env alone without Gateway API routes", () => assert.deepStrictEqual(istiodGatewayApiValues(parseMeshConfig(raw())), {}));
        it("writes Istio's Gateway API support out with Gateway API routes", () =>
            assert.deepStrictEqual(istiodGatewayApiValues(parseMeshConfig(raw(GATEWAY_API))), { env: ISTIOD_GATEWAY_API_ENV }));
        it("turns on the API, its status, the deployment and the GatewayClass controllers", () =>
            assert.deepStrictEqual(ISTIOD_GATEWAY_API_ENV, {
                PILOT_ENABLE_GATEWAY_API: "true",
                PILOT_ENABLE_GATEWAY_API_STATUS: "true",
                PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: "true",
                PILOT_ENABLE_GATEWAY_API_GATEWAYCLASS_CONTROLLER: "true",
            }));
    });

    describe("errors", () => {
        const cases: [string, Record<string, unknown>, string[]][] = [
            [
                "an unknown deployment model",
                { platform: { deploymentModel: "sideways" } },
                ['istio-mesh:platform.deploymentModel: must be one of replace, beside (got "sideways")'],
            ],
            [
                "beside without the platform's addresses",
                { platform: { deploymentModel: "beside" } },
                [
                    "istio-mesh:platform.gatewayApi: required with deploymentModel beside: the platform's Gateway API load-balancer addresses or pools ({addresses: [10.0.10.40]} or {pools: [platform-ingress]}), so that no Istio gateway takes one of them",
                ],
            ],
            [
                "a platform address that is none",
                { platform: { gatewayApi: { addresses: ["10.0.10.300"] } } },
                [
                    'istio-mesh:platform.gatewayApi.addresses[0]: must be a CIDR (10.0.10.48/28, 2001:db8::/120) or an address range (10.0.10.50-10.0.10.59) (got "10.0.10.300")',
                ],
            ],
            [
                "a platform pool name that is no label",
                { platform: { gatewayApi: { pools: ["Platform"] } } },
                [
                    "istio-mesh:platform.gatewayApi.pools[0]: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters) (got \"Platform\")",
                ],
            ],
            [
                "an undeclared platform pool",
                { platform: { gatewayApi: { pools: ["nope"] } } },
                [
                    'istio-mesh:platform.gatewayApi.pools[0]: no address pool is named "nope": declare it in cluster.addressPools with manage: false; declared pools: ingress, platform',
                ],
            ],
            [
                "a platform pool this stack manages",
                { platform: { gatewayApi: { pools: ["ingress"] } } },
                [
                    "istio-mesh:platform.gatewayApi.pools[0]: pool ingress is the platform's, but cluster.addressPools manages it (manage defaults to true with MetalLB): set manage: false so this stack leaves the platform's IPAddressPool untouched",
                    "istio-mesh:gateways.external.address: 10.0.10.50 is the platform Gateway API's (pool ingress of platform.gatewayApi.pools): two load-balancer Services cannot share an address, and the platform's ingress would stop answering; pick an address outside it",
                ],
            ],
            [
                "an Istio gateway on the platform's address",
                { platform: { gatewayApi: { addresses: ["10.0.10.50"] } } },
                [
                    "istio-mesh:gateways.external.address: 10.0.10.50 is the platform Gateway API's (platform.gatewayApi.addresses 10.0.10.50): two load-balancer Services cannot share an address, and the platform's ingress would stop answering; pick an address outside it",
                ],
            ],
            [
                "an Istio gateway in the platform's pool",
                { platform: { gatewayApi: { pools: ["platform"] } }, gateways: { external: { pool: "platform", address: "10.0.10.45" } } },
                [
                    "istio-mesh:gateways.external.address: 10.0.10.45 is the platform Gateway API's (pool platform of platform.gatewayApi.pools): two load-balancer Services cannot share an address, and the platform's ingress would stop answering; pick an address outside it",
                    "istio-mesh:gateways.external.pool: pool platform is reserved for the platform's Gateway API (platform.gatewayApi.pools); take Istio's addresses from another pool",
                ],
            ],
            [
                "a Gateway API Gateway on the platform's address",
                { ...GATEWAY_API, platform: { gatewayApi: { addresses: ["10.0.10.51"] } } },
                [
                    "istio-mesh:gatewayApi.gateways.external.address: 10.0.10.51 is the platform Gateway API's (platform.gatewayApi.addresses 10.0.10.51): two load-balancer Services cannot share an address, and the platform's ingress would stop answering; pick an address outside it",
                ],
            ],
            ["an unknown form", { gatewayApi: { form: "vs" } }, ['istio-mesh:gatewayApi.form: must be one of istio, gateway-api, both (got "vs")']],
            [
                "an unknown route form",
                { routes: { shop: { form: "http" } } },
                ['istio-mesh:routes.shop.form: must be one of istio, gateway-api, both (got "http")'],
            ],
            [
                "a gateway class that is no label",
                { gatewayApi: { gatewayClassName: "Istio" } },
                ["istio-mesh:gatewayApi.gatewayClassName: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters) (got \"Istio\")"],
            ],
            [
                "a Gateway API route without its Gateway's address",
                { routes: { shop: { form: "gateway-api" } } },
                [
                    "istio-mesh:gatewayApi.gateways.external.address: required: routes.shop uses the Gateway API form on the external gateway, whose Gateway istiod deploys with a Service of its own; pin its address from an address pool (another than gateways.external.address)",
                ],
            ],
            [
                "a Gateway API route on the internal gateway",
                { ...GATEWAY_API, routes: { shop: { form: "gateway-api", gateway: "internal", hosts: ["a.internal.example.com"] } } },
                [
                    "istio-mesh:routes.shop.form: is gateway-api, but routes.shop uses the internal gateway, whose mutual TLS this program renders only as an Istio Gateway; set routes.shop.form: istio",
                ],
            ],
            [
                "a Gateway API route without a port",
                { ...GATEWAY_API, routes: { shop: { form: "both", paths: [{ prefix: "/api", service: "api-service" }] } } },
                ["istio-mesh:routes.shop.paths[0].port: required with form both: an HTTPRoute's Service backend names its port (e.g. port: 8000)"],
            ],
            [
                "a Gateway API Gateway on the Istio gateway's address",
                { ...GATEWAY_API, gatewayApi: { gateways: { external: { address: "10.0.10.50" } } } },
                [
                    "istio-mesh:gatewayApi.gateways.external.address: 10.0.10.50 is already gateways.external.address: two Services cannot share one load-balancer address; pick another address from the pool",
                ],
            ],
            [
                "a Gateway API Gateway outside the pools",
                { ...GATEWAY_API, gatewayApi: { gateways: { external: { address: "10.0.11.1" } } } },
                ["istio-mesh:gatewayApi.gateways.external.address: 10.0.11.1 is outside every address pool: use an address from cluster.addressPools"],
            ],
            [
                "a Gateway API Gateway naming the wrong pool",
                { ...GATEWAY_API, gatewayApi: { gateways: { external: { address: "10.0.10.51", pool: "platform" } } } },
                [
                    "istio-mesh:gatewayApi.gateways.external.pool: 10.0.10.51 is in pool ingress, not platform: set pool: ingress or pick an address from platform",
                ],
            ],
            [
                "a Gateway API address that is none",
                { gatewayApi: { gateways: { external: { address: "ten" } } } },
                ['istio-mesh:gatewayApi.gateways.external.address: must be an IPv4 or IPv6 address such as 10.0.0.10 (got "ten")'],
            ],
            [
                "a Gateway API Gateway without its Istio gateway",
                {
                    gateways: { internal: null },
                    namespaces: { "customer-apps": { allow: [{ from: "gateway:external", to: "api-service" }] } },
                    gatewayApi: { gateways: { internal: { address: "10.0.10.51" } } },
                },
                [
                    "istio-mesh:gatewayApi.gateways.internal: the internal gateway does not exist: gateways.internal is not configured; a Gateway API Gateway takes its hosts and certificate",
                ],
            ],
            [
                "istiod's Gateway API support turned off",
                { ...GATEWAY_API, controlPlane: { values: { env: { PILOT_ENABLE_GATEWAY_API: "false" } } } },
                [
                    "istio-mesh:controlPlane.values.env.PILOT_ENABLE_GATEWAY_API: is false, but routes use the Gateway API form, which needs istiod's Gateway API support; remove it or set every route's form to istio",
                ],
            ],
            [
                "beside, a route into a namespace outside the mesh",
                {
                    platform: { deploymentModel: "beside", gatewayApi: { pools: ["platform"] } },
                    routes: { grafana: { namespace: "observability", hosts: ["grafana.example.com"], paths: [{ prefix: "/", service: "grafana", port: 80 }] } },
                },
                [
                    "istio-mesh:routes.grafana.namespace: observability is not enrolled in the mesh (istio-mesh:namespaces), and with platform.deploymentModel beside the platform's Gateway API serves namespaces outside the mesh: enrol observability, or leave this route to the platform's Gateway API",
                ],
            ],
            [
                "beside, a platform namespace enrolled in the mesh",
                {
                    platform: { deploymentModel: "beside", gatewayApi: { addresses: ["10.0.10.40"] } },
                    namespaces: { headlamp: {} },
                },
                [
                    "istio-mesh:namespaces.headlamp: is a platform namespace, and with platform.deploymentModel beside platform services stay outside the mesh on the platform's Gateway API: remove it, or set platform.deploymentModel: replace to bring the platform into the mesh",
                ],
            ],
            [
                "a Gateway API route into an enrolled namespace that denies the Gateway's pods",
                {
                    ...GATEWAY_API,
                    namespaces: { "customer-apps": { allow: [{ from: "gateway:external", to: "api-service" }] } },
                },
                [
                    "istio-mesh:namespaces.customer-apps.allow: routes.shop publishes api-service through the Gateway API Gateway external-gateway-api, whose pods run as istio-ingress/external-gateway-api-istio (gateway:external admits only the Istio gateway's pods), so the default deny answers 403: add { from: istio-ingress/external-gateway-api-istio, to: api-service }",
                ],
            ],
        ];
        for (const [what, patch, expected] of cases) {
            it(`refuses ${what}`, () => assert.deepStrictEqual(problems(patch), expected));
        }
        it("needs no gateway:external rule for a route in the Gateway API form only", () =>
            assert.deepStrictEqual(
                problems({
                    routes: { shop: { form: "gateway-api" } },
                    gatewayApi: GATEWAY_API.gatewayApi,
                    namespaces: { "customer-apps": { allow: [{ from: "istio-ingress", to: "api-service" }] } },
                }),
                [],
            ));
        it("accepts beside with the platform's pool and routes only into enrolled namespaces", () =>
            assert.deepStrictEqual(problems({ platform: { deploymentModel: "beside", gatewayApi: { pools: ["platform"] } } }), []));
    });
});
