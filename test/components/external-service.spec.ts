import * as assert from "assert";
import { ExternalService, originationRuleSpec, serviceEntrySpec } from "../../components/external-service";
import type { ExternalServiceConfig } from "../../config/mesh";
import { runProgram, Stack } from "../mocks";
import { direct } from "./direct";

const STRIPE: ExternalServiceConfig = { hosts: ["api.stripe.com"], ports: [{ number: 443, protocol: "TLS" }] };
const ORIGINATE: ExternalServiceConfig = {
    ...STRIPE,
    originateTls: {
        port: 80,
        targetPort: 443,
        caCertificates: "/etc/ssl/certs/ca-certificates.crt",
        sni: "api.stripe.com",
        subjectAltNames: ["api.stripe.com"],
    },
};

describe("ExternalService", () => {
    describe("ServiceEntry", () => {
        it("registers the hosts as MESH_EXTERNAL, resolved by DNS", () =>
            assert.deepStrictEqual(serviceEntrySpec(STRIPE), {
                hosts: ["api.stripe.com"],
                location: "MESH_EXTERNAL",
                resolution: "DNS",
                ports: [{ number: 443, name: "tls-443", protocol: "TLS" }],
            }));
        it("adds the plain-HTTP port that TLS origination listens on, forwarded to the TLS port", () =>
            assert.deepStrictEqual(serviceEntrySpec(ORIGINATE).ports, [
                { number: 443, name: "tls-443", protocol: "TLS" },
                { number: 80, name: "http-80", protocol: "HTTP", targetPort: 443 },
            ]));
    });

    describe("TLS origination", () => {
        it("opens TLS on the plain port and verifies the server: CA, SNI and subject alt names", () =>
            assert.deepStrictEqual(originationRuleSpec(ORIGINATE), {
                host: "api.stripe.com",
                trafficPolicy: {
                    portLevelSettings: [
                        {
                            port: { number: 80 },
                            tls: {
                                mode: "SIMPLE",
                                sni: "api.stripe.com",
                                subjectAltNames: ["api.stripe.com"],
                                caCertificates: "/etc/ssl/certs/ca-certificates.crt",
                            },
                        },
                    ],
                },
            }));
        it("takes the CA from a Secret when given one", () => {
            const spec = originationRuleSpec({
                ...STRIPE,
                originateTls: { ...ORIGINATE.originateTls!, caCertificates: undefined, credentialName: "stripe-ca" },
            });
            assert.deepStrictEqual((spec?.trafficPolicy as any).portLevelSettings[0].tls, {
                mode: "SIMPLE",
                sni: "api.stripe.com",
                subjectAltNames: ["api.stripe.com"],
                credentialName: "stripe-ca",
            });
        });
        it("needs no DestinationRule without origination", () => assert.strictEqual(originationRuleSpec(STRIPE), undefined));
        it("refuses origination for several hosts", () =>
            direct(() => undefined).then(() =>
                assert.throws(
                    () => new ExternalService("many", { namespace: "istio-system", service: { ...ORIGINATE, hosts: ["a.example.com", "b.example.com"] } }),
                    { message: "many: TLS origination verifies one server name; declare one external service per host" },
                ),
            ));
    });

    describe("resources", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({
                outboundTraffic: "REGISTRY_ONLY",
                namespaces: { identity: {} },
                externalServices: {
                    payments: { hosts: ["api.stripe.com"], originateTls: true },
                    ldap: { hosts: ["ldap.example.com"], ports: [{ number: 636, protocol: "TLS" }], namespace: "identity" },
                },
            });
        });
        it("puts a ServiceEntry in the mesh root namespace by default, visible to every namespace", () =>
            assert.strictEqual(stack.k8s("ServiceEntry", "payments").inputs.metadata.namespace, "istio-system"));
        it("puts a ServiceEntry in the namespace given", () => assert.strictEqual(stack.k8s("ServiceEntry", "ldap").inputs.metadata.namespace, "identity"));
        it("waits for an enrolled namespace the stack creates", () =>
            assert.ok(stack.dependencyNames(stack.k8s("ServiceEntry", "ldap")).includes("identity-namespace")));
        it("registers the origination DestinationRule next to its ServiceEntry", () =>
            assert.strictEqual(stack.k8s("DestinationRule", "payments", "istio-system").inputs.spec.host, "api.stripe.com"));
        it("registers no DestinationRule without origination", () =>
            assert.strictEqual(
                stack.resources.some((r) => r.inputs?.kind === "DestinationRule" && r.inputs.metadata.name === "ldap"),
                false,
            ));
        it("makes the objects wait for istiod (the validation webhook)", () =>
            assert.ok(stack.dependencyNames(stack.k8s("ServiceEntry", "payments")).includes("mesh-istiod")));
        it("turns on REGISTRY_ONLY in istiod's mesh config", () =>
            assert.deepStrictEqual(stack.get("kubernetes:helm.sh/v4:Chart", "mesh-istiod").inputs.values.meshConfig.outboundTrafficPolicy, {
                mode: "REGISTRY_ONLY",
            }));
        it("exports the registered hosts", () =>
            assert.deepStrictEqual((stack.outputs.mesh as { externalHosts: string[] }).externalHosts, ["api.stripe.com", "ldap.example.com"]));
    });
});
