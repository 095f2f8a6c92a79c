import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseStackArgs, POLICY_PACK } from "../../bin/stack";

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
});
