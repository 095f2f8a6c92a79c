import { chartsOf } from "../shared";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../../bin/config-check";
import { checkMeshConfig, parseMeshConfig } from "../../config";
import { checkChartDirectory } from "../../config/environment";
import { compareVersions, istioVersion, MAX_MINOR_SKEW } from "../../config/revisions";

function problems(raw: Record<string, unknown>): string[] {
    return checkMeshConfig(raw).problems.map((p) => `${p.key}: ${p.message}`);
}

const OLD = { version: "1.29.6" };
const NEW = { version: "1.30.3" };
const two = (extra: Record<string, unknown> = {}) => ({ istio: { revisions: { "1-29-6": OLD, "1-30-3": NEW }, revision: "1-29-6", ...extra } });
const LABEL_HINT = "a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)";

describe("config: istio.revisions and istio.tags", () => {
    describe("the single form", () => {
        const istio = parseMeshConfig({ istio: { revision: "1-30-3" } }).istio;
        it("is one control plane named after istio.revision", () =>
            assert.deepStrictEqual(
                istio.revisions.map((r) => [r.name, r.version]),
                [["1-30-3", "1.30.3"]],
            ));
        it("has no tags", () => assert.deepStrictEqual(istio.tags, {}));
        it("is not the revisions form", () => assert.strictEqual(istio.multiRevision, false));
        it("names the unrevisioned control plane default", () =>
            assert.deepStrictEqual(
                parseMeshConfig({}).istio.revisions.map((r) => r.name),
                ["default"],
            ));
    });

    describe("two revisions", () => {
        const istio = parseMeshConfig(two({ tags: { "prod-stable": "1-29-6" }, revision: "prod-stable", hub: "harbor.example.com/istio" })).istio;
        it("lists them oldest version first", () =>
            assert.deepStrictEqual(
                istio.revisions.map((r) => r.name),
                ["1-29-6", "1-30-3"],
            ));
        it("takes charts from Istio's repository by default", () =>
            assert.deepStrictEqual(istio.revisions[1].chart, { kind: "repo", url: "https://istio-release.storage.googleapis.com/charts" }));
        it("gives each revision istio.hub by default", () =>
            assert.deepStrictEqual(
                istio.revisions.map((r) => r.hub),
                ["harbor.example.com/istio", "harbor.example.com/istio"],
            ));
        it("has no raw values by default", () => assert.deepStrictEqual(istio.revisions[0].values, {}));
        it("reads the tags", () => assert.deepStrictEqual(istio.tags, { "prod-stable": "1-29-6" }));
        it("follows the revision istio.revision's tag points to", () => assert.strictEqual(istio.followRevision, "1-29-6"));
        it("takes version and chart of the followed revision for the gateways", () => assert.strictEqual(istio.version, "1.29.6"));
        it("follows the default revision when istio.revision is unset", () =>
            assert.strictEqual(parseMeshConfig({ istio: { revisions: { default: OLD, "1-30-3": NEW } } }).istio.followRevision, "default"));
        it("follows the default tag when istio.revision is unset", () =>
            assert.strictEqual(
                parseMeshConfig({ istio: { revisions: { "1-29-6": OLD, "1-30-3": NEW }, tags: { default: "1-30-3" } } }).istio.followRevision,
                "1-30-3",
            ));
        it("reads a revision's own chart directory, registry and values", () => {
            const r = parseMeshConfig({
                istio: {
                    revisions: { canary: { version: "1.30.3", chartDir: "charts", hub: "h.example.com/istio", values: { pilot: {} } } },
                    revision: "canary",
                },
            }).istio.revisions[0];
            assert.deepStrictEqual([r.chart, r.hub, r.values], [{ kind: "local", dir: "charts" }, "h.example.com/istio", { pilot: {} }]);
        });
    });

    describe("versions", () => {
        it("reads major, minor and patch", () => assert.deepStrictEqual(istioVersion("1.31.0-beta.1"), { major: 1, minor: 31, patch: 0 }));
        it("orders by minor before patch", () => assert.ok(compareVersions("1.29.16", "1.30.3") < 0));
        it("allows two minor versions of skew", () => assert.strictEqual(MAX_MINOR_SKEW, 2));
        it("accepts revisions two minor versions apart", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-28-0": { version: "1.28.0" }, "1-30-3": NEW }, revision: "1-28-0" } }), []));
    });

    describe("problems", () => {
        it("refuses version, chartRepo or chartDir beside revisions", () =>
            assert.deepStrictEqual(
                problems({ istio: { version: "1.30.3", chartRepo: "https://example.com/charts", revisions: { "1-30-3": NEW }, revision: "1-30-3" } }),
                [
                    "istio-mesh:istio.version: is set per revision under istio.revisions when revisions are declared: move it into each revision",
                    "istio-mesh:istio.chartRepo: is set per revision under istio.revisions when revisions are declared: move it into each revision",
                ],
            ));
        it("refuses tags without revisions", () =>
            assert.deepStrictEqual(problems({ istio: { tags: { a: "b" } } }), [
                "istio-mesh:istio.tags: needs istio.revisions: a tag points to one of the declared revisions",
            ]));
        it("refuses an empty revisions map", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: {} } }), [
                "istio-mesh:istio.revisions: must declare at least one revision: a mesh needs a control plane",
            ]));
        it("refuses a revision name with dots", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1.30.3": NEW } } }), [
                `istio-mesh:istio.revisions.1.30.3: is not a valid revision name: must be ${LABEL_HINT}, e.g. 1-30-3 (dots are not allowed in a revision)`,
            ]));
        it("requires a revision's version", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { canary: {} } } }), [
                "istio-mesh:istio.revisions.canary.version: required: the Istio release this revision runs, e.g. 1.30.3",
            ]));
        it("refuses a malformed version", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { canary: { version: "1.30" } } } }), [
                'istio-mesh:istio.revisions.canary.version: must be an Istio release version such as 1.30.3 (got "1.30")',
            ]));
        it("refuses a version that conflicts with the revision's name", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-30-3": OLD }, revision: "1-30-3" } }), [
                "istio-mesh:istio.revisions.1-30-3.version: is 1.29.6, but the revision's name 1-30-3 says 1.30.3: name a revision after the version it runs, or pick a name that is not a version",
            ]));
        it("refuses skew beyond Istio's supported two minor versions", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-27-0": { version: "1.27.0" }, "1-30-3": NEW }, revision: "1-27-0" } }), [
                "istio-mesh:istio.revisions.1-30-3: runs 1.30.3, more than 2 minor versions ahead of revision 1-27-0 (1.27.0): Istio supports canary upgrades across at most 2 minor versions; upgrade through an intermediate release and remove 1-27-0 first",
            ]));
        it("refuses an unknown key of a revision", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-30-3": { ...NEW, chartdir: "x" } }, revision: "1-30-3" } }), [
                'istio-mesh:istio.revisions.1-30-3.chartdir: unknown key; did you mean "chartDir"? known keys: version, chartRepo, chartDir, hub, values',
            ]));
        it("refuses an invalid tag name", () =>
            assert.deepStrictEqual(problems(two({ tags: { Prod: "1-29-6" } })), [
                `istio-mesh:istio.tags.Prod: is not a valid revision tag: must be ${LABEL_HINT}, e.g. prod-stable`,
            ]));
        it("refuses a tag that is not a string", () =>
            assert.deepStrictEqual(problems(two({ tags: { stable: 3 } })), ["istio-mesh:istio.tags.stable: must be a string (got 3)"]));
        it("refuses a tag named like a revision", () =>
            assert.deepStrictEqual(problems(two({ tags: { "1-30-3": "1-29-6" } })), [
                "istio-mesh:istio.tags.1-30-3: is also the name of a revision: istio.io/rev=1-30-3 would be ambiguous (Istio refuses a tag named like a revision); rename the tag",
            ]));
        it("refuses the default tag beside the default revision", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { default: NEW }, tags: { default: "default" } } }), [
                "istio-mesh:istio.tags.default: conflicts with the revision named default, whose injector already serves istio-injection=enabled: keep one of the two",
            ]));
        it("refuses removing a revision a tag still points to", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-30-3": NEW }, tags: { "prod-stable": "1-29-6" }, revision: "prod-stable" } }), [
                'istio-mesh:istio.tags.prod-stable: points to "1-29-6", which is not a revision under istio.revisions (declared: 1-30-3); a tag points to a revision, never to another tag; a revision can only be removed once no tag points to it',
            ]));
        it("refuses removing the revision gateways and unpinned namespaces use", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-30-3": NEW }, revision: "1-29-6" } }), [
                'istio-mesh:istio.revision: names "1-29-6", which no control plane of this stack serves: neither a revision nor a tag (declared: 1-30-3); a revision can only be removed once no tag, namespace or gateway uses it: move namespaces and gateways without a revision of their own first',
            ]));
        it("requires istio.revision without a default revision or tag", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-30-3": NEW } } }), [
                "istio-mesh:istio.revision: required with istio.revisions unless a revision or tag is named default: it names the revision or tag that namespaces and gateways without their own enrol with (declared: 1-30-3)",
            ]));
        it("refuses removing a revision a namespace still uses", () =>
            assert.deepStrictEqual(problems({ istio: { revisions: { "1-30-3": NEW }, revision: "1-30-3" }, namespaces: { shop: { revision: "1-29-6" } } }), [
                'istio-mesh:namespaces.shop.revision: names "1-29-6", which no control plane of this stack serves: neither a revision nor a tag (declared: 1-30-3); a revision can only be removed once no tag, namespace or gateway uses it: move this namespace first',
            ]));
        it("refuses a namespace revision the single form does not run", () =>
            assert.deepStrictEqual(problems({ namespaces: { shop: { revision: "canary" } } }), [
                'istio-mesh:namespaces.shop.revision: names "canary", which no control plane of this stack serves: neither a revision nor a tag (declared: default); a revision can only be removed once no tag, namespace or gateway uses it: move this namespace first',
            ]));
        it("accepts a namespace pinned to a tag", () =>
            assert.deepStrictEqual(problems({ ...two({ tags: { canary: "1-30-3" } }), namespaces: { shop: { revision: "canary" } } }), []));
    });

    describe("chart directories", () => {
        it("checks each revision's chartDir against its version, by key", () => {
            const istio = parseMeshConfig({
                istio: {
                    revisions: {
                        "1-29-6": { version: "1.29.6", chartDir: chartsOf("1.30.3") },
                        "1-30-3": { version: "1.30.3", chartDir: chartsOf("1.30.3") },
                    },
                    revision: "1-30-3",
                },
            }).istio;
            const found = checkChartDirectory(istio, process.cwd());
            assert.deepStrictEqual(
                [found.length, found[0].key, /but istio\.revisions\.1-29-6\.version is 1\.29\.6/.test(found[0].message)],
                [4, "istio-mesh:istio.revisions.1-29-6.chartDir", true],
            );
        });
        it("accepts the 1.29.6 and 1.30.3 charts side by side", () => {
            const istio = parseMeshConfig({
                istio: {
                    revisions: {
                        "1-29-6": { version: "1.29.6", chartDir: chartsOf("1.29.6") },
                        "1-30-3": { version: "1.30.3", chartDir: chartsOf("1.30.3") },
                    },
                    revision: "1-30-3",
                },
            }).istio;
            assert.deepStrictEqual(checkChartDirectory(istio, process.cwd()), []);
        });
    });
});

describe("config: duplicate revision names", () => {
    it("are refused when the stack file is read: revisions is a map", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "istio-mesh-dup-"));
        const file = path.join(dir, "Pulumi.dup.yaml");
        fs.writeFileSync(
            file,
            "config:\n  istio-mesh:istio:\n    revisions:\n      1-30-3: {version: 1.30.3}\n      1-30-3: {version: 1.30.3}\n    revision: 1-30-3\n",
        );
        try {
            assert.throws(() => readStackFile(file), /duplicate key "1-30-3": a key may appear once in a map/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
