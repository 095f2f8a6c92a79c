import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseMeshConfig, rawFromPulumiConfig, SECTION_NAMES } from "../../config";
import { INCLUDE_KEY } from "../../config/include";
import { REPO_ROOT } from "../mocks";

/** Pulumi.yaml's `config:` block: every key the program reads is declared there for `pulumi config` users. */
const declared: Record<string, { type?: string; default?: unknown; description?: string }> = parse(
    fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"),
).config;

describe("Pulumi.yaml", () => {
    it("declares exactly the keys config.ts reads, and include", () =>
        assert.deepStrictEqual(Object.keys(declared).sort(), [...SECTION_NAMES, INCLUDE_KEY].sort()));

    it("describes include", () => assert.ok((declared[INCLUDE_KEY]?.description ?? "").length > 20));

    // The CLI passes a declared default the stack does not override: include's must read no file.
    it("gives include a default that reads nothing", () =>
        assert.deepStrictEqual(rawFromPulumiConfig({ [`istio-mesh:${INCLUDE_KEY}`]: JSON.stringify(declared[INCLUDE_KEY].default) }, "/nonexistent"), {}));

    for (const key of SECTION_NAMES) {
        it(`describes ${key}`, () => assert.ok((declared[key]?.description ?? "").length > 20, key));
    }

    // The CLI refuses a stack that lacks a declared key without a default, so every key needs one.
    for (const key of SECTION_NAMES) {
        it(`gives ${key} a default that means the same as leaving it unset`, () => {
            assert.ok("default" in (declared[key] ?? {}), `${key} has no default`);
            assert.deepStrictEqual(parseMeshConfig({ [key]: declared[key].default }), parseMeshConfig({}));
        });
    }
});
