import * as assert from "assert";
import { run } from "./harness";
import { destinationRule, serviceEntry, sidecar, telemetry } from "./objects";

const meshConfigMap = (mesh: string, name = "istio") => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "istio-system" },
    data: { mesh },
});

describe("egress policies", () => {
    it("service-entry-wildcard-host reports *", () => {
        assert.deepStrictEqual(run("service-entry-wildcard-host", [serviceEntry("shop", "all", { hosts: ["api.example.com", "*"] })]), [
            'ServiceEntry shop/all: spec.hosts[1] is "*"; a ServiceEntry for every host opens egress to the whole internet and the API server rejects it. List the external hosts.',
        ]);
    });

    it("service-entry-tcp-addresses reports a TCP port without addresses", () => {
        const se = serviceEntry("shop", "db", { hosts: ["db.example.com"], ports: [{ number: 5432, name: "pg" }] });
        assert.deepStrictEqual(run("service-entry-tcp-addresses", [se]), [
            "ServiceEntry shop/db: spec.ports[0] (port 5432) is of unspecified protocol and spec.addresses is empty; the sidecar cannot tell these hosts apart on that port, so they share one 0.0.0.0:5432 listener and traffic may reach the wrong host. Declare addresses, use an HTTP/TLS protocol, or turn on DNS address auto-allocation.",
        ]);
    });

    describe("destination-rule-tls-verification", () => {
        it("lists what a SIMPLE origination lacks (IST0128)", () => {
            const dr = destinationRule("shop", "pay", { host: "api.pay.example.com", trafficPolicy: { tls: { mode: "SIMPLE" } } });
            assert.deepStrictEqual(run("destination-rule-tls-verification", [dr]), [
                "DestinationRule shop/pay: spec.trafficPolicy.tls (mode SIMPLE) sets no caCertificates (or credentialName), no sni, no subjectAltNames; without them the proxy cannot pin which server it talks to, so a forged certificate for another name is accepted (IST0128).",
            ]);
        });
        it("reports insecureSkipVerify at port level (IST0129)", () => {
            const dr = destinationRule("shop", "pay", {
                host: "x",
                trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: "MUTUAL", insecureSkipVerify: true } }] },
            });
            assert.deepStrictEqual(run("destination-rule-tls-verification", [dr]), [
                "DestinationRule shop/pay: spec.trafficPolicy.portLevelSettings[0].tls.insecureSkipVerify is true; the proxy accepts any server certificate, so a man in the middle can read the traffic (IST0129).",
            ]);
        });
        it("ignores ISTIO_MUTUAL", () => {
            assert.deepStrictEqual(
                run("destination-rule-tls-verification", [destinationRule("shop", "r", { host: "r", trafficPolicy: { tls: { mode: "ISTIO_MUTUAL" } } })]),
                [],
            );
        });
    });

    describe("outbound-traffic-registry-only", () => {
        it("reports the ALLOW_ANY default", () => {
            assert.deepStrictEqual(run("outbound-traffic-registry-only", [meshConfigMap("rootNamespace: istio-system\n")]), [
                "ConfigMap istio-system/istio: data.mesh outboundTrafficPolicy.mode is ALLOW_ANY; sidecars pass traffic to any external host, so a compromised workload can exfiltrate freely. Use REGISTRY_ONLY and declare external hosts with ServiceEntries (and enforce egress with a gateway and NetworkPolicy).",
            ]);
        });
        it("ignores other ConfigMaps", () => {
            assert.deepStrictEqual(run("outbound-traffic-registry-only", [meshConfigMap("a: b", "app-settings")]), []);
        });
    });
});

describe("observability policies", () => {
    describe("single-default-sidecar-telemetry", () => {
        it("reports two selector-less Telemetry resources in a namespace", () => {
            const a = telemetry("shop", "a", { accessLogging: [{ providers: [{ name: "envoy" }] }] });
            const b = telemetry("shop", "b", { tracing: [{ randomSamplingPercentage: 1 }] });
            assert.deepStrictEqual(run("single-default-sidecar-telemetry", [a, b]), [
                "Telemetry shop/a: namespace shop has another Telemetry without a workload selector (b); Istio applies only one namespace-wide Telemetry, chosen by age, so the others are silently ignored. Merge them or add selectors.",
                "Telemetry shop/b: namespace shop has another Telemetry without a workload selector (a); Istio applies only one namespace-wide Telemetry, chosen by age, so the others are silently ignored. Merge them or add selectors.",
            ]);
        });
        it("counts a Telemetry with targetRefs as selected", () => {
            const a = telemetry("shop", "a", {});
            const b = telemetry("shop", "b", { targetRefs: [{ kind: "Gateway", group: "gateway.networking.k8s.io", name: "gw" }] });
            assert.deepStrictEqual(run("single-default-sidecar-telemetry", [a, b]), []);
        });
        it("treats one Sidecar per namespace independently", () => {
            assert.deepStrictEqual(run("single-default-sidecar-telemetry", [sidecar("shop", "default"), sidecar("blog", "default")]), []);
        });
    });

    describe("trace-sampling", () => {
        it("reports 100% sampling in Telemetry", () => {
            assert.deepStrictEqual(run("trace-sampling", [telemetry("istio-system", "mesh", { tracing: [{ randomSamplingPercentage: 100 }] })]), [
                "Telemetry istio-system/mesh: spec.tracing[0].randomSamplingPercentage is 100; every sampled request is exported to the tracing backend, which costs proxy CPU and backend storage at production volume (limit 10%).",
            ]);
        });
        it("reads the mesh config default sampling", () => {
            assert.match(
                run("trace-sampling", [meshConfigMap("defaultConfig:\n  tracing:\n    sampling: 50\n")])[0],
                /data\.mesh defaultConfig\.tracing\.sampling is 50/,
            );
        });
        it("accepts full sampling when the limit is raised (dev stacks)", () => {
            assert.deepStrictEqual(
                run("trace-sampling", [telemetry("istio-system", "mesh", { tracing: [{ randomSamplingPercentage: 100 }] })], { maxSamplingPercentage: 100 }),
                [],
            );
        });
    });
});
