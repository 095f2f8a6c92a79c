import * as assert from "assert";
import { run } from "./harness";
import { destinationRule, namespace, peerAuthentication, serviceEntry } from "./objects";

describe("mtls policies", () => {
    describe("peer-authentication-strict-mtls", () => {
        it("reports a PERMISSIVE namespace policy", () => {
            assert.deepStrictEqual(run("peer-authentication-strict-mtls", [peerAuthentication("shop", "default", { mtls: { mode: "PERMISSIVE" } })]), [
                "PeerAuthentication shop/default: spec.mtls.mode is PERMISSIVE; the workloads it covers accept plaintext, so any pod can reach them without a verified identity and AuthorizationPolicy principals cannot be enforced. Use STRICT.",
            ]);
        });
        it("reports a DISABLE port inside a STRICT policy", () => {
            const pa = peerAuthentication("shop", "api", {
                selector: { matchLabels: { app: "api" } },
                mtls: { mode: "STRICT" },
                portLevelMtls: { 9090: { mode: "DISABLE" } },
            });
            assert.deepStrictEqual(run("peer-authentication-strict-mtls", [pa]), [
                "PeerAuthentication shop/api: spec.portLevelMtls.9090.mode is DISABLE; port 9090 accepts plaintext even though the rest of the workload is strict. Use STRICT or drop the port entry.",
            ]);
        });
        it("reports portLevelMtls without a selector", () => {
            const pa = peerAuthentication("shop", "ports", { mtls: { mode: "STRICT" }, portLevelMtls: { 8080: { mode: "STRICT" } } });
            assert.deepStrictEqual(run("peer-authentication-strict-mtls", [pa]), [
                "PeerAuthentication shop/ports: spec.portLevelMtls is set without spec.selector.matchLabels; Istio applies port-level mTLS only to a selected workload, so the API server rejects this policy and the intended port settings never take effect.",
            ]);
        });
        it("accepts PERMISSIVE in an exempt namespace", () => {
            const pa = peerAuthentication("legacy", "default", { mtls: { mode: "PERMISSIVE" } });
            assert.deepStrictEqual(run("peer-authentication-strict-mtls", [pa], { exemptNamespaces: ["legacy"] }), []);
        });
        it("still reports DISABLE in an exempt namespace", () => {
            const pa = peerAuthentication("legacy", "default", { mtls: { mode: "DISABLE" } });
            assert.strictEqual(run("peer-authentication-strict-mtls", [pa], { exemptNamespaces: ["legacy"] }).length, 1);
        });
        it("accepts a policy that leaves the mode unset (inherits)", () => {
            assert.deepStrictEqual(run("peer-authentication-strict-mtls", [peerAuthentication("shop", "default", {})]), []);
        });
    });

    describe("mesh-wide-strict-mtls", () => {
        it("reports a root namespace without a mesh-wide STRICT policy", () => {
            assert.deepStrictEqual(run("mesh-wide-strict-mtls", [namespace("istio-system")]), [
                "Namespace istio-system: no PeerAuthentication without selector and with spec.mtls.mode STRICT in the root namespace; the mesh default stays PERMISSIVE, so every workload without its own policy accepts plaintext.",
            ]);
        });
        it("says nothing when the stack does not install the control plane", () => {
            assert.deepStrictEqual(run("mesh-wide-strict-mtls", [namespace("shop")]), []);
        });
        it("honours a custom root namespace", () => {
            const objs = [namespace("mesh-root"), peerAuthentication("mesh-root", "default", { mtls: { mode: "STRICT" } })];
            assert.deepStrictEqual(run("mesh-wide-strict-mtls", objs, { rootNamespace: "mesh-root" }), []);
        });
    });

    describe("destination-rule-tls-not-disabled", () => {
        it("reports DISABLE for a cluster service, naming the resolved host", () => {
            const dr = destinationRule("shop", "reviews", { host: "reviews", trafficPolicy: { tls: { mode: "DISABLE" } } });
            assert.deepStrictEqual(run("destination-rule-tls-not-disabled", [dr]), [
                "DestinationRule shop/reviews: spec.trafficPolicy.tls.mode is DISABLE for reviews.shop.svc.cluster.local, a host inside the mesh; sidecars send this traffic in plaintext, and a server requiring STRICT mTLS rejects it. Use ISTIO_MUTUAL or remove the tls block.",
            ]);
        });
        it("reports DISABLE in a subset's port-level settings", () => {
            const dr = destinationRule("shop", "reviews", {
                host: "reviews",
                subsets: [{ name: "v1", trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: "DISABLE" } }] } }],
            });
            assert.match(
                run("destination-rule-tls-not-disabled", [dr])[0],
                /^DestinationRule shop\/reviews: spec\.subsets\[0\]\.trafficPolicy\.portLevelSettings\[0\]\.tls\.mode is DISABLE/,
            );
        });
        it("reports a mesh-wide wildcard host", () => {
            const dr = destinationRule("istio-system", "all", { host: "*.local", trafficPolicy: { tls: { mode: "DISABLE" } } });
            assert.strictEqual(run("destination-rule-tls-not-disabled", [dr]).length, 1);
        });
        it("reports a MESH_INTERNAL ServiceEntry host", () => {
            const objs = [
                serviceEntry("shop", "vm", { hosts: ["legacy.vm.internal"], location: "MESH_INTERNAL" }),
                destinationRule("shop", "vm", { host: "legacy.vm.internal", trafficPolicy: { tls: { mode: "DISABLE" } } }),
            ];
            assert.strictEqual(run("destination-rule-tls-not-disabled", objs).length, 1);
        });
        it("accepts DISABLE for an external host", () => {
            const dr = destinationRule("shop", "ext", { host: "api.example.com", trafficPolicy: { tls: { mode: "DISABLE" } } });
            assert.deepStrictEqual(run("destination-rule-tls-not-disabled", [dr]), []);
        });
        it("accepts an exempt host", () => {
            const dr = destinationRule("shop", "reviews", { host: "reviews", trafficPolicy: { tls: { mode: "DISABLE" } } });
            assert.deepStrictEqual(run("destination-rule-tls-not-disabled", [dr], { exemptHosts: ["*.shop.svc.cluster.local"] }), []);
        });
    });
});
