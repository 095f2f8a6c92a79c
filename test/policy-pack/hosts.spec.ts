import * as assert from "assert";
import {
    covers,
    coveringWildcards,
    HostMap,
    intersects,
    parseGatewayRef,
    parseServerHost,
    resolveHost,
    serverHostAdmits,
    splitServiceHost,
} from "../../policy-pack/lib/hosts";

describe("host semantics", () => {
    describe("resolveHost", () => {
        const cases: [string, string, string][] = [
            // [host as written, namespace of the resource, name Istio matches on]
            ["reviews", "shop", "reviews.shop.svc.cluster.local"],
            ["Reviews", "shop", "reviews.shop.svc.cluster.local"],
            ["reviews.shop", "other", "reviews.shop"],
            ["reviews.shop.svc.cluster.local", "other", "reviews.shop.svc.cluster.local"],
            ["*", "shop", "*"],
            ["*.example.com", "shop", "*.example.com"],
            ["10.0.0.7", "shop", "10.0.0.7"],
            ["api.example.com", "shop", "api.example.com"],
        ];
        for (const [host, ns, want] of cases) {
            it(`resolves ${host} in ${ns} to ${want}`, () => assert.strictEqual(resolveHost(host, ns), want));
        }
        it("uses the configured cluster domain", () => {
            assert.strictEqual(resolveHost("reviews", "shop", "corp.internal"), "reviews.shop.svc.corp.internal");
        });
    });

    describe("covers and intersects", () => {
        const cases: [string, string, boolean, boolean][] = [
            // [a, b, a covers b, a and b intersect]
            ["api.example.com", "api.example.com", true, true],
            ["*.example.com", "api.example.com", true, true],
            ["*.example.com", "a.b.example.com", true, true],
            ["*.example.com", "example.com", false, false],
            ["*", "anything.at.all", true, true],
            ["*.example.com", "*.api.example.com", true, true],
            ["*.api.example.com", "*.example.com", false, true],
            ["api.example.com", "*.example.com", false, true],
            ["*.example.com", "*.example.org", false, false],
            ["api.example.com", "web.example.com", false, false],
            ["*.shop.svc.cluster.local", "reviews.shop.svc.cluster.local", true, true],
        ];
        for (const [a, b, cov, inter] of cases) {
            it(`${a} ${cov ? "covers" : "does not cover"} ${b}`, () => assert.strictEqual(covers(a, b), cov));
            it(`${a} ${inter ? "intersects" : "does not intersect"} ${b}`, () => assert.strictEqual(intersects(a, b), inter));
        }
    });

    describe("parseGatewayRef", () => {
        const cases: [string, string, ReturnType<typeof parseGatewayRef>][] = [
            ["mesh", "shop", { mesh: true }],
            ["istio-ingress/public", "shop", { mesh: false, namespace: "istio-ingress", name: "public" }],
            ["public", "shop", { mesh: false, namespace: "shop", name: "public" }],
            ["./public", "shop", { mesh: false, namespace: "shop", name: "public" }],
            ["public.istio-ingress.svc.cluster.local", "shop", { mesh: false, namespace: "istio-ingress", name: "public" }],
        ];
        for (const [ref, ns, want] of cases) {
            it(`reads ${ref} from ${ns}`, () => assert.deepStrictEqual(parseGatewayRef(ref, ns), want));
        }
    });

    describe("Gateway server hosts", () => {
        const cases: [string, string, string, boolean][] = [
            // [server host entry, VirtualService namespace, VirtualService host, admitted]
            ["shop.example.com", "any", "shop.example.com", true],
            ["shop/shop.example.com", "shop", "shop.example.com", true],
            ["shop/shop.example.com", "blog", "shop.example.com", false],
            ["./shop.example.com", "istio-ingress", "shop.example.com", true],
            ["./shop.example.com", "shop", "shop.example.com", false],
            ["*/*.example.com", "blog", "blog.example.com", true],
            ["~/shop.example.com", "shop", "shop.example.com", false],
            ["shop/*.example.com", "shop", "example.com", false],
        ];
        for (const [entry, ns, host, want] of cases) {
            it(`${entry} ${want ? "admits" : "rejects"} ${host} from namespace ${ns}`, () => {
                assert.strictEqual(serverHostAdmits(parseServerHost(entry, "istio-ingress"), ns, host), want);
            });
        }
    });

    describe("splitServiceHost", () => {
        it("splits name.namespace.svc.cluster.local", () => {
            assert.deepStrictEqual(splitServiceHost("reviews.shop.svc.cluster.local"), { name: "reviews", namespace: "shop" });
        });
        it("ignores hosts outside the cluster", () => assert.strictEqual(splitServiceHost("api.example.com"), undefined));
    });

    describe("HostMap", () => {
        const m = new HostMap<string>();
        m.add("reviews.shop.svc.cluster.local", "exact");
        m.add("*.shop.svc.cluster.local", "namespace");
        m.add("*.svc.cluster.local", "cluster");
        m.add("*.example.com", "example");
        it("lists covering entries, most specific first", () => {
            assert.deepStrictEqual(m.covering("reviews.shop.svc.cluster.local"), ["exact", "namespace", "cluster"]);
        });
        it("finds wildcard entries over a name", () => assert.deepStrictEqual(m.covering("api.example.com"), ["example"]));
        it("finds entries under a wildcard query", () => {
            assert.deepStrictEqual(m.intersecting("*.shop.svc.cluster.local").sort(), ["cluster", "exact", "namespace"]);
        });
        it("finds nothing for an unrelated host", () => assert.deepStrictEqual(m.intersecting("api.example.org"), []));
    });

    describe("coveringWildcards", () => {
        const cases: [string, string[]][] = [
            ["a.b.c", ["*.b.c", "*.c", "*"]],
            ["*.b.c", ["*.c", "*"]],
            ["a", ["*"]],
            ["*", []],
            ["a..b", ["*..b", "*.b", "*"]],
            ["a.b.", ["*.b.", "*.", "*"]],
        ];
        for (const [host, expected] of cases) {
            it(`lists the wildcards over ${host}, most specific first`, () => assert.deepStrictEqual(coveringWildcards(host), expected));
        }
    });
});
