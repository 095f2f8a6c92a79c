import * as assert from "assert";
import { UNKNOWN_STRING } from "../../policy-pack/lib/k8s";
import { run } from "./harness";
import { deployment, gateway, httpsServer, peerAuthentication, secret, virtualService } from "./objects";

/** The engine's sentinel for a number not known during preview. */
const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

// During preview the engine wraps props in a proxy that throws on values not known yet. Policies must read
// through it, and skip what is unknown instead of guessing.
describe("policies during preview", () => {
    it("still report known violations read through the engine's proxy", () => {
        const pa = peerAuthentication("shop", "default", { mtls: { mode: "PERMISSIVE" } });
        assert.strictEqual(run("peer-authentication-strict-mtls", [pa], {}, true).length, 1);
    });
    it("skip a check that reads an unknown value instead of guessing", () => {
        const vs = virtualService("shop", "r", {
            http: [
                {
                    route: [
                        { destination: { host: "a" }, weight: 80 },
                        { destination: { host: "b" }, weight: UNKNOWN_NUMBER },
                    ],
                },
            ],
        });
        assert.deepStrictEqual(run("virtual-service-route-weights", [vs], {}, true), []);
    });
    it("keep reporting what is known when an unrelated value is unknown", () => {
        const vs = virtualService("shop", "r", {
            hosts: [UNKNOWN_STRING],
            http: [
                {
                    route: [
                        { destination: { host: "a" }, weight: 80 },
                        { destination: { host: "b" }, weight: 10 },
                    ],
                },
            ],
        });
        assert.strictEqual(run("virtual-service-route-weights", [vs], {}, true).length, 1);
    });
    it("do not throw on unknown values in stack policies", () => {
        const vs = virtualService("shop", "web", { gateways: ["istio-ingress/public"], http: [{ route: [{ destination: { host: UNKNOWN_STRING } }] }] });
        assert.deepStrictEqual(run("virtual-service-subset-defined", [vs], {}, true), []);
    });
    it("do not call a Gateway missing when some Gateway's name is unknown", () => {
        const vs = virtualService("shop", "web", { gateways: ["istio-ingress/public"] });
        const unnamed = gateway("istio-ingress", UNKNOWN_STRING, {});
        assert.deepStrictEqual(run("virtual-service-gateway-exists", [vs, unnamed], {}, true), []);
    });
    it("do not report an object whose own values are unknown", () => {
        const a = virtualService("shop", "a", { hosts: ["reviews"] });
        const b = virtualService("shop", "b", { hosts: ["reviews"], http: [{ route: [{ destination: { host: UNKNOWN_STRING } }] }] });
        assert.deepStrictEqual(run("mesh-virtual-service-host-conflict", [a, b], {}, true), []);
    });
    it("still look up Secrets whose data is unknown (TLS material created in the same update)", () => {
        const pending = { ...secret("shop", "shop-tls"), data: { "tls.crt": UNKNOWN_STRING } };
        const objs = [
            gateway("istio-ingress", "public", { selector: { istio: "ingressgateway" }, servers: [httpsServer(["a.example.com"], "shop-tls")] }),
            deployment("istio-ingress", "gw", { istio: "ingressgateway" }),
            pending,
        ];
        assert.match(
            run("gateway-credential-namespace", objs, {}, true)[0],
            /credentialName "shop-tls" must be in namespace istio-ingress .*, but it exists only as Secret shop\/shop-tls/,
        );
    });
    it("do not judge credentials while a Secret's name is unknown", () => {
        const objs = [
            gateway("istio-ingress", "public", { selector: { istio: "ingressgateway" }, servers: [httpsServer(["a.example.com"], "shop-tls")] }),
            secret("istio-ingress", UNKNOWN_STRING),
        ];
        assert.deepStrictEqual(run("gateway-credential-namespace", objs, {}, true), []);
    });
});
