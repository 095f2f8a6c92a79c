import * as assert from "assert";
import { enrolmentChanges, previousLabels, restartCommand, selfReferenceName, verifyCommand } from "../../components/enrolment.values";
import { runProgram } from "../mocks";

const change = (namespace: string, from: string | null, to: string | null) => ({
    namespace,
    from,
    to,
    restart: restartCommand(namespace),
    verify: verifyCommand(namespace),
});

describe("enrolment changes", () => {
    describe("the diff", () => {
        it("lists every namespace as enrolled on the first update", () =>
            assert.deepStrictEqual(enrolmentChanges(undefined, { shop: "istio-injection=enabled" }).changed, [
                change("shop", null, "istio-injection=enabled"),
            ]));
        it("lists nothing when no label changed", () =>
            assert.deepStrictEqual(enrolmentChanges({ shop: "istio-injection=enabled" }, { shop: "istio-injection=enabled" }).changed, []));
        it("lists a newly enrolled namespace only", () =>
            assert.deepStrictEqual(enrolmentChanges({ a: "istio-injection=enabled" }, { a: "istio-injection=enabled", b: "istio-injection=enabled" }).changed, [
                change("b", null, "istio-injection=enabled"),
            ]));
        it("lists a namespace moved to another revision", () =>
            assert.deepStrictEqual(enrolmentChanges({ a: "istio.io/rev=1-29-6" }, { a: "istio.io/rev=1-30-3" }).changed, [
                change("a", "istio.io/rev=1-29-6", "istio.io/rev=1-30-3"),
            ]));
        it("lists a namespace moved from the default injector to a revision", () =>
            assert.deepStrictEqual(enrolmentChanges({ a: "istio-injection=enabled" }, { a: "istio.io/rev=1-30-3" }).changed, [
                change("a", "istio-injection=enabled", "istio.io/rev=1-30-3"),
            ]));
        it("lists a namespace that left the mesh", () =>
            assert.deepStrictEqual(enrolmentChanges({ a: "istio-injection=enabled" }, {}).changed, [change("a", "istio-injection=enabled", null)]));
        it("sorts by namespace", () =>
            assert.deepStrictEqual(
                enrolmentChanges({}, { b: "x=y", a: "x=y" }).changed.map((c) => c.namespace),
                ["a", "b"],
            ));
        it("keeps the labels for the next update to compare with", () => assert.deepStrictEqual(enrolmentChanges({}, { a: "x=y" }).labels, { a: "x=y" }));
        it("restarts the namespace's Deployments", () => assert.strictEqual(restartCommand("shop"), "kubectl rollout restart deploy -n shop"));
        it("verifies injection by listing each pod's containers and init containers", () =>
            assert.strictEqual(
                verifyCommand("shop"),
                `kubectl get pods -n shop -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.initContainers[*].name} {.spec.containers[*].name}{"\\n"}{end}'`,
            ));
    });

    describe("the previous update's output", () => {
        it("reads its labels", () => assert.deepStrictEqual(previousLabels({ labels: { a: "x=y" }, changed: [] }), { a: "x=y" }));
        it("is absent on a first update", () => assert.strictEqual(previousLabels(undefined), undefined));
        it("is absent when malformed", () => assert.strictEqual(previousLabels({ labels: ["a"] }), undefined));
        it("drops entries that are not labels", () => assert.deepStrictEqual(previousLabels({ labels: { a: "x=y", b: 3 } }), { a: "x=y" }));
    });

    describe("the stack output", () => {
        const config = { namespaces: { shop: {}, legacy: { adopt: true } }, gateways: { internal: { hosts: ["*.internal.example.com"] } } };
        it("lists the mesh namespaces and the gateways' namespace on the first update", async () => {
            const stack = await runProgram(config);
            assert.deepStrictEqual(
                (stack.outputs.enrolment as any).changed.map((c: any) => [c.namespace, c.from, c.to]),
                [
                    ["istio-ingress", null, "istio-injection=enabled"],
                    ["legacy", null, "istio-injection=enabled"],
                    ["shop", null, "istio-injection=enabled"],
                ],
            );
        });
        it("lists only what changed since the previous update's output", async () => {
            const previous = { enrolment: { labels: { "istio-ingress": "istio-injection=enabled", shop: "istio-injection=enabled" }, changed: [] } };
            const stack = await runProgram(config, { previousOutputs: previous });
            assert.deepStrictEqual((stack.outputs.enrolment as any).changed, [change("legacy", null, "istio-injection=enabled")]);
        });
        it("shows a revision change of every namespace", async () => {
            const previous = {
                enrolment: { labels: { "istio-ingress": "istio-injection=enabled", shop: "istio-injection=enabled", legacy: "istio-injection=enabled" } },
            };
            const stack = await runProgram({ ...config, istio: { revision: "1-30-3" } }, { previousOutputs: previous });
            assert.deepStrictEqual(
                (stack.outputs.enrolment as any).changed.map((c: any) => [c.namespace, c.to]),
                [
                    ["istio-ingress", "istio.io/rev=1-30-3"],
                    ["legacy", "istio.io/rev=1-30-3"],
                    ["shop", "istio.io/rev=1-30-3"],
                ],
            );
        });
        it("in render mode reads no previous update: every namespace is listed, as for a first apply", async () => {
            const previous = { enrolment: { labels: { "istio-ingress": "istio-injection=enabled", shop: "istio-injection=enabled" }, changed: [] } };
            const stack = await runProgram(config, { previousOutputs: previous, otherConfig: { "kubernetes:renderYamlToDirectory": "rendered" } });
            assert.deepStrictEqual(
                (stack.outputs.enrolment as any).changed.map((c: any) => c.namespace),
                ["istio-ingress", "legacy", "shop"],
            );
        });
        it("reads the previous update through a reference to the stack itself", () =>
            assert.strictEqual(selfReferenceName("organization", "istio-mesh", "prod"), "organization/istio-mesh/prod"));
    });
});
