import * as assert from "assert";
import { checkMeshConfig, formatProblems } from "../../config";
import { runProgram } from "../mocks";

const PLAIN =
    "istio-mesh:kialiOidcClientSecret: is a secret but is stored in plain text: set it encrypted with pulumi config set --secret istio-mesh:kialiOidcClientSecret <value> (and remove the plain value from the stack file and its Git history)";

describe("config: secret keys", () => {
    it("refuses a secret key stored in plain text", () =>
        assert.strictEqual(formatProblems(checkMeshConfig({ kialiOidcClientSecret: "hunter2" }, { isSecret: () => false }).problems), PLAIN));
    it("accepts a secret key stored encrypted", () =>
        assert.deepStrictEqual(checkMeshConfig({ kialiOidcClientSecret: "hunter2" }, { isSecret: (k) => k === "kialiOidcClientSecret" }).problems, []));
    it("accepts an unset secret key (Pulumi.yaml's default is empty)", () =>
        assert.deepStrictEqual(checkMeshConfig({ kialiOidcClientSecret: "" }, { isSecret: () => false }).problems, []));
    it("stops the program before any resource when the engine hands it the secret in plain text", async () =>
        assert.rejects(runProgram({ kialiOidcClientSecret: "hunter2" }), { message: `invalid stack configuration:\n${PLAIN}` }));
    it("runs the program when the engine hands it the secret as a secret", async () => {
        const stack = await runProgram({ kialiOidcClientSecret: "hunter2" }, { secretKeys: ["kialiOidcClientSecret"] });
        assert.ok(stack.resources.length > 0);
    });
});
