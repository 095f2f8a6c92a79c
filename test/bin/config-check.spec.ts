import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile, SECRET_PLACEHOLDER } from "../../bin/config-check";
import { REPO_ROOT } from "../mocks";
import { chartsOf, stackFileHere } from "../shared";

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

    it("exits 2 naming the line of a YAML syntax error in one sentence, without a dangling colon", () => {
        const r = check("config:\n  istio-mesh:istio: {version: 1.30.3\n  istio-mesh:mtls: STRICT\n");
        assert.deepStrictEqual([r.status, r.stderr.split("\n").length, r.stderr.trimEnd().endsWith(":")], [2, 2, false]);
    });

    it("exits 2 naming the line and the key of a duplicated key", () => {
        const r = check("config:\n  istio-mesh:outboundTraffic: ALLOW_ANY\n  istio-mesh:outboundTraffic: REGISTRY_ONLY\n");
        assert.deepStrictEqual([r.status, r.stderr], [2, `${r.file}:3:3: duplicate key "istio-mesh:outboundTraffic": a key may appear once in a map\n`]);
    });

    it("exits 1 for a chartDir that does not exist", () => {
        const r = check("config:\n  istio-mesh:istio:\n    chartDir: no-such-charts\n");
        const base = path.join(path.dirname(r.file), "no-such-charts", "base", "Chart.yaml");
        assert.deepStrictEqual(
            [r.status, r.stdout.split("\n")[0]],
            [1, `${r.file}:3: istio-mesh:istio.chartDir: ${base} does not exist: the directory must hold Istio's charts as base, istiod, gateway, cni`],
        );
    });

    it("exits 1 for a version that differs from the chart directory's Chart.yaml", () => {
        const charts = chartsOf("1.30.3");
        const r = check(`config:\n  istio-mesh:istio:\n    version: 1.29.6\n    chartDir: ${charts}\n`);
        assert.deepStrictEqual(
            [r.status, r.stdout.split("\n")[0]],
            [
                1,
                `${r.file}:4: istio-mesh:istio.chartDir: ${path.join(charts, "base", "Chart.yaml")} is chart version 1.30.3, but istio.version is 1.29.6: point chartDir at the 1.29.6 charts or change istio.version`,
            ],
        );
    });

    it("exits 1 for a secret key written in plain text, naming the command that encrypts it", () => {
        const r = check("config:\n  istio-mesh:kialiOidcClientSecret: hunter2\n");
        assert.deepStrictEqual(
            [r.status, r.stdout],
            [
                1,
                `${r.file}:2: istio-mesh:kialiOidcClientSecret: is a secret but is stored in plain text: set it encrypted with pulumi config set --secret istio-mesh:kialiOidcClientSecret <value> (and remove the plain value from the stack file and its Git history)\n`,
            ],
        );
    });

    it("accepts a secret key stored encrypted", () => {
        const r = check("config:\n  istio-mesh:kialiOidcClientSecret:\n    secure: v1:abc\n");
        assert.deepStrictEqual([r.status, r.stdout], [0, `${r.file}: valid\n`]);
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

    it("lists the secrets prod's file lacks on stderr, and still calls it valid", () => {
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/config-check.ts", "Pulumi.prod.yaml"], {
            cwd: REPO_ROOT,
            encoding: "utf8",
        });
        assert.deepStrictEqual(
            [
                run.status,
                run.stderr
                    .split("\n")
                    .map((l) => /^(Pulumi\.prod\.yaml: needs secret istio-mesh:\w+) before pulumi preview: /.exec(l)?.[1])
                    .filter(Boolean),
            ],
            [0, ["Pulumi.prod.yaml: needs secret istio-mesh:kialiOidcClientSecret", "Pulumi.prod.yaml: needs secret istio-mesh:registryPullSecret"]],
        );
    });

    for (const stack of ["dev", "prod", "local", "local-ca", "upgrade"]) {
        it(`passes the project's own ${stack} stack`, () => {
            // The file itself, or a copy naming the charts where ISTIO_MESH_SHARED puts them.
            const here = stackFileHere(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
            const file = here === path.join(REPO_ROOT, `Pulumi.${stack}.yaml`) ? `Pulumi.${stack}.yaml` : here;
            const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bin/config-check.ts", file], {
                cwd: REPO_ROOT,
                encoding: "utf8",
            });
            assert.deepStrictEqual([run.status, run.stdout], [0, `${file}: valid\n`]);
        });
    }
});
