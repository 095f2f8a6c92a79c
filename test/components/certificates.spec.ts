import * as assert from "assert";
import { runProgram, secretPaths, Stack } from "../mocks";
import { runStack } from "../stack-files";

const BASE = {
    cluster: { addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com", "api.example.com"] }, internal: { hosts: ["*.internal.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
};

describe("Certificates", () => {
    describe("with ACME and an internal gateway", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(BASE);
        });

        it("creates a Let's Encrypt staging ClusterIssuer solving HTTP-01 through the istio ingress class", () =>
            assert.deepStrictEqual(stack.k8s("ClusterIssuer", "letsencrypt-staging").inputs.spec, {
                acme: {
                    email: "platform@example.com",
                    server: "https://acme-staging-v02.api.letsencrypt.org/directory",
                    privateKeySecretRef: { name: "letsencrypt-staging-account" },
                    solvers: [
                        {
                            http01: {
                                ingress: {
                                    ingressClassName: "istio",
                                    podTemplate: { metadata: { labels: { "sidecar.istio.io/inject": "false" } } },
                                },
                            },
                        },
                    ],
                },
            }));
        it("creates the istio IngressClass istiod serves", () =>
            assert.deepStrictEqual(stack.k8s("IngressClass", "istio").inputs.spec, { controller: "istio.io/ingress-controller" }));
        it("creates the internal CA ClusterIssuer from the CA Secret", () =>
            assert.deepStrictEqual(stack.k8s("ClusterIssuer", "istio-mesh-internal-ca").inputs.spec, { ca: { secretName: "istio-mesh-internal-ca" } }));
        it("puts the CA Secret in cert-manager's namespace", () =>
            assert.deepStrictEqual(
                [stack.k8s("Secret", "istio-mesh-internal-ca").inputs.metadata.namespace, stack.k8s("Secret", "istio-mesh-internal-ca").inputs.type],
                ["cert-manager", "kubernetes.io/tls"],
            ));
        it("generates the CA root with @pulumi/tls", () =>
            assert.deepStrictEqual(stack.get("tls:index/selfSignedCert:SelfSignedCert", "ingress-certificates-internal-ca-cert").inputs.subject, {
                commonName: "istio-mesh internal CA",
                organization: "istio-mesh",
            }));
        it("keeps the CA key only as a Pulumi secret", () =>
            assert.deepStrictEqual(secretPaths(stack.k8s("Secret", "istio-mesh-internal-ca").wire), ["stringData"]));
        it("marks the CA key secret in every resource that receives it", () => {
            const key = JSON.stringify("-----BEGIN PRIVATE KEY-----\nmock-ingress-certificates-internal-ca-key\n-----END PRIVATE KEY-----\n").slice(1, -1);
            const carriers = stack.resources.filter((r) => JSON.stringify(r.wire).includes(key));
            assert.deepStrictEqual(
                carriers.map((r) => [r.name, secretPaths(r.wire).length > 0]),
                [
                    ["ingress-certificates-internal-ca-cert", true],
                    ["ingress-certificates-internal-ca-secret", true],
                ],
            );
        });
        it("creates the ClusterIssuer only after its CA Secret", () =>
            assert.ok(stack.dependencyNames(stack.k8s("ClusterIssuer", "istio-mesh-internal-ca")).includes("ingress-certificates-internal-ca-secret")));
        it("issues the external certificate for the Gateway's hosts from ACME", () =>
            assert.deepStrictEqual(stack.k8s("Certificate", "external-gateway-tls", "istio-ingress").inputs.spec, {
                secretName: "external-gateway-tls",
                dnsNames: ["app.example.com", "api.example.com"],
                duration: "2160h",
                renewBefore: "720h",
                privateKey: { rotationPolicy: "Always", algorithm: "ECDSA", size: 256 },
                usages: ["server auth", "digital signature", "key encipherment"],
                issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "letsencrypt-staging" },
            }));
        it("issues the internal certificate from the internal CA", () =>
            assert.deepStrictEqual(stack.k8s("Certificate", "internal-gateway-tls", "istio-ingress").inputs.spec.issuerRef, {
                group: "cert-manager.io",
                kind: "ClusterIssuer",
                name: "istio-mesh-internal-ca",
            }));
        it("gives each Gateway the Secret its Certificate writes", () => {
            const gw = stack.k8s("Gateway", "external-gateway", "istio-ingress").inputs.spec.servers[0].tls.credentialName;
            assert.strictEqual(gw, stack.k8s("Certificate", "external-gateway-tls", "istio-ingress").inputs.spec.secretName);
        });
        it("creates certificates only after the gateway namespace and istiod", () =>
            assert.deepStrictEqual(
                ["ingress-namespace", "mesh-istiod"].map((n) => stack.dependencyNames(stack.k8s("Certificate", "internal-gateway-tls")).includes(n)),
                [true, true],
            ));
        it("creates the issuers only after istiod", () =>
            assert.ok(stack.dependencyNames(stack.k8s("ClusterIssuer", "letsencrypt-staging")).includes("mesh-istiod")));
        it("does not protect the CA without istio.protect", () =>
            assert.strictEqual(stack.get("tls:index/privateKey:PrivateKey", "ingress-certificates-internal-ca-key").protect, false));
        it("exports the internal CA certificate for the internal gateway's clients", () =>
            assert.strictEqual(
                (stack.outputs.ingress as { internalCaCertPem: string }).internalCaCertPem,
                "-----BEGIN CERTIFICATE-----\nmock-ingress-certificates-internal-ca-cert\n-----END CERTIFICATE-----\n",
            ));
        it("exports the issuers", () =>
            assert.deepStrictEqual((stack.outputs.ingress as { issuers: string[] }).issuers, ["letsencrypt-staging", "istio-mesh-internal-ca"]));
    });

    describe("in the prod stack", () => {
        let stack: Stack;
        before(async () => {
            stack = await runStack("prod");
        });
        it("uses Let's Encrypt production", () =>
            assert.strictEqual(stack.k8s("ClusterIssuer", "letsencrypt-production").inputs.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory"));
        it("protects the internal CA key with the mesh's foundations", () =>
            assert.strictEqual(stack.get("tls:index/privateKey:PrivateKey", "ingress-certificates-internal-ca-key").protect, true));
    });

    describe("with the internal CA made by cert-manager (internalCa.root: cert-manager)", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ ...BASE, certificates: { ...BASE.certificates, internalCa: { root: "cert-manager" } } });
        });
        it("creates no tls resource", () =>
            assert.deepStrictEqual(
                stack.resources.filter((r) => r.type.startsWith("tls:")).map((r) => r.name),
                [],
            ));
        it("creates a self-signed ClusterIssuer for the root", () =>
            assert.deepStrictEqual(stack.k8s("ClusterIssuer", "istio-mesh-internal-ca-selfsigned").inputs.spec, { selfSigned: {} }));
        it("creates the root as a CA Certificate in cert-manager's namespace, signed by the self-signed issuer", () =>
            assert.deepStrictEqual(stack.k8s("Certificate", "istio-mesh-internal-ca-root", "cert-manager").inputs.spec, {
                isCA: true,
                commonName: "istio-mesh internal CA",
                subject: { organizations: ["istio-mesh"] },
                secretName: "istio-mesh-internal-ca-root",
                duration: "87600h",
                privateKey: { algorithm: "ECDSA", size: 256 },
                issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "istio-mesh-internal-ca-selfsigned" },
            }));
        it("points the internal CA ClusterIssuer at the root's Secret", () =>
            assert.deepStrictEqual(stack.k8s("ClusterIssuer", "istio-mesh-internal-ca").inputs.spec, { ca: { secretName: "istio-mesh-internal-ca-root" } }));
        it("creates the CA ClusterIssuer only after the root Certificate", () =>
            assert.ok(stack.dependencyNames(stack.k8s("ClusterIssuer", "istio-mesh-internal-ca")).includes("ingress-certificates-internal-ca-certificate")));
        it("creates the root Certificate only after its self-signed issuer and istiod", () =>
            assert.deepStrictEqual(
                ["ingress-certificates-internal-ca-selfsigned", "mesh-istiod"].map((n) =>
                    stack.dependencyNames(stack.k8s("Certificate", "istio-mesh-internal-ca-root")).includes(n),
                ),
                [true, true],
            ));
        it("exports no internal CA certificate (it lives only in the cluster)", () =>
            assert.strictEqual("internalCaCertPem" in (stack.outputs.ingress as object), false));
        it("still issues the internal gateway's certificate from the internal CA", () =>
            assert.strictEqual(stack.k8s("Certificate", "internal-gateway-tls", "istio-ingress").inputs.spec.issuerRef.name, "istio-mesh-internal-ca"));
    });

    describe("without an internal gateway", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({ ...BASE, gateways: { external: BASE.gateways.external } });
        });
        it("creates no internal CA", () =>
            assert.strictEqual(stack.find("tls:index/privateKey:PrivateKey", "ingress-certificates-internal-ca-key"), undefined));
        it("exports no internal CA certificate", () => assert.strictEqual("internalCaCertPem" in (stack.outputs.ingress as object), false));
        it("creates no internal CA issuer", () =>
            assert.strictEqual(stack.find("kubernetes:cert-manager.io/v1:ClusterIssuer", "ingress-certificates-internal-ca-issuer"), undefined));
    });

    describe("with an internally signed external gateway", () => {
        it("issues the external certificate from the internal CA", async () => {
            const stack = await runProgram({ ...BASE, certificates: {}, gateways: { external: { ...BASE.gateways.external, issuer: "internal" } } });
            assert.strictEqual(stack.k8s("Certificate", "external-gateway-tls").inputs.spec.issuerRef.name, "istio-mesh-internal-ca");
        });
    });
});
