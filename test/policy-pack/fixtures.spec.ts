import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";
import { fixture, FIXTURES, run } from "./harness";

// Every policy has a violating and a clean fixture, run through the engine-shaped harness with default config.
describe("policy fixtures", () => {
    for (const p of policies) {
        describe(p.name, () => {
            it("reports the violating fixture", () => {
                const messages = run(p.name, fixture(p.name, "violating.yaml"));
                assert.ok(messages.length > 0, `${p.name} reported nothing for violating.yaml`);
            });
            it("accepts the clean fixture", () => {
                assert.deepStrictEqual(run(p.name, fixture(p.name, "clean.yaml")), []);
            });
        });
    }

    it("has no fixture directory without a policy", () => {
        const names = new Set(policies.map((p) => p.name));
        const orphans = fs
            .readdirSync(FIXTURES)
            .filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory() && !names.has(d) && d !== "checker" && d !== "stacks" && d !== "istio-cases");
        assert.deepStrictEqual(orphans, []);
    });
});
