/**
 * The project's dev and prod stacks register exactly the resources recorded in test/snapshots/: same URNs,
 * types, parents, options and inputs. A refactoring that changes what a user's stack would create, replace or
 * lose fails here. After an intended change, rewrite the snapshots with `UPDATE_SNAPSHOTS=1 npx mocha
 * test/stacks-snapshot.spec.ts` and review the diff.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, Recorded, secretPaths } from "./mocks";
import { runStack } from "./stacks.spec";

const DIR = path.join(REPO_ROOT, "test", "snapshots");

/** What the engine would see of one registration, in a stable, JSON-comparable form. */
function registration(r: Recorded): unknown {
    return {
        urn: r.urn,
        type: r.type,
        parent: r.parent,
        custom: r.custom,
        provider: r.provider,
        dependsOn: [...r.dependsOn].sort(),
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: r.ignoreChanges,
        transforms: r.transforms.length,
        secrets: secretPaths(r.wire).sort(),
        inputs: r.inputs,
    };
}

for (const name of ["dev", "prod"]) {
    describe(`stack ${name} snapshot`, () => {
        it("registers the same resources with the same inputs as recorded", async () => {
            const stack = await runStack(name);
            const actual = JSON.parse(JSON.stringify(stack.resources.map(registration).sort((a: any, b: any) => (a.urn < b.urn ? -1 : 1))));
            const file = path.join(DIR, `${name}.json`);
            if (process.env.UPDATE_SNAPSHOTS === "1") {
                fs.writeFileSync(file, JSON.stringify(actual, null, 1) + "\n");
            }
            const expected = JSON.parse(fs.readFileSync(file, "utf8"));
            assert.deepStrictEqual(
                actual.map((r: any) => r.urn),
                expected.map((r: any) => r.urn),
            );
            assert.deepStrictEqual(actual, expected);
        });
    });
}
