import * as assert from "assert";
import { run } from "./harness";
import { namespace } from "./objects";

/** A MutatingWebhookConfiguration shaped as the istiod chart renders it (selectors only). */
function injector(name: string, labels: Record<string, string>, selectors: Array<[string, string]>) {
    return {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "MutatingWebhookConfiguration",
        metadata: { name, labels },
        webhooks: selectors.map(([key, value], i) => ({
            name: `w${i}.sidecar-injector.istio.io`,
            namespaceSelector: {
                matchExpressions: [
                    { key, operator: "In", values: [value] },
                    { key: key === "istio.io/rev" ? "istio-injection" : "istio.io/rev", operator: "DoesNotExist" },
                ],
            },
        })),
    };
}

const REV_1_29 = injector("istio-sidecar-injector-1-29-6-istio-system", { "istio.io/rev": "1-29-6" }, [["istio.io/rev", "1-29-6"]]);
const REV_1_30 = injector("istio-sidecar-injector-1-30-3-istio-system", { "istio.io/rev": "1-30-3" }, [["istio.io/rev", "1-30-3"]]);
const STABLE = injector("istio-revision-tag-prod-stable", { "istio.io/rev": "1-29-6", "istio.io/tag": "prod-stable" }, [["istio.io/rev", "prod-stable"]]);
const DEFAULT_TAG = injector("istio-revision-tag-default", { "istio.io/rev": "1-30-3", "istio.io/tag": "default" }, [
    ["istio.io/rev", "default"],
    ["istio-injection", "enabled"],
]);

describe("revision policies", () => {
    describe("namespace-revision-served", () => {
        it("reports a namespace labelled for a tag no injector serves", () =>
            assert.deepStrictEqual(run("namespace-revision-served", [REV_1_29, REV_1_30, STABLE, namespace("shop", { "istio.io/rev": "prod-canary" })]), [
                'Namespace shop: metadata.labels["istio.io/rev"] is "prod-canary", but no sidecar injector among these resources serves it (served: istio.io/rev=1-29-6, istio.io/rev=1-30-3, istio.io/rev=prod-stable); new pods there start without a proxy, outside mTLS and authorization, or keep a removed revision\'s proxy. Point the label at a served revision or tag, or keep the control plane that serves it until the namespace has moved.',
            ]));
        it("reports istio-injection=enabled without a default revision or tag", () =>
            assert.match(
                run("namespace-revision-served", [REV_1_29, namespace("shop", { "istio-injection": "enabled" })])[0] ?? "",
                /^Namespace shop: metadata\.labels\["istio-injection"\] is "enabled", but no sidecar injector/,
            ));
        it("accepts a namespace enrolled by a served tag", () =>
            assert.deepStrictEqual(run("namespace-revision-served", [REV_1_29, STABLE, namespace("shop", { "istio.io/rev": "prod-stable" })]), []));
        it("accepts a namespace enrolled by a served revision", () =>
            assert.deepStrictEqual(run("namespace-revision-served", [REV_1_29, REV_1_30, namespace("shop", { "istio.io/rev": "1-30-3" })]), []));
        it("accepts istio-injection=enabled served by the default tag", () =>
            assert.deepStrictEqual(run("namespace-revision-served", [REV_1_30, DEFAULT_TAG, namespace("shop", { "istio-injection": "enabled" })]), []));
        it("ignores a namespace with injection disabled", () =>
            assert.deepStrictEqual(run("namespace-revision-served", [REV_1_29, namespace("shop", { "istio-injection": "disabled" })]), []));
        it("stays silent without any injector among the resources", () =>
            assert.deepStrictEqual(run("namespace-revision-served", [namespace("shop", { "istio.io/rev": "prod-canary" })]), []));
    });

    describe("namespace-revision-by-tag", () => {
        it("advises a tag for a namespace enrolled by revision while tags exist", () =>
            assert.deepStrictEqual(run("namespace-revision-by-tag", [REV_1_29, STABLE, namespace("shop", { "istio.io/rev": "1-29-6" })]), [
                'Namespace shop: metadata.labels["istio.io/rev"] is the revision "1-29-6", not a tag (tags: prod-stable); every upgrade must then relabel this namespace, and removing 1-29-6 strands it. Enrol it with a tag and move the tag instead.',
            ]));
        it("accepts a namespace enrolled by a tag", () =>
            assert.deepStrictEqual(run("namespace-revision-by-tag", [REV_1_29, STABLE, namespace("shop", { "istio.io/rev": "prod-stable" })]), []));
        it("accepts enrolment by revision where no tags exist", () =>
            assert.deepStrictEqual(run("namespace-revision-by-tag", [REV_1_29, namespace("shop", { "istio.io/rev": "1-29-6" })]), []));
    });

    describe("namespace-injection-labels with tags", () => {
        it("reports istio-injection beside a tag", () =>
            assert.match(
                run("namespace-injection-labels", [namespace("shop", { "istio-injection": "enabled", "istio.io/rev": "prod-stable" })])[0] ?? "",
                /instead of that of revision or tag prod-stable/,
            ));
    });
});
