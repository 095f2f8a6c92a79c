import * as assert from "assert";
import { run } from "./harness";
import { authorizationPolicy, namespace } from "./objects";

describe("authorization policies", () => {
    describe("authorization-policy-custom-provider", () => {
        it("reports CUSTOM without provider", () => {
            assert.deepStrictEqual(run("authorization-policy-custom-provider", [authorizationPolicy("shop", "ext", { action: "CUSTOM" })]), [
                "AuthorizationPolicy shop/ext: spec.action is CUSTOM but spec.provider.name is not set; Istio cannot tell which external authorizer to call, so it rejects the policy and the requests it should guard are not checked.",
            ]);
        });
        it("reports a provider without CUSTOM", () => {
            assert.deepStrictEqual(run("authorization-policy-custom-provider", [authorizationPolicy("shop", "ext", { provider: { name: "opa" } })]), [
                "AuthorizationPolicy shop/ext: spec.provider is set but spec.action is ALLOW; a provider only takes effect with action CUSTOM, so the external authorizer is never called. Set action: CUSTOM or remove the provider.",
            ]);
        });
    });

    describe("authorization-policy-allow-negative-match", () => {
        it("reports every negative field of an ALLOW policy (action defaults to ALLOW)", () => {
            const ap = authorizationPolicy("shop", "allow", {
                rules: [
                    {
                        from: [{ source: { notNamespaces: ["evil"] } }],
                        to: [{ operation: { notMethods: ["DELETE"] } }],
                        when: [{ key: "request.headers[x-env]", notValues: ["test"] }],
                    },
                ],
            });
            assert.deepStrictEqual(
                run("authorization-policy-allow-negative-match", [ap]).map((m) => m.split(" is used")[0]),
                [
                    "AuthorizationPolicy shop/allow: spec.rules[0].from[0].source.notNamespaces",
                    "AuthorizationPolicy shop/allow: spec.rules[0].to[0].operation.notMethods",
                    "AuthorizationPolicy shop/allow: spec.rules[0].when[0].notValues",
                ],
            );
        });
        it("gives the reason", () => {
            const ap = authorizationPolicy("shop", "allow", { rules: [{ to: [{ operation: { notPaths: ["/admin"] } }] }] });
            assert.deepStrictEqual(run("authorization-policy-allow-negative-match", [ap]), [
                "AuthorizationPolicy shop/allow: spec.rules[0].to[0].operation.notPaths is used in an ALLOW policy; a negative match allows everything not listed, including path variants and methods nobody thought of, so requests are allowed by accident. Use positive matches in ALLOW and negative ones in DENY.",
            ]);
        });
        it("accepts negative fields in DENY", () => {
            const ap = authorizationPolicy("shop", "deny", { action: "DENY", rules: [{ to: [{ operation: { notPaths: ["/public/*"] } }] }] });
            assert.deepStrictEqual(run("authorization-policy-allow-negative-match", [ap]), []);
        });
    });

    describe("namespace-authorization-policy", () => {
        it("reports an injected namespace without policy", () => {
            assert.deepStrictEqual(run("namespace-authorization-policy", [namespace("shop", { "istio-injection": "enabled" })]), [
                "Namespace shop: sidecar injection is enabled but no AuthorizationPolicy is in the namespace; every workload in the mesh may call its services. Add an allow-nothing policy and ALLOW rules for the callers you expect.",
            ]);
        });
        it("skips exempt namespaces and the root namespace", () => {
            const objs = [namespace("istio-system", { "istio-injection": "enabled" }), namespace("demo", { "istio-injection": "enabled" })];
            assert.deepStrictEqual(run("namespace-authorization-policy", objs, { exemptNamespaces: ["demo"] }), []);
        });
    });
});
