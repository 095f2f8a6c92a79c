import * as assert from "assert";
import { fixture, run } from "./harness";

describe("gateway route policies", () => {
    describe("gateway-port-routed", () => {
        it("reports a TCP port and a passthrough port without a route for them", () =>
            assert.deepStrictEqual(run("gateway-port-routed", fixture("gateway-port-routed", "violating.yaml")), [
                "Gateway istio-ingress/partner-gateway: spec.servers[0] (TCP port 5432) has no VirtualService bound to this Gateway with a tcp route for port 5432; the gateway accepts each connection and closes it. Add a VirtualService with gateways [istio-ingress/partner-gateway] and a tcp route matching port 5432.",
                "Gateway istio-ingress/partner-gateway: spec.servers[1] (TLS passthrough port 8883) has no VirtualService bound to this Gateway with a tls route for port 8883; the gateway accepts each connection and closes it. Add a VirtualService with gateways [istio-ingress/partner-gateway] and a tls route matching port 8883.",
            ]));
        it("accepts a route without a port match for every port", () => {
            const [gw, vs] = fixture("gateway-port-routed", "clean.yaml");
            const any = { ...vs, spec: { ...vs.spec, tls: [{ route: vs.spec.tls[0].route }], tcp: [{ route: vs.spec.tcp[0].route }] } };
            assert.deepStrictEqual(run("gateway-port-routed", [gw, any]), []);
        });
        it("does not count a route bound to another gateway", () => {
            const [gw, vs] = fixture("gateway-port-routed", "clean.yaml");
            const elsewhere = { ...vs, spec: { ...vs.spec, gateways: ["istio-ingress/other"] } };
            assert.strictEqual(run("gateway-port-routed", [gw, elsewhere]).length, 2);
        });
        it("reads a gateway reference relative to the VirtualService's namespace", () => {
            const [gw, vs] = fixture("gateway-port-routed", "clean.yaml");
            assert.deepStrictEqual(run("gateway-port-routed", [gw, { ...vs, spec: { ...vs.spec, gateways: ["partner-gateway"] } }]), []);
        });
    });

    describe("egress-route-through-gateway", () => {
        it("reports a route that serves the mesh and the egress gateway alike", () =>
            assert.deepStrictEqual(run("egress-route-through-gateway", fixture("egress-route-through-gateway", "violating.yaml")), [
                "VirtualService istio-system/github-egress: spec.tls[0] applies to the mesh and sends sidecars straight to api.github.com, which this VirtualService sends out through a gateway; that traffic bypasses the egress gateway and the firewall that trusts only its nodes. Match this route to the gateway (match.gateways) and give the mesh a route to the egress gateway's Service.",
            ]));
        it("reports a mesh route straight to the host beside the gateway's", () => {
            const [se, vs] = fixture("egress-route-through-gateway", "clean.yaml");
            const direct = { ...vs, spec: { ...vs.spec, tls: [{ ...vs.spec.tls[0], route: vs.spec.tls[1].route }, vs.spec.tls[1]] } };
            assert.strictEqual(run("egress-route-through-gateway", [se, direct]).length, 1);
        });
        it("ignores hosts that are not external", () => {
            const [, vs] = fixture("egress-route-through-gateway", "violating.yaml");
            assert.deepStrictEqual(run("egress-route-through-gateway", [vs]), []);
        });
        it("ignores a VirtualService bound only to the mesh", () => {
            const [se, vs] = fixture("egress-route-through-gateway", "violating.yaml");
            assert.deepStrictEqual(run("egress-route-through-gateway", [se, { ...vs, spec: { ...vs.spec, gateways: ["mesh"] } }]), []);
        });
    });
});
