import * as assert from "assert";
import { run } from "./harness";
import { certificate } from "./objects";

const cert = (spec: object) => certificate("istio-ingress", "shop", { secretName: "shop-tls", dnsNames: ["shop.example.com"], ...spec });

describe("certificate policies", () => {
    describe("certificate-duration", () => {
        it("reports a duration not longer than renewBefore", () => {
            assert.deepStrictEqual(run("certificate-duration", [cert({ duration: "24h", renewBefore: "24h" })]), [
                "Certificate istio-ingress/shop: spec.duration (24h) is not longer than spec.renewBefore (24h); cert-manager rejects the Certificate, so the Secret is never issued or renewed.",
            ]);
        });
        it("compares renewBefore with the 90-day default duration", () => {
            assert.deepStrictEqual(run("certificate-duration", [cert({ renewBefore: "2400h" })]), [
                "Certificate istio-ingress/shop: spec.duration (the default 2160h) is not longer than spec.renewBefore (2400h); cert-manager rejects the Certificate, so the Secret is never issued or renewed.",
            ]);
        });
        it("reports a duration below 1h", () => {
            assert.deepStrictEqual(run("certificate-duration", [cert({ duration: "30m" })]), [
                "Certificate istio-ingress/shop: spec.duration is 30m, below cert-manager's 1h minimum; cert-manager rejects the Certificate, so the Secret is never issued or renewed.",
            ]);
        });
        it("reports a renewBefore below 5m", () => {
            assert.match(run("certificate-duration", [cert({ renewBefore: "1m" })])[0], /spec\.renewBefore is 1m, below cert-manager's 5m minimum/);
        });
        it("reports text that is not a duration", () => {
            assert.deepStrictEqual(run("certificate-duration", [cert({ duration: "90d" })]), [
                'Certificate istio-ingress/shop: spec.duration is "90d", not a duration such as "2160h"; cert-manager rejects the Certificate and no certificate is issued.',
            ]);
        });
        it("reports renewBefore together with renewBeforePercentage", () => {
            assert.match(run("certificate-duration", [cert({ renewBefore: "360h", renewBeforePercentage: 30 })])[0], /mutually exclusive/);
        });
        it("accepts compound durations", () => {
            assert.deepStrictEqual(run("certificate-duration", [cert({ duration: "2160h0m0s", renewBefore: "1h30m" })]), []);
        });
    });

    describe("certificate-rotation-policy", () => {
        it("reports a missing rotation policy", () => {
            assert.deepStrictEqual(run("certificate-rotation-policy", [cert({})]), [
                "Certificate istio-ingress/shop: spec.privateKey.rotationPolicy is not set; cert-manager before v1.18 then keeps the same private key on renewal, so a leaked key stays valid. Set it to Always.",
            ]);
        });
        it("reports Never", () => {
            assert.match(
                run("certificate-rotation-policy", [cert({ privateKey: { rotationPolicy: "Never" } })])[0],
                /rotationPolicy is Never; renewals keep the same private key/,
            );
        });
    });
});
