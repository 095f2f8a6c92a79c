import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseStackArgs, POLICY_PACK, skipCheckpoints } from "../../bin/stack";

describe("npm run stack (bin/stack.ts)", () => {
    it("runs the local stack with the policy pack by default", () =>
        assert.deepStrictEqual(parseStackArgs(["preview"]), { operation: "preview", stack: "local", policy: true, diff: false, expectNoChanges: false }));
    it("reads the stack, --no-policy, --diff and --expect-no-changes", () =>
        assert.deepStrictEqual(parseStackArgs(["up", "--stack", "dev", "--no-policy", "--diff", "--expect-no-changes"]), {
            operation: "up",
            stack: "dev",
            policy: false,
            diff: true,
            expectNoChanges: true,
        }));
    it("refuses an unknown operation", () =>
        assert.throws(() => parseStackArgs(["apply"]), { message: "expected one operation, one of preview, up, destroy, refresh; got 'apply'" }));
    it("refuses an unknown option", () => assert.throws(() => parseStackArgs(["up", "--yes"]), /Unknown option '--yes'/));
    it("runs the pack as an executable policy pack beside its PulumiPolicy.yaml (no language host needed)", () =>
        assert.deepStrictEqual(
            [fs.statSync(POLICY_PACK).mode & 0o111 ? "executable" : "not executable", fs.existsSync(path.join(path.dirname(POLICY_PACK), "PulumiPolicy.yaml"))],
            ["executable", true],
        ));

    describe("state checkpoints (PULUMI_SKIP_CHECKPOINTS)", () => {
        it("skips them in a preview, which persists no state", () => assert.strictEqual(skipCheckpoints("preview", false, {}), true));
        it("skips them in an up of a render stack", () => assert.strictEqual(skipCheckpoints("up", true, {}), true));
        it("keeps them in an up of a cluster stack, so an interrupted run records what it changed", () =>
            assert.strictEqual(skipCheckpoints("up", false, {}), false));
        it("keeps them in a destroy of a cluster stack", () => assert.strictEqual(skipCheckpoints("destroy", false, {}), false));
        it("follows the environment when it says false", () =>
            assert.strictEqual(skipCheckpoints("preview", true, { PULUMI_SKIP_CHECKPOINTS: "false" }), false));
        it("follows the environment when it says TRUE, as the CLI reads it", () =>
            assert.strictEqual(skipCheckpoints("up", false, { PULUMI_SKIP_CHECKPOINTS: "TRUE" }), true));
        it("treats an empty value as unset", () => assert.strictEqual(skipCheckpoints("up", false, { PULUMI_SKIP_CHECKPOINTS: "" }), false));
    });
});
