import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile, SECRET_PLACEHOLDER } from "../../bin/config-check";
import { REPO_ROOT } from "../mocks";

/** Runs `npm run config:check` the way a user does, on a stack file with the given text. */
function check(text: string): { status: number | null; stdout: string; stderr: string; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-check-"));
    const file = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(file, text);
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/config-check.ts", file], {
        cwd: REPO_ROOT,
        encoding: "utf8",
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, file };
}

/** `text` begins with `prefix` (the failure shows both). */
function assertStartsWith(text: string, prefix: string): void {
    assert.strictEqual(text.slice(0, prefix.length), prefix);
}

describe("npm run config:check", function () {
    this.timeout(30000);

    it("exits 0 for a valid stack file", () => {
        const r = check("config:\n  istio-mesh:controlPlane:\n    replicas: 2\n");
        assert.deepStrictEqual([r.status, r.stdout], [0, `${r.file}: valid\n`]);
    });

    it("exits 1 with one line per problem, at the line of the key it names", () => {
        const r = check("config:\n  istio-mesh:controlPlane:\n    replicas: two\n  istio-mesh:outboundTraffic: DENY\n");
        assert.deepStrictEqual(
            [r.status, r.stdout],
            [
                1,
                `${r.file}:3: istio-mesh:controlPlane.replicas: must be an integer >= 1 (got "two")\n` +
                    `${r.file}:4: istio-mesh:outboundTraffic: must be one of ALLOW_ANY, REGISTRY_ONLY (got "DENY")\n`,
            ],
        );
    });

    it("names the line of a list item a problem's key path reaches", () => {
        const r = check("config:\n  istio-mesh:namespaces:\n    shop:\n      allow:\n        - from: web\n        - from: 42\n");
        assertStartsWith(r.stdout, `${r.file}:6: istio-mesh:namespaces.shop.allow[1].from: `);
    });

    it("names the line of the deepest key found when the problem is a missing key", () => {
        const r = check("config:\n  istio-mesh:outboundTraffic: ALLOW_ANY\n  istio-mesh:certificates:\n    acme: {}\n");
        assertStartsWith(r.stdout, `${r.file}:4: istio-mesh:certificates.acme.email: `);
    });

    it("exits 2 naming the line of a YAML syntax error", () => {
        const r = check("config:\n  istio-mesh:istio:\n    version: [1.30.3\n");
        assert.strictEqual(r.status, 2);
        assertStartsWith(r.stderr, `${r.file}:4:1: `);
    });

    it("exits 2 naming the line of a duplicated key", () => {
        const r = check("config:\n  istio-mesh:outboundTraffic: ALLOW_ANY\n  istio-mesh:outboundTraffic: REGISTRY_ONLY\n");
        assert.strictEqual(r.status, 2);
        assert.match(r.stderr, /Pulumi\.test\.yaml:3:3: Map keys must be unique/);
    });

    it("exits 2 for a file that does not exist", () => {
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/config-check.ts", "Pulumi.nope.yaml"], {
            cwd: REPO_ROOT,
            encoding: "utf8",
        });
        assert.deepStrictEqual([run.status, run.stderr], [2, "Pulumi.nope.yaml: cannot read: ENOENT\n"]);
    });

    it("exits 2 when config is not a map", () => {
        const r = check("config: [a, b]\n");
        assert.deepStrictEqual([r.status, r.stderr], [2, `${r.file}:1: a stack file is a map with a "config:" map of key: value\n`]);
    });

    it("accepts encrypted values without decrypting them", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-check-"));
        const file = path.join(dir, "Pulumi.s.yaml");
        fs.writeFileSync(file, "config:\n  istio-mesh:istio:\n    hub:\n      secure: v1:abc\n  aws:region: x\n");
        assert.deepStrictEqual(readStackFile(file), { istio: { hub: SECRET_PLACEHOLDER } });
    });

    for (const stack of ["dev", "prod", "local", "upgrade"]) {
        it(`passes the project's own ${stack} stack`, () => {
            const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/config-check.ts", `Pulumi.${stack}.yaml`], {
                cwd: REPO_ROOT,
                encoding: "utf8",
            });
            assert.deepStrictEqual([run.status, run.stdout], [0, `Pulumi.${stack}.yaml: valid\n`]);
        });
    }
});
