import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkMeshConfig } from "../../config";
import { formatProblems } from "../../config/field";
import { IncludeError, IncludeOptions, resolveIncludes } from "../../config/include";

const scratch: string[] = [];

/** A scratch project directory holding `files` (path relative to it -> text), removed after the tests. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "include-"));
    scratch.push(dir);
    for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
    }
    return dir;
}

/** `raw` with the files it includes merged, from a project holding `files`. */
function merged(files: Record<string, string>, raw: Record<string, unknown>, opts: Partial<IncludeOptions> = {}): Record<string, unknown> {
    return resolveIncludes(raw, { root: project(files), ...opts });
}

/** The IncludeError's problems, as `key: message` lines, and whether a file was unreadable. */
function refused(files: Record<string, string>, raw: Record<string, unknown>, opts: Partial<IncludeOptions> = {}): { unreadable: boolean; lines: string[] } {
    try {
        merged(files, raw, opts);
    } catch (err) {
        if (err instanceof IncludeError) {
            return { unreadable: err.unreadable, lines: formatProblems(err.problems).split("\n") };
        }
        throw err;
    }
    return assert.fail("expected an IncludeError");
}

/** Validation problems of the merged config, as `key: message` lines. */
function problems(files: Record<string, string>, raw: Record<string, unknown>): string[] {
    return checkMeshConfig(merged(files, raw)).problems.map((p) => `${p.key}: ${p.message}`);
}

const A = "namespaces:\n  shop: {}\n  web: { adopt: true }\n";

describe("config: include", () => {
    after(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    describe("merging", () => {
        it("adds a file's namespaces to the stack's own", () =>
            assert.deepStrictEqual(merged({ "mesh/a.yaml": A }, { include: ["mesh/a.yaml"], namespaces: { billing: {} } }).namespaces, {
                billing: {},
                shop: {},
                web: { adopt: true },
            }));

        it("puts the stack's entries first, then each file's in include order", () =>
            assert.deepStrictEqual(
                Object.keys(
                    merged({ "b.yaml": "namespaces: { zeta: {} }\n", "a.yaml": A }, { include: ["b.yaml", "a.yaml"], namespaces: { billing: {} } })
                        .namespaces as object,
                ),
                ["billing", "zeta", "shop", "web"],
            ));

        it("merges routes by name", () =>
            assert.deepStrictEqual(
                merged(
                    { "r.yaml": "routes:\n  shop: { namespace: shop, hosts: [shop.example.com], paths: [{ prefix: /, service: web }] }\n" },
                    {
                        include: ["r.yaml"],
                        routes: { api: { namespace: "api" } },
                    },
                ).routes,
                {
                    api: { namespace: "api" },
                    shop: { namespace: "shop", hosts: ["shop.example.com"], paths: [{ prefix: "/", service: "web" }] },
                },
            ));

        it("merges externalServices by name", () =>
            assert.deepStrictEqual(
                merged(
                    { "e.yaml": "externalServices:\n  stripe: { hosts: [api.stripe.com] }\n" },
                    { include: ["e.yaml"], externalServices: { s3: { hosts: ["s3.amazonaws.com"] } } },
                ).externalServices,
                { s3: { hosts: ["s3.amazonaws.com"] }, stripe: { hosts: ["api.stripe.com"] } },
            ));

        it("takes several sections from one file", () => {
            const raw = merged({ "team.yaml": `${A}externalServices:\n  stripe: { hosts: [api.stripe.com] }\n` }, { include: ["team.yaml"] });
            assert.deepStrictEqual(Object.keys(raw).sort(), ["externalServices", "namespaces"]);
        });

        it("leaves include out of the result", () =>
            assert.deepStrictEqual(merged({ "a.yaml": A }, { include: ["a.yaml"], mtls: "STRICT" }).include, undefined));

        it("keeps a section no file adds to as the stack has it", () =>
            assert.deepStrictEqual(merged({ "a.yaml": A }, { include: ["a.yaml"], routes: { api: {} } }).routes, { api: {} }));

        it("reads an empty file as nothing", () => assert.deepStrictEqual(merged({ "a.yaml": "# nobody yet\n" }, { include: ["a.yaml"] }), {}));

        it("reads a section without entries as nothing", () => assert.deepStrictEqual(merged({ "a.yaml": "namespaces:\n" }, { include: ["a.yaml"] }), {}));

        it("reads YAML's core schema, as the stack file is read: a date stays text", () =>
            assert.deepStrictEqual(
                merged({ "a.yaml": "namespaces:\n  a: { labels: { since: 2024-01-01, flag: on } }\n" }, { include: ["a.yaml"] }).namespaces,
                {
                    a: { labels: { since: "2024-01-01", flag: "on" } },
                },
            ));

        it("leaves a stack section that is not a map to its parser, merging nothing into it", () =>
            assert.deepStrictEqual(problems({ "a.yaml": A }, { include: ["a.yaml"], namespaces: ["billing"] }), [
                'istio-mesh:namespaces: must be a map of name to settings (got ["billing"])',
            ]));

        it("returns a stack without include as it is", () =>
            assert.deepStrictEqual(resolveIncludes({ mtls: "STRICT" }, { root: "/nonexistent" }), { mtls: "STRICT" }));
    });

    describe("directories", () => {
        const team = {
            "mesh/team/b.yml": "namespaces: { b: {} }\n",
            "mesh/team/a.yaml": "namespaces: { a: {} }\n",
            "mesh/team/10-c.yaml": "namespaces: { c: {} }\n",
            "mesh/team/README.md": "not: [yaml\n",
            "mesh/team/sub/d.yaml": "namespaces: { d: {} }\n",
        };

        it("reads every *.yaml and *.yml file of a directory, by name in code-unit order, not its subdirectories", () =>
            assert.deepStrictEqual(Object.keys(merged(team, { include: ["mesh/team"] }).namespaces as object), ["c", "a", "b"]));

        it("reads a subdirectory named on its own", () =>
            assert.deepStrictEqual(Object.keys(merged(team, { include: ["mesh/team", "mesh/team/sub"] }).namespaces as object), ["c", "a", "b", "d"]));

        it("refuses a directory without YAML files", () =>
            assert.deepStrictEqual(refused({ "mesh/empty/README.md": "x" }, { include: ["mesh/empty"] }), {
                unreadable: false,
                lines: ['istio-mesh:include[0]: "mesh/empty" holds no *.yaml or *.yml file (subdirectories are not read)'],
            }));

        it("reports a dangling link among a directory's files as unreadable", () => {
            const dir = project({ "mesh/a.yaml": A });
            fs.symlinkSync(path.join(dir, "gone.yaml"), path.join(dir, "mesh/b.yaml"));
            assert.throws(
                () => resolveIncludes({ include: ["mesh"] }, { root: dir }),
                (err: unknown) => err instanceof IncludeError && err.unreadable && formatProblems(err.problems) === "mesh/b.yaml: cannot read: ENOENT",
            );
        });

        it("refuses a file included twice, by its directory and by name", () =>
            assert.deepStrictEqual(refused(team, { include: ["mesh/team", "mesh/team/a.yaml"] }), {
                unreadable: false,
                lines: ["istio-mesh:include[1]: mesh/team/a.yaml is already included by istio-mesh:include[0]: include each file once"],
            }));
    });

    describe("paths", () => {
        it("refuses a path that does not exist, as unreadable", () =>
            assert.deepStrictEqual(refused({}, { include: ["mesh/nope.yaml"] }), {
                unreadable: true,
                lines: ['istio-mesh:include[0]: "mesh/nope.yaml" does not exist (paths are relative to the project directory, where Pulumi.yaml is)'],
            }));

        it("refuses an absolute path", () =>
            assert.deepStrictEqual(refused({}, { include: ["/etc/mesh.yaml"] }).lines, [
                'istio-mesh:include[0]: must be a path inside the project directory, relative to it: deployments and CI check out only the repository (got "/etc/mesh.yaml")',
            ]));

        it("refuses a path leaving the project directory", () =>
            assert.deepStrictEqual(refused({}, { include: ["mesh/../../other"] }).lines, [
                'istio-mesh:include[0]: must be a path inside the project directory, relative to it: deployments and CI check out only the repository (got "mesh/../../other")',
            ]));

        it("refuses include that is not a list", () =>
            assert.deepStrictEqual(refused({}, { include: "mesh/dev" }).lines, [
                'istio-mesh:include: must be a list of paths relative to the project directory, e.g. [mesh/prod/namespaces] (got "mesh/dev")',
            ]));

        it("refuses an entry that is not a path", () =>
            assert.deepStrictEqual(refused({}, { include: [{ dir: "mesh" }] }).lines, [
                'istio-mesh:include[0]: must be a path relative to the project directory, e.g. mesh/prod/namespaces (got {"dir":"mesh"})',
            ]));

        it("shows paths under shownRoot", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "nope: {}\n" }, { include: ["mesh/a.yaml"] }, { shownRoot: "clusters/east" }).lines, [
                'clusters/east/mesh/a.yaml:1:1: unknown key "nope"; an included file holds only namespaces, routes, externalServices',
            ]));
    });

    describe("file problems", () => {
        it("names the file, line and column of a YAML syntax error, as unreadable", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "namespaces:\n  shop:\n    allow: [ { from: a }\n" }, { include: ["mesh/a.yaml"] }), {
                unreadable: true,
                lines: ["mesh/a.yaml:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]"],
            }));

        it("names the file, line and column of a duplicated key, as unreadable", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "namespaces:\n  shop: {}\n  shop: {}\n" }, { include: ["mesh/a.yaml"] }), {
                unreadable: true,
                lines: [`mesh/a.yaml:3:3: duplicate key "shop": a key may appear once in a map`],
            }));

        it("refuses a file of several YAML documents, as unreadable", () =>
            assert.deepStrictEqual(refused({ "a.yaml": "namespaces: { a: {} }\n---\nnamespaces: { b: {} }\n" }, { include: ["a.yaml"] }), {
                unreadable: true,
                lines: ["a.yaml:2:1: holds more than one YAML document (---): a file is one map"],
            }));

        it("refuses an unknown top-level key, naming the allowed ones", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "namespace:\n  shop: {}\n" }, { include: ["mesh/a.yaml"] }), {
                unreadable: false,
                lines: [
                    'mesh/a.yaml:1:1: unknown key "namespace"; did you mean "namespaces"? an included file holds only namespaces, routes, externalServices',
                ],
            }));

        it("refuses a stack-wide section in a file", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "mtls: STRICT\n" }, { include: ["mesh/a.yaml"] }).lines, [
                'mesh/a.yaml:1:1: unknown key "mtls"; an included file holds only namespaces, routes, externalServices',
            ]));

        it("refuses a section that is not a map", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "namespaces:\n  - shop\n" }, { include: ["mesh/a.yaml"] }).lines, [
                "mesh/a.yaml:2:3: namespaces must be a map of namespace name to settings, as under istio-mesh:namespaces (got a list)",
            ]));

        it("refuses a file that is not a map", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": "- shop\n" }, { include: ["mesh/a.yaml"] }).lines, [
                "mesh/a.yaml:1:1: an included file is a map with the keys namespaces, routes, externalServices (got a list)",
            ]));

        it("reports the problems of every file at once", () =>
            assert.deepStrictEqual(refused({ "a.yaml": "nope: 1\n", "b.yaml": "routes: []\n" }, { include: ["a.yaml", "b.yaml"] }).lines, [
                'a.yaml:1:1: unknown key "nope"; an included file holds only namespaces, routes, externalServices',
                "b.yaml:1:9: routes must be a map of route name to settings, as under istio-mesh:routes (got a list)",
            ]));
    });

    describe("names defined twice", () => {
        it("refuses a namespace in two files, naming both places", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": A, "mesh/b.yaml": "namespaces:\n  billing: {}\n  shop: {}\n" }, { include: ["mesh"] }), {
                unreadable: false,
                lines: ["mesh/b.yaml:3:3: istio-mesh:namespaces.shop is already defined in mesh/a.yaml:2:3: define each namespace in one place"],
            }));

        it("refuses a namespace in a file and in the stack config", () =>
            assert.deepStrictEqual(refused({ "mesh/a.yaml": A }, { include: ["mesh/a.yaml"], namespaces: { web: {} } }).lines, [
                "mesh/a.yaml:3:3: istio-mesh:namespaces.web is already defined in the stack config: define each namespace in one place",
            ]));

        it("names the stack file's place when the reader knows it", () =>
            assert.deepStrictEqual(
                refused({ "mesh/a.yaml": A }, { include: ["mesh/a.yaml"], namespaces: { web: {} } }, { stackPlace: () => "Pulumi.dev.yaml:17:5" }).lines,
                ["mesh/a.yaml:3:3: istio-mesh:namespaces.web is already defined in Pulumi.dev.yaml:17:5: define each namespace in one place"],
            ));

        it("refuses a route in two files", () =>
            assert.deepStrictEqual(
                refused({ "a.yaml": "routes: { shop: {} }\n", "b.yaml": "routes:\n  shop: {}\n" }, { include: ["a.yaml", "b.yaml"] }).lines,
                ["b.yaml:2:3: istio-mesh:routes.shop is already defined in a.yaml:1:11: define each route in one place"],
            ));

        it("refuses an external service in a file and in the stack config", () =>
            assert.deepStrictEqual(
                refused({ "a.yaml": "externalServices:\n  stripe: {}\n" }, { include: ["a.yaml"], externalServices: { stripe: {} } }).lines,
                ["a.yaml:2:3: istio-mesh:externalServices.stripe is already defined in the stack config: define each external service in one place"],
            ));

        it("allows one name in two sections", () =>
            assert.deepStrictEqual(Object.keys(merged({ "a.yaml": "namespaces: { shop: {} }\nroutes: { shop: {} }\n" }, { include: ["a.yaml"] })), [
                "namespaces",
                "routes",
            ]));
    });

    describe("validation problems of included entries", () => {
        it("names the file and line of the offending key", () =>
            assert.deepStrictEqual(
                problems({ "mesh/payments.yaml": "namespaces:\n  payments:\n    mtls: PERMISSIVE\n" }, { include: ["mesh/payments.yaml"] }),
                [
                    "mesh/payments.yaml:3: istio-mesh:namespaces.payments.mtls: PERMISSIVE accepts plaintext, so any pod can reach these workloads without an identity; " +
                        "it is for moving workloads into the mesh: write { mode: PERMISSIVE, migration: true } to say so, or use STRICT",
                ],
            ));

        it("follows list items to the offending line", () =>
            assert.deepStrictEqual(
                problems(
                    { "shop.yaml": "namespaces:\n  shop:\n    allow:\n      - { from: web }\n      - from: web\n        methods: [GET, get]\n" },
                    { include: ["shop.yaml"] },
                ),
                [
                    'shop.yaml:6: istio-mesh:namespaces.shop.allow[1].methods[1]: must be an HTTP method in capitals; did you mean GET? one of GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH (got "get")',
                ],
            ));

        it("follows a label key with dots in it", () =>
            assert.deepStrictEqual(
                problems(
                    { "shop.yaml": "namespaces:\n  shop:\n    labels:\n      team: a\n      app.kubernetes.io/part-of: bad value\n" },
                    { include: ["shop.yaml"] },
                ),
                [
                    "shop.yaml:5: istio-mesh:namespaces.shop.labels.app.kubernetes.io/part-of: must be a label value: letters, digits, '-', '_', '.', at most 63 characters (got \"bad value\")",
                ],
            ));

        it("points a missing key at the entry's own line", () =>
            assert.deepStrictEqual(problems({ "e.yaml": "externalServices:\n  payments:\n    ports: [{ number: 443 }]\n" }, { include: ["e.yaml"] }), [
                "e.yaml:2: istio-mesh:externalServices.payments.hosts: is required: the DNS names of the service, e.g. [api.example.com]",
            ]));

        it("names the file of an invalid entry name", () =>
            assert.deepStrictEqual(problems({ "a.yaml": "namespaces:\n  Shop_1: {}\n" }, { include: ["a.yaml"] }), [
                "a.yaml:2: istio-mesh:namespaces.Shop_1: is not a valid namespace name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
            ]));

        it("locates problems of the checks across sections", () =>
            assert.deepStrictEqual(
                problems({ "shop.yaml": "namespaces:\n  shop:\n    egress: [observability, api.stripe.com]\n" }, { include: ["shop.yaml"] }),
                [
                    'shop.yaml:3: istio-mesh:namespaces.shop.egress[1]: "api.stripe.com" is not a host of any externalServices entry: register it under istio-mesh:externalServices',
                ],
            ));

        it("names the later of two routes of different files claiming one path", () => {
            const route = (name: string) =>
                `routes:\n  ${name}:\n    namespace: shop\n    hosts: [shop.example.com]\n    paths: [{ prefix: /, service: web }]\n`;
            assert.deepStrictEqual(problems({ "a.yaml": route("one"), "b.yaml": route("two") }, { include: ["a.yaml", "b.yaml"] }), [
                "b.yaml:5: istio-mesh:routes.two.paths: prefix / on shop.example.com is already routed by routes.one through the external gateway: one of them would never be reached",
            ]);
        });

        it("leaves the problems of the stack's own entries as they are", () =>
            assert.deepStrictEqual(problems({ "a.yaml": A }, { include: ["a.yaml"], namespaces: { kube_x: {} } }), [
                "istio-mesh:namespaces.kube_x: is not a valid namespace name: must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
            ]));
    });
});
