import { chartsOf } from "../shared";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseMeshConfig } from "../../config";
import { ACME_CHALLENGE_PREFIX, addressAnnotations, gatewayServers, gatewayValues, notPrefixRegex } from "../../components/ingress-gateway.values";
import { runProgram, Stack } from "../mocks";
import { runStack, stackConfig } from "../stack-files";

const CHART = "kubernetes:helm.sh/v4:Chart";
const CHARTS = chartsOf("1.30.3");

/** The values a stack file gives one of its gateways, through the same builder the program uses. */
function valuesOf(stack: string, kind: "external" | "internal"): Record<string, unknown> {
    const config = parseMeshConfig(stackConfig(stack));
    const gateway = config.gateways.byName[kind]!;
    return gatewayValues({
        gateway,
        loadBalancer: config.cluster.loadBalancer,
        pool: gateway.address ? config.cluster.addressPools[0].name : undefined,
        revision: config.istio.revision,
        imagePullSecrets: config.istio.imagePullSecrets,
    });
}

const BASE = {
    cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
};

describe("IngressGateway", () => {
    describe("chart values", () => {
        it("gives dev's external gateway one small replica on a kube-vip address", () =>
            assert.deepStrictEqual(valuesOf("dev", "external"), {
                labels: { istio: "ingressgateway", "gateway-type": "external" },
                service: {
                    type: "LoadBalancer",
                    annotations: { "kube-vip.io/loadbalancerIPs": "10.10.0.240" },
                    externalTrafficPolicy: "Cluster",
                },
                podDisruptionBudget: {},
                autoscaling: { enabled: false },
                replicaCount: 1,
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
            }));
        it("gives prod's external gateway an autoscaler from 3, a PDB, a MetalLB address, Local traffic and spread over nodes and zones", () =>
            assert.deepStrictEqual(valuesOf("prod", "external"), {
                labels: { istio: "ingressgateway", "gateway-type": "external" },
                service: {
                    type: "LoadBalancer",
                    annotations: { "metallb.io/loadBalancerIPs": "10.0.10.50", "metallb.io/address-pool": "ingress" },
                    externalTrafficPolicy: "Local",
                },
                podDisruptionBudget: { minAvailable: 1 },
                autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
                resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } },
                revision: "1-30-3",
                imagePullSecrets: [{ name: "harbor-pull" }],
                affinity: {
                    podAntiAffinity: {
                        preferredDuringSchedulingIgnoredDuringExecution: [
                            {
                                weight: 100,
                                podAffinityTerm: { labelSelector: { matchLabels: { istio: "ingressgateway" } }, topologyKey: "kubernetes.io/hostname" },
                            },
                        ],
                    },
                },
                topologySpreadConstraints: [
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: { istio: "ingressgateway" } },
                    },
                ],
            }));
        it("gives prod's internal gateway a ClusterIP Service with only the status and HTTPS ports", () =>
            assert.deepStrictEqual(valuesOf("prod", "internal").service, {
                type: "ClusterIP",
                ports: [
                    { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
                    { name: "https", port: 443, protocol: "TCP", targetPort: 443 },
                ],
            }));
        it("labels prod's internal gateway by convention", () =>
            assert.deepStrictEqual(valuesOf("prod", "internal").labels, { istio: "ingressgateway-internal", "gateway-type": "internal" }));
        it("sets no revision without a revisioned control plane", () => assert.strictEqual(valuesOf("dev", "external").revision, undefined));
        it("merges raw values last", () => {
            const config = parseMeshConfig({ ...BASE, gateways: { external: { ...BASE.gateways.external, values: { service: { type: "NodePort" } } } } });
            const v = gatewayValues({ gateway: config.gateways.byName.external!, loadBalancer: "metallb", imagePullSecrets: [] });
            assert.deepStrictEqual((v.service as Record<string, unknown>).type, "NodePort");
        });
        it("writes only keys the chart's schema allows, never _internal_defaults_do_not_set", () => {
            const schema = JSON.parse(fs.readFileSync(path.join(CHARTS, "gateway", "values.schema.json"), "utf8"));
            const allowed = Object.keys(schema.$defs.values.properties).filter((k) => k !== "_internal_defaults_do_not_set");
            for (const stack of ["dev", "prod"]) {
                for (const kind of ["external", "internal"] as const) {
                    const unknown = Object.keys(valuesOf(stack, kind)).filter((k) => !allowed.includes(k));
                    assert.deepStrictEqual(unknown, [], `${stack} ${kind}`);
                }
            }
        });
        it("makes an internal gateway with an address a pinned LoadBalancer", () => {
            const config = parseMeshConfig({ ...BASE, gateways: { ...BASE.gateways, internal: { hosts: ["*.internal.example.com"], address: "10.0.10.51" } } });
            const v = gatewayValues({ gateway: config.gateways.byName.internal!, loadBalancer: "metallb", pool: "ingress", imagePullSecrets: [] });
            assert.deepStrictEqual((v.service as Record<string, unknown>).annotations, {
                "metallb.io/loadBalancerIPs": "10.0.10.51",
                "metallb.io/address-pool": "ingress",
            });
        });
        it("pins a MetalLB address without a pool name when none is known", () =>
            assert.deepStrictEqual(addressAnnotations("metallb", "10.0.10.50"), { "metallb.io/loadBalancerIPs": "10.0.10.50" }));
    });

    describe("Gateway servers", () => {
        it("serves HTTPS with the gateway's certificate on the external gateway", () => {
            const g = parseMeshConfig(BASE).gateways.byName.external!;
            assert.deepStrictEqual(gatewayServers(g), [
                {
                    port: { number: 443, name: "https", protocol: "HTTPS" },
                    hosts: ["app.example.com"],
                    tls: { mode: "SIMPLE", credentialName: "external-gateway-tls", minProtocolVersion: "TLSV1_2" },
                },
            ]);
        });
        it("redirects port 80 with tls.httpsRedirect when the certificate is not from ACME", () => {
            const g = parseMeshConfig({ ...BASE, certificates: {}, gateways: { external: { ...BASE.gateways.external, issuer: "internal" } } }).gateways.byName
                .external!;
            assert.deepStrictEqual(gatewayServers(g)[1], {
                port: { number: 80, name: "http", protocol: "HTTP" },
                hosts: ["app.example.com"],
                tls: { httpsRedirect: true },
            });
        });
    });

    describe("the ACME exemption of the HTTPS redirect", () => {
        const redirects = new RegExp(`^(?:${notPrefixRegex(ACME_CHALLENGE_PREFIX)})$`);
        it("redirects the site root", () => assert.strictEqual(redirects.test("/"), true));
        it("redirects an application path", () => assert.strictEqual(redirects.test("/api/orders"), true));
        it("redirects a path that only begins like the challenge prefix", () => assert.strictEqual(redirects.test("/.well-known/acme-challenge"), true));
        it("redirects other well-known paths", () => assert.strictEqual(redirects.test("/.well-known/security.txt"), true));
        it("lets a challenge token through to the solver", () => assert.strictEqual(redirects.test("/.well-known/acme-challenge/Xy_z-123"), false));
        it("uses no lookahead, which RE2 (Envoy's regex engine) lacks", () =>
            assert.strictEqual(/\(\?[=!<]/.test(notPrefixRegex(ACME_CHALLENGE_PREFIX)), false));
    });

    describe("in the dev stack", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("dev");
        });

        it("installs the gateway chart as istio-ingressgateway in istio-ingress", () => {
            const chart = stack.get(CHART, "ingress-external-chart").inputs;
            assert.deepStrictEqual([chart.chart, chart.version, chart.name, chart.namespace], ["gateway", "1.30.3", "istio-ingressgateway", "istio-ingress"]);
        });
        it("installs the internal gateway as istio-ingressgateway-internal", () =>
            assert.strictEqual(stack.get(CHART, "ingress-internal-chart").inputs.name, "istio-ingressgateway-internal"));
        it("installs each chart only after istiod", () => {
            for (const name of ["ingress-external-chart", "ingress-internal-chart"]) {
                assert.ok(stack.dependencyNames(stack.get(CHART, name)).includes("mesh-istiod"), name);
            }
        });
        it("installs each chart only after its namespace", () =>
            assert.ok(stack.dependencyNames(stack.get(CHART, "ingress-external-chart")).includes("ingress-namespace")));
        it("enrols the gateway namespace for injection", () =>
            assert.deepStrictEqual(stack.k8s("Namespace", "istio-ingress").inputs.metadata.labels, {
                "istio-injection": "enabled",
                "app.kubernetes.io/part-of": "istio-mesh",
            }));
        it("creates the external Gateway on 443", () =>
            assert.deepStrictEqual(stack.k8s("Gateway", "external-gateway", "istio-ingress").inputs.spec, {
                selector: { istio: "ingressgateway", "gateway-type": "external" },
                servers: [
                    {
                        port: { number: 443, name: "https", protocol: "HTTPS" },
                        hosts: ["app.dev.example.com"],
                        tls: { mode: "SIMPLE", credentialName: "external-gateway-tls", minProtocolVersion: "TLSV1_2" },
                    },
                ],
            }));
        it("creates the internal Gateway with mutual TLS", () =>
            assert.deepStrictEqual(stack.k8s("Gateway", "internal-gateway", "istio-ingress").inputs.spec, {
                selector: { istio: "ingressgateway-internal", "gateway-type": "internal" },
                servers: [
                    {
                        port: { number: 443, name: "https", protocol: "HTTPS" },
                        hosts: ["*.internal.dev.example.com"],
                        tls: { mode: "MUTUAL", credentialName: "internal-gateway-tls", minProtocolVersion: "TLSV1_2" },
                    },
                ],
            }));
        it("listens on port 80 of the external gateway through its own Gateway", () =>
            assert.deepStrictEqual(stack.k8s("Gateway", "external-gateway-http", "istio-ingress").inputs.spec, {
                selector: { istio: "ingressgateway", "gateway-type": "external" },
                servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["app.dev.example.com"] }],
            }));
        it("redirects port 80 to HTTPS except ACME challenges", () => {
            const vs = stack.k8s("VirtualService", "external-gateway-https-redirect", "istio-ingress").inputs.spec;
            assert.deepStrictEqual(vs, {
                hosts: ["app.dev.example.com"],
                gateways: ["istio-ingress/external-gateway-http"],
                http: [
                    {
                        name: "https-redirect",
                        match: [{ uri: { regex: notPrefixRegex(ACME_CHALLENGE_PREFIX) } }],
                        redirect: { scheme: "https", redirectCode: 301 },
                    },
                ],
            });
        });
        it("creates every ingress Kubernetes object only after istiod", () => {
            const ingress = stack.resources.filter((r) => r.custom && r.name.startsWith("ingress") && r.type.startsWith("kubernetes:"));
            const early = ingress.filter((r) => !stack.dependencyNames(r).includes("mesh-istiod")).map((r) => r.name);
            assert.deepStrictEqual(early, []);
        });
        it("exports the gateways' addresses, hosts and certificate secrets", () =>
            assert.deepStrictEqual((stack.outputs.ingress as { gateways: unknown }).gateways, {
                external: {
                    address: "10.10.0.240",
                    hosts: ["app.dev.example.com"],
                    gateway: "istio-ingress/external-gateway",
                    service: "istio-ingressgateway.istio-ingress.svc.cluster.local",
                    certificateSecret: "external-gateway-tls",
                },
                internal: {
                    hosts: ["*.internal.dev.example.com"],
                    gateway: "istio-ingress/internal-gateway",
                    service: "istio-ingressgateway-internal.istio-ingress.svc.cluster.local",
                    certificateSecret: "internal-gateway-tls",
                },
            }));
    });

    describe("in the prod stack", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("prod");
        });

        it("enrols the gateway namespace with the control-plane revision", () =>
            assert.deepStrictEqual(stack.k8s("Namespace", "istio-ingress").inputs.metadata.labels, {
                "istio.io/rev": "1-30-3",
                "app.kubernetes.io/part-of": "istio-mesh",
            }));
        it("has the revision's injector inject both gateways", () =>
            assert.deepStrictEqual(
                ["ingress-external-chart", "ingress-internal-chart"].map((n) => stack.get(CHART, n).inputs.values.revision),
                ["1-30-3", "1-30-3"],
            ));
        it("pulls the gateway chart from the OCI mirror", () =>
            assert.strictEqual(stack.get(CHART, "ingress-external-chart").inputs.chart, "oci://harbor.example.com/istio-charts/gateway"));
        it("installs the gateways only after the address pool exists", () =>
            assert.ok(stack.dependencyNames(stack.get(CHART, "ingress-external-chart")).includes("ingress-pools-ingress-pool")));
        it("exports the pinned production address", () =>
            assert.strictEqual((stack.outputs.ingress as { gateways: { external: { address: string } } }).gateways.external.address, "10.0.10.50"));
    });

    describe("with an internally signed external gateway", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ ...BASE, certificates: {}, gateways: { external: { ...BASE.gateways.external, issuer: "internal" } } });
        });
        it("redirects port 80 on the external Gateway itself", () =>
            assert.deepStrictEqual(
                stack.k8s("Gateway", "external-gateway").inputs.spec.servers.map((s: { port: { number: number } }) => s.port.number),
                [443, 80],
            ));
        it("creates no separate port-80 Gateway", () =>
            assert.strictEqual(stack.find("kubernetes:networking.istio.io/v1:Gateway", "ingress-external-http-gateway"), undefined));
        it("creates no IngressClass for HTTP-01", () =>
            assert.strictEqual(stack.find("kubernetes:networking.k8s.io/v1:IngressClass", "ingress-certificates-ingress-class"), undefined));
    });

    describe("without gateways", () => {
        it("creates no gateway namespace", async () => {
            const stack = await runProgram({});
            assert.strictEqual(stack.find("kubernetes:core/v1:Namespace", "ingress-namespace"), undefined);
        });
    });
});
