import * as assert from "assert";
import { run } from "./harness";
import { certificate, deployment, gateway, httpsServer, secret } from "./objects";

const ingress = deployment("istio-ingress", "istio-ingressgateway", { istio: "ingressgateway" });
const gw = (ns: string, servers: object[], name = "public", selector: object = { istio: "ingressgateway" }) => gateway(ns, name, { selector, servers });

describe("gateway policies", () => {
    describe("gateway-tls-credential", () => {
        it("reports a SIMPLE server without credential", () => {
            assert.deepStrictEqual(run("gateway-tls-credential", [gw("istio-ingress", [httpsServer(["shop.example.com"])])]), [
                "Gateway istio-ingress/public: spec.servers[0].tls.mode is SIMPLE but neither tls.credentialName nor serverCertificate/privateKey is set; the gateway has no certificate to present, so TLS handshakes on port 443 fail.",
            ]);
        });
        it("reports an HTTPS server without tls settings", () => {
            const s = { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["shop.example.com"] };
            assert.deepStrictEqual(run("gateway-tls-credential", [gw("istio-ingress", [s])]), [
                "Gateway istio-ingress/public: spec.servers[0] has protocol HTTPS but no tls settings; Istio rejects the server, so port 443 serves nothing. Set tls.mode and tls.credentialName.",
            ]);
        });
        it("reports a MUTUAL TLS server without credential", () => {
            const s = { port: { number: 8443, name: "tls", protocol: "TLS" }, hosts: ["db.example.com"], tls: { mode: "MUTUAL" } };
            assert.strictEqual(run("gateway-tls-credential", [gw("istio-ingress", [s])]).length, 1);
        });
        it("accepts file-mounted certificates", () => {
            const s = {
                ...httpsServer(["shop.example.com"]),
                tls: { mode: "SIMPLE", serverCertificate: "/etc/certs/tls.crt", privateKey: "/etc/certs/tls.key" },
            };
            assert.deepStrictEqual(run("gateway-tls-credential", [gw("istio-ingress", [s])]), []);
        });
    });

    describe("gateway-credential-namespace", () => {
        it("reports a certificate in the Gateway's namespace when the workload runs elsewhere", () => {
            const objs = [gw("shop", [httpsServer(["shop.example.com"], "shop-tls")]), ingress, certificate("shop", "shop", { secretName: "shop-tls" })];
            assert.deepStrictEqual(run("gateway-credential-namespace", objs), [
                'Gateway shop/public: spec.servers[0].tls credentialName "shop-tls" must be in namespace istio-ingress (the namespace of Deployment istio-ingress/istio-ingressgateway, whose pods match the selector {istio=ingressgateway}), but it exists only as Certificate shop/shop; the gateway cannot load the certificate and TLS handshakes on port 443 fail.',
            ]);
        });
        it("falls back to the Gateway's namespace when no workload matches, and says so", () => {
            const objs = [gw("istio-ingress", [httpsServer(["shop.example.com"], "shop-tls")])];
            assert.deepStrictEqual(run("gateway-credential-namespace", objs), [
                'Gateway istio-ingress/public: spec.servers[0].tls credentialName "shop-tls" must be in namespace istio-ingress (no workload among the checked resources has pod labels matching the selector {istio=ingressgateway}, so the Gateway\'s own namespace is assumed), but no Secret or Certificate (spec.secretName) of that name is among the checked resources; the gateway cannot load the certificate and TLS handshakes on port 443 fail.',
            ]);
        });
        it("accepts a Secret in the workload's namespace", () => {
            const objs = [gw("shop", [httpsServer(["shop.example.com"], "shop-tls")]), ingress, secret("istio-ingress", "shop-tls")];
            assert.deepStrictEqual(run("gateway-credential-namespace", objs), []);
        });
        it("accepts an external credential", () => {
            const objs = [gw("istio-ingress", [httpsServer(["shop.example.com"], "shop-tls")]), ingress];
            assert.deepStrictEqual(run("gateway-credential-namespace", objs, { externalCredentials: ["istio-ingress/shop-tls"] }), []);
        });
        it("with assumeExternalCredentialsExist, accepts an unknown credential but not one in the wrong namespace", () => {
            const unknown = [gw("istio-ingress", [httpsServer(["a.example.com"], "a-tls")]), ingress];
            assert.deepStrictEqual(run("gateway-credential-namespace", unknown, { assumeExternalCredentialsExist: true }), []);
            const misplaced = [gw("istio-ingress", [httpsServer(["a.example.com"], "a-tls")]), ingress, secret("shop", "a-tls")];
            assert.strictEqual(run("gateway-credential-namespace", misplaced, { assumeExternalCredentialsExist: true }).length, 1);
        });
    });

    describe("gateway-https-wildcard-host", () => {
        it("reports * on an HTTPS server, with or without namespace part", () => {
            const objs = [gw("istio-ingress", [httpsServer(["*", "shop/*"], "tls")])];
            assert.deepStrictEqual(run("gateway-https-wildcard-host", objs), [
                'Gateway istio-ingress/public: spec.servers[0].hosts[0] is "*" on HTTPS port 443; the server accepts any SNI name, so a VirtualService in any permitted namespace can claim any hostname, and no certificate covers them all. List the hostnames served.',
                'Gateway istio-ingress/public: spec.servers[0].hosts[1] is "shop/*" on HTTPS port 443; the server accepts any SNI name, so a VirtualService in any permitted namespace can claim any hostname, and no certificate covers them all. List the hostnames served.',
            ]);
        });
        it("reports * on port 443 whatever the protocol says", () => {
            const s = { port: { number: 443, name: "tls", protocol: "TLS" }, hosts: ["*"], tls: { mode: "PASSTHROUGH" } };
            assert.strictEqual(run("gateway-https-wildcard-host", [gw("istio-ingress", [s])]).length, 1);
        });
    });

    describe("gateway-conflict", () => {
        it("reports two Gateways with the same selector, port and host", () => {
            const a = gw("istio-ingress", [httpsServer(["shop.example.com"], "a")], "a");
            const b = gw("istio-ingress", [httpsServer(["shop/shop.example.com"], "b")], "b");
            assert.deepStrictEqual(run("gateway-conflict", [a, b]), [
                "Gateway istio-ingress/a: spec.servers[0] (selector {istio=ingressgateway}) claims port 443 and host shop.example.com, also claimed by Gateway istio-ingress/b (selector {istio=ingressgateway}) on the same gateway pods; the gateway keeps only one server for them, so the other's TLS settings and routes are ignored.",
                "Gateway istio-ingress/b: spec.servers[0] (selector {istio=ingressgateway}) claims port 443 and host shop.example.com, also claimed by Gateway istio-ingress/a (selector {istio=ingressgateway}) on the same gateway pods; the gateway keeps only one server for them, so the other's TLS settings and routes are ignored.",
            ]);
        });
        it("accepts the same host on another port", () => {
            const a = gw("istio-ingress", [httpsServer(["shop.example.com"], "a")], "a");
            const b = gw("istio-ingress", [httpsServer(["shop.example.com"], "b", 8443)], "b");
            assert.deepStrictEqual(run("gateway-conflict", [a, b]), []);
        });
    });

    describe("gateway-duplicate-certificate", () => {
        it("reports one credential in two Gateways of one workload", () => {
            const a = gw("istio-ingress", [httpsServer(["a.example.com"], "wild")], "a");
            const b = gw("istio-ingress", [httpsServer(["b.example.com"], "wild")], "b");
            assert.strictEqual(
                run("gateway-duplicate-certificate", [a, b])[0],
                'Gateway istio-ingress/a: credential "wild" is also used by Gateway istio-ingress/b; HTTP/2 clients reuse one connection for every host of the certificate and get 404s from the Gateway that does not route them. Merge the servers or use distinct certificates.',
            );
        });
    });

    describe("gateway-certificate-dns-names", () => {
        it("reports a host the certificate does not cover (a wildcard covers one label)", () => {
            const objs = [
                gw("istio-ingress", [httpsServer(["a.b.example.com"], "tls")]),
                certificate("istio-ingress", "c", { secretName: "tls", dnsNames: ["*.example.com"] }),
            ];
            assert.deepStrictEqual(run("gateway-certificate-dns-names", objs), [
                "Gateway istio-ingress/public: spec.servers[0].hosts[0] a.b.example.com is not among the dnsNames of Certificate istio-ingress/c (*.example.com); clients reject the certificate with a name mismatch.",
            ]);
        });
    });
});
