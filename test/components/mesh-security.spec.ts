import * as assert from "assert";
import { MeshSecurity } from "../../components/mesh-security";
import { runProgram, Stack } from "../mocks";
import { direct } from "./direct";

describe("MeshSecurity", () => {
    describe("defaults", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({});
        });
        it("requires STRICT mTLS mesh-wide, without selector, in the root namespace", () =>
            assert.deepStrictEqual(stack.k8s("PeerAuthentication", "default", "istio-system").inputs.spec, { mtls: { mode: "STRICT" } }));
        it("waits for istiod, whose validation webhook must be serving", () =>
            assert.ok(stack.dependencyNames(stack.k8s("PeerAuthentication", "default", "istio-system")).includes("mesh-istiod")));
        it("does not protect the policy", () => assert.strictEqual(stack.k8s("PeerAuthentication", "default", "istio-system").protect, false));
        it("exports the mesh-wide mode", () => assert.strictEqual((stack.outputs.mesh as { mtls: string }).mtls, "STRICT"));
    });

    describe("a declared migration", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram({
                istio: { namespace: "mesh-system", protect: true },
                mtls: { mode: "PERMISSIVE", migration: true },
                namespaces: { shop: {} },
            });
        });
        it("protects the policy with istio.protect", () => assert.strictEqual(stack.k8s("PeerAuthentication", "default", "mesh-system").protect, true));
        it("applies PERMISSIVE mesh-wide", () =>
            assert.deepStrictEqual(stack.k8s("PeerAuthentication", "default", "mesh-system").inputs.spec, { mtls: { mode: "PERMISSIVE" } }));
        it("lets enrolled namespaces inherit the mesh-wide mode", () =>
            assert.deepStrictEqual(stack.k8s("PeerAuthentication", "default", "shop").inputs.spec, { mtls: { mode: "PERMISSIVE" } }));
    });

    it("refuses PERMISSIVE without a declared migration", async () => {
        await direct(() => undefined);
        assert.throws(() => new MeshSecurity("mesh-security", { rootNamespace: "istio-system", mtls: { mode: "PERMISSIVE", migration: false } }), {
            message:
                "mesh-security: mtls: PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; it is for moving workloads into the mesh: write { mode: PERMISSIVE, migration: true } to say so, or use STRICT",
        });
    });
});
